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
  const snapshot = (fromMs: number, bucketMs: number, times: number[]) => ({
    key: 'x',
    fromMs,
    bucketMs,
    series: [{ sli: 'error_rate', points: at(...times) }],
  });

  it('merges an answer on the same grid and replaces one on a new grid', () => {
    const first = snapshot(0, 10, [10, 20, 25]);
    const same = nextLiveSeries(first, snapshot(0, 10, [20, 30]), 100);
    expect(same.series[0]!.points.map((point) => point.atMs)).toEqual([10, 20, 30]);
    // a new stage (later fromMs) or coarser buckets: the old points must not linger
    const staged = nextLiveSeries(same, snapshot(40, 10, [50]), 100);
    expect(staged.series[0]!.points.map((point) => point.atMs)).toEqual([50]);
    const coarser = nextLiveSeries(same, snapshot(0, 20, [20, 40]), 100);
    expect(coarser.series[0]!.points.map((point) => point.atMs)).toEqual([20, 40]);
  });
});
