import type { Command } from 'commander';
import { formatDuration } from '../../../../shared/src/duration';
import { usageError } from '../cli-context';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import type { RunwayApi } from '../client';
import {
  capOption,
  durationOption,
  fractionOption,
  positiveNumberOption,
  timeOption,
} from '../option-parsers';
import { formatPercentValue, formatUtc, formatWhen, plural, table } from '../output';
import { describeSource, registerSliCommands } from './sli-commands';

type PolicyView = Awaited<ReturnType<RunwayApi['policy']['get']['query']>>;
type Freeze = PolicyView['freezes'][number];

export function registerPolicyCommands(program: Command, runtime: CliRuntime): void {
  registerFreezeCommands(program, runtime);
  const policy = withJson(
    program
      .command('policy')
      .description(
        'show policy: concurrency caps, freeze windows, error-budget gate, SLOs and budgets, SLIs',
      ),
  ).action(
    run(runtime, async (ctx) => {
      const view = await runtime.connect().api.policy.get.query();
      ctx.printJson(view);
      ctx.print(...policyLines(view));
      return 0;
    }),
  );

  withJson(
    policy
      .command('set-cap')
      .description('set how many experiments may be active at once (admin)')
      .requiredOption('--scope <scope>', 'global, service or team')
      .option('--name <name>', 'the service or team (not for global)')
      .requiredOption(
        '--max <n|none>',
        'the most active (running or paused) experiments; none removes the cap',
        capOption,
      ),
  ).action(
    run(runtime, async (ctx, options: { scope: string; name?: string; max: number | null }) => {
      if (!['global', 'service', 'team'].includes(options.scope))
        throw usageError(`--scope must be global, service or team (got "${options.scope}")`);
      if (options.scope !== 'global' && !options.name)
        throw usageError(`--name is required for a ${options.scope} cap`);
      const scope = options.scope as 'global' | 'service' | 'team';
      const caps = await runtime.connect().api.policy.setCap.mutate({
        scope,
        name: scope === 'global' ? null : options.name!,
        maxActive: options.max,
      });
      ctx.printJson({ caps });
      ctx.print(
        `${scope} cap${scope === 'global' ? '' : ` for ${options.name}`}: ${options.max === null ? 'removed' : `at most ${options.max} active`}`,
        ...capLines(caps),
      );
      return 0;
    }),
  );

  withJson(
    policy
      .command('set-slo')
      .description("set a service's SLO, which its error budget is measured against (admin)")
      .requiredOption('--service <name>', 'the service')
      .requiredOption(
        '--objective <fraction>',
        'the target, like 0.999 or 99.9%',
        fractionOption({ min: 0, max: 1 }),
      )
      .requiredOption('--window <duration>', 'the SLO window, like 28d', durationOption),
  ).action(
    run(runtime, async (ctx, options: { service: string; objective: number; window: number }) => {
      const slo = await runtime.connect().api.policy.setSlo.mutate({
        service: options.service,
        objective: options.objective,
        windowMs: options.window,
      });
      ctx.printJson(slo);
      ctx.print(
        `SLO for ${slo.service}: ${formatPercentValue(slo.objective * 100)} over ${formatDuration(slo.windowMs)}`,
      );
      return 0;
    }),
  );

  withJson(
    policy
      .command('set-budget')
      .description(
        "report a service's remaining error budget and burn rate, which gate starts and ramps (admin)",
      )
      .requiredOption('--service <name>', 'the service (it needs an SLO first)')
      .requiredOption(
        '--remaining <fraction>',
        'remaining error budget, like 0.42 or 42%',
        fractionOption({ min: -10, max: 1 }),
      )
      .requiredOption(
        '--burn-rate <rate>',
        'current burn rate, like 1.3 (1 = spending exactly the budget)',
        positiveNumberOption,
      ),
  ).action(
    run(runtime, async (ctx, options: { service: string; remaining: number; burnRate: number }) => {
      const slo = await runtime.connect().api.policy.setBudget.mutate({
        service: options.service,
        remainingFraction: options.remaining,
        burnRate: options.burnRate,
        source: 'runway cli',
      });
      ctx.printJson(slo);
      ctx.print(
        `error budget of ${slo.service}: ${formatPercentValue((slo.remainingFraction ?? 0) * 100)} left, burn rate ${slo.burnRate}`,
      );
      return 0;
    }),
  );

  withJson(
    policy
      .command('set-budget-gate')
      .description(
        'set the error-budget gate every service must pass to start or ramp experiments (admin)',
      )
      .requiredOption(
        '--min-remaining <fraction>',
        'the least remaining budget, like 0.1 or 10%',
        fractionOption({ min: 0, max: 1 }),
      )
      .requiredOption(
        '--max-burn-rate <rate>',
        'the highest burn rate, like 2',
        positiveNumberOption,
      ),
  ).action(
    run(runtime, async (ctx, options: { minRemaining: number; maxBurnRate: number }) => {
      if (options.maxBurnRate <= 0) throw usageError('--max-burn-rate must be greater than 0');
      const gate = await runtime.connect().api.policy.setBudgetPolicy.mutate({
        minRemainingFraction: options.minRemaining,
        maxBurnRate: options.maxBurnRate,
      });
      ctx.printJson(gate);
      ctx.print(
        `error-budget gate: at least ${formatPercentValue(gate.minRemainingFraction * 100)} remaining, burn rate at most ${gate.maxBurnRate}`,
      );
      return 0;
    }),
  );

  registerSliCommands(policy, runtime);
}

