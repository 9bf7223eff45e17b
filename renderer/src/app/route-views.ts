import {
  createElement,
  lazy,
  useState,
  type ComponentProps,
  type ComponentType,
  type FunctionComponent,
} from 'react';
import type { AuditView } from '../audit/audit-view';
import type { PlanView } from '../plan/plan-view';
import type { RouteName } from './routes';

type ViewName = Exclude<RouteName, 'not_found'>;

/** Each view's loader: one promise per view, shared by preloadRouteView and the view itself. */
const loaders = new Map<ViewName, () => Promise<unknown>>();

/** Starts loading a view's code now (at start-up); resolves when it is here, or failed to come. */
export function preloadRouteView(name: RouteName): Promise<void> {
  const loader = name === 'not_found' ? undefined : loaders.get(name);
  return loader ? loader().then(ignore, ignore) : Promise.resolve();
}

const ignore = (): void => undefined;

/**
 * A view whose code loads when its route is first shown, or earlier through preloadRouteView:
 * the graph does not pay for the charts' code, nor the queue for React Flow's.
 *
 * It renders at once when its code is already here, and through React.lazy otherwise.
 * Suspending costs more than a tick: React holds back the content of a Suspense boundary that
 * showed its fallback for up to 300 ms, a third of the graph's first visit when it was lazy.
 */
function routeView<Props extends object>(
  name: ViewName,
  importer: () => Promise<ComponentType<Props>>,
): FunctionComponent<Props> {
  let loading: Promise<ComponentType<Props>> | null = null;
  let loaded: ComponentType<Props> | null = null;
  const load = (): Promise<ComponentType<Props>> => {
    loading ??= importer().then(
      (view) => (loaded = view),
      (error: unknown) => {
        // A failed load (a deploy replaced the chunks, a dropped connection) is tried again.
        loading = null;
        throw error;
      },
    );
    return loading;
  };
  loaders.set(name, load);
  const Lazy = lazy(async () => ({ default: await load() }));
  function RouteView(props: Props) {
    // Chosen once per mount: switching from Lazy to the loaded view would remount it.
    const [View] = useState<ComponentType<Props>>(() => loaded ?? Lazy);
    return createElement(View, props);
  }
  return RouteView;
}

export const LazyQueueView = routeView('queue', () =>
  import('../queue/queue-view').then((module) => module.QueueView),
);
export const LazyGraphView = routeView('graph', () =>
  import('../graph/graph-view').then((module) => module.GraphView),
);
export const LazyExperimentView = routeView('experiment', () =>
  import('../experiment/experiment-view').then((module) => module.ExperimentView),
);
export const LazyOverviewView = routeView('overview', () =>
  import('../overview/overview-view').then((module) => module.OverviewView),
);
export const LazyAuditView: FunctionComponent<ComponentProps<typeof AuditView>> = routeView(
  'audit',
  () => import('../audit/audit-view').then((module) => module.AuditView),
);
export const LazyPlanView: FunctionComponent<ComponentProps<typeof PlanView>> = routeView(
  'plan',
  () => import('../plan/plan-view').then((module) => module.PlanView),
);
