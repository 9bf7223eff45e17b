// @vitest-environment happy-dom
import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useViewLayer, VIEW_LAYER_ATTRIBUTE, type ViewLayerHandlers } from './use-view-layer';

let element: HTMLDivElement;
let view: ViewLayerHandlers;

beforeEach(() => {
  vi.useFakeTimers();
  element = document.createElement('div');
  view = renderHook(() => useViewLayer({ current: element })).result.current;
});
afterEach(() => {
  vi.useRealTimers();
});

const state = () => element.getAttribute(VIEW_LAYER_ATTRIBUTE);

/** One gesture through the given viewports, as React Flow reports it. */
function gesture(...viewports: Array<{ x: number; y: number; zoom: number }>): void {
  view.onMoveStart(null, viewports[0]!);
  for (const viewport of viewports.slice(1)) view.onMove(null, viewport);
  view.onMoveEnd(null, viewports.at(-1)!);
}

describe('the graph view as a compositor layer', () => {
  it('stays as it is for a click, or a hand that trembles a pixel or two', () => {
    gesture({ x: 0, y: 0, zoom: 1 });
    gesture({ x: 0, y: 0, zoom: 1 }, { x: 2, y: 1, zoom: 1 });
    expect(state()).toBeNull();
    vi.runAllTimers();
    expect(state()).toBeNull();
  });

  it('is one while a pan moves it, and stays one at rest for the next pan', () => {
    view.onMoveStart(null, { x: 0, y: 0, zoom: 0.5 });
    view.onMove(null, { x: -30, y: 0, zoom: 0.5 });
    expect(state()).toBe('moving');
    view.onMoveEnd(null, { x: -30, y: 0, zoom: 0.5 });
    expect(state()).toBe('resting');

    view.onMoveStart(null, { x: -30, y: 0, zoom: 0.5 });
    view.onMove(null, { x: -30, y: -40, zoom: 0.5 });
    expect(state()).toBe('moving');
    view.onMoveEnd(null, { x: -30, y: -40, zoom: 0.5 });
    expect(state()).toBe('resting');
  });

  it('stays one while zooming in, and after the zoom is painted sharp, then layered again', () => {
    gesture({ x: 0, y: 0, zoom: 0.5 }, { x: -30, y: 0, zoom: 0.5 });
    view.onMoveStart(null, { x: -30, y: 0, zoom: 0.5 });
    view.onMove(null, { x: -40, y: -5, zoom: 0.6 });
    expect(state()).toBe('moving');
    view.onMove(null, { x: -50, y: -10, zoom: 0.7 });
    expect(state()).toBe('moving');
    view.onMoveEnd(null, { x: -50, y: -10, zoom: 0.7 });
    expect(state()).toBeNull();
    vi.runAllTimers();
    expect(state()).toBe('resting');
  });

  it('stops being one as soon as it zooms out, and is one again once it rests', () => {
    gesture({ x: 0, y: 0, zoom: 0.5 }, { x: -30, y: 0, zoom: 0.5 });
    expect(state()).toBe('resting');
    view.onMoveStart(null, { x: -30, y: 0, zoom: 0.5 });
    view.onMove(null, { x: -20, y: 0, zoom: 0.4 });
    expect(state()).toBe('zooming');
    view.onMove(null, { x: -10, y: 0, zoom: 0.45 });
    expect(state()).toBe('zooming');
    view.onMoveEnd(null, { x: -10, y: 0, zoom: 0.45 });
    expect(state()).toBeNull();
    vi.runAllTimers();
    expect(state()).toBe('resting');
  });

  it('does not become one behind a gesture that starts while it waits to rest', () => {
    gesture({ x: 0, y: 0, zoom: 1 }, { x: 0, y: 0, zoom: 0.8 });
    expect(state()).toBeNull();
    view.onMoveStart(null, { x: 0, y: 0, zoom: 0.8 });
    view.onMove(null, { x: 0, y: 0, zoom: 0.6 });
    vi.runAllTimers();
    expect(state()).toBe('zooming');
    view.onMoveEnd(null, { x: 0, y: 0, zoom: 0.6 });
    expect(state()).toBeNull();
    vi.runAllTimers();
    expect(state()).toBe('resting');
  });
});
