import type { Command } from 'commander';
import type { ExperimentDetail, ExperimentView } from '../../../../shared/src/api-types';
import { formatDuration } from '../../../../shared/src/duration';
import type { ExperimentState } from '../../../../shared/src/lifecycle';
import type { Guardrail } from '../../../../shared/src/spec/spec-schema';
import { run, withJson, type CliRuntime } from '../cli-runtime';
import { statesOption } from '../option-parsers';
import {
  describeState,
  formatPercentValue,
  formatUtc,
  formatWhen,
  plural,
  reasonLabel,
  stageCell,
  table,
} from '../output';

interface ListOptions {
  state?: ExperimentState[];
  service?: string;
  team?: string;
  layer?: string;
}

export function registerQueryCommands(program: Command, runtime: CliRuntime): void {
  withJson(
    program
      .command('list')
      .description(
        'the queue: every experiment with its state, stage and exposure, and what blocks it',
      )
      .option(
        '--state <states>',
        'only these states, comma-separated (draft, pending_approval, queued, running, paused, completed, rolled_back, aborted)',
        statesOption,
      )
      .option('--service <name>', 'only experiments of this service')
      .option('--team <name>', 'only experiments of this team')
      .option('--layer <name>', 'only experiments in this layer'),
  ).action(
    run(runtime, async (ctx, options: ListOptions) => {
      const { api } = runtime.connect();
      const experiments = await api.experiments.list.query({
        ...(options.state ? { states: [...new Set(options.state)] } : {}),
        ...(options.service ? { service: options.service } : {}),
        ...(options.team ? { team: options.team } : {}),
        ...(options.layer ? { layer: options.layer } : {}),
      });
      ctx.printJson({ experiments });
      const filtered = Boolean(options.state || options.service || options.team || options.layer);
      if (experiments.length === 0) {
        ctx.print(
          filtered
            ? 'no experiments match'
            : 'the queue is empty; add experiments with `runway enqueue FILE`',
        );
        return 0;
      }
      ctx.print(...listTable(experiments), '', summary(experiments));
      return 0;
    }),
  );

  withJson(
    program
      .command('show')
      .description(
        'one experiment: spec summary, stages (current marked), exposure, blocked reasons, approvals, history, dependents',
      )
      .argument('<key>', 'the experiment key'),
  ).action(
    run(runtime, async (ctx, key: string) => {
      const { api } = runtime.connect();
      const experiment = await api.experiments.get.query({ key });
      ctx.printJson(experiment);
      ctx.print(...showLines(experiment));
      return 0;
    }),
  );

  withJson(
    program
      .command('plan')
      .description(
        'what-if: when each queued experiment would start and complete if everything runs to plan',
      ),
  ).action(
    run(runtime, async (ctx) => {
      const { api } = runtime.connect();
      const plan = await api.scheduler.plan.query();
      ctx.printJson(plan);
      const now = plan.generatedAtMs;
      ctx.print(
        `forecast from ${formatUtc(now)} over ${formatDuration(plan.horizonMs)}; assumes guardrails pass and every stage holds exactly its hold time`,
      );
      if (plan.truncated)
        ctx.print('(the forecast stopped early at its step limit; later entries may be missing)');
      if (plan.entries.length === 0) {
        ctx.print('nothing queued or active');
        return 0;
      }
      const horizon = formatDuration(plan.horizonMs);
      ctx.print(
        '',
        ...table(
          ['KEY', 'STATE', 'EXPECTED START', 'EXPECTED COMPLETION'],
          plan.entries.map((entry) => {
            const active = entry.state === 'running' || entry.state === 'paused';
            const start =
              entry.expectedStartMs !== null
                ? formatWhen(entry.expectedStartMs, now)
                : active
                  ? '(started)'
                  : `not within ${horizon}`;
            const done =
              entry.expectedCompleteMs !== null
                ? formatWhen(entry.expectedCompleteMs, now)
                : `not within ${horizon}`;
            const notes = [
              ...(entry.assumptions.length > 0 ? [`assumes: ${entry.assumptions.join('; ')}`] : []),
              ...entry.blockedReasons.map(
                (reason) => `${active ? 'held' : 'would not start'}: ${reason.message}`,
              ),
            ];
            return { cells: [entry.key, entry.state, start, done], notes };
          }),
        ),
      );
      return 0;
    }),
  );
}

function listTable(experiments: readonly ExperimentView[]): string[] {
  return table(
    ['KEY', 'STATE', 'STAGE', 'EXPOSURE', 'PRI', 'RISK', 'SERVICE', 'LAYER', 'OWNER'],
    experiments.map((experiment) => ({
      cells: [
        experiment.key,
        experiment.state,
        stageCell(experiment),
        formatPercentValue(experiment.exposurePercent),
        String(experiment.priority),
        experiment.risk,
        experiment.service,
        experiment.layer,
        experiment.owner,
      ],
      notes: experiment.blockedReasons.map(
        (reason) => `${reasonLabel(experiment.state)}: ${reason.message}`,
      ),
    })),
  );
}

