import type { ExperimentView, GuardrailHealthEntry } from '../../../shared/src/api-types';
import { useSession } from '../api/session-store';
import { buildDependencyEdges, isOrderingEdge } from './dependency-edges';
import { runwayGraphSource, type GraphDataSource } from './graph-source';
import { sharedLayoutRunner } from './layout-runner';

/** An answer older than this is asked for again rather than shown. */
export const PRELOAD_MAX_AGE_MS = 10_000;

interface Preload {
  token: string;
  startedAtMs: number;
  experiments: Promise<ExperimentView[]>;
  health: Promise<GuardrailHealthEntry[]>;
}

let pending: Preload | null = null;

const ignore = (): void => undefined;

/**
 * Opening the console at /graph: starts the layout worker at once, and asks for the graph's data
 * as soon as the page's code has arrived (`codeLoaded`) — before React renders and the server is
 * asked who is signed in, which the data used to wait for (graph decision note, addendum on the
 * first visit). Not before the code: the server builds the answer on its one thread, and the
 * code's files would wait behind it. The view takes the answer (preloadedGraphSource); the live
 * stream's resync covers anything that changed since. The layout starts when the data comes.
 */
export function preloadGraph(codeLoaded: Promise<unknown>): void {
  const runner = sharedLayoutRunner();
  const token = useSession.getState().token;
  if (!token) return;
  const requests = codeLoaded.then(() => {
    const source = runwayGraphSource();
    return { experiments: source.listExperiments(), health: source.guardrailHealth() };
  });
  const experiments = requests.then((sent) => sent.experiments);
  const health = requests.then((sent) => sent.health);
  // Failures are the view's to report, when it asks (it asks again then).
  experiments.catch(ignore);
  health.catch(ignore);
  // The layout the view will ask for (all experiments: the filters start empty), started as soon
  // as the data is here; the view takes it over (LayoutRunner.layout joins an identical one).
  experiments.then((list) => {
    const keys = list.map((experiment) => experiment.key);
    runner.layout(keys, buildDependencyEdges(list).filter(isOrderingEdge), ignore);
  }, ignore);
  pending = { token, startedAtMs: performance.now(), experiments, health };
}

function takePreload(): Preload | null {
  const preload = pending;
  pending = null;
  if (!preload) return null;
  const fresh = performance.now() - preload.startedAtMs <= PRELOAD_MAX_AGE_MS;
  return fresh && preload.token === useSession.getState().token ? preload : null;
}

/**
 * The console's graph source: its first list and health calls are answered by the preload when
 * there is one (fresh, for the same token), and asked again when the preload failed.
 */
export function preloadedGraphSource(): GraphDataSource {
  const source = runwayGraphSource();
  const preload = takePreload();
  if (!preload) return source;
  let experiments: Promise<ExperimentView[]> | null = preload.experiments;
  let health: Promise<GuardrailHealthEntry[]> | null = preload.health;
  return {
    ...source,
    listExperiments() {
      const preloaded = experiments;
      experiments = null;
      return preloaded ? preloaded.catch(() => source.listExperiments()) : source.listExperiments();
    },
    guardrailHealth() {
      const preloaded = health;
      health = null;
      return preloaded ? preloaded.catch(() => source.guardrailHealth()) : source.guardrailHealth();
    },
  };
}
