import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { CliError, type CliIo } from './cli-context';
import { createRuntime, type CliRuntime } from './cli-runtime';
import { toCliError } from './client';
import { registerAdminCommands } from './commands/admin-commands';
import { registerAuditCommand } from './commands/audit-command';
import { registerDigestCommands } from './commands/digest-commands';
import { registerEnqueueCommand } from './commands/enqueue-command';
import { registerPagesCommand } from './commands/pages-command';
import { registerPolicyCommands } from './commands/policy-commands';
import { registerQueryCommands } from './commands/query-commands';
import { registerServeCommand } from './commands/serve-command';
import { registerSlackCommand } from './commands/slack-command';
import { registerTeamCommands } from './commands/team-commands';
import { registerTransitionCommands } from './commands/transition-commands';
import { registerValidateCommand } from './commands/validate-command';
import { errorJson, errorText } from './output';

const EXIT_USAGE = 2;

const HELP_AFTER = `
Environment:
  RUNWAY_URL    the server (default http://127.0.0.1:$RUNWAY_PORT, port 7400)
  RUNWAY_TOKEN  your API token; when unset, the admin token the local server wrote
                beside its database is used (admin.token next to RUNWAY_DB,
                default .runway/runway.db)
  RUNWAY_PORT, RUNWAY_DB, RUNWAY_HOST   where \`runway serve\` listens and keeps its data

Exit codes: 0 success, 1 refused or failed (server said no, server unreachable,
invalid spec), 2 bad usage.

Examples:
  npm start                                 start a local server with demo data
  runway validate specs/*.yaml              check specs before merging
  runway enqueue specs/checkout.yaml --idempotency-key "$CI_COMMIT_SHA"
  runway list --state queued                what is waiting, and why
  runway rollback checkout-v2 --reason "errors up 3x"
  runway help <command>                     details of one command`;

/** `runway list | head` closes the pipe early: that is not an error worth a stack trace. */
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

function processIo(): CliIo {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdinIsTty: process.stdin.isTTY === true,
    confirm: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
  };
}

function version(): string {
  try {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** --json anywhere before a bare `--` selects JSON output, for usage errors too. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

export function buildProgram(runtime: CliRuntime, json: boolean): Command {
  const program = new Command('runway');
  program
    .description(
      'Runway: the experiment queue and rollout orchestrator.\nEnqueue experiments, see why they wait, and pause, ramp or roll them back.',
    )
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.io.stdout(text),
      writeErr: (text) => runtime.io.stderr(text),
      // In --json mode the error is printed once, as JSON, by main().
      outputError: (text, write) => {
        if (!json) write(text);
      },
    })
    .showHelpAfterError(json ? false : '(run `runway help` or add --help for usage)')
    .showSuggestionAfterError(true)
    .addHelpText('after', HELP_AFTER);

  program.commandsGroup('Experiments:');
  registerValidateCommand(program, runtime);
  registerEnqueueCommand(program, runtime);
  registerQueryCommands(program, runtime);
  registerTransitionCommands(program, runtime);
  program.commandsGroup('Policy:');
  registerPolicyCommands(program, runtime);
  registerTeamCommands(program, runtime);
  registerDigestCommands(program, runtime);
  program.commandsGroup('Audit and access:');
  registerPagesCommand(program, runtime);
  registerAuditCommand(program, runtime);
  registerAdminCommands(program, runtime);
  program.commandsGroup('Server:');
  registerServeCommand(program, runtime);
  registerSlackCommand(program, runtime);
  program.commandsGroup('Help:');
  program.helpCommand('help [command]', 'show help for a command, e.g. `runway help enqueue`');
  return program;
}

function report(error: unknown, runtime: CliRuntime, json: boolean): number {
  const { io } = runtime;
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0;
    if (json) {
      const usage = new CliError('USAGE', error.message.replace(/^error:\s*/, ''), { exitCode: 2 });
      io.stdout(`${JSON.stringify(errorJson(usage), null, 2)}\n`);
    }
    return EXIT_USAGE;
  }
  const failure = toCliError(error, runtime.connection ?? { url: '(not connected)' });
  if (failure.code === 'INTERNAL' && !(error instanceof CliError) && io.env.RUNWAY_DEBUG)
    io.stderr(`${(error as Error).stack ?? String(error)}\n`);
  if (json) io.stdout(`${JSON.stringify(errorJson(failure), null, 2)}\n`);
  else io.stderr(errorText(failure));
  return failure.exitCode;
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 refusal or error, 2 bad usage.
 * Never calls process.exit, so it can run inside tests and other programs.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const json = wantsJson(argv);
  const runtime = createRuntime(io);
  const program = buildProgram(runtime, json);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_USAGE;
    }
    await program.parseAsync(argv, { from: 'user' });
    return runtime.exitCode;
  } catch (error) {
    return report(error, runtime, json);
  }
}
