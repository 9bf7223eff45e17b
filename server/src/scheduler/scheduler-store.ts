import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { DefinitionCache } from '../experiments/definition-cache';
import type { Db } from '../store/database';
import type {
  FreezeWindow,
  SchedulerExperiment,
  SchedulerPolicy,
  SchedulerSnapshot,
  ServiceBudget,
} from './scheduler-snapshot';

type ExperimentTuple = [string, number, number, ExperimentState, number, number, number | null];

const NO_APPROVALS: readonly number[] = Object.freeze([]);

/** Combined verdict for the current stage: null without guardrails; no data until running. */
function guardrailVerdictOf(
  hasGuardrails: boolean,
  state: ExperimentState,
  verdict: GuardrailVerdict | undefined,
): GuardrailVerdict | null {
  return hasGuardrails ? (state === 'running' ? (verdict ?? 'no_data') : 'no_data') : null;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}

const VERDICT_SEVERITY: Record<GuardrailVerdict, number> = {
  pass: 0,
  inconclusive: 1,
  no_data: 2,
  fail: 3,
};

/** Loads the scheduler's read model in one read transaction. */
export class SchedulerStore {
  private readonly experimentsStatement;
  private readonly specStatement;
  private readonly allSpecsStatement;
  private readonly approvalsStatement;
  private readonly guardrailStatement;
  private readonly changeTokenStatement;
  private readonly capsStatement;
  private readonly freezesStatement;
  private readonly budgetsStatement;
  private readonly budgetPolicyStatement;
  /**
   * The experiments of the last snapshot, with the change token they were read at. Every write
   * made through this connection moves total_changes(); a commit by any other connection moves
   * data_version. While both stand still, the rows have not changed and neither has the list.
   */
  private cached: { token: string; experiments: readonly SchedulerExperiment[] } | null = null;

  constructor(
    private readonly db: Db,
    private readonly definitions: DefinitionCache,
  ) {
    // Served by the covering index experiments_snapshot (migration 2), in enqueue order.
    this.experimentsStatement = db
      .prepare(
        'SELECT key, seq, version, state, stage_index, exposure_percent, stage_started_at FROM experiments ORDER BY seq',
      )
      .raw();
    this.specStatement = db.prepare('SELECT spec_json FROM experiments WHERE key = ?').pluck();
    this.allSpecsStatement = db.prepare('SELECT key, spec_json FROM experiments').raw();
    // Driven from approvals (few rows) rather than from every live experiment; per experiment the
    // stage indexes come in ascending order, as they did through the unique index.
    this.approvalsStatement = db
      .prepare(
        `SELECT a.experiment_key, a.stage_index FROM approvals a CROSS JOIN experiments e ON e.key = a.experiment_key
        WHERE e.state IN ('pending_approval', 'queued', 'running', 'paused') AND a.stage_index >= 0
        ORDER BY a.experiment_key, a.stage_index, a.approver_user_id`,
      )
      .raw();
    this.guardrailStatement = db
      .prepare(
        `SELECT g.experiment_key, g.verdict FROM guardrail_status g JOIN experiments e ON e.key = g.experiment_key
        WHERE e.state = 'running' AND g.stage_index = e.stage_index`,
      )
      .raw();
    this.changeTokenStatement = db
      .prepare('SELECT total_changes(), data_version FROM pragma_data_version')
      .raw();
    this.capsStatement = db.prepare('SELECT scope, name, max_active FROM concurrency_caps').raw();
    this.freezesStatement =
      db.prepare(`SELECT id, service, starts_at AS startsAtMs, ends_at AS endsAtMs, reason FROM freeze_windows
        WHERE lifted_at IS NULL AND ends_at > ? ORDER BY starts_at, id`);
    this.budgetsStatement = db.prepare(
      'SELECT service, remaining_fraction AS remainingFraction, burn_rate AS burnRate FROM service_slos WHERE remaining_fraction IS NOT NULL',
    );
    this.budgetPolicyStatement = db.prepare(
      'SELECT min_remaining_fraction AS minRemainingFraction, max_burn_rate AS maxBurnRate FROM budget_policy WHERE id = 1',
    );
  }

