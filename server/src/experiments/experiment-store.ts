import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { ExperimentSpec } from '../../../shared/src/spec/spec-schema';
import type { GraphNode } from '../../../shared/src/spec/spec-graph';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { Db } from '../store/database';

export interface ExperimentRow {
  key: string;
  seq: number;
  specJson: string;
  state: ExperimentState;
  stageIndex: number;
  exposurePercent: number;
  stageStartedAt: number | null;
  authorUserId: number;
  authorName: string;
  createdAt: number;
  stateChangedAt: number;
  version: number;
}

export interface NewExperiment {
  spec: ExperimentSpec;
  specJson: string;
  priority: number;
  risk: string;
  notBefore: number | null;
  notAfter: number | null;
  state: ExperimentState;
  authorUserId: number;
  at: number;
}

export interface StatePatch {
  state: ExperimentState;
  stageIndex: number;
  exposurePercent: number;
  stageStartedAt: number | null;
  at: number;
}

export interface StageHistoryEntry {
  id: number;
  event: string;
  fromState: string | null;
  toState: string;
  stageIndex: number;
  exposurePercent: number;
  at: number;
  actor: string;
  reason: string | null;
}

export interface ApprovalRow {
  stageIndex: number;
  approverUserId: number;
  approverName: string;
  reason: string;
  at: number;
}

export interface ExperimentListFilter {
  states?: readonly ExperimentState[];
  service?: string;
  team?: string;
  layer?: string;
}

const SELECT_EXPERIMENT = `SELECT e.key, e.seq, e.spec_json AS specJson, e.state, e.stage_index AS stageIndex,
  e.exposure_percent AS exposurePercent, e.stage_started_at AS stageStartedAt, e.author_user_id AS authorUserId,
  u.name AS authorName, e.created_at AS createdAt, e.state_changed_at AS stateChangedAt, e.version
  FROM experiments e JOIN users u ON u.id = e.author_user_id`;

