import type { Command } from 'commander';
import type {
  BlastRadiusEntry,
  ExperimentDetail,
  TransitionResult,
} from '../../../../shared/src/api-types';
import { CliError, usageError, type CommandContext } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { errorCode, type RunwayApi } from '../client';
import { formatPercentValue, plural, table } from '../output';

type Action = 'pause' | 'resume' | 'rollback' | 'advance' | 'approve' | 'abort';

interface ActionSpec {
  description: string;
  reasonRequired: boolean;
  /** Past tense for "paused checkout-v2". */
  done: string;
  help?: string;
}

const ACTIONS: Record<Action, ActionSpec> = {
  pause: {
    description:
      'pause a running experiment at its current exposure (its dependents stop ramping too)',
    reasonRequired: true,
    done: 'paused',
  },
  resume: {
    description: 'resume a paused experiment at its current stage (the stage hold starts again)',
    reasonRequired: false,
    done: 'resumed',
  },
  rollback: {
    description:
      'roll back an experiment to control, first rolling back every live experiment that requires it',
    reasonRequired: true,
    done: 'rolled back',
    help: `
Before acting, prints the blast radius: every live experiment the cascade will take down,
dependents first. When that includes other experiments and stdin is a terminal, asks for
confirmation (--yes skips it; without a terminal, as in CI, it proceeds). If the cascade grows
after it was printed (an experiment starts on it meanwhile), nothing is rolled back and the
command fails with CASCADE_CHANGED: run it again to see the new blast radius.`,
  },
  advance: {
    description:
      'ramp a running experiment to its next stage now (completes it from the last stage); gates still apply',
    reasonRequired: false,
    done: 'advanced',
  },
  approve: {
    description:
      'approve a high-risk experiment, or its next stage that asks for approval (not by its author)',
    reasonRequired: true,
    done: 'approved',
  },
  abort: {
    description: 'abort an experiment that has not completed (terminal: it never runs again)',
    reasonRequired: true,
    done: 'aborted',
  },
};

interface TransitionOptions {
  reason?: string;
  yes?: boolean;
}

const MAX_ATTEMPTS = 3;

/**
 * Actions whose intent does not depend on the stage the experiment is at: retrying them after
 * a scheduler tick still does what the user meant. Advance and approve are about one specific
 * stage; after a conflict the user must look again, or a ramp could be applied twice.
 */
const RETRY_ON_CONFLICT: ReadonlySet<Action> = new Set(['pause', 'resume', 'rollback', 'abort']);

export function registerTransitionCommands(program: Command, runtime: CliRuntime): void {
  for (const [action, spec] of Object.entries(ACTIONS) as Array<[Action, ActionSpec]>) {
    const command = program
      .command(action)
      .description(spec.description)
      .argument('<key>', 'the experiment key');
    if (spec.reasonRequired)
      command.requiredOption('--reason <text>', 'why (required; recorded in the audit log)');
    else command.option('--reason <text>', 'why (recorded in the audit log)');
    if (action === 'rollback')
      command.option(
        '-y, --yes',
        'do not ask for confirmation when the cascade takes down other experiments',
      );
    if (spec.help) command.addHelpText('after', spec.help);
    withJson(command).action(
      run(runtime, (ctx, key: string, options: TransitionOptions) =>
        transition(ctx, runtime, action, key, options),
      ),
    );
  }
}

async function transition(
  ctx: CommandContext,
  runtime: CliRuntime,
  action: Action,
  key: string,
  options: TransitionOptions,
): Promise<number> {
  const reason = options.reason?.trim();
  if (options.reason !== undefined && !reason) throw usageError('--reason must not be empty');
  const { api } = runtime.connect();

  let blastRadius: BlastRadiusEntry[] | null = null;
  if (action === 'rollback') {
    blastRadius = await api.experiments.blastRadius.query({ key });
    await confirmCascade(ctx, key, blastRadius, options.yes === true);
  }

  // The CLI reads the version itself, so for stage-independent actions a change in between (a
  // scheduler tick) is not a decision the user made on stale data: read again and retry.
  let before: ExperimentDetail | null = null;
  let result: TransitionResult | null = null;
  for (let attempt = 1; result === null; attempt++) {
    before = await api.experiments.get.query({ key });
    try {
      result = await mutate(api, action, {
        key,
        expectedVersion: before.version,
        reason,
        // What was printed (and confirmed): the server refuses if the cascade grew since.
        confirmedBlastRadius: blastRadius?.map((entry) => entry.key),
      });
    } catch (error) {
      if (
        errorCode(error) !== 'VERSION_CONFLICT' ||
        !RETRY_ON_CONFLICT.has(action) ||
        attempt >= MAX_ATTEMPTS
      )
        throw error;
    }
  }

  ctx.printJson({ action, key, changed: result.changed, ...(blastRadius ? { blastRadius } : {}) });
  ctx.print(...describeResult(action, key, before!, result));
  return 0;
}

