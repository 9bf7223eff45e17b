import { createHmac } from 'node:crypto';

/** The signing secret the tests' Slack app is configured with. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-8f14e45fceea167a';

/**
 * Headers Slack sends with a request: v0 HMAC-SHA256 of `v0:timestamp:body` with the app's
 * signing secret (https://api.slack.com/authentication/verifying-requests-from-slack).
 */
export function slackSignatureHeaders(
  body: string,
  options: { secret?: string; timestampSec?: number; retryNum?: number; retryReason?: string } = {},
): Record<string, string> {
  const timestamp = String(options.timestampSec ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', options.secret ?? TEST_SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${signature}`,
    ...(options.retryNum !== undefined ? { 'x-slack-retry-num': String(options.retryNum) } : {}),
    ...(options.retryReason ? { 'x-slack-retry-reason': options.retryReason } : {}),
  };
}

export interface SlashCommand {
  command?: string;
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  teamId?: string;
  responseUrl?: string;
  triggerId?: string;
}

/** The form body Slack POSTs for a slash command. */
export function slashCommandBody(command: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: command.teamId ?? 'T0RUNWAY',
    team_domain: 'runway-test',
    channel_id: command.channelId ?? 'C0INCIDENT',
    channel_name: 'incident',
    user_id: command.userId,
    user_name: command.userName ?? command.userId.toLowerCase(),
    command: command.command ?? '/runway',
    text: command.text,
    api_app_id: 'A0RUNWAY',
    response_url: command.responseUrl ?? 'http://127.0.0.1:9/no-response-url',
    trigger_id: command.triggerId ?? `trigger-${Math.random().toString(36).slice(2)}`,
  }).toString();
}

/** The form body Slack POSTs for an interaction (a button click): `payload=<json>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a body to /slack/events signed as Slack signs it (or as told, to forge or age it). */
export async function postSlack(
  baseUrl: string,
  body: string,
  options: Parameters<typeof slackSignatureHeaders>[1] & { path?: string } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const response = await fetch(`${baseUrl}${options.path ?? '/slack/events'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...slackSignatureHeaders(body, options),
    },
    body,
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, text, json };
}
