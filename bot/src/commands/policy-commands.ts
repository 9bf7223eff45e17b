// freeze, unfreeze and digest: policy changes the channel should see, and the digest schedule.

import { inChannel, ephemeral, type BotContext, type Reply } from '../bot-context';
import type { BotActor } from '../bot-services';
import type { RunwayCommand } from '../command-parser';
import { escapeMrkdwn } from '../block-kit';
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

/** Digests are built and sent by the digests side; until it is wired, say so plainly. */
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
  try {
    const { nextRunAtMs } = await digests.schedule(
      channelId,
      command.cron,
      command.timeZone,
      actor,
    );
    const next = nextRunAtMs ? ` The next one is due ${utc(nextRunAtMs)}.` : '';
    return inChannel(
      plainMessage(
        `:calendar: *${escapeMrkdwn(actor.name)}* scheduled the Runway digest for this channel: ${escapeMrkdwn(command.description)}.${next}`,
      ),
    );
  } catch (error) {
    return failed(ctx, error, actor, 'schedule the digest');
  }
}
