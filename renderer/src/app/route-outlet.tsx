import { Suspense, type ReactNode } from 'react';
import { assertNever } from '../../../shared/src/lifecycle';
import { Link } from './link';
import { ViewErrorBoundary } from './view-error-boundary';
import { navigate, useLocation } from './router';
import {
  LazyAuditView,
  LazyExperimentView,
  LazyGraphView,
  LazyOverviewView,
  LazyPlanView,
  LazyQueueView,
} from './route-views';
import { experimentPath, matchRoute } from './routes';

const openExperiment = (key: string): void => navigate(experimentPath(key));

/**
 * The view the address bar names, once its code has loaded (route-views). A view that cannot be
 * loaded or shown says so with a way out; another route gets a fresh boundary.
 */
export function RouteOutlet() {
  const path = useLocation((state) => state.path);
  return (
    <ViewErrorBoundary key={path}>
      <ViewSuspense />
    </ViewErrorBoundary>
  );
}

function ViewSuspense() {
  return (
    <Suspense
      fallback={
        <section className="view">
          <p className="hint" role="status">
            Loading…
          </p>
        </section>
      }
    >
      <RouteView />
    </Suspense>
  );
}

function RouteView(): ReactNode {
  const route = matchRoute(useLocation((state) => state.path));
  switch (route.name) {
    case 'queue':
      return <LazyQueueView onOpenExperiment={openExperiment} />;
    case 'graph':
      return <LazyGraphView onOpenExperiment={openExperiment} />;
    case 'experiment':
      return <LazyExperimentView key={route.key} experimentKey={route.key} onNavigate={navigate} />;
    case 'overview':
      return <LazyOverviewView />;
    case 'audit':
      return <LazyAuditView />;
    case 'plan':
      return <LazyPlanView onOpenExperiment={openExperiment} />;
    case 'not_found':
      return (
        <section className="view">
          <h1>Nothing here</h1>
          <p>
            The console has no page at <code>{route.path}</code>.{' '}
            <Link to="/queue">Go to the queue</Link>.
          </p>
        </section>
      );
    default:
      return assertNever(route, 'route');
  }
}
