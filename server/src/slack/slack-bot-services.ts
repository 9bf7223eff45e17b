import type { FreezeView } from '../../../shared/src/api-types';
import type { BotServices, DigestScheduler, SlackLinkedUser } from '../../../bot/src/bot-services';
import type { Actor } from '../actor';
import type { UserRecord } from '../auth/auth-store';
import type { FreezeRow } from '../policy/policy-store';
import type { Runway } from '../runway';
import type { Role } from '../../../shared/src/roles';

/** Who links a Slack user found by email: Runway itself, on the bot's behalf (audited). */
export const SLACK_LINK_ACTOR: Actor = { userId: null, name: 'runway:slack', role: 'admin' };

function toLinkedUser(user: UserRecord & { role: Role | null }): SlackLinkedUser {
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    slackUserId: user.slackUserId,
    role: user.role,
  };
}

function toFreezeView(row: FreezeRow): FreezeView {
  return {
    id: row.id,
    service: row.service,
    startsAtMs: row.startsAt,
    endsAtMs: row.endsAt,
    reason: row.reason,
    createdBy: row.createdBy,
  };
}

/**
 * The bot's narrow view of Runway (bot/src/bot-services.ts) over the same services the tRPC API
 * uses: every call carries the linked user's actor, so role checks, versions and the audit log
 * are the same as for the console and the CLI.
 */
export function createBotServices(
  runway: Runway,
  options: { digests?: DigestScheduler | null } = {},
): BotServices {
  const userBySlackId = (slackUserId: string): SlackLinkedUser | null => {
    const user = runway.auth.userBySlackId(slackUserId);
    return user ? toLinkedUser(user) : null;
  };
  return {
    userBySlackId,
    unlinkedUsersWithEmail: () => runway.auth.unlinkedUsersWithEmail().map(toLinkedUser),
    linkSlackUser: (name, slackUserId) => {
      runway.auth.linkUser({ name, slackUserId }, SLACK_LINK_ACTOR);
      return userBySlackId(slackUserId)!;
    },
    list: (filter, limit, actor) =>
      runway.experiments.listFirst(filter.states ? { states: filter.states } : {}, limit, actor),
    refreshBlockedReasons: (keys) => runway.gates.refresh(keys),
    get: (key, actor) => runway.experiments.get(key, actor),
    blastRadius: (key, actor) => runway.experiments.blastRadius(key, actor),
    pause: (key, version, reason, actor) => runway.experiments.pause(key, version, reason, actor),
    resume: (key, version, reason, actor) => runway.experiments.resume(key, version, reason, actor),
    rollback: (key, version, reason, actor) =>
      runway.experiments.rollback(key, version, reason, actor),
    approve: (key, version, reason, actor) =>
      runway.experiments.approve(key, version, reason, actor),
    freeze: (input, actor) => toFreezeView(runway.policy.freeze(input, actor)),
    unfreeze: (input, actor) =>
      runway.policy.unfreeze({ service: input.service }, actor).map(toFreezeView),
    acknowledgePage: (pageId, actor) => runway.pages.acknowledge(pageId, actor),
    digests: options.digests ?? null,
    now: () => runway.clock.now(),
  };
}
