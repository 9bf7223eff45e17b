import { createLayoutJob, DEFAULT_LAYOUT } from './graph-layout';
import { boundedComponentCache, runInSlices } from './layout-protocol';
import type { LayoutRunner } from './layout-runner';

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
