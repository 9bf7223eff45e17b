import type { Command } from 'commander';
import { makeCommandContext, type CliIo, type CommandContext } from './cli-context';
import { connect, type Connection } from './client';

/** State shared by every command of one CLI run. */
export interface CliRuntime {
  io: CliIo;
  exitCode: number;
  /** The connection made by connect(), so failures can name the URL and token source. */
  connection: Connection | null;
  connect(): Connection;
}

export function createRuntime(io: CliIo): CliRuntime {
  const runtime: CliRuntime = {
    io,
    exitCode: 0,
    connection: null,
    connect: () => {
      runtime.connection ??= connect(io.env);
      return runtime.connection;
    },
  };
  return runtime;
}

export type ActionResult = number | void;

/**
 * Wraps a command handler for commander: builds the output context from the command's own
 * --json flag and records the exit code the handler returns. Errors propagate to main().
 */
export function run<T extends unknown[]>(
  runtime: CliRuntime,
  handler: (ctx: CommandContext, ...args: T) => Promise<ActionResult>,
): (this: Command, ...args: T) => Promise<void> {
  return async function (this: Command, ...args: T): Promise<void> {
    // With globals: `runway policy set-cap … --json` hands --json to `policy`, which has one too.
    const ctx = makeCommandContext(runtime.io, this.optsWithGlobals().json === true);
    const code = await handler(ctx, ...args);
    if (typeof code === 'number') runtime.exitCode = code;
  };
}

/** Every command takes --json. */
export function withJson(command: Command): Command {
  return command.option(
    '--json',
    'print machine-readable JSON on stdout (failures too, as {"error": {...}})',
  );
}
