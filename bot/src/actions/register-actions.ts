// Button clicks. Each handler acknowledges first, then re-authorises: the value only names the
// experiment (or page) and the version its message showed; who may act is decided here, from the
// clicking Slack user's Runway user and role, exactly as for a slash command.

import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { deliver, ephemeral, type BotContext, type Reply } from '../bot-context';
import type { BotActor } from '../bot-services';
import { plainMessage } from '../experiment-messages';
import {
  acknowledgePage,
  DEFAULT_REASONS,
  pauseExperiment,
  rollbackExperiment,
} from '../experiment-operations';
import { parseExperimentValue, parsePageValue, SLACK_ACTION_IDS } from '../slack-actions';

interface ClickArgs {
  ack: () => Promise<void>;
  body: BlockAction;
  action: ButtonAction;
  respond: RespondFn | undefined;
  client: WebClient;
}

const NOT_OURS =
  'This button is not one Runway understands (its value is missing or malformed); nothing was changed.';

/**
 * Wraps a click handler: ack, resolve the clicker, parse the button's value with `parse` (a value
 * it cannot parse is refused as not Runway's), then `act` on it; `act` returns the answer.
 */
function onClick<Value>(
  ctx: BotContext,
  parse: (raw: string | undefined) => Value | null,
  act: (actor: BotActor, value: Value) => Reply,
): (args: ClickArgs) => Promise<void> {
  return async ({ ack, body, action, respond, client }) => {
    await ack();
    const target = { respond, client, channelId: body.channel?.id, userId: body.user.id };
    const identity = await ctx.identity.resolve(body.user.id);
    if (!identity.ok) {
      await deliver(target, ephemeral(plainMessage(identity.refusal)), ctx.log);
      return;
    }
    let reply: Reply;
    try {
      const value = parse(action.value);
      reply = value === null ? ephemeral(plainMessage(NOT_OURS)) : act(identity.actor, value);
    } catch (error) {
      ctx.log.error(`slack: button ${action.action_id} failed`, error);
      reply = ephemeral(
        plainMessage(
          'Runway failed to do that; nothing was changed. Details are in the server log.',
        ),
      );
    }
    await deliver(target, reply, ctx.log);
  };
}

export function registerActions(app: App, ctx: BotContext): void {
  // A link button: Slack opens the console itself; the click only needs its acknowledgement.
  app.action(SLACK_ACTION_IDS.openConsole, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(
    SLACK_ACTION_IDS.pause,
    onClick(ctx, parseExperimentValue, (actor, value) => {
      return pauseExperiment(
        ctx,
        { actor, key: value.key, version: value.version },
        DEFAULT_REASONS.pause,
      );
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    SLACK_ACTION_IDS.rollback,
    onClick(ctx, parseExperimentValue, (actor, value) => {
      return rollbackExperiment(
        ctx,
        { actor, key: value.key, version: value.version },
        DEFAULT_REASONS.rollback,
        null,
      );
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    SLACK_ACTION_IDS.rollbackConfirm,
    onClick(ctx, parseExperimentValue, (actor, value) => {
      return rollbackExperiment(
        ctx,
        { actor, key: value.key, version: value.version },
        value.reason ?? DEFAULT_REASONS.rollback,
        { radius: value.radius, typedReason: value.reason !== undefined },
      );
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    SLACK_ACTION_IDS.pageAck,
    onClick(ctx, parsePageValue, (actor, value) => {
      return acknowledgePage(ctx, actor, value.pageId);
    }),
  );
}
