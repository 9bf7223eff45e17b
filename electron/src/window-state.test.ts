import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Display, Rectangle } from './electron-api';
import {
  captureWindowState,
  DEFAULT_WINDOW_SIZE,
  parseWindowState,
  placeWindow,
  serializeWindowState,
  type WindowState,
} from './window-state';

const LAPTOP: Display = { workArea: { x: 0, y: 25, width: 1440, height: 875 } };
const MONITOR_LEFT: Display = { workArea: { x: -2560, y: 0, width: 2560, height: 1400 } };

const state = (overrides: Partial<WindowState> = {}): WindowState => ({
  x: 100,
  y: 100,
  width: 1200,
  height: 800,
  maximized: false,
  ...overrides,
});

describe('reading the saved window state', () => {
  it('round-trips what it saves', () => {
    const saved = captureWindowState({ x: 10.4, y: 20.6, width: 1000, height: 700 }, true);
    expect(saved).toEqual({ x: 10, y: 21, width: 1000, height: 700, maximized: true });
    expect(parseWindowState(serializeWindowState(saved))).toEqual(saved);
  });

  it('treats a missing, truncated or wrong-shaped file as none', () => {
    expect(parseWindowState(null)).toBeNull();
    expect(parseWindowState('')).toBeNull();
    expect(parseWindowState('{"x": 1,')).toBeNull();
    expect(parseWindowState('null')).toBeNull();
    expect(parseWindowState(JSON.stringify({ ...state(), width: -5 }))).toBeNull();
    expect(parseWindowState(JSON.stringify({ ...state(), maximized: 'yes' }))).toBeNull();
  });
});

describe('placing the window', () => {
  it('uses the default size, centred by the system, when nothing was saved', () => {
    expect(placeWindow(null, [LAPTOP], LAPTOP)).toEqual({
      bounds: DEFAULT_WINDOW_SIZE,
      maximized: false,
    });
  });

  it('restores a visible position exactly, on whichever display it was', () => {
    expect(placeWindow(state({ x: -2000, y: 50 }), [LAPTOP, MONITOR_LEFT], LAPTOP)).toEqual({
      bounds: { x: -2000, y: 50, width: 1200, height: 800 },
      maximized: false,
    });
  });

  it('centres the saved size on the primary display when its monitor is gone', () => {
    expect(placeWindow(state({ x: -2000, y: 50, maximized: true }), [LAPTOP], LAPTOP)).toEqual({
      bounds: { x: 120, y: 63, width: 1200, height: 800 },
      maximized: true,
    });
  });

  it('never restores a title bar above the top of the screen', () => {
    const placed = placeWindow(state({ x: 100, y: -300 }), [LAPTOP], LAPTOP);
    expect(placed.bounds.y).toBeGreaterThanOrEqual(25);
  });

  it('shrinks a window larger than its display to fit, and nudges a hanging edge back in', () => {
    const placed = placeWindow(
      state({ x: 1000, y: 100, width: 3000, height: 2000 }),
      [LAPTOP],
      LAPTOP,
    );
    expect(placed.bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
  });

  it('always puts the whole window on some display, for any saved state and displays', () => {
    const rect = fc.record({
      x: fc.integer({ min: -5000, max: 5000 }),
      y: fc.integer({ min: -3000, max: 3000 }),
      width: fc.integer({ min: 640, max: 4000 }),
      height: fc.integer({ min: 480, max: 3000 }),
    });
    fc.assert(
      fc.property(
        fc.array(rect, { minLength: 1, maxLength: 3 }),
        rect,
        fc.boolean(),
        (areas: Rectangle[], saved: Rectangle, maximized: boolean) => {
          const displays = areas.map((workArea) => ({ workArea }));
          const placed = placeWindow({ ...saved, maximized }, displays, displays[0]!);
          const { x, y, width, height } = placed.bounds;
          expect(placed.maximized).toBe(maximized);
          const inside = areas.some(
            (area) =>
              x! >= area.x &&
              y! >= area.y &&
              x! + width <= area.x + area.width &&
              y! + height <= area.y + area.height,
          );
          expect(inside).toBe(true);
        },
      ),
    );
  });
});
