import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { DefinitionCache } from '../experiments/definition-cache';
import type { Db } from '../store/database';
import type { FreezeWindow, SchedulerExperiment, SchedulerPolicy, SchedulerSnapshot, ServiceBudget } from './scheduler-snapshot';

type ExperimentTuple = [string, number, number, ExperimentState, number, number, number | null];

const VERDICT_SEVERITY: Record<GuardrailVerdict, number> = { pass: 0, inconclusive: 1, no_data: 2, fail: 3 };

/** Loads the scheduler's read model in one read transaction. */
export class SchedulerStore {
  private readonly experimentsStatement;
  private readonly specStatement;
  private readonly allSpecsStatement;
  private readonly approvalsStatement;
  private readonly guardrailStatement;

  constructor(
    private readonly db: Db,
    private readonly definitions: DefinitionCache,
  ) {
    this.experimentsStatement = db
      .prepare('SELECT key, seq, version, state, stage_index, exposure_percent, stage_started_at FROM experiments')
      .raw();
    this.specStatement = db.prepare('SELECT spec_json FROM experiments WHERE key = ?').pluck();
    this.allSpecsStatement = db.prepare('SELECT key, spec_json FROM experiments').raw();
    this.approvalsStatement = db
      .prepare(`SELECT a.experiment_key, a.stage_index FROM approvals a JOIN experiments e ON e.key = a.experiment_key
        WHERE e.state IN ('pending_approval', 'queued', 'running', 'paused') AND a.stage_index >= 0`)
      .raw();
    this.guardrailStatement = db
      .prepare(`SELECT g.experiment_key, g.verdict FROM guardrail_status g JOIN experiments e ON e.key = g.experiment_key
        WHERE e.state = 'running' AND g.stage_index = e.stage_index`)
      .raw();
  }

  loadSnapshot(nowMs: number): SchedulerSnapshot {
    return this.db.transaction(() => ({ experiments: this.loadExperiments(), policy: this.loadPolicy(nowMs) }))();
  }

  private loadExperiments(): SchedulerExperiment[] {
    const rows = this.experimentsStatement.all() as ExperimentTuple[];
    const approvals = new Map<string, number[]>();
    for (const [key, stageIndex] of this.approvalsStatement.all() as Array<[string, number]>) {
      const list = approvals.get(key);
      if (list) list.push(stageIndex);
      else approvals.set(key, [stageIndex]);
    }
    const verdicts = new Map<string, GuardrailVerdict>();
    for (const [key, verdict] of this.guardrailStatement.all() as Array<[string, GuardrailVerdict]>) {
      const previous = verdicts.get(key);
      if (!previous || VERDICT_SEVERITY[verdict] > VERDICT_SEVERITY[previous]) verdicts.set(key, verdict);
    }
    const specJsonByKey = this.preloadSpecs(rows);
    const noApprovals: number[] = [];
    return rows.map(([key, seq, version, state, stageIndex, exposurePercent, stageStartedAt]) => {
      const specJson = specJsonByKey?.get(key) ?? (this.specStatement.get(key) as string);
      const { definition } = this.definitions.get(key, specJson);
      const hasGuardrails = definition.guardrails.length > 0;
      return {
        key,
        seq,
        version,
        state,
        priority: definition.priority,
        risk: definition.risk,
        service: definition.service,
        team: definition.team,
        layer: definition.layer,
        stages: definition.stages,
        stageIndex,
        exposurePercent,
        stageStartedAtMs: stageStartedAt,
        notBeforeMs: definition.notBeforeMs,
        notAfterMs: definition.notAfterMs,
        requires: definition.requires,
        excludes: definition.excludes,
        after: definition.after,
        approvedStages: approvals.get(key) ?? noApprovals,
        guardrailVerdict: hasGuardrails ? (state === 'running' ? (verdicts.get(key) ?? 'no_data') : 'no_data') : null,
      };
    });
  }

  /** On a cold cache, read every spec in one pass instead of one query per experiment. */
  private preloadSpecs(rows: ExperimentTuple[]): Map<string, string> | null {
    let missing = 0;
    for (const row of rows) {
      if (!this.definitions.has(row[0])) missing++;
      if (missing > 64) break;
    }
    if (missing <= 64) return null;
    return new Map(this.allSpecsStatement.all() as Array<[string, string]>);
  }

  private loadPolicy(nowMs: number): SchedulerPolicy {
    const caps = this.db.prepare('SELECT scope, name, max_active FROM concurrency_caps').raw().all() as Array<[string, string, number]>;
    const perService: Record<string, number> = {};
    const perTeam: Record<string, number> = {};
    let global: number | null = null;
    for (const [scope, name, maxActive] of caps) {
      if (scope === 'global') global = maxActive;
      else if (scope === 'service') perService[name] = maxActive;
      else perTeam[name] = maxActive;
    }
    const freezes = this.db
      .prepare(`SELECT id, service, starts_at AS startsAtMs, ends_at AS endsAtMs, reason FROM freeze_windows
        WHERE lifted_at IS NULL AND ends_at > ? ORDER BY starts_at, id`)
      .all(nowMs) as FreezeWindow[];
    const budgets: Record<string, ServiceBudget> = {};
    const budgetRows = this.db
      .prepare('SELECT service, remaining_fraction AS remainingFraction, burn_rate AS burnRate FROM service_slos WHERE remaining_fraction IS NOT NULL')
      .all() as ServiceBudget[];
    for (const budget of budgetRows) budgets[budget.service] = { ...budget, burnRate: budget.burnRate ?? 0 };
    const budgetPolicy = this.db
      .prepare('SELECT min_remaining_fraction AS minRemainingFraction, max_burn_rate AS maxBurnRate FROM budget_policy WHERE id = 1')
      .get() as { minRemainingFraction: number; maxBurnRate: number };
    return {
      maxActiveGlobal: global,
      maxActivePerService: perService,
      maxActivePerTeam: perTeam,
      freezes,
      budgets,
      minBudgetRemainingFraction: budgetPolicy.minRemainingFraction,
      maxBurnRate: budgetPolicy.maxBurnRate,
    };
  }
}
