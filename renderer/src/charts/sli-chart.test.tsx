// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SliChart } from './sli-chart';
import { installResizeObserver } from './testing/resize-observer';
import {
  SAMPLE_MARKERS,
  SAMPLE_START_MS,
  sampleSeries,
  samplePoints,
} from './testing/sample-series';

beforeAll(installResizeObserver);
afterEach(cleanup);

const RANGE: [number, number] = [SAMPLE_START_MS, SAMPLE_START_MS + 310_000];

describe('SliChart', () => {
  it('draws treatment, control, a relative bound, the band and the stage marker', () => {
    const { container } = render(
      <SliChart series={sampleSeries()} markers={SAMPLE_MARKERS} rangeMs={RANGE} width={640} />,
    );
    expect(
      screen.getByRole('figure', { name: 'error_rate: failed requests / all requests' }),
    ).toBeTruthy();
    const lines = [...container.querySelectorAll('.recharts-line path.recharts-curve')];
    expect(lines).toHaveLength(3); // control, treatment, the bound following control
    expect(lines.every((path) => (path.getAttribute('d') ?? '').length > 20)).toBe(true);
    const band = container.querySelector('.recharts-area-area');
    expect(band?.getAttribute('d')).toMatch(/^M/);
    const markers = container.querySelectorAll('.recharts-reference-line');
    expect(markers).toHaveLength(1);
    expect(container.textContent).toContain('stage 2 · 25%');
    expect(container.textContent).toContain('treatment');
    expect(container.textContent).toContain('control');
  });

  it('draws an absolute bound as a labelled level across the chart', () => {
    const series = {
      ...sampleSeries(samplePoints(10)),
      bounds: [{ bound: 'max' as const, limit: 0.02, relative: false }],
      points: samplePoints(10).map((point) => ({ ...point, limits: [0.02] })),
    };
    const { container } = render(
      <SliChart series={series} markers={[]} rangeMs={RANGE} width={640} />,
    );
    expect(container.querySelectorAll('.recharts-line path.recharts-curve')).toHaveLength(2);
    expect(container.querySelectorAll('.recharts-reference-line')).toHaveLength(1);
    expect(container.textContent).toContain('max 2%');
  });

  it('marks the only point of a stage that just began', () => {
    const { container } = render(
      <SliChart series={sampleSeries(samplePoints(1))} markers={[]} rangeMs={RANGE} width={640} />,
    );
    expect(container.querySelector('.recharts-line-dot[name="treatment"]')).not.toBeNull();
    expect(container.querySelector('.recharts-line-dot[name="control"]')).not.toBeNull();
  });

  it('fills its container when given no width (ResizeObserver shimmed)', async () => {
    const { container } = render(
      <SliChart series={sampleSeries()} markers={SAMPLE_MARKERS} rangeMs={RANGE} />,
    );
    await waitFor(() =>
      expect(container.querySelectorAll('.recharts-line path.recharts-curve')).toHaveLength(3),
    );
  });
});
