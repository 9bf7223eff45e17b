// freeze, unfreeze and digest: policy changes the channel should see, and the digest schedule.

import { inChannel, ephemeral, type BotContext, type Reply } from '../bot-context';
import type { BotActor } from '../bot-services';
import type { RunwayCommand } from '../command-parser';
import { escapeMrkdwn } from '../block-kit';
import { digestScopeLabel } from '../digests/digest-scope';
import { plainMessage } from '../experiment-messages';
import { failed } from '../experiment-operations';
import { checkRole, ROLE_NEEDED } from '../failure-replies';

function utc(atMs: number): string {
  return `${new Date(atMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function freezeReply(
  ctx: BotContext,
  actor: BotActor,
  command: Extract<RunwayCommand, { kind: 'freeze' }>,
): Reply {
  const scope = command.service ? `service ${command.service}` : 'every service';
  const doing = `freeze ${scope}`;
  const denied = checkRole(actor, ROLE_NEEDED.freeze, doing);
  if (denied) return ephemeral(plainMessage(denied));
  try {
    const freeze = ctx.services.freeze(
      { service: command.service, untilMs: command.untilMs, reason: command.reason },
      actor,
    );
    return inChannel(
      plainMessage(
        `:snowflake: *${escapeMrkdwn(actor.name)}* froze ${escapeMrkdwn(scope)} until ${utc(freeze.endsAtMs)}: no experiment starts or ramps. Reason: ${escapeMrkdwn(freeze.reason)}`,
      ),
    );
  } catch (error) {
    return failed(ctx, error, actor, doing);
  }
}

export function unfreezeReply(ctx: BotContext, actor: BotActor, service: string | null): Reply {
  const scope = service ? `service ${service}` : 'every service';
  const doing = `unfreeze ${scope}`;
  const denied = checkRole(actor, ROLE_NEEDED.unfreeze, doing);
  if (denied) return ephemeral(plainMessage(denied));
  try {
    const lifted = ctx.services.unfreeze({ service }, actor);
    return inChannel(
      plainMessage(
        `:sunny: *${escapeMrkdwn(actor.name)}* lifted ${lifted.length === 1 ? 'the freeze' : `${lifted.length} freezes`} on ${escapeMrkdwn(scope)}.`,
      ),
    );
  } catch (error) {
    return failed(ctx, error, actor, doing);
  }
}

/** The schedule in words; a cron in a code span, where mrkdwn leaves its `*` alone. */
function scheduleMrkdwn(command: Extract<RunwayCommand, { kind: 'digest' }>): string {
  if (command.description === `cron ${command.cron} (${command.timeZone})`)
    return `cron \`${command.cron}\` (${escapeMrkdwn(command.timeZone)})`;
  return escapeMrkdwn(command.description);
}

/**
 * Digests are built and sent by the digests side; until it is wired, say so plainly. A scope
 * naming a team or service with no experiments is accepted (freezes and team contacts accept
 * names before any experiment uses them too), and the confirmation says so.
 */
export async function digestReply(
  ctx: BotContext,
  actor: BotActor,
  command: Extract<RunwayCommand, { kind: 'digest' }>,
  channelId: string,
): Promise<Reply> {
  const digests = ctx.services.digests;
  if (!digests)
    return ephemeral(
      plainMessage('Digests are not available on this Runway server yet; nothing was scheduled.'),
    );
  const { scope } = command;
  try {
    const { nextRunAtMs, experimentsInScope } = await digests.schedule(
      { channel: channelId, cron: command.cron, timeZone: command.timeZone, scope },
      actor,
    );
    const of = scope ? ` of ${escapeMrkdwn(digestScopeLabel(scope))}` : '';
    const next = nextRunAtMs ? ` The next one is due ${utc(nextRunAtMs)}.` : '';
    const empty =
      scope && experimentsInScope === 0
        ? ` No experiments for ${escapeMrkdwn(digestScopeLabel(scope))} yet: the digest lists them once there are.`
        : '';
    return inChannel(
      plainMessage(
        `:calendar: *${escapeMrkdwn(actor.name)}* scheduled the Runway digest${of} for this channel: ${scheduleMrkdwn(command)}.${next}${empty}`,
      ),
    );
  } catch (error) {
    return failed(ctx, error, actor, 'schedule the digest');
  }
}
