// Who a Slack user is in Runway. A stored link (users.slack_user_id) answers at once; otherwise
// each Runway user with an email and no link is looked up in Slack (users.lookupByEmail), and a
// match is stored as a link (audited, by runway:slack) so the next request needs no lookup.

import { RunwayError } from '../../shared/src/errors';
import type { BotActor, BotServices, SlackLinkedUser } from './bot-services';

/** The one Slack Web API question identity needs; null when Slack knows no user by that email. */
export interface SlackDirectory {
  slackUserIdForEmail(email: string): Promise<string | null>;
}

export type IdentityResult =
  { ok: true; actor: BotActor; user: SlackLinkedUser } | { ok: false; refusal: string };

/** Lookups are remembered this long, so an unlinked user's every command is not N API calls. */
const LOOKUP_TTL_MS = 10 * 60_000;
/** Bounds the lookups one request may make (Slack rate-limits users.lookupByEmail). */
const MAX_LOOKUPS = 50;

export class SlackIdentity {
  private readonly lookups = new Map<string, { slackUserId: string | null; expiresAtMs: number }>();
  private readonly pending = new Map<string, Promise<IdentityResult>>();

  constructor(
    private readonly services: Pick<
      BotServices,
      'userBySlackId' | 'unlinkedUsersWithEmail' | 'linkSlackUser'
    >,
    private readonly directory: SlackDirectory,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Concurrent requests of one Slack user share one resolution (and link at most once). */
  resolve(slackUserId: string): Promise<IdentityResult> {
    const running = this.pending.get(slackUserId);
    if (running) return running;
    const resolution = this.resolveOnce(slackUserId).finally(() =>
      this.pending.delete(slackUserId),
    );
    this.pending.set(slackUserId, resolution);
    return resolution;
  }

  private async resolveOnce(slackUserId: string): Promise<IdentityResult> {
    const linked = this.services.userBySlackId(slackUserId);
    if (linked) return withRole(linked, slackUserId);
    let found: SlackLinkedUser | null;
    try {
      found = await this.findByEmail(slackUserId);
    } catch (error) {
      return {
        ok: false,
        refusal: `Your Slack account is not linked to a Runway user, and I could not look it up by email in Slack (${errorText(error)}). Ask a Runway admin to link you: \`runway user link YOUR_RUNWAY_NAME --slack ${slackUserId}\``,
      };
    }
    if (!found) {
      return {
        ok: false,
        refusal: `Your Slack account is not linked to a Runway user, so I cannot act for you. Ask a Runway admin to link you: \`runway user link YOUR_RUNWAY_NAME --slack ${slackUserId}\` (or to give your Runway user the email address your Slack profile has).`,
      };
    }
    return withRole(found, slackUserId);
  }

  private async findByEmail(slackUserId: string): Promise<SlackLinkedUser | null> {
    const candidates = this.services.unlinkedUsersWithEmail().slice(0, MAX_LOOKUPS);
    for (const candidate of candidates) {
      if (!candidate.email) continue;
      if ((await this.lookup(candidate.email)) !== slackUserId) continue;
      try {
        return this.services.linkSlackUser(candidate.name, slackUserId);
      } catch (error) {
        // Someone linked this Slack user meanwhile (the CLI, a concurrent request): use that.
        if (error instanceof RunwayError && error.code === 'KEY_EXISTS')
          return this.services.userBySlackId(slackUserId);
        throw error;
      }
    }
    return null;
  }

  private async lookup(email: string): Promise<string | null> {
    const key = email.toLowerCase();
    const cached = this.lookups.get(key);
    if (cached && cached.expiresAtMs > this.nowMs()) return cached.slackUserId;
    const slackUserId = await this.directory.slackUserIdForEmail(email);
    this.lookups.set(key, { slackUserId, expiresAtMs: this.nowMs() + LOOKUP_TTL_MS });
    return slackUserId;
  }
}

function withRole(user: SlackLinkedUser, slackUserId: string): IdentityResult {
  if (!user.role) {
    return {
      ok: false,
      refusal: `Your Slack account (${slackUserId}) is linked to the Runway user *${user.name}*, but ${user.name} has no active API token and so no role. Ask a Runway admin for one: \`runway token create --name ${user.name} --role viewer\` (or operator / release-manager).`,
    };
  }
  return { ok: true, user, actor: { userId: user.userId, name: user.name, role: user.role } };
}

function errorText(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  if (data && typeof data.error === 'string') return data.error;
  return error instanceof Error ? error.message : String(error);
}
