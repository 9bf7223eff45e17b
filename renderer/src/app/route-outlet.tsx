import { assertNever } from '../../../shared/src/lifecycle';
import { ExperimentView } from '../experiment/experiment-view';
import { GraphView } from '../graph/graph-view';
import { QueueView } from '../queue/queue-view';
import { ComingSoon } from './coming-soon';
import { Link } from './link';
import { navigate, useLocation } from './router';
import { experimentPath, matchRoute } from './routes';

const openExperiment = (key: string): void => navigate(experimentPath(key));

/** The view the address bar names. */
export function RouteOutlet() {
  const route = matchRoute(useLocation((state) => state.path));
  switch (route.name) {
    case 'queue':
      return <QueueView onOpenExperiment={openExperiment} />;
    case 'graph':
      return <GraphView onOpenExperiment={openExperiment} />;
    case 'experiment':
      return <ExperimentView key={route.key} experimentKey={route.key} onNavigate={navigate} />;
    case 'overview':
      return (
        <ComingSoon
          title="Overview"
          what="counts by state, error budgets and burn rates, freezes in force, recent automatic actions and open pages."
        />
      );
    case 'audit':
      return (
        <ComingSoon
          title="Audit log"
          what="every change with its actor and reason, filters and CSV export."
        />
      );
    case 'plan':
      return (
        <ComingSoon
          title="Plan"
          what="when each queued experiment is expected to start and finish."
        />
      );
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
