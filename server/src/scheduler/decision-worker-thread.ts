// Runs in a worker thread: loads the scheduler snapshot through its own read-only connection and
// calls decide(), so a tick over thousands of experiments never blocks the HTTP thread.
import { parentPort, workerData } from 'node:worker_threads';
import { DefinitionCache } from '../experiments/definition-cache';
import { openReadOnlyDatabase } from '../store/database';
import { decide, type SchedulerDecision } from './decide';
import { SchedulerStore } from './scheduler-store';

export interface DecisionRequest {
  id: number;
  nowMs: number;
  /**
   * What to send back. A full decision at 10k experiments is megabytes that the main thread
   * would have to deserialize: ticks take the actions only, reads the reasons they need.
   */
  detail: 'actions' | 'all' | { keys: string[] };
}

const { dbPath } = workerData as { dbPath: string };
const store = new SchedulerStore(openReadOnlyDatabase(dbPath), new DefinitionCache());

parentPort!.on('message', (request: DecisionRequest) => {
  try {
    const decision = decide(store.loadSnapshot(request.nowMs), request.nowMs);
    parentPort!.postMessage({ id: request.id, decision: trim(decision, request.detail) });
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
});

function trim(decision: SchedulerDecision, detail: DecisionRequest['detail']): SchedulerDecision {
  if (detail === 'all') return decision;
  if (detail === 'actions') return { ...decision, blocked: [], held: [] };
  const keys = new Set(detail.keys);
  return {
    ...decision,
    blocked: decision.blocked.filter((entry) => keys.has(entry.key)),
    held: decision.held.filter((entry) => keys.has(entry.key)),
  };
}
