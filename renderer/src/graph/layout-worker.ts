import { createLayoutJob, DEFAULT_LAYOUT } from './graph-layout';
import {
  boundedComponentCache,
  encodePositions,
  runInSlices,
  type LayoutRequest,
  type LayoutResponse,
} from './layout-protocol';

// dagre takes about a second for a thousand experiments: off the main thread, panning and live
// updates stay smooth while it works, and what is placed shows at once. Components laid out
// before are reused.

interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
}

const scope = self as unknown as WorkerScope;
const cache = boundedComponentCache();
let latest = 0;

scope.onmessage = (event) => {
  const { id, keys, edges } = event.data;
  latest = id;
  const job = createLayoutJob(keys, edges, DEFAULT_LAYOUT, cache);
  runInSlices(
    job,
    (done) => scope.postMessage({ id, positions: encodePositions(job), done }),
    () => latest === id,
  );
};
