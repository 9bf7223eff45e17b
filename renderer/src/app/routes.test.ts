import { describe, expect, it } from 'vitest';
import { isConsoleRoute } from '../../../shared/src/console-routes';
import { experimentPath, matchRoute, pathFor } from './routes';

describe('console routes', () => {
  it('maps paths to views, `/` being the queue', () => {
    expect(matchRoute('/')).toEqual({ name: 'queue' });
    expect(matchRoute('/queue')).toEqual({ name: 'queue' });
    expect(matchRoute('/queue/')).toEqual({ name: 'queue' });
    expect(matchRoute('/graph')).toEqual({ name: 'graph' });
    expect(matchRoute('/overview')).toEqual({ name: 'overview' });
    expect(matchRoute('/audit')).toEqual({ name: 'audit' });
    expect(matchRoute('/plan')).toEqual({ name: 'plan' });
    expect(matchRoute('/experiments/checkout-v2')).toEqual({
      name: 'experiment',
      key: 'checkout-v2',
    });
    expect(matchRoute('/experiments/a%2Fb')).toEqual({ name: 'experiment', key: 'a/b' });
    expect(matchRoute('/experiments/%E0%A4%A')).toEqual({
      name: 'not_found',
      path: '/experiments/%E0%A4%A',
    });
    expect(matchRoute('/experiments')).toEqual({ name: 'not_found', path: '/experiments' });
    expect(matchRoute('/nope')).toEqual({ name: 'not_found', path: '/nope' });
  });

  it('builds paths that match back to the same route', () => {
    for (const route of [
      { name: 'queue' },
      { name: 'graph' },
      { name: 'overview' },
      { name: 'audit' },
      { name: 'plan' },
      { name: 'experiment', key: 'payments-api-v3' },
    ] as const) {
      expect(matchRoute(pathFor(route))).toEqual(route);
    }
    expect(experimentPath('checkout-v2')).toBe('/experiments/checkout-v2');
  });

  it('agrees with the server on which paths are the console’s (so a reload lands on the view)', () => {
    for (const path of [
      '/',
      '/queue',
      '/graph',
      '/overview',
      '/audit',
      '/plan',
      '/experiments/checkout-v2',
    ]) {
      expect(isConsoleRoute(path), path).toBe(true);
      expect(matchRoute(path).name, path).not.toBe('not_found');
    }
    for (const path of [
      '/trpc/x',
      '/healthz',
      '/metrics',
      '/v1/metrics',
      '/experiments',
      '/experiments/a/b',
    ]) {
      expect(isConsoleRoute(path), path).toBe(false);
    }
  });
});
