import { LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../../bot/src/delivery/slack-format';
import type { Clock } from '../clock';

export interface SlackGatewayOptions {
  token: string;
  /** Slack's Web API base (…/api/); null for Slack's own. */
  apiUrl: string | null;
  /** Per call; a call that times out is retried by the outbox like any transient failure. */
  timeoutMs?: number;
}

/** How long a users.lookupByEmail answer is trusted (a miss for less: the person may join). */
const USER_TTL_MS = 60 * 60_000;
const MISSING_USER_TTL_MS = 10 * 60_000;

/** Slack refuses these for the blocks' sake; the page still goes out as plain text. */
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long']);

/**
 * The Slack Web API calls delivery makes. Retries are off in the client and rate-limited calls
 * are rejected, so every failure reaches the outbox, whose persisted schedule is the one retry
 * policy (and Retry-After is honoured there).
 */
export class SlackGateway {
  private readonly client: WebClient;
  private readonly users = new Map<string, { id: string | null; atMs: number }>();
  private readonly dms = new Map<string, string>();

  constructor(
    options: SlackGatewayOptions,
    private readonly clock: Clock,
  ) {
    this.client = new WebClient(options.token, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
      logLevel: LogLevel.ERROR,
    });
  }

  /** Posts and answers the conversation ID and ts that chat.update needs later. */
  async post(
    channel: string,
    message: SlackMessage,
    metadata: { eventType: string; payload: Record<string, string | number> },
  ): Promise<{ channel: string; ts: string }> {
    const args = {
      channel,
      text: message.text,
      // The metadata names what the message is about, so a person (or a later reconciliation
      // reading conversations.history) can tell Runway's posts apart.
      metadata: { event_type: metadata.eventType, event_payload: metadata.payload },
      unfurl_links: false,
    };
    try {
      const answer = await this.client.chat.postMessage({ ...args, blocks: message.blocks });
      return { channel: answer.channel ?? channel, ts: answer.ts! };
    } catch (error) {
      if (!(error instanceof WebAPIPlatformError) || !BLOCK_ERRORS.has(error.data.error))
        throw error;
      // Slack answered with an error, so nothing was posted: sending the text alone is not a repeat.
      const answer = await this.client.chat.postMessage(args);
      return { channel: answer.channel ?? channel, ts: answer.ts! };
    }
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.client.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
  }

  /** The DM conversation with a user (conversations.open answers the same one every time). */
  async openDm(userId: string): Promise<string> {
    const known = this.dms.get(userId);
    if (known) return known;
    const answer = await this.client.conversations.open({ users: userId });
    const id = answer.channel?.id;
    if (!id) throw new Error(`conversations.open answered no channel for ${userId}`);
    this.dms.set(userId, id);
    return id;
  }

  /** The Slack user with this email; null when Slack knows none (users_not_found). */
  async userIdByEmail(email: string): Promise<string | null> {
    const key = email.toLowerCase();
    const cached = this.users.get(key);
    const now = this.clock.now();
    if (cached && now - cached.atMs < (cached.id ? USER_TTL_MS : MISSING_USER_TTL_MS)) {
      return cached.id;
    }
    try {
      const answer = await this.client.users.lookupByEmail({ email });
      const id = answer.user?.id ?? null;
      this.users.set(key, { id, atMs: now });
      return id;
    } catch (error) {
      if (error instanceof WebAPIPlatformError && error.data.error === 'users_not_found') {
        this.users.set(key, { id: null, atMs: now });
        return null;
      }
      throw error;
    }
  }
}
