import type { Allocation } from '../../../shared/src/flags/bucket-ranges';
import type { FlagExperiment } from '../../../shared/src/flags/evaluate-flag';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { Db } from '../store/database';

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

/** The buckets each experiment holds in its layer (flag_allocations), and flags to evaluate. */
export class FlagStore {
  private readonly flagStatement;
  private readonly allFlagsStatement;
  private readonly layerOfStatement;
  private readonly layerStatement;
  private readonly upsertStatement;
  private readonly deleteStatement;

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
}
