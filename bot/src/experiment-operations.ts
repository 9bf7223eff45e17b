// The changes people make from Slack, shared by slash commands and buttons: check the role (so
// the refusal comes before anything else), read the version to act on, call the service as the
// linked Runway user, and say what happened. A button's version is the one its message showed,
// so a click on a message that is out of date is refused rather than applied to a newer state.

import { RunwayError } from '../../shared/src/errors';
import type { BotContext, Reply } from './bot-context';
import { ephemeral, inChannel } from './bot-context';
import type { BotActor } from './bot-services';
import { blastRadiusMessage, plainMessage, transitionMessage } from './experiment-messages';
import { escapeMrkdwn } from './block-kit';
import { checkRole, describeFailure, ROLE_NEEDED } from './failure-replies';
import { blastRadiusFingerprint } from './slack-actions';

export interface ExperimentTarget {
  actor: BotActor;
  key: string;
  /** The version a button's message showed; null for a command (act on the current one). */
  version: number | null;
}

/**
 * Reasons recorded when none was typed: a button has no text box, and `approve KEY` takes an
 * optional one (the audit log needs a reason either way).
 */
export const DEFAULT_REASONS = {
  pause: 'paused with the Pause button in Slack',
  rollback: 'rolled back with the Roll back button in Slack',
  approve: 'approved in Slack',
} as const;

/** A failed read or change as an ephemeral answer; Runway's own failures are logged too. */
export function failed(ctx: BotContext, error: unknown, actor: BotActor, doing: string): Reply {
  const failure = describeFailure(error, actor, doing);
  if (failure.internal) ctx.log.error(`slack: ${actor.name} could not ${doing}`, error);
  return ephemeral(plainMessage(failure.text));
}

/** The version to act on; a button's stale version is a conflict, reported as the service would. */
function versionToActOn(ctx: BotContext, target: ExperimentTarget): number {
  const current = ctx.services.get(target.key, target.actor);
  if (target.version !== null && target.version !== current.version) {
    throw new RunwayError(
      'VERSION_CONFLICT',
      `${target.key} changed since version ${target.version} (now version ${current.version}, ${current.state})`,
      {
        details: {
          key: target.key,
          expectedVersion: target.version,
          currentVersion: current.version,
        },
      },
    );
  }
  return current.version;
}

export function pauseExperiment(ctx: BotContext, target: ExperimentTarget, reason: string): Reply {
  const doing = `pause ${target.key}`;
  const denied = checkRole(target.actor, ROLE_NEEDED.pause, doing);
  if (denied) return ephemeral(plainMessage(denied));
  try {
    const version = versionToActOn(ctx, target);
    const result = ctx.services.pause(target.key, version, reason, target.actor);
    return inChannel(transitionMessage('paused', target.key, target.actor.name, result, reason));
  } catch (error) {
    return failed(ctx, error, target.actor, doing);
  }
}

export function resumeExperiment(
  ctx: BotContext,
  target: ExperimentTarget,
  reason: string | null,
): Reply {
  const doing = `resume ${target.key}`;
  const denied = checkRole(target.actor, ROLE_NEEDED.resume, doing);
  if (denied) return ephemeral(plainMessage(denied));
  try {
    const version = versionToActOn(ctx, target);
    const result = ctx.services.resume(target.key, version, reason, target.actor);
    return inChannel(transitionMessage('resumed', target.key, target.actor.name, result, reason));
  } catch (error) {
    return failed(ctx, error, target.actor, doing);
  }
}

export function approveExperiment(
  ctx: BotContext,
  target: ExperimentTarget,
  reason: string | null,
): Reply {
  const doing = `approve ${target.key}`;
  const denied = checkRole(target.actor, ROLE_NEEDED.approve, doing);
  if (denied) return ephemeral(plainMessage(denied));
  const recorded = reason ?? DEFAULT_REASONS.approve;
  try {
    const version = versionToActOn(ctx, target);
    const result = ctx.services.approve(target.key, version, recorded, target.actor);
    return inChannel(
      transitionMessage('approved', target.key, target.actor.name, result, recorded),
    );
  } catch (error) {
    return failed(ctx, error, target.actor, doing);
  }
}

/**
 * Rolls back at once when only the target goes down. When the cascade reaches other experiments
 * it answers with the blast radius and a confirm button instead; the confirm click (with the
 * fingerprint of what it showed) acts, unless the blast radius has changed since.
 */
export function rollbackExperiment(
  ctx: BotContext,
  target: ExperimentTarget,
  reason: string,
  confirmation: { radius: string | undefined; typedReason: boolean } | null,
): Reply {
  const doing = `roll back ${target.key}`;
  const denied = checkRole(target.actor, ROLE_NEEDED.rollback, doing);
  if (denied) return ephemeral(plainMessage(denied));
  try {
    const version = versionToActOn(ctx, target);
    const radius = ctx.services.blastRadius(target.key, target.actor);
    const cascades = radius.some((entry) => entry.key !== target.key);
    const fingerprint = blastRadiusFingerprint(radius.map((entry) => entry.key));
    if (cascades && confirmation?.radius !== fingerprint) {
      const shownReason = confirmation ? (confirmation.typedReason ? reason : undefined) : reason;
      return ephemeral(
        blastRadiusMessage(
          { key: target.key, version },
          radius,
          shownReason,
          confirmation !== null,
        ),
      );
    }
    const result = ctx.services.rollback(target.key, version, reason, target.actor);
    return inChannel(
      transitionMessage('rolled back', target.key, target.actor.name, result, reason),
    );
  } catch (error) {
    return failed(ctx, error, target.actor, doing);
  }
}

export function acknowledgePage(ctx: BotContext, actor: BotActor, pageId: number): Reply {
  const doing = `acknowledge page ${pageId}`;
  const denied = checkRole(actor, ROLE_NEEDED.acknowledge, doing);
  if (denied) return ephemeral(plainMessage(denied));
  try {
    const before = ctx.services.now();
    const page = ctx.services.acknowledgePage(pageId, actor);
    const fresh = page.acknowledgedBy === actor.name && (page.acknowledgedAtMs ?? 0) >= before;
    if (!fresh) {
      const when = page.acknowledgedAtMs ? new Date(page.acknowledgedAtMs).toISOString() : '?';
      return ephemeral(
        plainMessage(
          `Page ${pageId} (\`${page.experimentKey}\`) was already acknowledged by *${page.acknowledgedBy ?? '?'}* at ${when}.`,
        ),
      );
    }
    return inChannel(
      plainMessage(
        `:white_check_mark: *${escapeMrkdwn(actor.name)}* acknowledged the page for \`${page.experimentKey}\`: ${escapeMrkdwn(page.summary)}`,
      ),
    );
  } catch (error) {
    return failed(ctx, error, actor, doing);
  }
}
