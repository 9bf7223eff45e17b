/** What one tick reports: whether it finished, or must run again because its decision went stale. */
export type TickOutcome = 'done' | 'stale';

/**
 * Runs ticks on an interval and soon after every relevant change. Ticks never overlap; changes
 * that arrive during a tick make exactly one more tick run after it, so a burst coalesces.
 */
export class SchedulerLoop {
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Immediate | null = null;
  private running = false;
  private again = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly runTick: () => Promise<TickOutcome> | TickOutcome,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = (error) =>
      console.error('runway: scheduler tick failed', error),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.nudge(), this.intervalMs);
    this.timer.unref();
    this.nudge();
  }

  nudge(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.pending ??= setImmediate(() => {
      this.pending = null;
      void this.run();
    });
  }

  /** Resolves when no tick is running or queued (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.running && !this.pending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearImmediate(this.pending);
    this.timer = null;
    this.pending = null;
    this.again = false;
    if (!this.running) this.settle();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        let outcome: TickOutcome = 'done';
        try {
          outcome = await this.runTick();
        } catch (error) {
          this.onError(error);
        }
        if (outcome === 'stale') this.again = true;
      } while (this.again && this.timer);
    } finally {
      this.running = false;
      this.settle();
    }
  }

  private settle(): void {
    if (this.running || this.pending) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
