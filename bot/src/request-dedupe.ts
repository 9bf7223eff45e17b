// Slack retries a request it thinks went unanswered (X-Slack-Retry-Num), and a retry carries the
// same body. Every request is recorded by a hash of its raw body before anything acts on it, in
// the database so that the record survives a restart: a body seen before is acknowledged and
// dropped, so a command or a click acts once. The body is unique per request (trigger_id,
// action_ts, event_id), so two real clicks never share a hash.
//
// This is at-most-once: a request that was recorded but whose work died with the process is
// not redone by its retry. For pause and rollback, acting twice is worse than asking again.

import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { BotLog } from './bot-context';

export interface RequestDedupe {
  /** Records the request; false when it was already recorded (a retry or a replay). */
  firstSeen(requestKey: string, kind: string): boolean;
}

/** The context property the receiver fills with the request's body hash. */
export const REQUEST_KEY_PROPERTY = 'runwayRequestKey';

export function requestKeyOf(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex');
}

function kindOf(body: Record<string, unknown>): string {
  if (typeof body['command'] === 'string') return 'command';
  if (typeof body['type'] === 'string') return String(body['type']);
  return 'unknown';
}

export function dedupeMiddleware(
  dedupe: RequestDedupe,
  log: BotLog,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const key = args.context[REQUEST_KEY_PROPERTY];
    const body = args.body as unknown as Record<string, unknown>;
    if (typeof key === 'string' && !dedupe.firstSeen(key, kindOf(body))) {
      const retry = args.context.retryNum !== undefined ? ` (retry ${args.context.retryNum})` : '';
      log.warn(`slack: ignored a repeated ${kindOf(body)} request${retry}: it was handled already`);
      // Events were acknowledged by Bolt already; commands and clicks are acknowledged here, so
      // Slack stops retrying.
      if ('ack' in args && typeof args.ack === 'function') await args.ack();
      return;
    }
    await args.next();
  };
}