function registerFreezeCommands(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('freeze')
      .description(
        'freeze starts and ramps, for one service or everything (pausing and rolling back stay possible)',
      )
      .option('--service <name>', 'freeze only this service (default: a global freeze)')
      .requiredOption(
        '--until <time>',
        'when it ends: ISO 8601 (UTC unless an offset is given) or a duration from now, like 2h',
        timeOption,
      )
      .option(
        '--from <time>',
        'when it starts (default now): ISO 8601 or a duration from now',
        timeOption,
      )
      .requiredOption('--reason <text>', 'why (required; shown as the blocked reason)'),
  ).action(
    run(
      runtime,
      async (
        ctx,
        options: {
          service?: string;
          until: (nowMs: number) => number;
          from?: (nowMs: number) => number;
          reason: string;
        },
      ) => {
        if (!options.reason.trim()) throw usageError('--reason must not be empty');
        const nowMs = Date.now();
        const untilMs = options.until(nowMs);
        const startsAtMs = options.from?.(nowMs);
        if (untilMs <= nowMs)
          throw usageError(`--until must be in the future (it is ${formatUtc(untilMs)})`);
        const freeze = await runtime.connect().api.policy.freeze.mutate({
          service: options.service ?? null,
          untilMs,
          reason: options.reason,
          ...(startsAtMs !== undefined ? { startsAtMs } : {}),
        });
        ctx.printJson(freeze);
        ctx.print(
          `froze ${freeze.service ?? 'all services'} ${freezeSpan(freeze, nowMs)}: ${freeze.reason}`,
        );
        ctx.print(
          'queued experiments there will not start and running ones will not ramp until it ends; pause and rollback still work',
        );
        return 0;
      },
    ),
  );

  withJson(
    program
      .command('unfreeze')
      .description(
        'lift the freeze windows in force or scheduled, for one service or the global ones',
      )
      .option('--service <name>', "lift this service's freezes (default: the global freezes)")
      .option('--reason <text>', 'why (recorded in the audit log)'),
  ).action(
    run(runtime, async (ctx, options: { service?: string; reason?: string }) => {
      const lifted = await runtime.connect().api.policy.unfreeze.mutate({
        service: options.service ?? null,
        ...(options.reason ? { reason: options.reason } : {}),
      });
      ctx.printJson({ lifted });
      const nowMs = Date.now();
      ctx.print(
        `lifted ${plural(lifted.length, 'freeze')} for ${options.service ?? 'all services (global)'}:`,
        ...lifted.map(
          (freeze) => `  ${freezeSpan(freeze, nowMs)}: ${freeze.reason} (by ${freeze.createdBy})`,
        ),
      );
      return 0;
    }),
  );
}

function freezeSpan(freeze: Freeze, nowMs: number): string {
  const from =
    freeze.startsAt > nowMs + 60_000 ? `from ${formatWhen(freeze.startsAt, nowMs)} ` : '';
  return `${from}until ${formatWhen(freeze.endsAt, nowMs)}`;
}

function capLines(caps: PolicyView['caps']): string[] {
  if (caps.length === 0) return ['  no concurrency caps'];
  return table(
    ['SCOPE', 'NAME', 'MAX ACTIVE'],
    caps.map((cap) => ({
      cells: [cap.scope, cap.scope === 'global' ? '-' : cap.name, String(cap.maxActive)],
    })),
  ).map((line) => `  ${line}`);
}

export function policyLines(view: PolicyView): string[] {
  const nowMs = Date.now();
  const lines = ['Concurrency caps', ...capLines(view.caps), '', 'Freeze windows'];
  if (view.freezes.length === 0) lines.push('  none in force or scheduled');
  for (const freeze of view.freezes)
    lines.push(
      `  ${freeze.service ?? 'global'}: ${freezeSpan(freeze, nowMs)}: ${freeze.reason} (by ${freeze.createdBy})`,
    );
  const gate = view.budgetPolicy;
  lines.push(
    '',
    `Error-budget gate: at least ${formatPercentValue(gate.minRemainingFraction * 100)} remaining, burn rate at most ${gate.maxBurnRate}`,
    '',
    'SLOs and error budgets',
  );
  if (view.slos.length === 0)
    lines.push('  no SLOs set (runway policy set-slo --service S --objective 0.999 --window 28d)');
  else {
    lines.push(
      ...table(
        ['SERVICE', 'OBJECTIVE', 'WINDOW', 'BUDGET LEFT', 'BURN RATE', 'UPDATED'],
        view.slos.map((slo) => ({
          cells: [
            slo.service,
            formatPercentValue(slo.objective * 100),
            formatDuration(slo.windowMs),
            slo.remainingFraction === null
              ? 'unknown'
              : formatPercentValue(slo.remainingFraction * 100),
            slo.burnRate === null ? 'unknown' : String(slo.burnRate),
            slo.budgetUpdatedAt === null
              ? '-'
              : `${formatUtc(slo.budgetUpdatedAt)}${slo.budgetSource ? ` (${slo.budgetSource})` : ''}`,
          ],
        })),
      ).map((line) => `  ${line}`),
    );
  }
  lines.push('', 'SLIs');
  lines.push(
    ...table(
      ['SERVICE', 'NAME', 'UNIT', 'SOURCE', 'DESCRIPTION'],
      view.slis.map((sli) => ({
        cells: [sli.service, sli.name, sli.unit, describeSource(sli.source), sli.description],
      })),
    ).map((line) => `  ${line}`),
  );
  return lines;
}
