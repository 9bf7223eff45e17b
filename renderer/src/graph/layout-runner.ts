import type { DependencyEdge } from './dependency-edges';
import type { Point } from './graph-layout';
import type { LayoutRequest, LayoutResponse } from './layout-protocol';

export type LayoutProgress = (positions: ReadonlyMap<string, Point>, done: boolean) => void;

export interface LayoutRunner {
  /**
   * Lays `keys` out, calling `onProgress` with everything placed so far (several times for a
   * large graph, `done` on the last call). A newer call supersedes an older one still running,
   * and so does the returned cancel function.
   */
  layout(
    keys: readonly string[],
    edges: readonly DependencyEdge[],
    onProgress: LayoutProgress,
  ): () => void;
}

/**
 * The in-thread runner, its code (dagre) loaded only when a worker cannot run: this module is
 * loaded at start-up to get the worker going, and should not carry the layout code itself.
 */
function deferredInThreadRunner(): LayoutRunner {
  const runner = import('./in-thread-layout-runner').then((module) =>
    module.createInThreadLayoutRunner(),
  );
  let latest = 0;
  return {
    layout(keys, edges, onProgress) {
      const id = ++latest;
      let cancel: (() => void) | null = null;
      void runner.then((inThread) => {
        if (id === latest) cancel = inThread.layout(keys, edges, onProgress);
      });
      return () => {
        if (id === latest) latest++;
        cancel?.();
      };
    },
  };
}

/** In a Web Worker when the page can start one, else on this thread. */
export function createLayoutRunner(): LayoutRunner {
  if (typeof Worker !== 'function') return deferredInThreadRunner();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return deferredInThreadRunner();
  }
  let latest = 0;
  let current: InFlight | null = null;
  let fallback: LayoutRunner | null = null;
  worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
    if (!current || event.data.id !== current.request.id) return;
    const positions = new Map(event.data.positions.map(([key, x, y]) => [key, { x, y }]));
    const inFlight = current;
    inFlight.last = positions;
    if (event.data.done) current = null;
    inFlight.onProgress(positions, event.data.done);
  };
  worker.onerror = () => {
    // A worker that cannot start (a CSP, a broken build) must not leave the graph empty.
    worker.terminate();
    fallback ??= deferredInThreadRunner();
    if (current) {
      const { request, onProgress } = current;
      current = null;
      fallback.layout(request.keys, request.edges, onProgress);
    }
  };
  return {
    layout(keys, edges, onProgress) {
      if (fallback) return fallback.layout(keys, edges, onProgress);
      const joined = current;
      if (joined && sameInput(joined.request, keys, edges)) {
        // The same layout is already running (started as soon as the data came, see
        // graph-preload): take it over rather than start again; what it placed shows now.
        joined.onProgress = onProgress;
        const placed = joined.last;
        if (placed) {
          setTimeout(() => {
            if (current === joined && joined.onProgress === onProgress) onProgress(placed, false);
          }, 0);
        }
        return () => {
          if (current === joined && joined.onProgress === onProgress) current = null;
        };
      }
      const request: LayoutRequest = { id: ++latest, keys, edges };
      const inFlight: InFlight = { request, onProgress, last: null };
      current = inFlight;
      worker.postMessage(request);
      return () => {
        if (current === inFlight) current = null;
      };
    },
  };
}

interface InFlight {
  request: LayoutRequest;
  onProgress: LayoutProgress;
  /** What the worker reported last (not done yet). */
  last: ReadonlyMap<string, Point> | null;
}

function sameInput(
  request: LayoutRequest,
  keys: readonly string[],
  edges: readonly DependencyEdge[],
): boolean {
  if (request.keys.length !== keys.length || request.edges.length !== edges.length) return false;
  for (let index = 0; index < keys.length; index++)
    if (request.keys[index] !== keys[index]) return false;
  for (let index = 0; index < edges.length; index++) {
    const asked = request.edges[index]!;
    const edge = edges[index]!;
    if (asked.source !== edge.source || asked.target !== edge.target || asked.kind !== edge.kind)
      return false;
  }
  return true;
}

let shared: LayoutRunner | null = null;

/**
 * The page's one layout runner: one worker, whose cache of laid-out components outlives the view,
 * so coming back to the graph does not lay it all out again.
 */
export function sharedLayoutRunner(): LayoutRunner {
  shared ??= createLayoutRunner();
  return shared;
}
