import { describe, expect, it } from 'vitest';
import {
  boundsOf,
  DEFAULT_VIEWPORT_OPTIONS,
  initialViewport,
  topLeftViewport,
} from './graph-viewport';
import { stageLabel } from './node-appearance';

describe('where the graph opens', () => {
  const screen = { width: 1200, height: 800 };

  it('shows a small graph whole and centred, never magnified past 100%', () => {
    const viewport = initialViewport({ x: 0, y: 0, width: 500, height: 100 }, screen);
    expect(viewport.zoom).toBe(1);
    expect(viewport).toEqual({ x: 350, y: 350, zoom: 1 });
  });

  it('zooms out to fit a graph that still reads at that zoom', () => {
    const viewport = initialViewport({ x: 0, y: 0, width: 2304, height: 1000 }, screen);
    expect(viewport.zoom).toBeCloseTo(0.5);
    // centred horizontally
    expect(viewport.x + (2304 * viewport.zoom) / 2).toBeCloseTo(600);
  });

  it('opens a huge graph at the top left at the smallest readable zoom rather than as specks', () => {
    const viewport = initialViewport({ x: 10, y: 20, width: 10_000, height: 8_000 }, screen);
    const { minReadableZoom, padding } = DEFAULT_VIEWPORT_OPTIONS;
    expect(viewport).toEqual({
      x: padding - 10 * minReadableZoom,
      y: padding - 20 * minReadableZoom,
      zoom: minReadableZoom,
    });
  });

  it('opens a layout still in progress at its top left (only large ones report early)', () => {
    expect(topLeftViewport({ x: 0, y: 0, width: 500, height: 100 })).toEqual({
      x: DEFAULT_VIEWPORT_OPTIONS.padding,
      y: DEFAULT_VIEWPORT_OPTIONS.padding,
      zoom: DEFAULT_VIEWPORT_OPTIONS.minReadableZoom,
    });
  });

  it('measures the bounds of laid-out nodes', () => {
    expect(
      boundsOf(
        [
          { x: 0, y: 0 },
          { x: 300, y: 100 },
        ],
        { width: 200, height: 50 },
      ),
    ).toEqual({
      x: 0,
      y: 0,
      width: 500,
      height: 150,
    });
    expect(boundsOf([], { width: 200, height: 50 })).toBeNull();
  });
});

describe('stage labels', () => {
  it('reads stage i/n with the exposure, or a dash before the first stage', () => {
    expect(stageLabel({ stageIndex: 1, stageCount: 3, exposurePercent: 25 })).toBe(
      'stage 2/3 · 25%',
    );
    expect(stageLabel({ stageIndex: 0, stageCount: 2, exposurePercent: 2.5 })).toBe(
      'stage 1/2 · 2.5%',
    );
    expect(stageLabel({ stageIndex: -1, stageCount: 4, exposurePercent: 0 })).toBe('stage –/4');
  });
});
