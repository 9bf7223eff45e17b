import type { SchedulerService } from './scheduler-service';

/**
 * Runs ticks on an interval and soon after every relevant change. Ticks never overlap, and a
 * burst of changes coalesces into one tick.
 */
export class SchedulerLoop {
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Immediate | null = null;
  private running = false;

  constructor(
    private readonly scheduler: SchedulerService,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = (error) => console.error('runway: scheduler tick failed', error),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.runTick(), this.intervalMs);
    this.timer.unref();
    this.nudge();
  }

  nudge(): void {
    if (this.pending || !this.timer) return;
    this.pending = setImmediate(() => {
      this.pending = null;
      this.runTick();
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearImmediate(this.pending);
    this.timer = null;
    this.pending = null;
  }

  private runTick(): void {
    if (this.running) return;
    this.running = true;
    try {
      this.scheduler.tick();
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
  }
}
