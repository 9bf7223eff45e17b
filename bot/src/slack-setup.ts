// The Slack bot runs inside the server when both credentials are set (DESIGN §1, §7).

export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
  apiUrl: string | null;
}

/** The one line the server prints at start about the bot. */
export function describeSlackSetup(slack: SlackCredentials | null): string {
  if (!slack) return 'Slack bot: off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on)';
  return `Slack bot: on, receiving at /slack/events${slack.apiUrl ? `, Web API at ${slack.apiUrl}` : ''}`;
}
