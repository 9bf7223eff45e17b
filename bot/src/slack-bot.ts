// The Slack bot inside the server (DESIGN §1, §6): Bolt's own HTTPReceiver verifies every request
// (v0 HMAC-SHA256 of the raw body with the signing secret, timestamp within 5 minutes, compared
// in constant time) and is mounted on the server's port at /slack/events through its
// requestListener, rather than listening on a port of its own.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { registerActions } from './actions/register-actions';
import type { BotContext, BotLog } from './bot-context';
import type { BotServices } from './bot-services';
import { registerCommands } from './commands/register-commands';
import { registerEvents } from './events/register-events';
import {
  dedupeMiddleware,
  REQUEST_KEY_PROPERTY,
  requestKeyOf,
  type RequestDedupe,
} from './request-dedupe';
import { SlackIdentity, type SlackDirectory } from './slack-identity';
import { SLACK_EVENTS_PATH, type SlackCredentials } from './slack-setup';

/** How long stop() lets listeners that are still running finish before the database closes. */
const STOP_GRACE_MS = 5_000;

export interface SlackBotOptions {
  credentials: SlackCredentials;
  services: BotServices;
  dedupe: RequestDedupe;
  /** The console's public base URL, for "Open in console" links. */
  consoleBaseUrl: () => string;
  /** Warnings (a rejected signature, a dropped retry); errors go to console.error. */
  log?: (line: string) => void;
  /** Largest request body accepted (Slack's are small). */
  bodyLimitBytes?: number;
}

export interface SlackBot {
  /** The server's handler for POST /slack/events. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** A Web API client with the bot token (and SLACK_API_URL when set). */
  client: WebClient;
  /** Refuses new requests and waits (briefly) for listeners still running. */
  stop(): Promise<void>;
}

function boltLogger(log: BotLog): Logger {
  let level = LogLevel.WARN;
  let name = 'slack';
  const text = (parts: unknown[]): string => parts.map((part) => String(part)).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...parts: unknown[]) => log.warn(`${name}: ${text(parts)}`),
    error: (...parts: unknown[]) => log.error(`${name}: ${text(parts)}`),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next) => {
      name = next;
    },
  };
}

export function createSlackBot(options: SlackBotOptions): SlackBot {
  const { credentials, services } = options;
  const log: BotLog = {
    warn: options.log ?? ((line) => console.warn(line)),
    error: (line, error) =>
      console.error(`runway: ${line}`, ...(error === undefined ? [] : [error])),
  };
  const logger = boltLogger(log);
  const clientOptions = {
    ...(credentials.apiUrl ? { slackApiUrl: credentials.apiUrl.replace(/\/*$/, '/') } : {}),
    logger,
    // A person is waiting on the answer: a few quick retries, not Slack's default half hour.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
  };
  const receiver = new HTTPReceiver({
    signingSecret: credentials.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    // Acknowledge at once; listeners work after the HTTP response has gone (Slack's 3 seconds).
    processBeforeResponse: false,
    logger,
    ...(options.bodyLimitBytes ? { bodyLimit: options.bodyLimitBytes } : {}),
    customPropertiesExtractor: (request) => ({
      [REQUEST_KEY_PROPERTY]: requestKeyOf(request.rawBody),
    }),
  });
  const app = new App({
    receiver,
    logger,
    clientOptions,
    // One workspace, one bot token: no OAuth installation store, and no auth.test round trip
    // before each request (ack must not wait on Slack).
    authorize: async () => ({ botToken: credentials.botToken }),
  });
  const client = new WebClient(credentials.botToken, clientOptions);
  const directory: SlackDirectory = {
    slackUserIdForEmail: async (email) => {
      try {
        const found = await client.users.lookupByEmail({ email });
        return found.user?.id ?? null;
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'users_not_found') return null;
        throw error;
      }
    },
  };
  const ctx: BotContext = {
    services,
    identity: new SlackIdentity(services, directory, () => services.now()),
    consoleBaseUrl: options.consoleBaseUrl,
    log,
  };

  // Listener work in flight, so stop() can let it finish before the database closes.
  const inFlight = new Set<Promise<void>>();
  app.use(async ({ next }) => {
    const work = next();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  });
  app.use(dedupeMiddleware(options.dedupe, log));
  registerCommands(app, ctx);
  registerActions(app, ctx);
  registerEvents(app, ctx);
  app.error(async (error) => {
    log.error('slack: a listener failed', error);
  });

  let stopping = false;
  return {
    client,
    handle: (request, response) => {
      if (stopping) {
        response.writeHead(503, { 'retry-after': '5' }).end();
        return;
      }
      try {
        receiver.requestListener(request, response);
      } catch {
        // Bolt routes only POSTs to the endpoint; anything else is refused the way Bolt would.
        response.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            error: { code: 'METHOD_NOT_ALLOWED', message: `Slack POSTs to ${SLACK_EVENTS_PATH}` },
          }),
        );
      }
    },
    stop: async () => {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS);
        timer.unref();
      });
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(timer);
    },
  };
}
