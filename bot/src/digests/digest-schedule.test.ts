import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDigestCron, dueSlot, latestSlotAtOrBefore, nextSlotAfter } from './digest-schedule';

const NOW = Date.UTC(2026, 10, 30, 9, 0, 0); // Monday
const BERLIN_9 = { cron: '0 9 * * *', timeZone: 'Europe/Berlin' };

describe('checkDigestCron', () => {
  it('accepts five fields in a known zone, normalising spaces', () => {
    expect(checkDigestCron({ cron: ' 0  9 * * 1-5 ', timeZone: 'Europe/Berlin' }, NOW)).toEqual({
      ok: true,
      cron: '0 9 * * 1-5',
      timeZone: 'Europe/Berlin',
    });
  });

  it('refuses other field counts, bad fields, unknown zones and schedules under 15 minutes', () => {
    const problem = (cron: string, timeZone = 'UTC') => {
      const checked = checkDigestCron({ cron, timeZone }, NOW);
      return checked.ok ? null : checked.problem;
    };
    expect(problem('0 0 9 * * *')).toContain('five-field');
    expect(problem('@daily')).toContain('five-field');
    expect(problem('61 9 * * *')).toMatch(/61 9/);
    expect(problem('0 9 * * *', 'Nowhere/Atlantis')).toContain('unknown time zone');
    expect(problem('*/10 * * * *')).toContain('more often than every 15 minutes');
    expect(problem('*/15 * * * *')).toBeNull();
  });
});

describe('slots', () => {
  it('reads the expression in the time zone, across daylight saving', () => {
    // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(nextSlotAfter(BERLIN_9, NOW)).toBe(Date.UTC(2026, 11, 1, 8));
    expect(nextSlotAfter(BERLIN_9, Date.UTC(2026, 2, 28, 12))).toBe(Date.UTC(2026, 2, 29, 7));
    expect(nextSlotAfter({ cron: '0 9 * * *', timeZone: 'America/New_York' }, NOW)).toBe(
      Date.UTC(2026, 10, 30, 14),
    );
  });

  it('counts a slot as due from its exact instant on', () => {
    const slot = Date.UTC(2026, 11, 1, 8);
    expect(latestSlotAtOrBefore(BERLIN_9, slot - 1)).toBe(Date.UTC(2026, 10, 30, 8));
    expect(latestSlotAtOrBefore(BERLIN_9, slot)).toBe(slot);
    expect(latestSlotAtOrBefore(BERLIN_9, slot + 999)).toBe(slot);
  });

  it('is the latest slot not after now, and the next one is after now (any instant)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.constantFrom('0 9 * * *', '30 7 * * 1-5', '0 */6 * * *', '15 0 1 * *'),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
        (nowMs, cron, timeZone) => {
          const latest = latestSlotAtOrBefore({ cron, timeZone }, nowMs);
          expect(latest).not.toBeNull();
          expect(latest!).toBeLessThanOrEqual(nowMs);
          const next = nextSlotAfter({ cron, timeZone }, latest!);
          expect(next!).toBeGreaterThan(nowMs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is due once per slot, after the schedule was created, and catches up only the latest', () => {
    const schedule = { ...BERLIN_9, createdAtMs: NOW, lastClaimedSlotMs: null };
    // Created after today's 09:00 Berlin: nothing due until tomorrow's.
    expect(dueSlot(schedule, NOW + 3_600_000)).toBeNull();
    const tomorrow = Date.UTC(2026, 11, 1, 8);
    expect(dueSlot(schedule, tomorrow)).toBe(tomorrow);
    expect(dueSlot({ ...schedule, lastClaimedSlotMs: tomorrow }, tomorrow + 60_000)).toBeNull();
    // Three days later, with tomorrow's the last claimed: only the latest slot is due.
    const later = Date.UTC(2026, 11, 4, 12);
    expect(dueSlot({ ...schedule, lastClaimedSlotMs: tomorrow }, later)).toBe(
      Date.UTC(2026, 11, 4, 8),
    );
  });
});
