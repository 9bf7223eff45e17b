import { assertNever } from '../../../shared/src/lifecycle';

/** The console's views, by path (History API: the hash is the token's, DESIGN §6). */
export type Route =
  | { name: 'queue' }
  | { name: 'graph' }
  | { name: 'experiment'; key: string }
  | { name: 'overview' }
  | { name: 'audit' }
  | { name: 'plan' }
  | { name: 'not_found'; path: string };

export type RouteName = Route['name'];

/** The route a path shows; `/` is the queue. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  switch (path) {
    case '/':
    case '/queue':
      return { name: 'queue' };
    case '/graph':
      return { name: 'graph' };
    case '/overview':
      return { name: 'overview' };
    case '/audit':
      return { name: 'audit' };
    case '/plan':
      return { name: 'plan' };
  }
  const experiment = /^\/experiments\/([^/]+)$/.exec(path);
  if (experiment) {
    try {
      return { name: 'experiment', key: decodeURIComponent(experiment[1]!) };
    } catch {
      return { name: 'not_found', path: pathname };
    }
  }
  return { name: 'not_found', path: pathname };
}

/** The path of a route (the inverse of matchRoute). */
export function pathFor(route: Exclude<Route, { name: 'not_found' }>): string {
  switch (route.name) {
    case 'queue':
      return '/queue';
    case 'graph':
    case 'overview':
    case 'audit':
    case 'plan':
      return `/${route.name}`;
    case 'experiment':
      return `/experiments/${encodeURIComponent(route.key)}`;
    default:
      return assertNever(route, 'route');
  }
}

export function experimentPath(key: string): string {
  return pathFor({ name: 'experiment', key });
}
