import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['45s', 45 * SECOND],
    ['30m', 30 * MINUTE],
    ['2h', 2 * HOUR],
    ['1d', DAY],
    ['1w', 7 * DAY],
    ['1h30m', HOUR + 30 * MINUTE],
    ['1d2h3m4s5ms', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5],
    ['1.5h', 90 * MINUTE],
    ['0s', 0],
    ['  2h  ', 2 * HOUR],
    ['1m1ms', MINUTE + 1],
  ])('reads %j as %d ms', (text, expectedMs) => {
    expect(parseDuration(text)).toBe(expectedMs);
  });

  it.each([
    '',
    '   ',
    '30',
    'm',
    '2 h',
    '1h 30m',
    '-5m',
    '5M',
    '1y',
    '2hours',
    'h2',
    '1e3s',
    '1.h',
    '.5h',
    'abc',
    '30m!',
  ])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [500, '500ms'],
    [45 * SECOND, '45s'],
    [90 * MINUTE, '1h30m'],
    [2 * HOUR, '2h'],
    [DAY + HOUR + SECOND, '1d1h1s'],
    [8 * DAY, '8d'],
  ])('formats %d ms as %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('round-trips whole seconds and sub-second values through parseDuration', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 1, max: 999 }),
          fc.integer({ min: 1, max: 10_000_000 }).map((s) => s * SECOND),
        ),
        (ms) => {
          expect(parseDuration(formatDuration(ms))).toBe(ms);
        },
      ),
      { seed: 20261201, numRuns: 300 },
    );
  });
});
