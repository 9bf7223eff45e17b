import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../server/src/cli/main';
import type { CliIo } from '../../server/src/cli/cli-context';

// `runway slack manifest`: the Slack app manifest for this server, offline (no server needed).

async function runway(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    stdinIsTty: false,
    confirm: async () => false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

interface Manifest {
  display_information: { name: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; url: string; should_escape: boolean }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

function expectManifestFor(manifest: Manifest, baseUrl: string): void {
  const url = `${baseUrl}/slack/events`;
  expect(manifest.features.slash_commands).toEqual([
    expect.objectContaining({ command: '/runway', url }),
  ]);
  expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
  expect(manifest.settings.event_subscriptions.request_url).toBe(url);
  expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_mention']);
  expect(manifest.settings.socket_mode_enabled).toBe(false);
  expect(manifest.oauth_config.scopes.bot).toEqual(
    expect.arrayContaining(['commands', 'chat:write', 'users:read', 'users:read.email']),
  );
}

describe('runway slack manifest', () => {
  it('prints YAML for the URL given, and JSON with --json', async () => {
    const yaml = await runway(['slack', 'manifest', '--url', 'https://runway.example.com/']);
    expect(yaml.code).toBe(0);
    expect(yaml.stderr).toBe('');
    const fromYaml = parse(yaml.stdout) as Manifest;
    expectManifestFor(fromYaml, 'https://runway.example.com');
    expect(fromYaml.display_information.name).toBe('Runway');

    const json = await runway([
      'slack',
      'manifest',
      '--url',
      'https://runway.example.com',
      '--json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(fromYaml);
  });

  it('defaults to RUNWAY_URL, then to the local server, and warns that Slack needs HTTPS', async () => {
    const fromEnv = await runway(['slack', 'manifest', '--json'], {
      RUNWAY_URL: 'https://releases.example.org',
    });
    expectManifestFor(JSON.parse(fromEnv.stdout) as Manifest, 'https://releases.example.org');

    const local = await runway(['slack', 'manifest', '--json', '--name', 'Runway Staging'], {
      RUNWAY_PORT: '7411',
    });
    expect(local.code).toBe(0);
    const manifest = JSON.parse(local.stdout) as Manifest;
    expectManifestFor(manifest, 'http://127.0.0.1:7411');
    expect(manifest.features.bot_user.display_name).toBe('Runway Staging');
    expect(local.stderr).toContain('only to HTTPS URLs');
  });

  it('refuses a --url that is not a URL as bad usage', async () => {
    const bad = await runway(['slack', 'manifest', '--url', 'runway.example.com']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('--url must be a URL');
  });
});
