// The `/runway` slash command: acknowledge at once (Slack allows 3 seconds), then parse, resolve
// who is asking, act, and answer through the response_url.

import type { App } from '@slack/bolt';
import { deliver, ephemeral, type BotContext, type Reply } from '../bot-context';
import { parseRunwayCommand, type RunwayCommand } from '../command-parser';
import { helpMessage, plainMessage, usageMessage } from '../experiment-messages';
import type { BotActor } from '../bot-services';
import { assertNever } from '../../../shared/src/lifecycle';
import {
  approveExperiment,
  pauseExperiment,
  resumeExperiment,
  rollbackExperiment,
} from '../experiment-operations';
import { digestReply, freezeReply, unfreezeReply } from './policy-commands';
import { listReply, statusReply, whyReply } from './read-commands';
import { RUNWAY_COMMAND } from './runway-command-name';

export function registerCommands(app: App, ctx: BotContext): void {
  app.command(RUNWAY_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const target = {
      respond,
      client,
      channelId: command.channel_id,
      userId: command.user_id,
    };
    const parsed = parseRunwayCommand(command.text ?? '', ctx.services.now());
    // Help and usage need no identity: anyone may learn how to ask.
    if (!parsed.ok) {
      await deliver(target, ephemeral(usageMessage(parsed.problem, parsed.name)), ctx.log);
      return;
    }
    if (parsed.command.kind === 'help') {
      await deliver(target, ephemeral(helpMessage()), ctx.log);
      return;
    }
    const identity = await ctx.identity.resolve(command.user_id);
    if (!identity.ok) {
      await deliver(target, ephemeral(plainMessage(identity.refusal)), ctx.log);
      return;
    }
    let reply: Reply;
    try {
      reply = await runCommand(ctx, parsed.command, identity.actor, command.channel_id);
    } catch (error) {
      ctx.log.error(`slack: /runway ${command.text} failed`, error);
      reply = ephemeral(
        plainMessage(
          'Runway failed to do that; nothing was changed. Details are in the server log.',
        ),
      );
    }
    await deliver(target, reply, ctx.log);
  });
}

async function runCommand(
  ctx: BotContext,
  command: Exclude<RunwayCommand, { kind: 'help' }>,
  actor: BotActor,
  channelId: string,
): Promise<Reply> {
  switch (command.kind) {
    case 'list':
      await ctx.services.refreshBlockedReasons();
      return listReply(ctx, actor, command);
    case 'status':
      await ctx.services.refreshBlockedReasons([command.key]);
      return statusReply(ctx, actor, command.key);
    case 'why':
      await ctx.services.refreshBlockedReasons([command.key]);
      return whyReply(ctx, actor, command.key);
    case 'pause':
      return pauseExperiment(ctx, { actor, key: command.key, version: null }, command.reason);
    case 'resume':
      return resumeExperiment(ctx, { actor, key: command.key, version: null }, command.reason);
    case 'rollback':
      return rollbackExperiment(
        ctx,
        { actor, key: command.key, version: null },
        command.reason,
        null,
      );
    case 'approve':
      return approveExperiment(ctx, { actor, key: command.key, version: null }, command.reason);
    case 'freeze':
      return freezeReply(ctx, actor, command);
    case 'unfreeze':
      return unfreezeReply(ctx, actor, command.service);
    case 'digest':
      return digestReply(ctx, actor, command, channelId);
    default:
      return assertNever(command, 'command');
  }
}
