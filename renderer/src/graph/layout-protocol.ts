import type { DependencyEdge } from './dependency-edges';
import type { Box, ComponentCache, LayoutJob } from './graph-layout';

/** Main thread → layout worker. A newer request supersedes any older one still running. */
export interface LayoutRequest {
  id: number;
  keys: readonly string[];
  edges: readonly DependencyEdge[];
}

/** Layout worker → main thread: everything placed so far, as [key, x, y]; `done` on the last. */
export interface LayoutResponse {
  id: number;
  positions: Array<[string, number, number]>;
  done: boolean;
}

/** How long a layout works before it shows what it has placed, and between yields. */
export const PROGRESS_INTERVAL_MS = 60;

/** A component cache that forgets everything past `limit` entries (filters make new ones). */
export function boundedComponentCache(limit = 4_000): ComponentCache {
  const boxes = new Map<string, Box>();
  return {
    get: (signature) => boxes.get(signature),
    set(signature, box) {
      if (boxes.size >= limit) boxes.clear();
      boxes.set(signature, box);
    },
  };
}

export function encodePositions(job: LayoutJob): Array<[string, number, number]> {
  return [...job.positions].map(([key, point]) => [key, point.x, point.y]);
}

/**
 * Runs a layout job in slices of about PROGRESS_INTERVAL_MS, yielding to the event loop between
 * slices so that a newer request (`isCurrent` false) stops it. It reports twice at most: after
 * the first slice (the largest components, packed at the top left where the view opens) and when
 * done. Every report costs the main thread a render of the graph, so there are no more.
 */
export function runInSlices(
  job: LayoutJob,
  report: (done: boolean) => void,
  isCurrent: () => boolean,
  now: () => number = () => performance.now(),
): void {
  let reported = false;
  const slice = (): void => {
    if (!isCurrent()) return;
    const started = now();
    let more = true;
    while (more && now() - started < PROGRESS_INTERVAL_MS) more = job.step();
    if (!more || !reported) report(!more);
    reported = true;
    if (more) setTimeout(slice, 0);
  };
  slice();
}