async function mutate(
  api: RunwayApi,
  action: Action,
  input: {
    key: string;
    expectedVersion: number;
    reason: string | undefined;
    confirmedBlastRadius: string[] | undefined;
  },
): Promise<TransitionResult> {
  const { key, expectedVersion } = input;
  const optionalReason = input.reason ? { reason: input.reason } : {};
  switch (action) {
    case 'resume':
      return api.experiments.resume.mutate({ key, expectedVersion, ...optionalReason });
    case 'advance':
      return api.experiments.advance.mutate({ key, expectedVersion, ...optionalReason });
    case 'pause':
      return api.experiments.pause.mutate({ key, expectedVersion, reason: input.reason ?? '' });
    case 'rollback':
      return api.experiments.rollback.mutate({
        key,
        expectedVersion,
        reason: input.reason ?? '',
        ...(input.confirmedBlastRadius ? { expectedBlastRadius: input.confirmedBlastRadius } : {}),
      });
    case 'approve':
      return api.experiments.approve.mutate({ key, expectedVersion, reason: input.reason ?? '' });
    case 'abort':
      return api.experiments.abort.mutate({ key, expectedVersion, reason: input.reason ?? '' });
  }
}

async function confirmCascade(
  ctx: CommandContext,
  key: string,
  blastRadius: readonly BlastRadiusEntry[],
  yes: boolean,
): Promise<void> {
  const others = blastRadius.filter((entry) => entry.key !== key);
  if (others.length === 0) return;
  const lines = [
    `Rolling back ${key} first rolls back ${plural(others.length, 'live experiment')} that depend${others.length === 1 ? 's' : ''} on it, in this order:`,
    ...table(
      ['KEY', 'STATE', 'REQUIRES'],
      blastRadius.map((entry) => ({
        cells: [entry.key, entry.state, entry.via ?? '(the target)'],
      })),
    ).map((line) => `  ${line}`),
  ];
  // In --json mode stdout is for the result only; the warning goes to stderr.
  if (ctx.json) ctx.io.stderr(`${lines.join('\n')}\n`);
  else ctx.print(...lines);
  if (yes || !ctx.io.stdinIsTty) return;
  if (!(await ctx.io.confirm(`Roll back ${plural(blastRadius.length, 'experiment')}?`))) {
    throw new CliError('CANCELLED', 'rollback cancelled; nothing changed');
  }
}

function describeResult(
  action: Action,
  key: string,
  before: ExperimentDetail,
  result: TransitionResult,
): string[] {
  const done = ACTIONS[action].done;
  if (result.changed.length === 0) return [`nothing changed for ${key}`];
  if (action === 'rollback' && result.changed.length > 1) {
    return [
      `${done} ${plural(result.changed.length, 'experiment')} (cascade from ${key}):`,
      ...table(
        ['KEY', 'FROM', 'TO', 'VERSION'],
        result.changed.map((entry) => ({
          cells: [entry.key, entry.fromState, entry.toState, String(entry.version)],
        })),
      ).map((line) => `  ${line}`),
    ];
  }
  const change = result.changed[0]!;
  if (action === 'approve') {
    if (change.fromState === 'pending_approval')
      return [
        `approved ${key}: pending_approval -> ${change.toState}; the scheduler will start it when its gates pass`,
      ];
    const stage = before.state === 'queued' ? 1 : before.stageIndex + 2;
    return [`approved stage ${stage} of ${key} (${change.toState})`];
  }
  if (action === 'advance') {
    if (change.toState === 'completed')
      return [`completed ${key}: ${change.fromState} -> completed`];
    const next = before.stages[before.stageIndex + 1];
    return [
      `advanced ${key} to stage ${before.stageIndex + 2}/${before.stageCount}${next ? ` (${formatPercentValue(next.percent)})` : ''}`,
    ];
  }
  return [`${done} ${key}: ${change.fromState} -> ${change.toState} (version ${change.version})`];
}
