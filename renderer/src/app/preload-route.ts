import { preloadGraph } from '../graph/graph-preload';
import { preloadRouteView } from './route-views';
import { matchRoute } from './routes';

/**
 * At start-up, before React renders: loads the code of the view the address bar names (the app
 * shell's is already on its way), and for the graph starts its layout worker and asks for its
 * data once the view's code is here. All of it used to wait for the app's code, its first render
 * and auth.whoami, one after the other.
 */
export function preloadRoute(pathname: string): void {
  const route = matchRoute(pathname);
  const viewLoaded = preloadRouteView(route.name);
  if (route.name === 'graph') preloadGraph(viewLoaded);
}
