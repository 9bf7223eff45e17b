// The read-only commands: list, status and why. Answers are ephemeral: they are for the asker.

import { ephemeral, type BotContext, type Reply } from '../bot-context';
import type { BotActor } from '../bot-services';
import { OPEN_STATES, type RunwayCommand } from '../command-parser';
import { LIST_LIMIT, listMessage, statusMessage, whyMessage } from '../experiment-messages';
import { failed } from '../experiment-operations';

export function listReply(
  ctx: BotContext,
  actor: BotActor,
  command: Extract<RunwayCommand, { kind: 'list' }>,
): Reply {
  try {
    const { total, views } = ctx.services.list(
      { states: command.states ?? OPEN_STATES },
      LIST_LIMIT,
      actor,
    );
    return ephemeral(listMessage(views, total, command.label));
  } catch (error) {
    return failed(ctx, error, actor, 'list experiments');
  }
}

export function statusReply(ctx: BotContext, actor: BotActor, key: string): Reply {
  try {
    return ephemeral(statusMessage(ctx.services.get(key, actor), ctx.consoleBaseUrl()));
  } catch (error) {
    return failed(ctx, error, actor, `show ${key}`);
  }
}

export function whyReply(ctx: BotContext, actor: BotActor, key: string): Reply {
  try {
    return ephemeral(whyMessage(ctx.services.get(key, actor)));
  } catch (error) {
    return failed(ctx, error, actor, `explain ${key}`);
  }
}
