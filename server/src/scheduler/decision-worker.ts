import { Worker } from 'node:worker_threads';
import type { SchedulerDecision } from './decide';
import type { DecisionRequest } from './decision-worker-thread';

/** Computes scheduler decisions in a worker thread over the same database file. */
export class DecisionWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (decision: SchedulerDecision) => void; reject: (error: Error) => void }
  >();
  private failure: Error | null = null;

  constructor(dbPath: string) {
    // A larger young generation: a decision at 10k experiments allocates ~14 MB that all lives until
    // decide() returns, and scavenging it repeatedly in a small nursery was most of its time.
    this.worker = new Worker(new URL('./decision-worker-entry.mjs', import.meta.url), {
      workerData: { dbPath },
      resourceLimits: { maxYoungGenerationSizeMb: 96 },
    });
    this.worker.unref();
    this.worker.on(
      'message',
      (message: { id: number; decision?: SchedulerDecision; error?: string }) => {
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.decision) waiter.resolve(message.decision);
        else waiter.reject(new Error(`scheduler worker: ${message.error ?? 'no decision'}`));
      },
    );
    const fail = (error: Error): void => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`scheduler worker exited (code ${code})`)));
  }

  /** A decision at `nowMs`; `detail` says which blocked reasons to bring back (see DecisionRequest). */
  decide(nowMs: number, detail: DecisionRequest['detail']): Promise<SchedulerDecision> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, nowMs, detail } satisfies DecisionRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('scheduler worker closed');
    await this.worker.terminate();
  }
}
