// What every listener gets, and how an answer reaches the person: through the request's
// response_url (respond) when it has one, else as an ephemeral message from the Web API.

import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { BotServices } from './bot-services';
import type { SlackMessage } from './experiment-messages';
import type { SlackIdentity } from './slack-identity';

export interface BotLog {
  warn(line: string): void;
  error(line: string, error?: unknown): void;
}

export interface BotContext {
  services: BotServices;
  identity: SlackIdentity;
  /** Where the console is for people clicking "Open in console" (RUNWAY_URL or the server URL). */
  consoleBaseUrl(): string;
  log: BotLog;
}

/**
 * An answer: ephemeral for refusals, errors, reads and confirmations only the asker needs;
 * in_channel for changes the channel should see (pause, rollback, approve, freeze).
 */
export interface Reply {
  message: SlackMessage;
  visibility: 'ephemeral' | 'in_channel';
}

export const ephemeral = (message: SlackMessage): Reply => ({ message, visibility: 'ephemeral' });
export const inChannel = (message: SlackMessage): Reply => ({ message, visibility: 'in_channel' });

export interface ReplyTarget {
  respond: RespondFn | undefined;
  client: WebClient;
  channelId: string | undefined;
  userId: string;
}

/** Never throws: a reply that cannot be delivered is logged (the action itself already ran). */
export async function deliver(target: ReplyTarget, reply: Reply, log: BotLog): Promise<void> {
  const { text, blocks } = reply.message;
  try {
    if (target.respond) {
      await target.respond({
        response_type: reply.visibility,
        // A button's answer is a new message; the message holding the button stays as it was.
        replace_original: false,
        text,
        blocks,
      });
      return;
    }
    if (!target.channelId) {
      log.warn(`slack: no response_url or channel to answer ${target.userId}: ${text}`);
      return;
    }
    if (reply.visibility === 'in_channel')
      await target.client.chat.postMessage({ channel: target.channelId, text, blocks });
    else
      await target.client.chat.postEphemeral({
        channel: target.channelId,
        user: target.userId,
        text,
        blocks,
      });
  } catch (error) {
    log.error(`slack: could not deliver the answer to ${target.userId} ("${text}")`, error);
  }
}
