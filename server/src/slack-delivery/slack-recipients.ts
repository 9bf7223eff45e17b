import { escapeMrkdwn } from '../../../bot/src/block-kit';
import type { PageDeliveryStore } from './page-delivery-store';
import type { SlackGateway } from './slack-gateway';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * Who a person is in Slack: a Slack user ID as given; else the Slack user a Runway user with
 * that email (or name) is linked to; else users.lookupByEmail (cached by the gateway).
 */
export class SlackRecipients {
  constructor(
    private readonly store: Pick<PageDeliveryStore, 'linkedSlackUser'>,
    private readonly gateway: Pick<SlackGateway, 'userIdByEmail'>,
  ) {}

  /** null when nobody in Slack matches (a permanent answer, not a failure to ask). */
  async userId(person: string): Promise<string | null> {
    const who = person.trim();
    if (who.length === 0) return null;
    if (SLACK_USER_ID.test(who)) return who;
    const linked = this.store.linkedSlackUser(who);
    if (linked) return linked;
    return who.includes('@') ? this.gateway.userIdByEmail(who) : null;
  }

  /** A mention when the person is known in Slack, else their name as text. */
  async label(person: string): Promise<string> {
    const id = await this.userId(person);
    return id ? `<@${id}>` : escapeMrkdwn(person || 'unknown');
  }
}
