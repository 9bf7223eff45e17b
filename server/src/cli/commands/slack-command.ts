import type { Command } from 'commander';
import { stringify } from 'yaml';
import { buildSlackManifest } from '../../../../bot/src/slack-manifest';
import { loadClientConfig } from '../../config/config';
import { usageError } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';

interface ManifestOptions {
  url?: string;
  name: string;
}

/** `runway slack manifest`: offline, it needs no server, only the URL Slack should call. */
export function registerSlackCommand(program: Command, runtime: CliRuntime): void {
  const slack = program.command('slack').description('the Slack app for this server');
  withJson(
    slack
      .command('manifest')
      .description(
        'print the Slack app manifest (YAML; JSON with --json): the /runway command, interactivity and events URLs, and bot scopes',
      )
      .option(
        '--url <url>',
        "this server's public base URL, as Slack reaches it (default $RUNWAY_URL, else the local server URL)",
      )
      .option('--name <name>', 'the app and bot name in Slack', 'Runway')
      .addHelpText(
        'after',
        `
Create the app at https://api.slack.com/apps → Create New App → From an app manifest, install it
to the workspace, then start the server with SLACK_BOT_TOKEN (Bot User OAuth Token, xoxb-…) and
SLACK_SIGNING_SECRET (Basic Information → App Credentials). Slack only calls HTTPS URLs it can
reach, so --url is usually a TLS proxy or tunnel in front of this server.`,
      ),
  ).action(
    run(runtime, async (ctx, options: ManifestOptions) => {
      const baseUrl = options.url ?? loadClientConfig(runtime.io.env).url;
      let parsed: URL;
      try {
        parsed = new URL(baseUrl);
      } catch {
        throw usageError(
          `--url must be a URL such as https://runway.example.com (got "${baseUrl}")`,
        );
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
        throw usageError(`--url must be an http(s) URL (got "${baseUrl}")`);
      const manifest = buildSlackManifest(baseUrl, options.name);
      ctx.printJson(manifest);
      ctx.print(stringify(manifest, { lineWidth: 0 }).trimEnd());
      if (parsed.protocol !== 'https:')
        runtime.io.stderr(
          `note: Slack sends requests only to HTTPS URLs reachable from the internet; ${baseUrl} will not do beyond local testing. Pass --url https://…\n`,
        );
      return 0;
    }),
  );
}
