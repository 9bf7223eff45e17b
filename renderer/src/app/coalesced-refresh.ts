export interface CoalescedRefresh {
  /** Asks for a refresh: it runs `delayMs` after the first request of a burst, once. */
  request(): void;
  /** Runs now (still one at a time). */
  now(): void;
  dispose(): void;
}

/**
 * Coalesces bursts of "something changed" into single reloads: the first request starts a timer,
 * later ones ride along; a request that arrives while a load runs gets one more load after it.
 * Never starves under a steady stream of changes, unlike a debounce that restarts its timer.
 */
export function coalescedRefresh(load: () => Promise<void>, delayMs: number): CoalescedRefresh {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  let again = false;
  let disposed = false;

  const run = (): void => {
    timer = null;
    if (disposed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    void load()
      .catch(() => undefined) // the loader reports its own errors
      .finally(() => {
        running = false;
        if (again && !disposed) {
          again = false;
          run();
        }
      });
  };

  return {
    request() {
      if (disposed || timer !== null) return;
      if (running) {
        again = true;
        return;
      }
      timer = setTimeout(run, delayMs);
    },
    now() {
      if (timer !== null) clearTimeout(timer);
      run();
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
