/** Time is an input (CONVENTIONS §5): services and the scheduler read it from a Clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests and simulations move by hand. */
export class ManualClock implements Clock {
  constructor(private nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  set(nowMs: number): void {
    this.nowMs = nowMs;
  }
  advance(ms: number): void {
    this.nowMs += ms;
  }
}
