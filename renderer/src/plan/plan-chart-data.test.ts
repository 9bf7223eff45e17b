import { describe, expect, it } from 'vitest';
import type { BlockedReason } from '../../../shared/src/blocked-reasons';
import type { Plan, PlanEntry } from '../../../server/src/scheduler/plan';
import {
  formatDay,
  formatPlanTick,
  formatPlanTime,
  formatSpan,
  keyAxisWidth,
  planTimeline,
  unforecastReasons,
} from './plan-chart-data';

const NOW = Date.parse('2026-11-29T10:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HORIZON = 30 * DAY;

function entry(key: string, overrides: Partial<PlanEntry> = {}): PlanEntry {
  return {
    key,
    state: 'queued',
    expectedStartMs: null,
    expectedCompleteMs: null,
    assumptions: [],
    blockedReasons: [],
    ...overrides,
  };
}

function plan(entries: PlanEntry[], truncated = false): Plan {
  return { generatedAtMs: NOW, horizonMs: HORIZON, truncated, entries };
}

const freeze: BlockedReason = {
  kind: 'freeze',
  service: 'search',
  untilMs: NOW + 40 * DAY,
  reason: 'migration',
  message: 'freeze window until 2027-01-08 10:00 UTC',
};

describe('planTimeline', () => {
  it('makes a range bar from expected start to completion for each scheduled experiment', () => {
    const timeline = planTimeline(
      plan([
        entry('checkout-v2', {
          expectedStartMs: NOW + HOUR,
          expectedCompleteMs: NOW + 3 * HOUR,
          assumptions: ['stage approvals granted when due'],
        }),
      ]),
    );
    expect(timeline.bars).toEqual([
      {
        key: 'checkout-v2',
        state: 'queued',
        kind: 'scheduled',
        span: [NOW + HOUR, NOW + 3 * HOUR],
        startMs: NOW + HOUR,
        endMs: NOW + 3 * HOUR,
        assumptions: ['stage approvals granted when due'],
      },
    ]);
    expect(timeline.unforecast).toEqual([]);
    expect(timeline.nowMs).toBe(NOW);
  });

  it('draws a running experiment from now to its completion, first, and an open end to the horizon', () => {
    const timeline = planTimeline(
      plan([
        entry('later', { expectedStartMs: NOW + 2 * HOUR, expectedCompleteMs: NOW + 4 * HOUR }),
        entry('never-done', { expectedStartMs: NOW + 5 * HOUR }),
        // The plan lists running ones (no expected start) last; the timeline leads with them.
        entry('payments-api', { state: 'running', expectedCompleteMs: NOW + HOUR }),
      ]),
    );
    expect(timeline.bars.map((bar) => [bar.key, bar.kind, bar.span])).toEqual([
      ['payments-api', 'in_progress', [NOW, NOW + HOUR]],
      ['later', 'scheduled', [NOW + 2 * HOUR, NOW + 4 * HOUR]],
      ['never-done', 'open_ended', [NOW + 5 * HOUR, NOW + HORIZON]],
    ]);
    expect(timeline.horizonEndMs).toBe(NOW + HORIZON);
  });

  it('lists what it cannot place, with the scheduler’s reasons or its own', () => {
    const timeline = planTimeline(
      plan([
        entry('search-copy', { blockedReasons: [freeze], assumptions: ['approval granted now'] }),
        entry('promo', { state: 'paused' }),
        entry('held-ramp', { state: 'running', blockedReasons: [freeze] }),
        entry('far-off'),
        entry('slow-burn', { state: 'running' }),
      ]),
    );
    expect(timeline.bars).toEqual([]);
    expect(timeline.unforecast).toEqual([
      {
        key: 'search-copy',
        state: 'queued',
        reasons: ['waits: freeze window until 2027-01-08 10:00 UTC'],
        assumptions: ['approval granted now'],
      },
      {
        key: 'promo',
        state: 'paused',
        reasons: ['paused: it stays where it is until someone resumes it'],
        assumptions: [],
      },
      {
        key: 'held-ramp',
        state: 'running',
        reasons: ['held: freeze window until 2027-01-08 10:00 UTC'],
        assumptions: [],
      },
      {
        key: 'far-off',
        state: 'queued',
        reasons: ["does not start within the forecast's 30d"],
        assumptions: [],
      },
      {
        key: 'slow-burn',
        state: 'running',
        reasons: ["does not complete within the forecast's 30d"],
        assumptions: [],
      },
    ]);
  });

  it('spans the axis from now to just past the last bar, with round ticks inside it', () => {
    const timeline = planTimeline(
      plan([entry('a', { expectedStartMs: NOW + HOUR, expectedCompleteMs: NOW + 10 * HOUR })]),
    );
    expect(timeline.domain[0]).toBe(NOW);
    expect(timeline.domain[1]).toBeGreaterThan(NOW + 10 * HOUR);
    expect(timeline.domain[1]).toBeLessThan(NOW + 11 * HOUR);
    expect(timeline.ticks.length).toBeGreaterThan(1);
    for (const tick of timeline.ticks) {
      expect(tick).toBeGreaterThanOrEqual(timeline.domain[0]);
      expect(tick).toBeLessThanOrEqual(timeline.domain[1]);
    }
    // Nothing to draw: an hour from now, so the axis still reads.
    expect(planTimeline(plan([])).domain).toEqual([NOW, NOW + HOUR * 1.03]);
  });

  it('passes on that the forecast stopped early', () => {
    expect(planTimeline(plan([], true)).truncated).toBe(true);
  });
});

describe('plan times', () => {
  it('reads dates and times in UTC, the date only when it is not today', () => {
    expect(formatDay(Date.parse('2026-12-01T23:30:00Z'))).toBe('Dec 1');
    expect(formatPlanTime(NOW + 2 * HOUR, NOW)).toBe('12:00 UTC');
    expect(formatPlanTime(NOW + DAY, NOW)).toBe('Nov 30 10:00 UTC');
  });

  it('labels ticks by day for day steps, and marks midnight on an axis spanning days', () => {
    const domain = [NOW, NOW + 2 * DAY] as const;
    expect(formatPlanTick(Date.parse('2026-11-30T00:00:00Z'), DAY, domain)).toBe('Nov 30');
    expect(formatPlanTick(Date.parse('2026-11-30T00:00:00Z'), 6 * HOUR, domain)).toBe('Nov 30');
    expect(formatPlanTick(Date.parse('2026-11-30T06:00:00Z'), 6 * HOUR, domain)).toBe('06:00');
    expect(formatPlanTick(NOW + HOUR, HOUR, [NOW, NOW + 5 * HOUR])).toBe('11:00');
  });

  it('says spans to the minute', () => {
    expect(formatSpan(30_000)).toBe('under a minute');
    expect(formatSpan(90 * 60_000 + 20_000)).toBe('1h30m');
    expect(formatSpan(30 * DAY)).toBe('30d');
  });

  it('leaves room for the longest key beside the bars, within bounds', () => {
    expect(keyAxisWidth([{ key: 'a' }])).toBe(96);
    expect(keyAxisWidth([{ key: 'a' }, { key: 'checkout-address-autocomplete' }])).toBe(
      29 * 7 + 16,
    );
    expect(keyAxisWidth([{ key: 'x'.repeat(63) }])).toBe(320);
  });

  it('words the fallback reasons after the horizon', () => {
    expect(unforecastReasons(entry('x'), 7 * DAY)).toEqual([
      "does not start within the forecast's 7d",
    ]);
  });
});
