import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { EXPERIMENT_STATES } from '../../../shared/src/lifecycle';
import type { ChangeFeed } from '../events/change-feed';

/** Runway's own metrics, served at /metrics in Prometheus text format. */
export class RunwayMetrics {
  readonly registry = new Registry();
  readonly enqueueSeconds: Histogram;
  readonly tickSeconds: Histogram;
  readonly transitions: Counter<'action'>;
  private countByState: () => Record<string, number> = () => ({});

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'runway_process_' });
    this.enqueueSeconds = new Histogram({
      name: 'runway_enqueue_duration_seconds',
      help: 'Time to handle an enqueue request, from input validation to commit',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [this.registry],
    });
    this.tickSeconds = new Histogram({
      name: 'runway_scheduler_tick_duration_seconds',
      help: 'Duration of one scheduler tick: load snapshot, decide, apply',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.transitions = new Counter({
      name: 'runway_transitions_total',
      help: 'Committed experiment transitions by type',
      labelNames: ['action'],
      registers: [this.registry],
    });
    const readCounts = (): Record<string, number> => this.countByState();
    new Gauge({
      name: 'runway_queue_depth',
      help: 'Experiments by lifecycle state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const counts = readCounts();
        for (const state of EXPERIMENT_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  /** Counts transitions from the change feed and reads queue depth from the store on scrape. */
  attach(feed: ChangeFeed, countByState: () => Record<string, number>): void {
    this.countByState = countByState;
    feed.subscribe((rows) => {
      for (const row of rows) {
        if (row.action.startsWith('experiment.'))
          this.transitions.inc({ action: row.action.slice('experiment.'.length) });
      }
    });
  }

  observeTick(durationMs: number): void {
    this.tickSeconds.observe(durationMs / 1_000);
  }
}
