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
 * Wraps a click handler: ack, resolve the clicker, then `act` with the button's raw value.
 * `act` returns the answer; it never sees a value it has not parsed itself.
 */
function onClick(
  ctx: BotContext,
  act: (actor: BotActor, value: string | undefined) => Reply,
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
      reply = act(identity.actor, action.value);
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
    onClick(ctx, (actor, raw) => {
      const value = parseExperimentValue(raw);
      if (!value) return ephemeral(plainMessage(NOT_OURS));
      return pauseExperiment(
        ctx,
        { actor, key: value.key, version: value.version },
        DEFAULT_REASONS.pause,
      );
    }),
  );

  app.action<BlockAction<ButtonAction>>(
    SLACK_ACTION_IDS.rollback,
    onClick(ctx, (actor, raw) => {
      const value = parseExperimentValue(raw);
      if (!value) return ephemeral(plainMessage(NOT_OURS));
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
    onClick(ctx, (actor, raw) => {
      const value = parseExperimentValue(raw);
      if (!value) return ephemeral(plainMessage(NOT_OURS));
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
    onClick(ctx, (actor, raw) => {
      const value = parsePageValue(raw);
      if (!value) return ephemeral(plainMessage(NOT_OURS));
      return acknowledgePage(ctx, actor, value.pageId);
    }),
  );
}
