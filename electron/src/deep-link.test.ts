import { describe, expect, it } from 'vitest';
import { experimentDeepLink, parseDeepLink } from './deep-link';

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
