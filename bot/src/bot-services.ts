// The narrow slice of Runway the Slack bot acts through. bot/ cannot import server/ (server
// references bot), so the server implements this interface over its own services
// (server/src/slack/slack-bot-services.ts) and hands it to the bot. Every method that reads or
// changes something takes the acting Runway user, so the services' own role checks and audit
// trail apply exactly as for the console and the CLI.

import type {
  BlastRadiusEntry,
  ExperimentDetail,
  ExperimentView,
  FreezeView,
  PageView,
  TransitionResult,
} from '../../shared/src/api-types';
import type { DigestScope } from '../../shared/src/api-schemas';
import type { ExperimentState } from '../../shared/src/lifecycle';
import type { Role } from '../../shared/src/roles';

/** Who acts: the Runway user a Slack user is linked to (structurally the server's Actor). */
export interface BotActor {
  readonly userId: number | null;
  readonly name: string;
  readonly role: Role;
}

/** A Runway user as identity resolution sees it. */
export interface SlackLinkedUser {
  userId: number;
  name: string;
  email: string | null;
  slackUserId: string | null;
  /** The highest role among the user's live API tokens; null when every token is revoked. */
  role: Role | null;
}

/**
 * Stores a digest schedule for a channel (built by the digests side; wired by the server).
 * `cron` is a five-field cron expression, `timeZone` an IANA zone such as Europe/Berlin, `scope`
 * one team's or service's experiments (null or absent: the whole fleet).
 */
export interface DigestScheduler {
  schedule(
    input: { channel: string; cron: string; timeZone: string; scope?: DigestScope | null },
    actor: BotActor,
  ): Promise<DigestScheduled> | DigestScheduled;
}

export interface DigestScheduled {
  nextRunAtMs: number | null;
  /** How many experiments (in any state) the scope covers now; null for the whole fleet. */
  experimentsInScope: number | null;
}

export interface BotServices {
  // ---- identity (no actor: resolving who acts comes first) ----
  userBySlackId(slackUserId: string): SlackLinkedUser | null;
  /** Users with an email and no Slack link yet: candidates for linking by users.lookupByEmail. */
  unlinkedUsersWithEmail(): SlackLinkedUser[];
  /** Links `name` to the Slack user, audited as `user.link` by `runway:slack`. */
  linkSlackUser(name: string, slackUserId: string): SlackLinkedUser;

  // ---- reads ----
  /**
   * Brings the scheduler's blocked reasons up to every committed change (of `keys`, or all), as
   * the API does before its reads; without it a read just after a change can miss a reason.
   */
  refreshBlockedReasons(keys?: readonly string[]): Promise<void>;
  /** The first `limit` experiments in queue order, and how many match in all. */
  list(
    filter: { states?: readonly ExperimentState[] },
    limit: number,
    actor: BotActor,
  ): { total: number; views: ExperimentView[] };
  get(key: string, actor: BotActor): ExperimentDetail;
  blastRadius(key: string, actor: BotActor): BlastRadiusEntry[];

  // ---- changes: each needs the version the caller read (a stale one is a VERSION_CONFLICT) ----
  pause(key: string, expectedVersion: number, reason: string, actor: BotActor): TransitionResult;
  resume(
    key: string,
    expectedVersion: number,
    reason: string | null,
    actor: BotActor,
  ): TransitionResult;
  rollback(key: string, expectedVersion: number, reason: string, actor: BotActor): TransitionResult;
  approve(key: string, expectedVersion: number, reason: string, actor: BotActor): TransitionResult;
  freeze(
    input: { service: string | null; untilMs: number; reason: string },
    actor: BotActor,
  ): FreezeView;
  unfreeze(input: { service: string | null }, actor: BotActor): FreezeView[];
  acknowledgePage(pageId: number, actor: BotActor): PageView;

  /** null until the digests side is wired in: the bot then says digests are not available. */
  digests: DigestScheduler | null;

  /** The server's clock (freeze times like "18:00" are read against it). */
  now(): number;
}
