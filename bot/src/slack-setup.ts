// The Slack bot runs inside the server when both credentials are set (DESIGN §1, §7).

/** Where Slack sends commands, interactions and events (DESIGN §6), on the server's own port. */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
  apiUrl: string | null;
}

/** The one line the server prints at start about the bot. */
export function describeSlackSetup(slack: SlackCredentials | null): string {
  if (!slack) return 'Slack bot: off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on)';
  return `Slack bot: on, receiving at ${SLACK_EVENTS_PATH}${slack.apiUrl ? `, Web API at ${slack.apiUrl}` : ''}`;
}
