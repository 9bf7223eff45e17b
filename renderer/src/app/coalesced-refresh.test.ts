import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coalescedRefresh } from './coalesced-refresh';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function deferredLoads() {
  const pending: Array<() => void> = [];
  const load = vi.fn(
    () =>
      new Promise<void>((resolve) => {
        pending.push(resolve);
      }),
  );
  const finishNext = async (): Promise<void> => {
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { load, finishNext };
}

describe('coalescedRefresh', () => {
  it('turns a burst of requests into one load after the delay', async () => {
    const { load, finishNext } = deferredLoads();
    const refresh = coalescedRefresh(load, 150);
    for (let index = 0; index < 20; index++) refresh.request();
    await vi.advanceTimersByTimeAsync(149);
    expect(load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(1);
    await finishNext();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads once more after a load during which something changed, never two at a time', async () => {
    const { load, finishNext } = deferredLoads();
    const refresh = coalescedRefresh(load, 100);
    refresh.now();
    expect(load).toHaveBeenCalledTimes(1);
    refresh.request();
    refresh.request();
    await vi.advanceTimersByTimeAsync(500);
    expect(load).toHaveBeenCalledTimes(1); // still running: the requests wait for it
    await finishNext();
    expect(load).toHaveBeenCalledTimes(2);
    await finishNext();
    await vi.advanceTimersByTimeAsync(500);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('does not starve under a steady stream of changes', async () => {
    const load = vi.fn(() => Promise.resolve());
    const refresh = coalescedRefresh(load, 100);
    for (let elapsed = 0; elapsed < 1_000; elapsed += 20) {
      refresh.request();
      await vi.advanceTimersByTimeAsync(20);
    }
    expect(load.mock.calls.length).toBeGreaterThanOrEqual(8);
  });

  it('does nothing once disposed', async () => {
    const load = vi.fn(() => Promise.resolve());
    const refresh = coalescedRefresh(load, 100);
    refresh.request();
    refresh.dispose();
    refresh.request();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(load).not.toHaveBeenCalled();
  });
});
