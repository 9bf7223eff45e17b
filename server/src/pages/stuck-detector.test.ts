import { describe, expect, it } from 'vitest';
import { DEFAULT_STUCK_LIMITS, findStuck, type StuckCandidate } from './stuck-detector';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

function candidate(overrides: Partial<StuckCandidate>): StuckCandidate {
  return {
    key: 'checkout-v2',
    state: 'running',
    version: 4,
    stateChangedAtMs: NOW - 10 * HOUR,
    stageIndex: 1,
    stageCount: 3,
    stageStartedAtMs: NOW - HOUR,
    holdMs: 30 * 60_000,
    ...overrides,
  };
}

describe('findStuck', () => {
  it('finds a paused experiment from its limit on, not a millisecond before', () => {
    const paused = candidate({ state: 'paused', stateChangedAtMs: NOW - HOUR });
    expect(findStuck([paused], NOW - 1)).toEqual([]);
    expect(findStuck([paused], NOW)).toEqual([
      {
        key: 'checkout-v2',
        version: 4,
        state: 'paused',
        sinceMs: NOW - HOUR,
        limitMs: DEFAULT_STUCK_LIMITS.pausedMs,
        summary: 'paused for 1h (limit 1h)',
      },
    ]);
  });

  it('gives an approval a day, and a ramp its hold plus an hour', () => {
    const waiting = candidate({ state: 'pending_approval', stateChangedAtMs: NOW - 25 * HOUR });
    expect(findStuck([waiting], NOW).map((finding) => finding.summary)).toEqual([
      'waiting for approval for 1d1h (limit 1d)',
    ]);
    const ramp = candidate({ stageStartedAtMs: NOW - 90 * 60_000 });
    expect(findStuck([ramp], NOW - 1)).toEqual([]);
    expect(findStuck([ramp], NOW).map((finding) => finding.summary)).toEqual([
      'running at stage 2/3 (hold 30m) for 1h30m (limit 1h30m)',
    ]);
  });

  it('ignores queued and ended experiments, and a running one not yet at a stage', () => {
    const old = NOW - 1_000 * HOUR;
    expect(
      findStuck(
        [
          candidate({ state: 'queued', stateChangedAtMs: old }),
          candidate({ state: 'completed', stateChangedAtMs: old }),
          candidate({ state: 'rolled_back', stateChangedAtMs: old }),
          candidate({ state: 'running', stageStartedAtMs: null }),
        ],
        NOW,
      ),
    ).toEqual([]);
  });

  it('takes its limits as input', () => {
    const paused = candidate({ state: 'paused', stateChangedAtMs: NOW - 60_000 });
    expect(findStuck([paused], NOW, { ...DEFAULT_STUCK_LIMITS, pausedMs: 60_000 })).toHaveLength(1);
  });
});
