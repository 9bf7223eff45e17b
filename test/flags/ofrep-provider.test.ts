// OpenFeature's published server SDK and OFREP provider as real clients of Runway's OFREP routes.
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, makeSpec, type TestServer } from '../support/harness';

let server: TestServer;
let client: Client;
const UNITS = Array.from({ length: 1_000 }, (_, i) => `unit-${i}`);

async function treatedShare(key: string): Promise<number> {
  const values = await Promise.all(
    UNITS.map((targetingKey) => client.getBooleanValue(key, false, { targetingKey })),
  );
  return values.filter(Boolean).length / UNITS.length;
}

beforeAll(async () => {
  server = await startTestServer();
  await server.client(server.tokens.alice).experiments.enqueue.mutate({
    specs: [makeSpec('checkout-v2', { stages: [{ percent: 20, hold: '10m' }] })],
  });
  server.runway.scheduler.tick();
  await OpenFeature.setProviderAndWait(
    new OFREPProvider({
      baseUrl: server.url,
      headers: [['Authorization', `Bearer ${server.tokens.vic}`]],
    }),
  );
  client = OpenFeature.getClient();
});
afterAll(async () => {
  await OpenFeature.close();
  await server?.stop();
});

describe('OFREPProvider against Runway', () => {
  it('exposes about the stage percent of units, the same ones on every call', async () => {
    const share = await treatedShare('checkout-v2');
    expect(share).toBeGreaterThan(0.16);
    expect(share).toBeLessThan(0.24);
    const details = await client.getBooleanDetails('checkout-v2', false, {
      targetingKey: 'unit-1',
    });
    expect(details).toMatchObject({
      reason: 'SPLIT',
      flagMetadata: { layer: 'layer-checkout-v2' },
    });
    expect(details.variant).toBe(details.value ? 'treatment' : 'control');
    expect(
      await client.getBooleanValue('checkout-v2', !details.value, { targetingKey: 'unit-1' }),
    ).toBe(details.value);
  });

  it('serves control to everyone after a rollback', async () => {
    const row = server.runway.experimentStore.get('checkout-v2')!;
    const alice = server.runway.auth.authenticate(server.tokens.alice)!;
    server.runway.experiments.rollback('checkout-v2', row.version, 'errors up', alice);
    expect(await treatedShare('checkout-v2')).toBe(0);
    const details = await client.getBooleanDetails('checkout-v2', true, { targetingKey: 'unit-1' });
    expect(details).toMatchObject({ value: false, variant: 'control', reason: 'DISABLED' });
  });

  it('falls back to the default with FLAG_NOT_FOUND for an unknown flag', async () => {
    const details = await client.getBooleanDetails('no-such-flag', true, { targetingKey: 'u' });
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('falls back to the default with TARGETING_KEY_MISSING when a split has no unit', async () => {
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('search-v3')],
    });
    server.runway.scheduler.tick();
    const details = await client.getBooleanDetails('search-v3', true, {});
    expect(details).toMatchObject({ value: true, errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('sees a 401 as an error without a token', async () => {
    const anonymous = new OFREPProvider({ baseUrl: server.url });
    await OpenFeature.setProviderAndWait('anonymous', anonymous);
    const details = await OpenFeature.getClient('anonymous').getBooleanDetails('search-v3', true, {
      targetingKey: 'u',
    });
    expect(details).toMatchObject({ value: true, reason: 'ERROR' });
  });
});
