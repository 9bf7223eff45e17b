import { describe, expect, it } from 'vitest';
import { describeSlackSetup } from './slack-setup';

describe('describeSlackSetup', () => {
  it('says the bot is off and how to turn it on without credentials', () => {
    expect(describeSlackSetup(null)).toMatch(/off.*SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
  });

  it('names the events path and a custom Web API URL when configured', () => {
    expect(
      describeSlackSetup({
        botToken: 'xoxb-1',
        signingSecret: 's',
        apiUrl: 'http://127.0.0.1:9/api/',
      }),
    ).toBe('Slack bot: on, receiving at /slack/events, Web API at http://127.0.0.1:9/api/');
  });
});