function whereClause(filter: ExperimentListFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.states && filter.states.length > 0) {
    where.push(`e.state IN (${filter.states.map(() => '?').join(', ')})`);
    params.push(...filter.states);
  }
  for (const column of ['service', 'team', 'layer'] as const) {
    if (filter[column]) {
      where.push(`e.${column} = ?`);
      params.push(filter[column]);
    }
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

export class ExperimentStore {
  private readonly getStatement;
  private readonly nextSeqStatement;
  private readonly insertStatement;
  private readonly insertEdgeStatement;
  private readonly updateStateStatement;
  private readonly historyStatement;
  private readonly dependentsStatement;
  private readonly existsStatement;
  private readonly guardrailVerdictStatement;
  private readonly upsertGuardrailStatement;
  private readonly edgesFromStatement;

  constructor(private readonly db: Db) {
    this.getStatement = db.prepare(`${SELECT_EXPERIMENT} WHERE e.key = ?`);
    this.nextSeqStatement = db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM experiments').pluck();
    this.insertStatement = db.prepare(`INSERT INTO experiments
      (key, seq, spec_json, title, owner, team, service, layer, priority, risk, state, not_before, not_after,
       author_user_id, created_at, state_changed_at)
      VALUES (@key, @seq, @specJson, @title, @owner, @team, @service, @layer, @priority, @risk, @state, @notBefore,
       @notAfter, @authorUserId, @at, @at)`);
    this.insertEdgeStatement = db.prepare(
      'INSERT OR IGNORE INTO experiment_edges (from_key, kind, to_key) VALUES (?, ?, ?)',
    );
    this.updateStateStatement =
      db.prepare(`UPDATE experiments SET state = @state, stage_index = @stageIndex,
      exposure_percent = @exposurePercent, stage_started_at = @stageStartedAt, state_changed_at = @at,
      version = version + 1 WHERE key = @key AND version = @version`);
    this.historyStatement = db.prepare(`INSERT INTO stage_history
      (experiment_key, event, from_state, to_state, stage_index, exposure_percent, at, actor, reason)
      VALUES (@key, @event, @fromState, @toState, @stageIndex, @exposurePercent, @at, @actor, @reason)`);
    this.dependentsStatement = db
      .prepare("SELECT from_key FROM experiment_edges WHERE to_key = ? AND kind = 'requires'")
      .pluck();
    // Enqueue's graph check calls these once per experiment it walks: prepared once, not per call.
    this.existsStatement = db.prepare('SELECT 1 FROM experiments WHERE key = ?');
    this.guardrailVerdictStatement = db.prepare(
      'SELECT verdict, stage_index AS stageIndex FROM guardrail_status WHERE experiment_key = ? AND sli = ?',
    );
    this.upsertGuardrailStatement = db.prepare(
      `INSERT INTO guardrail_status (experiment_key, sli, verdict, stage_index, evaluated_at, details_json)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(experiment_key, sli) DO UPDATE SET verdict = excluded.verdict,
      stage_index = excluded.stage_index, evaluated_at = excluded.evaluated_at, details_json = excluded.details_json`,
    );
    this.edgesFromStatement = db.prepare(
      'SELECT kind, to_key AS toKey FROM experiment_edges WHERE from_key = ?',
    );
  }

  get(key: string): ExperimentRow | null {
    return (this.getStatement.get(key) as ExperimentRow | undefined) ?? null;
  }

  exists(key: string): boolean {
    return this.existsStatement.get(key) !== undefined;
  }

  /** In queue order (seq); the first `limit` only when given. */
  list(filter: ExperimentListFilter = {}, limit?: number): ExperimentRow[] {
    const { sql: where, params } = whereClause(filter);
    const page = limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(limit))}`;
    return this.db
      .prepare(`${SELECT_EXPERIMENT} ${where} ORDER BY e.seq${page}`)
      .all(...params) as ExperimentRow[];
  }

  count(filter: ExperimentListFilter = {}): number {
    const { sql: where, params } = whereClause(filter);
    const row = this.db
      .prepare(`SELECT COUNT(*) AS count FROM experiments e ${where}`)
      .get(...params);
    return (row as { count: number }).count;
  }

  countByState(): Record<string, number> {
    const rows = this.db
      .prepare('SELECT state, COUNT(*) AS count FROM experiments GROUP BY state')
      .all() as Array<{ state: string; count: number }>;
    return Object.fromEntries(rows.map((row) => [row.state, row.count]));
  }

  insert(experiment: NewExperiment): number {
    return this.insertBatch([experiment])[0]!;
  }

  /**
   * Inserts every row first, then every edge: a batch may reference its own members in any order
   * (a requires a later one, or two exclude each other), and the edges' foreign keys need both ends.
   */
  insertBatch(experiments: readonly NewExperiment[]): number[] {
    const seqs = experiments.map((experiment) => this.insertRow(experiment));
    for (const { spec } of experiments) {
      for (const kind of ['requires', 'excludes', 'after'] as const) {
        for (const target of spec[kind] ?? []) this.insertEdgeStatement.run(spec.key, kind, target);
      }
    }
    return seqs;
  }

  private insertRow(experiment: NewExperiment): number {
    const seq = this.nextSeqStatement.get() as number;
    const { spec } = experiment;
    this.insertStatement.run({
      key: spec.key,
      seq,
      specJson: experiment.specJson,
      title: spec.title,
      owner: spec.owner,
      team: spec.team,
      service: spec.service,
      layer: spec.layer,
      priority: experiment.priority,
      risk: experiment.risk,
      state: experiment.state,
      notBefore: experiment.notBefore,
      notAfter: experiment.notAfter,
      authorUserId: experiment.authorUserId,
      at: experiment.at,
    });
    return seq;
  }

  /** Applies a state change if the version still matches; false means someone else changed it first. */
  updateState(key: string, expectedVersion: number, patch: StatePatch): boolean {
    return this.updateStateStatement.run({ key, version: expectedVersion, ...patch }).changes === 1;
  }

  appendHistory(entry: Omit<StageHistoryEntry, 'id'> & { key: string }): void {
    this.historyStatement.run(entry);
  }

  history(key: string): StageHistoryEntry[] {
    return this.db
      .prepare(
        `SELECT id, event, from_state AS fromState, to_state AS toState, stage_index AS stageIndex,
        exposure_percent AS exposurePercent, at, actor, reason FROM stage_history WHERE experiment_key = ? ORDER BY id`,
      )
      .all(key) as StageHistoryEntry[];
  }

  /** Keys of experiments that list `key` in their requires. */
  directDependents(key: string): string[] {
    return this.dependentsStatement.all(key) as string[];
  }

  graphNode(key: string): GraphNode | undefined {
    const rows = this.edgesFromStatement.all(key) as Array<{
      kind: 'requires' | 'excludes' | 'after';
      toKey: string;
    }>;
    if (rows.length === 0 && !this.exists(key)) return undefined;
    const node = { key, requires: [] as string[], excludes: [] as string[], after: [] as string[] };
    for (const row of rows) node[row.kind].push(row.toKey);
    return node;
  }

  addApproval(
    key: string,
    stageIndex: number,
    approverUserId: number,
    reason: string,
    at: number,
  ): boolean {
    const result = this.db
      .prepare(
        'INSERT OR IGNORE INTO approvals (experiment_key, stage_index, approver_user_id, reason, at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(key, stageIndex, approverUserId, reason, at);
    return result.changes === 1;
  }

  approvals(key: string): ApprovalRow[] {
    return this.db
      .prepare(
        `SELECT a.stage_index AS stageIndex, a.approver_user_id AS approverUserId, u.name AS approverName,
        a.reason, a.at FROM approvals a JOIN users u ON u.id = a.approver_user_id WHERE a.experiment_key = ? ORDER BY a.id`,
      )
      .all(key) as ApprovalRow[];
  }

  /**
   * Stores the latest evaluation of one guardrail (its numbers change on every run). True when
   * the verdict or the stage it applies to changed, which is all the scheduler reads.
   */
  setGuardrailStatus(
    key: string,
    sli: string,
    verdict: GuardrailVerdict,
    stageIndex: number,
    at: number,
    details: Record<string, unknown>,
  ): boolean {
    const previous = this.guardrailVerdictStatement.get(key, sli) as
      { verdict: GuardrailVerdict; stageIndex: number } | undefined;
    this.upsertGuardrailStatement.run(key, sli, verdict, stageIndex, at, JSON.stringify(details));
    return previous?.verdict !== verdict || previous.stageIndex !== stageIndex;
  }

  /** Every stored verdict that applies to its experiment's current stage (one row per SLI). */
  currentStageVerdicts(): Array<{ key: string; verdict: GuardrailVerdict }> {
    return this.db
      .prepare(
        `SELECT g.experiment_key AS key, g.verdict FROM guardrail_status g
        JOIN experiments e ON e.key = g.experiment_key AND g.stage_index = e.stage_index`,
      )
      .all() as Array<{ key: string; verdict: GuardrailVerdict }>;
  }

  guardrailStatuses(key: string): Array<{
    sli: string;
    verdict: GuardrailVerdict;
    stageIndex: number;
    evaluatedAt: number;
    details: Record<string, unknown>;
  }> {
    const rows = this.db
      .prepare(
        `SELECT sli, verdict, stage_index AS stageIndex, evaluated_at AS evaluatedAt, details_json AS detailsJson
        FROM guardrail_status WHERE experiment_key = ? ORDER BY sli`,
      )
      .all(key) as Array<{
      sli: string;
      verdict: GuardrailVerdict;
      stageIndex: number;
      evaluatedAt: number;
      detailsJson: string;
    }>;
    return rows.map(({ detailsJson, ...rest }) => ({
      ...rest,
      details: JSON.parse(detailsJson) as Record<string, unknown>,
    }));
  }
}
