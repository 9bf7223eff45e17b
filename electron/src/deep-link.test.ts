import { describe, expect, it } from 'vitest';
import {
  deepLinkFromArgs,
  deepLinkPath,
  experimentConsolePath,
  experimentDeepLink,
  parseDeepLink,
} from './deep-link';

describe('parseDeepLink', () => {
  it('opens an experiment by key', () => {
    expect(parseDeepLink('runway://experiment/checkout-v2')).toEqual({
      kind: 'experiment',
      key: 'checkout-v2',
    });
    expect(parseDeepLink(experimentDeepLink('payments-api-v3'))).toEqual({
      kind: 'experiment',
      key: 'payments-api-v3',
    });
  });

  it('opens the queue for the bare scheme', () => {
    expect(parseDeepLink('runway://')).toEqual({ kind: 'queue' });
    expect(parseDeepLink('runway://queue')).toEqual({ kind: 'queue' });
  });

  it('refuses other schemes, bad keys and extra segments', () => {
    expect(parseDeepLink('https://experiment/checkout-v2')).toBeNull();
    expect(parseDeepLink('runway://experiment/Not_A_Key')).toBeNull();
    expect(parseDeepLink('runway://experiment/a-b/extra')).toBeNull();
    expect(parseDeepLink('not a url')).toBeNull();
  });
});

describe('deep links on a command line', () => {
  it('finds the link among Electron’s arguments and flags, the last one winning', () => {
    expect(
      deepLinkFromArgs([
        '/usr/lib/electron/electron',
        '--no-sandbox',
        '/repo/electron/dist/main.cjs',
        'runway://experiment/checkout-v2',
      ]),
    ).toEqual({ kind: 'experiment', key: 'checkout-v2' });
    expect(
      deepLinkFromArgs(['electron', 'RUNWAY://experiment/a-1', 'runway://experiment/b-2']),
    ).toEqual({ kind: 'experiment', key: 'b-2' });
    expect(deepLinkFromArgs(['electron', 'main.cjs', 'runway://experiment/Bad_Key'])).toBeNull();
    expect(deepLinkFromArgs(['electron', 'main.cjs', '--runway://experiment/x-1'])).toBeNull();
    expect(deepLinkFromArgs([])).toBeNull();
  });

  it('opens the same plain console path a browser would', () => {
    expect(deepLinkPath({ kind: 'experiment', key: 'checkout-v2' })).toBe(
      '/experiments/checkout-v2',
    );
    expect(deepLinkPath({ kind: 'queue' })).toBe('/queue');
    expect(experimentConsolePath('search-ranking')).toBe('/experiments/search-ranking');
  });
});
