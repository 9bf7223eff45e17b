// The Slack app manifest for a Runway server (`runway slack manifest`): paste it into
// https://api.slack.com/apps → Create New App → From an app manifest, and the app has the
// command, the interactivity and events URLs and the scopes the bot needs.

import { RUNWAY_COMMAND } from './commands/runway-command-name';
import { SLACK_EVENTS_PATH } from './slack-setup';

/**
 * Bot scopes, each for a reason: the slash command; posting answers, pages and digests (also to
 * public channels the bot was not invited to); opening DMs for pages; reading users and their
 * emails to link Slack users to Runway users (users.lookupByEmail); hearing mentions.
 */
export const SLACK_BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'im:write',
  'users:read',
  'users:read.email',
  'app_mentions:read',
] as const;

export const SLACK_BOT_EVENTS = ['app_mention'] as const;

export function buildSlackManifest(baseUrl: string, appName = 'Runway'): Record<string, unknown> {
  const requestUrl = `${baseUrl.replace(/\/+$/, '')}${SLACK_EVENTS_PATH}`;
  return {
    display_information: {
      name: appName,
      description: 'Experiment queue and rollouts: status, pause, roll back, approve, freeze',
      long_description:
        'Runway orchestrates experiments and rollouts: dependencies, staged ramps, guardrails and rollbacks that cascade to dependents. From Slack you can see why an experiment waits, pause or roll it back, approve a ramp, freeze releases, acknowledge pages and get a daily digest. What you may do is decided by the role of the Runway user your Slack account is linked to.',
      background_color: '#1f2933',
    },
    features: {
      bot_user: { display_name: appName, always_online: true },
      slash_commands: [
        {
          command: RUNWAY_COMMAND,
          url: requestUrl,
          description:
            'Runway: list, status, why, pause, resume, rollback, approve, freeze, digest',
          usage_hint:
            'help | list [state] | status KEY | why KEY | pause KEY reason | rollback KEY reason',
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: [...SLACK_BOT_SCOPES] } },
    settings: {
      event_subscriptions: { request_url: requestUrl, bot_events: [...SLACK_BOT_EVENTS] },
      interactivity: { is_enabled: true, request_url: requestUrl },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}
