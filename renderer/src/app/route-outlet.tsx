import { assertNever } from '../../../shared/src/lifecycle';
import { AuditView } from '../audit/audit-view';
import { ExperimentView } from '../experiment/experiment-view';
import { GraphView } from '../graph/graph-view';
import { OverviewView } from '../overview/overview-view';
import { PlanView } from '../plan/plan-view';
import { QueueView } from '../queue/queue-view';
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
      return <OverviewView />;
    case 'audit':
      return <AuditView />;
    case 'plan':
      return <PlanView onOpenExperiment={openExperiment} />;
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
