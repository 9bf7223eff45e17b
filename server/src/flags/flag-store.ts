import type { Allocation } from '../../../shared/src/flags/bucket-ranges';
import type { FlagExperiment } from '../../../shared/src/flags/evaluate-flag';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { Db } from '../store/database';
import { FLAG_CHANGING_AUDIT_ACTIONS, type FlagChangeSource } from './flag-changes';

interface FlagRow {
  key: string;
  layer: string;
  state: ExperimentState;
  rangesJson: string | null;
}

const SELECT_FLAG = `SELECT e.key, e.layer, e.state, fa.ranges_json AS rangesJson
  FROM experiments e LEFT JOIN flag_allocations fa ON fa.experiment_key = e.key`;

function toFlag(row: FlagRow): FlagExperiment {
  const allocation = row.rangesJson ? (JSON.parse(row.rangesJson) as Allocation) : [];
  return { key: row.key, layer: row.layer, state: row.state, allocation };
}

/** A running or paused experiment that holds no buckets (started before flag_allocations). */
export interface UnallocatedExperiment {
  key: string;
  state: ExperimentState;
  exposurePercent: number;
}

const FLAG_ACTION_LIST = FLAG_CHANGING_AUDIT_ACTIONS.map((action) => `'${action}'`).join(', ');

/**
 * The buckets each experiment holds in its layer (flag_allocations), flags to evaluate, and the
 * audited lifecycle changes that changed flags (read from audit_log, never written here).
 */
export class FlagStore {
  private readonly flagStatement;
  private readonly allFlagsStatement;
  private readonly layerOfStatement;
  private readonly layerStatement;
  private readonly upsertStatement;
  private readonly deleteStatement;
  private readonly unallocatedStatement;
  private readonly changesAfterStatement;
  private readonly versionAtStatement;

  constructor(db: Db) {
    this.flagStatement = db.prepare(`${SELECT_FLAG} WHERE e.key = ?`);
    this.allFlagsStatement = db.prepare(`${SELECT_FLAG} ORDER BY e.seq`);
    this.layerOfStatement = db.prepare('SELECT layer FROM experiments WHERE key = ?').pluck();
    this.layerStatement = db.prepare(
      'SELECT experiment_key AS key, ranges_json AS rangesJson FROM flag_allocations WHERE layer = ?',
    );
    this.upsertStatement = db.prepare(`INSERT INTO flag_allocations
      (experiment_key, layer, ranges_json, updated_at) VALUES (@key, @layer, @rangesJson, @at)
      ON CONFLICT (experiment_key) DO UPDATE SET layer = excluded.layer,
      ranges_json = excluded.ranges_json, updated_at = excluded.updated_at`);
    this.deleteStatement = db.prepare('DELETE FROM flag_allocations WHERE experiment_key = ?');
    this.unallocatedStatement =
      db.prepare(`SELECT e.key, e.state, e.exposure_percent AS exposurePercent
      FROM experiments e LEFT JOIN flag_allocations fa ON fa.experiment_key = e.key
      WHERE e.state IN ('running', 'paused') AND fa.experiment_key IS NULL ORDER BY e.seq`);
    this.changesAfterStatement =
      db.prepare(`SELECT seq, at, action, experiment_key AS experimentKey,
      from_state AS fromState, to_state AS toState, details_json AS detailsJson
      FROM audit_log WHERE seq > ? AND action IN (${FLAG_ACTION_LIST}) ORDER BY seq LIMIT ?`);
    // Every audited experiment.* row is one version: enqueue writes version 1, and each
    // transition is one version-checked update (ExperimentService.transition).
    this.versionAtStatement = db
      .prepare(
        `SELECT COUNT(*) FROM audit_log
         WHERE experiment_key = ? AND seq <= ? AND action LIKE 'experiment.%'`,
      )
      .pluck();
  }

  flag(key: string): FlagExperiment | null {
    const row = this.flagStatement.get(key) as FlagRow | undefined;
    return row ? toFlag(row) : null;
  }

  allFlags(): FlagExperiment[] {
    return (this.allFlagsStatement.all() as FlagRow[]).map(toFlag);
  }

  layerOf(key: string): string | null {
    return (this.layerOfStatement.get(key) as string | undefined) ?? null;
  }

  /** Experiment key → allocation, for every experiment holding buckets in `layer`. */
  layerAllocations(layer: string): Map<string, Allocation> {
    const rows = this.layerStatement.all(layer) as Array<{ key: string; rangesJson: string }>;
    return new Map(rows.map((row) => [row.key, JSON.parse(row.rangesJson) as Allocation]));
  }

  putAllocation(key: string, layer: string, allocation: Allocation, at: number): void {
    this.upsertStatement.run({ key, layer, rangesJson: JSON.stringify(allocation), at });
  }

  deleteAllocation(key: string): void {
    this.deleteStatement.run(key);
  }

  /** Running or paused experiments without an allocation row, in enqueue order. */
  unallocatedActive(): UnallocatedExperiment[] {
    return this.unallocatedStatement.all() as UnallocatedExperiment[];
  }

  /** Audit rows after `afterSeq` whose action may change a flag, oldest first, at most `limit`. */
  flagChangeRowsAfter(afterSeq: number, limit: number): FlagChangeSource[] {
    return this.changesAfterStatement.all(afterSeq, limit) as FlagChangeSource[];
  }

  /** The experiment's version right after the audit row `seq` (0 if it did not exist yet). */
  versionAt(key: string, seq: number): number {
    return this.versionAtStatement.get(key, seq) as number;
  }
}
