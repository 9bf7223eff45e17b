import type { ErrorIssue } from '../../../shared/src/errors';

/** Where the CLI reads and writes: the real process by default, something else in tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  stdinIsTty: boolean;
  /** Asks a yes/no question on the terminal; false unless the answer is yes. */
  confirm(question: string): Promise<boolean>;
}

/**
 * A failure the CLI reports and turns into an exit code: 1 for refusals and errors (the server
 * said no, the network is down, a spec is invalid), 2 for bad usage.
 */
export class CliError extends Error {
  readonly code: string;
  readonly issues: readonly ErrorIssue[];
  readonly details: Readonly<Record<string, unknown>>;
  readonly exitCode: 1 | 2;
  /** Extra lines for people (what to do next); never part of the JSON error. */
  readonly hint: string | null;
  /** Printed before each issue in human output, e.g. the file the issues are about. */
  readonly issuePrefix: string;

  constructor(
    code: string,
    message: string,
    options: {
      issues?: readonly ErrorIssue[];
      details?: Record<string, unknown>;
      exitCode?: 1 | 2;
      hint?: string;
      issuePrefix?: string;
    } = {},
  ) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint ?? null;
    this.issuePrefix = options.issuePrefix ?? '';
  }
}

/** Bad usage found after commander parsed the line (a reason left empty, a time that does not parse). */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('USAGE', message, { exitCode: 2, ...(hint ? { hint } : {}) });
}

/** What every command action receives: output helpers bound to --json, and the io. */
export interface CommandContext {
  io: CliIo;
  json: boolean;
  /** Prints lines of human output (ignored in --json mode). */
  print(...lines: string[]): void;
  /** Prints a value as JSON (only in --json mode). */
  printJson(value: unknown): void;
}

export function makeCommandContext(io: CliIo, json: boolean): CommandContext {
  return {
    io,
    json,
    print: (...lines) => {
      if (!json) for (const line of lines) io.stdout(`${line}\n`);
    },
    printJson: (value) => {
      if (json) io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
