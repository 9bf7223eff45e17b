// The window comes back where the operator left it: size, position and maximised state are kept
// in userData/window-state.json. A saved position that no longer lands on a screen (a monitor
// unplugged, a resolution changed) is moved back onto one, never restored off-screen.
import { z } from 'zod';
import type { Display, Rectangle } from './electron-api';

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 820 } as const;
export const MIN_WINDOW_SIZE = { width: 800, height: 560 } as const;
/** How much of the window must be on a screen for a saved position to count as visible. */
const MIN_VISIBLE_PX = 120;

const windowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** Where and how big to open the window; x/y absent: let the system centre it. */
export interface WindowPlacement {
  bounds: { x?: number; y?: number; width: number; height: number };
  maximized: boolean;
}

/** The saved state, or null for a missing, unreadable or malformed file (then defaults apply). */
export function parseWindowState(text: string | null): WindowState | null {
  if (text === null) return null;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** Is enough of the window, including its top edge (the title bar), on this work area? */
function visibleOn(window: Rectangle, area: Rectangle): boolean {
  const shared = overlap(window, area);
  const titleBarOnScreen = window.y >= area.y && window.y < area.y + area.height;
  return (
    titleBarOnScreen &&
    shared.width >= Math.min(MIN_VISIBLE_PX, window.width) &&
    shared.height >= Math.min(MIN_VISIBLE_PX, window.height)
  );
}

function clampSize(size: { width: number; height: number }, area: Rectangle) {
  return {
    width: Math.max(Math.min(size.width, area.width), Math.min(MIN_WINDOW_SIZE.width, area.width)),
    height: Math.max(
      Math.min(size.height, area.height),
      Math.min(MIN_WINDOW_SIZE.height, area.height),
    ),
  };
}

/**
 * Where to open the window: the saved bounds when they are visible on one of `displays` (shrunk
 * to fit that display), else the saved size centred on the primary display, else the default.
 */
export function placeWindow(
  saved: WindowState | null,
  displays: readonly Display[],
  primary: Display,
): WindowPlacement {
  if (!saved) {
    return { bounds: clampSize(DEFAULT_WINDOW_SIZE, primary.workArea), maximized: false };
  }
  const home = displays.find((display) => visibleOn(saved, display.workArea));
  if (home) {
    const area = home.workArea;
    const size = clampSize(saved, area);
    // Keep it where it was, nudged inside the display if shrinking or an edge left it hanging.
    const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - size.width);
    const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - size.height);
    return { bounds: { x, y, ...size }, maximized: saved.maximized };
  }
  const area = primary.workArea;
  const size = clampSize(saved, area);
  return {
    bounds: {
      x: area.x + Math.round((area.width - size.width) / 2),
      y: area.y + Math.round((area.height - size.height) / 2),
      ...size,
    },
    maximized: saved.maximized,
  };
}

/** What to save: the normal (unmaximised) bounds, so un-maximising later returns to them. */
export function captureWindowState(normalBounds: Rectangle, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.round(normalBounds.width),
    height: Math.round(normalBounds.height),
    maximized,
  };
}
