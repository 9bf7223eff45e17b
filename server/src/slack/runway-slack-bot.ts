import type { DigestScheduler } from '../../../bot/src/bot-services';
import { createSlackBot, type SlackBot } from '../../../bot/src/slack-bot';
import type { SlackCredentials } from '../../../bot/src/slack-setup';
import type { Runway } from '../runway';
import { createBotServices } from './slack-bot-services';
import { SlackRequestStore } from './slack-request-store';

export interface RunwaySlackBotOptions {
  /** The console's public base URL for links in messages (RUNWAY_URL, else the server's URL). */
  consoleBaseUrl: () => string;
  maxBodyBytes: number;
  log: (line: string) => void;
  /** The digest schedules service, once the digests side is wired in. */
  digests?: DigestScheduler | null;
}

/** The Slack bot over this server's Runway: its services, and its request record in SQLite. */
export function createRunwaySlackBot(
  runway: Runway,
  credentials: SlackCredentials,
  options: RunwaySlackBotOptions,
): SlackBot {
  return createSlackBot({
    credentials,
    services: createBotServices(runway, { digests: options.digests ?? null }),
    dedupe: new SlackRequestStore(runway.db, runway.clock),
    consoleBaseUrl: options.consoleBaseUrl,
    log: options.log,
    bodyLimitBytes: options.maxBodyBytes,
  });
}
