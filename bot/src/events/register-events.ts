// Events API listeners. Bolt acknowledges events itself before they get here. The bot's work is
// commands and buttons; a mention only gets a pointer to them.

import type { App } from '@slack/bolt';
import type { BotContext } from '../bot-context';

export function registerEvents(app: App, ctx: BotContext): void {
  app.event('app_mention', async ({ event, client }) => {
    try {
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.thread_ts ?? event.ts,
        text: 'I answer `/runway` commands: try `/runway help`, `/runway list` or `/runway status KEY`.',
      });
    } catch (error) {
      ctx.log.error('slack: could not answer a mention', error);
    }
  });
}
