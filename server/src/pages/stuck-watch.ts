import type { Clock } from '../clock';
import type { DefinitionCache } from '../experiments/definition-cache';
import type { ExperimentStore } from '../experiments/experiment-store';
import type { Db } from '../store/database';
import type { Pager } from './pager';
import {
  DEFAULT_STUCK_LIMITS,
  findStuck,
  type StuckCandidate,
  type StuckLimits,
} from './stuck-detector';

export interface StuckWatchDeps {
  db: Db;
  experiments: Pick<ExperimentStore, 'list'>;
  definitions: Pick<DefinitionCache, 'get'>;
  pager: Pick<Pager, 'raise'>;
  clock: Clock;
  limits?: StuckLimits;
}

/** How often the server looks for stuck experiments. */
export const STUCK_CHECK_INTERVAL_MS = 60_000;

/**
 * Pages the owner of an experiment that sits in a state past its limit (DESIGN §5, issue 5):
 * paused and forgotten, an approval nobody gives, a ramp that stopped moving. One page per
 * (experiment, version): the same stuck state is paged once, however often this runs.
 */
export class StuckWatch {
  constructor(private readonly deps: StuckWatchDeps) {}

  /** The ids of the pages raised now. */
  check(nowMs: number = this.deps.clock.now()): number[] {
    const limits = this.deps.limits ?? DEFAULT_STUCK_LIMITS;
    return this.deps.db.transaction(() => {
      const candidates: StuckCandidate[] = this.deps.experiments
        .list({ states: ['paused', 'pending_approval', 'running'] })
        .map((row) => {
          const { definition } = this.deps.definitions.get(row.key, row.specJson);
          return {
            key: row.key,
            state: row.state,
            version: row.version,
            stateChangedAtMs: row.stateChangedAt,
            stageIndex: row.stageIndex,
            stageCount: definition.stages.length,
            stageStartedAtMs: row.stageStartedAt,
            holdMs: definition.stages[row.stageIndex]?.holdMs ?? 0,
          };
        });
      const raised: number[] = [];
      for (const finding of findStuck(candidates, nowMs, limits)) {
        const id = this.deps.pager.raise({
          kind: 'stuck',
          experimentKey: finding.key,
          summary: finding.summary,
          payload: {
            experimentKey: finding.key,
            state: finding.state,
            sinceMs: finding.sinceMs,
            limitMs: finding.limitMs,
          },
          dedupeKey: `stuck:${finding.key}:${finding.version}`,
          atMs: nowMs,
        });
        if (id !== null) raised.push(id);
      }
      return raised;
    })();
  }
}
