import type { Point } from './graph-layout';

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ViewportOptions {
  padding: number;
  /** Below this zoom keys cannot be read: start there, at the top left, rather than show dots. */
  minReadableZoom: number;
  maxZoom: number;
}

export const DEFAULT_VIEWPORT_OPTIONS: ViewportOptions = {
  padding: 24,
  minReadableZoom: 0.4,
  maxZoom: 1,
};

export function boundsOf(
  positions: Iterable<Point>,
  size: { width: number; height: number },
): Rect | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const { x, y } of positions) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + size.width);
    maxY = Math.max(maxY, y + size.height);
  }
  return minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * Where the graph opens: all of it, centred, when it fits at a readable zoom; otherwise the top
 * left (the largest connected groups are packed there) at the smallest readable zoom. A
 * thousand experiments then open as a few hundred readable nodes, not a thousand specks.
 */
export function initialViewport(
  bounds: Rect,
  container: { width: number; height: number },
  options: ViewportOptions = DEFAULT_VIEWPORT_OPTIONS,
): Viewport {
  const fitZoom = zoomToFit(bounds, container, options);
  if (fitZoom >= options.minReadableZoom) {
    return {
      x: (container.width - bounds.width * fitZoom) / 2 - bounds.x * fitZoom,
      y: (container.height - bounds.height * fitZoom) / 2 - bounds.y * fitZoom,
      zoom: fitZoom,
    };
  }
  return topLeftViewport(bounds, options);
}

function zoomToFit(
  bounds: Rect,
  container: { width: number; height: number },
  options: ViewportOptions,
): number {
  return Math.min(
    (container.width - options.padding * 2) / Math.max(1, bounds.width),
    (container.height - options.padding * 2) / Math.max(1, bounds.height),
    options.maxZoom,
  );
}

/** The top left of `bounds` at the smallest readable zoom. */
export function topLeftViewport(
  bounds: Rect,
  options: ViewportOptions = DEFAULT_VIEWPORT_OPTIONS,
): Viewport {
  const zoom = options.minReadableZoom;
  return { x: options.padding - bounds.x * zoom, y: options.padding - bounds.y * zoom, zoom };
}
