import type { OverviewView } from '../../../shared/src/api-types';
import { EXPERIMENT_STATES, type ExperimentState } from '../../../shared/src/lifecycle';
import type { Db } from '../store/database';

/** The actors whose changes are Runway's own decisions rather than a person's. */
export const AUTOMATIC_ACTORS = ['runway:guardrails', 'runway:scheduler'] as const;

/** Read model for the overview: counts and the latest automatic changes. */
export class OverviewStore {
  constructor(private readonly db: Db) {}

  countsByState(): Record<ExperimentState, number> {
    const counts = Object.fromEntries(EXPERIMENT_STATES.map((state) => [state, 0])) as Record<
      ExperimentState,
      number
    >;
    const rows = this.db
      .prepare('SELECT state, COUNT(*) AS count FROM experiments GROUP BY state')
      .all() as Array<{ state: ExperimentState; count: number }>;
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  recentAutomaticActions(limit: number): OverviewView['recentAutomaticActions'] {
    const placeholders = AUTOMATIC_ACTORS.map(() => '?').join(', ');
    return this.db
      .prepare(
        `SELECT seq, at AS atMs, actor, action, experiment_key AS experimentKey,
          from_state AS fromState, to_state AS toState, reason,
          json_extract(details_json, '$.stage') AS stage,
          json_extract(details_json, '$.exposurePercent') AS exposurePercent
        FROM audit_log WHERE actor IN (${placeholders}) ORDER BY seq DESC LIMIT ?`,
      )
      .all(...AUTOMATIC_ACTORS, limit) as OverviewView['recentAutomaticActions'];
  }
}
