// OpenFeature's published web SDK and OFREP web provider as a real client of Runway's bulk OFREP
// route, run in Node: the provider fetches every flag for its context in one request, answers
// evaluations from that cache, and polls with If-None-Match to notice changes.
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, ProviderEvents, type Client, type EventDetails } from '@openfeature/web-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '../../shared/src/flags/bucket';
import { containsBucket } from '../../shared/src/flags/bucket-ranges';
import { FlagStore } from '../../server/src/flags/flag-store';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

const FLAG = 'web-checkout';
const LAYER = 'web-layer';
const UNITS = Array.from({ length: 40 }, (_, i) => `unit-${i}`);

let server: TestServer;
let client: Client;
let bulkRequests = 0;
/** Called with the status of each bulk response the provider receives. */
const responseWaiters: Array<(status: number) => void> = [];

function nextBulkStatus(): Promise<number> {
  return new Promise((resolve) => responseWaiters.push(resolve));
}

/** What Runway should serve `targetingKey`, from the unit's bucket and the flag's allocation. */
function expectedTreated(targetingKey: string): boolean {
  const flag = new FlagStore(server.runway.db).flag(FLAG)!;
  return containsBucket(flag.allocation, bucketOf(LAYER, targetingKey));
}

function nextEvent(event: ProviderEvents, timeoutMs = 5_000): Promise<EventDetails> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeHandler(event, handler);
      reject(new Error(`no ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const handler = (details?: EventDetails): void => {
      clearTimeout(timer);
      client.removeHandler(event, handler);
      resolve(details!);
    };
    client.addHandler(event, handler);
  });
}

const countingFetch: typeof fetch = async (input, init) => {
  bulkRequests++;
  const response = await fetch(input, init);
  for (const waiter of responseWaiters.splice(0)) waiter(response.status);
  return response;
};

beforeAll(async () => {
  server = await startTestServer();
  await server.client(server.tokens.alice).experiments.enqueue.mutate({
    specs: [makeSpec(FLAG, { layer: LAYER, stages: [{ percent: 50, hold: '10m' }] })],
  });
  server.runway.scheduler.tick();
  const provider = new OFREPWebProvider({
    baseUrl: server.url,
    headers: [['Authorization', `Bearer ${server.tokens.vic}`]],
    // Short, so the test waits little; the wait itself is on the provider's event.
    pollInterval: 100,
    // No localStorage in Node, and a cache would only hide what the server answers.
    cacheMode: 'disabled',
    fetchImplementation: countingFetch,
  });
  await OpenFeature.setProviderAndWait(provider, { targetingKey: UNITS[0]! });
  client = OpenFeature.getClient();
});
afterAll(async () => {
  await OpenFeature.close();
  await server?.stop();
});

describe('OFREPWebProvider against Runway', () => {
  it('serves a running experiment per bucketing, re-fetching on each context change', async () => {
    const treated: string[] = [];
    for (const targetingKey of UNITS) {
      const before = bulkRequests;
      await OpenFeature.setContext({ targetingKey });
      expect(bulkRequests).toBeGreaterThan(before);
      const details = client.getBooleanDetails(FLAG, false);
      expect(details).toMatchObject({
        value: expectedTreated(targetingKey),
        variant: expectedTreated(targetingKey) ? 'treatment' : 'control',
        reason: 'SPLIT',
        flagMetadata: { layer: LAYER },
      });
      if (details.value) treated.push(targetingKey);
    }
    // At 50%, 40 units land on both sides (the exact split is fixed by the hash).
    expect(treated.length).toBeGreaterThan(5);
    expect(treated.length).toBeLessThan(35);
    expect(client.getBooleanDetails('no-such-flag', true)).toMatchObject({
      value: true,
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('notices a rollback by polling, and then serves control to every unit', async () => {
    const treatedUnit = UNITS.find((unit) => expectedTreated(unit))!;
    await OpenFeature.setContext({ targetingKey: treatedUnit });
    expect(client.getBooleanValue(FLAG, false)).toBe(true);
    // Nothing changed: the provider's poll carries the ETag and Runway answers 304. A poll sent
    // for the previous context just before setContext may still answer 200 first (a busy
    // machine widens that window), so look at the next few answers.
    const statuses: number[] = [];
    while (!statuses.includes(304) && statuses.length < 5) statuses.push(await nextBulkStatus());
    expect(statuses).toContain(304);

    const changed = nextEvent(ProviderEvents.ConfigurationChanged);
    const alice = server.runway.auth.authenticate(server.tokens.alice)!;
    const { version } = server.runway.experimentStore.get(FLAG)!;
    server.runway.experiments.rollback(FLAG, version, 'errors up', alice);
    const details = await changed;
    expect(details.flagsChanged).toEqual([FLAG]);
    expect(details.message).toMatch(/polling/);

    expect(client.getBooleanDetails(FLAG, true)).toMatchObject({
      value: false,
      variant: 'control',
      reason: 'DISABLED',
    });
    for (const targetingKey of UNITS.slice(0, 10)) {
      await OpenFeature.setContext({ targetingKey });
      expect(client.getBooleanValue(FLAG, true)).toBe(false);
    }
  });
});
