import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeLivePoints, nextLiveSeries } from './live-points';

const at = (...times: number[]) => times.map((atMs) => ({ atMs, value: atMs }));

describe('mergeLivePoints', () => {
  it('appends new points and replaces the partial last one that is sent again', () => {
    const shown = at(10, 20, 25);
    const update = [{ atMs: 25, value: -1 }, ...at(30)];
    expect(mergeLivePoints(shown, update, 10)).toEqual([
      ...at(10, 20),
      { atMs: 25, value: -1 },
      ...at(30),
    ]);
  });

  it('lets a snapshot that starts earlier replace everything', () => {
    expect(mergeLivePoints(at(10, 20), at(0, 10, 20, 30), 10)).toEqual(at(0, 10, 20, 30));
  });

  it('never holds more than the cap, keeping the newest points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 50 }), {
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 64 }),
        (updates, cap) => {
          let shown: Array<{ atMs: number; value: number }> = [];
          for (const update of updates) {
            const sorted = at(...[...new Set(update)].sort((a, b) => a - b));
            const next = mergeLivePoints(shown, sorted, cap);
            expect(next.length).toBeLessThanOrEqual(cap);
            if (sorted.length > 0) expect(next.at(-1)).toEqual(sorted.at(-1));
            expect(next).not.toBe(shown);
            shown = next;
          }
        },
      ),
    );
  });

  it('stays at the cap over ten minutes of one point a second', () => {
    let shown: Array<{ atMs: number; value: number }> = [];
    for (let second = 0; second < 600; second++)
      shown = mergeLivePoints(shown, at(second * 1_000), 120);
    expect(shown).toHaveLength(120);
    expect(shown[0]!.atMs).toBe(480_000);
  });
});

describe('nextLiveSeries', () => {
  const snapshot = (times: number[]) => ({
    key: 'x',
    fromMs: 0,
    bucketMs: 10,
    series: [{ sli: 'error_rate', points: at(...times) }],
  });

  it('shows exactly what the server answered, so partial early polls do not linger', () => {
    // Polls at 3, 5, 7 and 9 s saw partial points; the answer after the first 10 s window
    // closed starts at 10 s. The chart must match the server (and a reload), not keep 3..9 s.
    let shown = snapshot([3]);
    for (const times of [[5], [7], [9], [10, 13]]) shown = nextLiveSeries(snapshot(times), 100);
    expect(shown.series[0]!.points.map((point) => point.atMs)).toEqual([10, 13]);
  });

  it('keeps the newest points within the cap', () => {
    const next = nextLiveSeries(snapshot([10, 20, 30, 40, 50]), 3);
    expect(next.series[0]!.points.map((point) => point.atMs)).toEqual([30, 40, 50]);
  });
});
