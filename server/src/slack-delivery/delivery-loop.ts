/**
 * Runs one delivery pass at a time: every `intervalMs`, and at once when nudged (a committed
 * change). A nudge during a pass runs another right after it, so no change waits a full interval.
 */
export class DeliveryLoop {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private rerun = false;
  private active = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.active) return;
    this.active = true;
    this.arm(0);
  }

  nudge(): void {
    if (!this.active) return;
    if (this.current) {
      this.rerun = true;
      return;
    }
    this.arm(0);
  }

  /** Stops the timer and waits for a pass in progress to finish. */
  async stop(): Promise<void> {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delayMs);
    // Like the server's other timers: the delivery loop alone never keeps the process alive.
    this.timer.unref();
  }

  private run(): void {
    this.timer = null;
    this.current = this.pass().finally(() => {
      this.current = null;
      if (!this.active) return;
      const again = this.rerun;
      this.rerun = false;
      this.arm(again ? 0 : this.intervalMs);
    });
  }
}