function summary(experiments: readonly ExperimentView[]): string {
  const counts = new Map<string, number>();
  for (const experiment of experiments)
    counts.set(experiment.state, (counts.get(experiment.state) ?? 0) + 1);
  return `${plural(experiments.length, 'experiment')}: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}`;
}

function describeGuardrail(guardrail: Guardrail): string {
  const bounds = (['max', 'min', 'maxRelative', 'minRelative'] as const)
    .filter((name) => guardrail[name] !== undefined)
    .map((name) =>
      name.endsWith('Relative')
        ? `${name} ${formatPercentValue(guardrail[name]! * 100)} vs control`
        : `${name} ${guardrail[name]}`,
    );
  return `${guardrail.sli}: ${bounds.join(', ')} over ${formatDuration(guardrail.windowMs)}, else ${guardrail.action}`;
}

function field(label: string, value: string | null | undefined): string[] {
  return value ? [`  ${label.padEnd(12)} ${value}`] : [];
}

export function showLines(experiment: ExperimentDetail): string[] {
  const window = [
    experiment.notBeforeMs !== null ? `not before ${formatUtc(experiment.notBeforeMs)}` : null,
    experiment.notAfterMs !== null ? `not after ${formatUtc(experiment.notAfterMs)}` : null,
  ].filter(Boolean);
  const lines = [
    `${experiment.key}  ${experiment.title}`,
    ...field(
      'state',
      `${describeState(experiment)} since ${formatUtc(experiment.stateChangedAtMs)}`,
    ),
    ...field(
      'exposure',
      `${formatPercentValue(experiment.exposurePercent)} of layer ${experiment.layer}`,
    ),
    ...field(
      'owner',
      `${experiment.owner}   team ${experiment.team}${experiment.channel ? `   channel ${experiment.channel}` : ''}`,
    ),
    ...field(
      'service',
      `${experiment.service}   priority ${experiment.priority}   risk ${experiment.risk}`,
    ),
    ...field(
      'enqueued',
      `${formatUtc(experiment.createdAtMs)} by ${experiment.author}   version ${experiment.version}`,
    ),
    ...field('hypothesis', experiment.hypothesis),
    ...field('requires', experiment.requires.join(', ')),
    ...field('excludes', experiment.excludes.join(', ')),
    ...field('after', experiment.after.join(', ')),
    ...field('window', window.join(', ')),
    ...field(
      'dependents',
      experiment.dependents.length > 0 ? experiment.dependents.join(', ') : 'none',
    ),
  ];

  const approvalsByStage = new Map<number, string[]>();
  for (const approval of experiment.approvals)
    approvalsByStage.set(approval.stageIndex, [
      ...(approvalsByStage.get(approval.stageIndex) ?? []),
      approval.approver,
    ]);
  lines.push(
    '',
    'Stages',
    ...table(
      ['', 'STAGE', 'PERCENT', 'HOLD', 'APPROVAL'],
      experiment.stages.map((stage, index) => {
        const approvers = approvalsByStage.get(index);
        const approval = stage.approve
          ? approvers
            ? `approved by ${approvers.join(', ')}`
            : 'required'
          : '';
        return {
          cells: [
            index === experiment.stageIndex ? '>' : ' ',
            String(index + 1),
            formatPercentValue(stage.percent),
            formatDuration(stage.holdMs),
            approval,
          ],
        };
      }),
    ).map((line) => `  ${line}`),
  );

  if (experiment.blockedReasons.length > 0) {
    lines.push(
      '',
      reasonLabel(experiment.state) === 'held'
        ? 'Held (why it is not ramping)'
        : 'Blocked (why it has not started)',
      ...experiment.blockedReasons.map((reason) => `  - ${reason.message}`),
    );
  }
  if (experiment.guardrails.length > 0) {
    lines.push('', 'Guardrails');
    for (const guardrail of experiment.guardrails) {
      const status = experiment.guardrailStatus.find(
        (entry) => entry.sli === guardrail.sli && entry.stageIndex === experiment.stageIndex,
      );
      lines.push(
        `  ${describeGuardrail(guardrail)}${status ? `   [${status.verdict} at ${formatUtc(status.evaluatedAtMs)}]` : ''}`,
      );
    }
  }
  if (experiment.approvals.length > 0) {
    lines.push('', 'Approvals');
    for (const approval of experiment.approvals) {
      const what = approval.stageIndex < 0 ? 'the experiment' : `stage ${approval.stageIndex + 1}`;
      lines.push(
        `  ${formatUtc(approval.atMs)}  ${approval.approver} approved ${what}: ${approval.reason}`,
      );
    }
  }
  lines.push(
    '',
    'History',
    ...table(
      ['TIME', 'EVENT', 'CHANGE', 'EXPOSURE', 'BY', 'REASON'],
      experiment.history.map((entry) => ({
        cells: [
          formatUtc(entry.atMs),
          entry.event,
          entry.fromState ? `${entry.fromState} -> ${entry.toState}` : entry.toState,
          formatPercentValue(entry.exposurePercent),
          entry.actor,
          entry.reason ?? '',
        ],
      })),
    ).map((line) => `  ${line}`),
  );
  return lines;
}
