import { describe, expect, it } from 'vitest';
import {
  boundLines,
  formatClock,
  formatSliValue,
  formatTick,
  signedPercent,
  stageMarkerLines,
  timeTicks,
  toChartRows,
  valueDomain,
} from './sli-chart-data';
import { SAMPLE_START_MS, samplePoints, sampleSeries } from './testing/sample-series';

describe('toChartRows', () => {
  it('keeps each point as a row with its band as a [low, high] range and its bounds flattened', () => {
    const [point] = samplePoints(1);
    const [row] = toChartRows([{ ...point!, limits: [0.011, null] }]);
    expect(row).toEqual({
      atMs: point!.atMs,
      stageIndex: 1,
      treatment: point!.treatment,
      control: point!.control,
      band: point!.band,
      treatmentSamples: 500,
      controlSamples: 500,
      verdict: 'inconclusive',
      limit0: 0.011,
      limit1: null,
    });
  });

  it('keeps gaps as nulls so the lines break rather than invent values', () => {
    const rows = toChartRows([
      { ...samplePoints(1)[0]!, treatment: null, control: null, band: null, limits: [null] },
    ]);
    expect(rows[0]).toMatchObject({ treatment: null, control: null, band: null, limit0: null });
  });
});

describe('boundLines', () => {
  it('draws absolute bounds as a level in the SLI unit and relative ones along control', () => {
    expect(
      boundLines({
        unit: 'ms',
        bounds: [
          { bound: 'max', limit: 300, relative: false },
          { bound: 'maxRelative', limit: 0.1, relative: true },
          { bound: 'minRelative', limit: -0.05, relative: true },
        ],
      }),
    ).toEqual([
      { kind: 'level', bound: 'max', y: 300, label: 'max 300 ms' },
      {
        kind: 'follows_control',
        bound: 'maxRelative',
        dataKey: 'limit1',
        label: 'max control +10%',
      },
      {
        kind: 'follows_control',
        bound: 'minRelative',
        dataKey: 'limit2',
        label: 'min control -5%',
      },
    ]);
  });
});

describe('stageMarkerLines', () => {
  it('labels stage changes and resumes inside the range and drops the rest', () => {
    const lines = stageMarkerLines(
      [
        { atMs: 0, stageIndex: 0, percent: 5, event: 'start' },
        { atMs: 100, stageIndex: 1, percent: 25, event: 'advance' },
        { atMs: 200, stageIndex: 1, percent: 25, event: 'resume' },
      ],
      50,
      300,
    );
    expect(lines).toEqual([
      { x: 100, label: 'stage 2 · 25%' },
      { x: 200, label: 'resumed · stage 2 · 25%' },
    ]);
  });
});

describe('valueDomain', () => {
  it('covers the arms, every bound and the latest band, padded, never below zero for a rate', () => {
    const points = samplePoints(20);
    // The first point's band (little evidence yet) is far wider than the latest one.
    points[0] = { ...points[0]!, band: [0, 0.2] };
    const rows = toChartRows(points);
    const [low, high] = valueDomain(rows, [
      ...boundLines(sampleSeries()),
      { kind: 'level', bound: 'max', y: 0.05, label: '' },
    ])!;
    const latest = rows.at(-1)!.band!;
    const limits = rows.map((row) => row.limit0 as number);
    expect(high).toBeGreaterThan(Math.max(0.05, latest[1], ...limits));
    expect(low).toBeLessThan(Math.min(latest[0], ...rows.map((row) => row.control!)));
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThan(0.2); // so the early band is clipped rather than flattening the arms
  });

  it('is null with nothing to show, and opens a flat line up around its value', () => {
    expect(valueDomain([], [])).toBeNull();
    const [row] = toChartRows([
      { ...samplePoints(1)[0]!, treatment: 5, control: 5, band: null, limits: [] },
    ]);
    const [low, high] = valueDomain([row!], [])!;
    expect(low).toBeLessThan(5);
    expect(high).toBeGreaterThan(5);
  });
});

describe('formatSliValue', () => {
  it('shows ratios as percentages and latencies in ms (s when large)', () => {
    expect(formatSliValue(0.0123, 'ratio')).toBe('1.23%');
    expect(formatSliValue(0.005, 'ratio')).toBe('0.5%');
    expect(formatSliValue(0.25, 'ratio')).toBe('25%');
    expect(formatSliValue(123.456, 'ms')).toBe('123 ms');
    expect(formatSliValue(12.34, 'ms')).toBe('12.3 ms');
    expect(formatSliValue(15_500, 'ms')).toBe('15.5 s');
    expect(formatSliValue(3.14159, 'rps')).toBe('3.14 rps');
    expect(formatSliValue(null, 'ms')).toBe('—');
    expect(formatSliValue(Number.NaN, 'ratio')).toBe('—');
  });

  it('signs relative changes and prints times in UTC', () => {
    expect(signedPercent(0.1)).toBe('+10%');
    expect(signedPercent(-0.025)).toBe('-2.5%');
    expect(formatClock(SAMPLE_START_MS + 61_000)).toBe('09:01:01');
    expect(formatTick(SAMPLE_START_MS + 61_000, 30_000)).toBe('09:01:01');
    expect(formatTick(SAMPLE_START_MS + 60_000, 60_000)).toBe('09:01');
  });
});

describe('timeTicks', () => {
  it('puts a few round instants across the range, whatever its length', () => {
    const from = Date.UTC(2026, 10, 29, 9, 0, 7);
    expect(timeTicks(from, from + 5 * 60_000).map(formatClock)).toEqual([
      '09:01:00',
      '09:02:00',
      '09:03:00',
      '09:04:00',
      '09:05:00',
    ]);
    for (const spanMs of [30_000, 3_600_000, 26 * 3_600_000, 9 * 86_400_000]) {
      const ticks = timeTicks(from, from + spanMs);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks.every((tick) => tick >= from && tick <= from + spanMs)).toBe(true);
    }
    expect(timeTicks(from, from)).toEqual([from]);
  });
});
