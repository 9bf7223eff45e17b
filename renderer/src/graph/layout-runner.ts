import type { DependencyEdge } from './dependency-edges';
import { createLayoutJob, DEFAULT_LAYOUT, type Point } from './graph-layout';
import {
  boundedComponentCache,
  runInSlices,
  type LayoutRequest,
  type LayoutResponse,
} from './layout-protocol';

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

/** On this thread, in slices (tests, or where workers are unavailable). */
export function createInThreadLayoutRunner(): LayoutRunner {
  const cache = boundedComponentCache();
  let latest = 0;
  return {
    layout(keys, edges, onProgress) {
      const id = ++latest;
      // A macrotask first, so the caller's render finishes, as with the worker.
      setTimeout(() => {
        if (id !== latest) return;
        const job = createLayoutJob(keys, edges, DEFAULT_LAYOUT, cache);
        runInSlices(
          job,
          (done) => onProgress(new Map(job.positions), done),
          () => id === latest,
        );
      }, 0);
      return () => {
        if (id === latest) latest++;
      };
    },
  };
}

/** In a Web Worker when the page can start one, else on this thread. */
export function createLayoutRunner(): LayoutRunner {
  if (typeof Worker !== 'function') return createInThreadLayoutRunner();
  let worker: Worker;
  try {
    worker = new Worker(new URL('./layout-worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return createInThreadLayoutRunner();
  }
  let latest = 0;
  let current: { request: LayoutRequest; onProgress: LayoutProgress } | null = null;
  let fallback: LayoutRunner | null = null;
  worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
    if (!current || event.data.id !== current.request.id) return;
    const positions = new Map(event.data.positions.map(([key, x, y]) => [key, { x, y }]));
    const { onProgress } = current;
    if (event.data.done) current = null;
    onProgress(positions, event.data.done);
  };
  worker.onerror = () => {
    // A worker that cannot start (a CSP, a broken build) must not leave the graph empty.
    worker.terminate();
    fallback ??= createInThreadLayoutRunner();
    if (current) {
      const { request, onProgress } = current;
      current = null;
      fallback.layout(request.keys, request.edges, onProgress);
    }
  };
  return {
    layout(keys, edges, onProgress) {
      if (fallback) return fallback.layout(keys, edges, onProgress);
      const request: LayoutRequest = { id: ++latest, keys, edges };
      current = { request, onProgress };
      worker.postMessage(request);
      return () => {
        if (current?.request.id === request.id) current = null;
      };
    },
  };
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