  loadSnapshot(nowMs: number): SchedulerSnapshot {
    // Inside a caller's write transaction the rows may be uncommitted (and later rolled back):
    // read them afresh and leave the cache alone.
    const cacheable = !this.db.inTransaction;
    return this.db.transaction(() => ({
      experiments: this.loadExperiments(cacheable),
      policy: this.loadPolicy(nowMs),
    }))();
  }

  private loadExperiments(cacheable: boolean): readonly SchedulerExperiment[] {
    if (!cacheable) return this.readExperiments();
    const [totalChanges, dataVersion] = this.changeTokenStatement.get() as [number, number];
    const token = `${totalChanges}:${dataVersion}`;
    if (this.cached?.token === token) return this.cached.experiments;
    const experiments = Object.freeze(this.readExperiments(this.cached?.experiments ?? []));
    this.cached = { token, experiments };
    return experiments;
  }

  /**
   * Every row, as SchedulerExperiments. A row identical to the one `previous` was built from
   * (same position, state, stage, exposure, approvals, verdict) reuses that object: most rows do
   * not change between two snapshots, and rebuilding them all only feeds the garbage collector.
   */
  private readExperiments(previous: readonly SchedulerExperiment[] = []): SchedulerExperiment[] {
    const rows = this.experimentsStatement.all() as ExperimentTuple[];
    const approvals = new Map<string, number[]>();
    for (const [key, stageIndex] of this.approvalsStatement.all() as Array<[string, number]>) {
      const list = approvals.get(key);
      if (list) list.push(stageIndex);
      else approvals.set(key, [stageIndex]);
    }
    const verdicts = new Map<string, GuardrailVerdict>();
    for (const [key, verdict] of this.guardrailStatement.all() as Array<
      [string, GuardrailVerdict]
    >) {
      const previous = verdicts.get(key);
      if (!previous || VERDICT_SEVERITY[verdict] > VERDICT_SEVERITY[previous])
        verdicts.set(key, verdict);
    }
    const specJsonByKey = this.preloadSpecs(rows);
    const noApprovals = NO_APPROVALS;
    let previousByKey: Map<string, SchedulerExperiment> | null = null;
    return rows.map(
      ([key, seq, version, state, stageIndex, exposurePercent, stageStartedAt], index) => {
        // Rows come in table order, so the same row usually sits at the same index as last time.
        let before = previous[index];
        if (before !== undefined && before.key !== key) {
          previousByKey ??= new Map(previous.map((experiment) => [experiment.key, experiment]));
          before = previousByKey.get(key);
        }
        const approvedStages = approvals.get(key) ?? noApprovals;
        if (
          before !== undefined &&
          before.seq === seq &&
          before.version === version &&
          before.state === state &&
          before.stageIndex === stageIndex &&
          Object.is(before.exposurePercent, exposurePercent) &&
          before.stageStartedAtMs === stageStartedAt &&
          sameNumbers(before.approvedStages, approvedStages) &&
          before.guardrailVerdict ===
            guardrailVerdictOf(before.guardrailVerdict !== null, state, verdicts.get(key))
        ) {
          return before;
        }
        // The spec is read only when its definition is not cached yet: specs never change.
        const { definition } = this.definitions.has(key)
          ? this.definitions.get(key, '')
          : this.definitions.get(
              key,
              specJsonByKey?.get(key) ?? (this.specStatement.get(key) as string),
            );
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
          approvedStages,
          guardrailVerdict: guardrailVerdictOf(hasGuardrails, state, verdicts.get(key)),
        };
      },
    );
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
    const caps = this.capsStatement.all() as Array<[string, string, number]>;
    const perService: Record<string, number> = {};
    const perTeam: Record<string, number> = {};
    let global: number | null = null;
    for (const [scope, name, maxActive] of caps) {
      if (scope === 'global') global = maxActive;
      else if (scope === 'service') perService[name] = maxActive;
      else perTeam[name] = maxActive;
    }
    const freezes = this.freezesStatement.all(nowMs) as FreezeWindow[];
    const budgets: Record<string, ServiceBudget> = {};
    const budgetRows = this.budgetsStatement.all() as ServiceBudget[];
    for (const budget of budgetRows)
      budgets[budget.service] = { ...budget, burnRate: budget.burnRate ?? 0 };
    const budgetPolicy = this.budgetPolicyStatement.get() as {
      minRemainingFraction: number;
      maxBurnRate: number;
    };
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
