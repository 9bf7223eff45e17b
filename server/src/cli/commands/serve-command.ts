import type { Command } from 'commander';
import { relative } from 'node:path';
import { CliError, type CommandContext } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { integerOption } from '../option-parsers';

interface ServeOptions {
  port?: number;
  db?: string;
  host?: string;
  demo?: boolean;
  desktop?: boolean;
}

export function registerServeCommand(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('serve')
      .description(
        'start the Runway server: the API, health and metrics endpoints, and the scheduler, on one port',
      )
      .option(
        '--port <n>',
        'port to listen on (default $RUNWAY_PORT or 7400; 0 picks a free one)',
        integerOption(0, 65_535),
      )
      .option(
        '--db <path>',
        'SQLite database file (default $RUNWAY_DB or .runway/runway.db); admin.token is written beside it',
      )
      .option('--host <host>', 'interface to listen on (default $RUNWAY_HOST or 127.0.0.1)')
      .option(
        '--demo',
        'seed a demo fleet of experiments (only into an empty database) and simulate their apps, which send telemetry to /v1/metrics',
      )
      .option(
        '--desktop',
        'also open the console in the Runway desktop window (Electron) where an Electron binary is available; otherwise say why not',
      )
      .addHelpText(
        'after',
        `
Prints "Runway listening on <url>" once ready, with the admin token and where it is stored.
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM. \`npm start\` runs \`runway serve --demo --desktop\`.`,
      ),
  ).action(run(runtime, (ctx, options: ServeOptions) => serve(ctx, options)));
}

async function serve(ctx: CommandContext, options: ServeOptions): Promise<number> {
  // Loaded here, so the other commands do not pay for the server's modules at start-up.
  const [{ loadServerConfig, ConfigError }, { startServer }] = await Promise.all([
    import('../../config/config'),
    import('../../serve'),
  ]);
  let config;
  try {
    config = loadServerConfig(ctx.io.env, {
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.db ? { dbPath: options.db } : {}),
      ...(options.host ? { host: options.host } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError('CONFIG', error.message, { exitCode: 2 });
    throw error;
  }
  const log = (line: string): void =>
    ctx.json ? ctx.io.stderr(`${line}\n`) : ctx.io.stdout(`${line}\n`);

  let running;
  try {
    running = await startServer(config, { schedulerLoop: true, log });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        'ADDRESS_IN_USE',
        `port ${config.port} on ${config.host} is already in use`,
        {
          hint: 'Is another Runway running? Stop it, or pick another port with --port N (0 picks a free one).',
        },
      );
    }
    throw new CliError('SERVE_FAILED', `cannot start the server: ${(error as Error).message}`);
  }

  let simulation: { stop(): void } | null = null;
  let demo: { created: number; skipped: boolean } | null = null;
  let demoStory: readonly string[] = [];
  if (options.demo) {
    try {
      const module = await import('../../demo/demo');
      demo = module.seedDemoFleet(running.runway);
      demoStory = module.DEMO_STORY;
      // The demo's apps send their telemetry to this server's /v1/metrics, as real apps would.
      simulation = module.startDemoSimulation(running.runway, {
        traffic: { url: running.url, token: running.adminToken },
      });
    } catch (error) {
      await running.close();
      throw new CliError('DEMO_FAILED', `cannot start the demo: ${(error as Error).message}`);
    }
  }

  const desktop = options.desktop
    ? await openDesktop(running.url, running.adminToken, ctx.io.env, log)
    : null;
  const info = {
    url: running.url,
    port: running.port,
    dbPath: config.dbPath,
    adminTokenPath: config.adminTokenPath,
    adminToken: running.adminToken,
    demo,
    ...(desktop ? { desktop: { opened: desktop.opened, summary: desktop.summary } } : {}),
  };
  if (ctx.json) ctx.io.stdout(`${JSON.stringify(info)}\n`);
  else log(welcome({ ...info, demoStory, desktop: desktop?.summary ?? null }, options, ctx.io.env));

  await untilSignal();
  log('runway: shutting down');
  desktop?.stop();
  simulation?.stop();
  await running.close();
  log('runway: stopped');
  return 0;
}

/** Opens the desktop window (DESIGN §7: npm start = serve --demo + console); never fails the start. */
async function openDesktop(
  url: string,
  token: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<{ opened: boolean; summary: string; stop(): void }> {
  try {
    // Loaded only with --desktop: it brings the shell's bundler along.
    const { openDesktopShell } =
      await import('../../../../electron/src/launcher/open-desktop-shell');
    return await openDesktopShell({ serverUrl: url, token, env, log });
  } catch (error) {
    return { opened: false, summary: `unavailable: ${(error as Error).message}`, stop: () => {} };
  }
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function welcome(
  info: {
    url: string;
    dbPath: string;
    adminTokenPath: string;
    adminToken: string;
    demo: { created: number; skipped: boolean } | null;
    demoStory: readonly string[];
    /** What became of the desktop window (with --desktop). */
    desktop: string | null;
  },
  options: ServeOptions,
  env: NodeJS.ProcessEnv,
): string {
  const shortDb = relative(process.cwd(), info.dbPath);
  const defaultDb = shortDb === '.runway/runway.db' && !env.RUNWAY_DB;
  const demo = info.demo
    ? info.demo.skipped
      ? [
          'Demo: the database already holds experiments, so nothing was seeded; simulated apps send telemetry to /v1/metrics and the guardrail engine judges it.',
        ]
      : [
          `Demo: seeded ${info.demo.created} experiments; simulated apps send telemetry to /v1/metrics and the guardrail engine judges it.`,
          ...info.demoStory.map((line) => `      ${line}`),
        ]
    : [];
  const exportLines = [
    ...(info.url !== 'http://127.0.0.1:7400' || options.port !== undefined
      ? [`export RUNWAY_URL=${info.url}`]
      : []),
    ...(defaultDb ? [] : [`export RUNWAY_DB=${info.dbPath}`]),
  ];
  return [
    `Runway listening on ${info.url}`,
    `  console      ${info.url}/#token=${info.adminToken}`,
    ...(info.desktop ? [`  desktop      ${info.desktop}`] : []),
    `  database     ${info.dbPath}`,
    `  admin token  ${info.adminTokenPath} (readable by you only)`,
    `               ${info.adminToken}`,
    ...demo,
    '',
    'Try, from another terminal in this folder:',
    ...(exportLines.length > 0 ? exportLines.map((line) => `  ${line}`) : []),
    '  npx runway list                    the queue, with what blocks each experiment',
    '  npx runway show KEY                one experiment: stages, reasons, history',
    '  npx runway plan                    when each queued experiment would start',
    '  npx runway validate FILE           check a spec file',
    '  npx runway enqueue FILE            enqueue the specs in a file',
    '  npx runway pause KEY --reason "…"  (also resume, advance, approve, rollback, abort)',
    '  npx runway --help                  everything else',
    '',
    'Ctrl-C stops the server.',
  ].join('\n');
}
