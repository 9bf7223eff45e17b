import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../shared/src/errors';
import { fingerprint } from '../support/db-inspect';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import { postRaw, runwayErrorOf, type HttpReply } from '../support/http-calls';

// DESIGN §6: bad input never crashes the server. Thousands of generated bodies — random JSON,
// spec-shaped objects with random field types, unicode, huge numbers, nested arrays — go to
// experiments.enqueue with a valid operator token. Never a 5xx; every refusal carries
// error.data.runway.code; what was acknowledged is exactly what the database holds.

const SEED = 20_261_122;
const RUNS = 2_500;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

// ---- arbitraries -------------------------------------------------------------------------------

/** Keys drawn from a small pool, so enqueues succeed, then collide, and graph references resolve. */
const poolKey = fc.constantFrom(
  'fz-alpha',
  'fz-beta',
  'fz-gamma',
  'fz-delta',
  'fz-epsilon',
  'fz-zeta',
  'fz-eta',
  'fz-theta',
);

const weirdString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFFFF',
    '\uD800',
    '🚀🚀',
    'e\u0301',
    'a'.repeat(3_000),
    '__proto__',
    'constructor',
    'toString',
    'NaN',
    '-1',
    '1e309',
    '10m',
    '0s',
    '999999999d',
    '1h30m',
    'Infinity',
  ),
  poolKey,
);

const weirdNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    1,
    100,
    101,
    100.000_000_1,
    -1,
    1e308,
    -1e308,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
  ),
);

const anyJson = fc.jsonValue({ maxDepth: 4 });

const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: weirdString },
  { weight: 3, arbitrary: weirdNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: anyJson },
  { weight: 2, arbitrary: fc.array(fc.oneof(weirdString, poolKey), { maxLength: 5 }) },
);

const stage = fc.record(
  {
    percent: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }) },
      { weight: 1, arbitrary: fieldValue },
    ),
    hold: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('1m', '30m', '2h', '1h30m', '1d') },
      { weight: 1, arbitrary: fieldValue },
    ),
    approve: fc.oneof(fc.boolean(), fieldValue),
  },
  { requiredKeys: ['percent', 'hold'] },
);

const guardrail = fc.record(
  {
    sli: fc.oneof(
      fc.constantFrom('error_rate', 'latency_p95_ms', 'conversion', 'made_up'),
      fieldValue,
    ),
    max: fc.oneof(weirdNumber, fieldValue),
    maxRelative: weirdNumber,
    window: fc.oneof(fc.constantFrom('5m', '10m'), fieldValue),
    action: fc.oneof(fc.constantFrom('pause', 'rollback'), fieldValue),
  },
  { requiredKeys: ['sli', 'window', 'action'] },
);

const isoTime = fc.oneof(
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    '2026-12-01T09:00:00Z',
    '2026-12-01T09:00:00+05:30',
    '2026-02-30T25:61:61Z',
    '0000-00-00T00:00:00Z',
    'tomorrow',
  ),
);

/** Perturbation of one kind, applied only some of the time. */
function sometimes<T, None>(
  arbitrary: fc.Arbitrary<T>,
  none: None,
  noneWeight = 2,
): fc.Arbitrary<T | None> {
  const nothing: fc.Arbitrary<T | None> = fc.constant(none);
  const something: fc.Arbitrary<T | None> = arbitrary;
  return fc.oneof({ weight: noneWeight, arbitrary: nothing }, { weight: 1, arbitrary: something });
}

const validKey = fc.oneof(poolKey, fc.stringMatching(/^fz-[a-z0-9]{2,10}$/));

/** A spec that is valid apart from what its references make of it (unknown keys, cycles, exclusions). */
const plausibleSpec = fc
  .record({
    key: validKey,
    references: sometimes(
      fc.record(
        {
          requires: fc.array(poolKey, { maxLength: 2 }),
          excludes: fc.array(poolKey, { maxLength: 2 }),
          after: fc.array(poolKey, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      {},
    ),
    priority: fc.integer({ min: 0, max: 100 }),
    risk: fc.constantFrom('low', 'medium', 'high'),
    title: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  })
  .map(({ key, references, ...fields }) => ({ ...makeSpec(key), ...fields, ...references }));

/** Spec-shaped, with fields replaced by random values, removed, or added at random. */
const specLike: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    base: plausibleSpec,
    key: sometimes(
      fieldValue.map((value) => ({ key: value })),
      {},
    ),
    replaced: sometimes(
      fc.dictionary(
        fc.constantFrom(
          'title',
          'owner',
          'team',
          'service',
          'layer',
          'priority',
          'risk',
          'channel',
          'hypothesis',
          'requires',
          'excludes',
          'after',
          'stages',
          'guardrails',
          'notBefore',
          'notAfter',
        ),
        fieldValue,
        { minKeys: 1, maxKeys: 3 },
      ),
      {},
    ),
    stages: sometimes(
      fc.array(stage, { minLength: 0, maxLength: 4 }).map((stages) => ({ stages })),
      {},
    ),
    guardrails: sometimes(
      fc.array(guardrail, { minLength: 1, maxLength: 2 }).map((guardrails) => ({ guardrails })),
      {},
    ),
    window: sometimes(
      fc.record({ notBefore: isoTime, notAfter: isoTime }, { requiredKeys: [] }),
      {},
    ),
    removed: sometimes(
      fc.subarray(['title', 'owner', 'team', 'service', 'layer', 'stages'], { minLength: 1 }),
      [],
    ),
    extra: sometimes(fc.dictionary(weirdString, fieldValue, { minKeys: 1, maxKeys: 2 }), {}),
  })
  .map(({ base, key, replaced, stages, guardrails, window, removed, extra }) => {
    const spec: Record<string, unknown> = { ...base, ...key, ...stages, ...guardrails, ...window };
    for (const field of removed) delete spec[field];
    return { ...spec, ...replaced, ...extra };
  });

const envelope = fc
  .record({
    specs: fc.oneof(
      { weight: 8, arbitrary: fc.array(specLike, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fieldValue },
    ),
    idempotencyKey: sometimes(
      fc.oneof(fc.constantFrom('idem-1', 'idem-2', 'idem-3'), weirdString, fieldValue),
      undefined,
    ),
    draft: sometimes(fc.oneof(fc.boolean(), fieldValue), undefined),
    stray: sometimes(fc.dictionary(weirdString, fieldValue, { minKeys: 1, maxKeys: 2 }), {}, 6),
  })
  .map(({ stray, ...fields }) => ({ ...fields, ...stray }));

/** A raw request body: mostly JSON of some shape, sometimes not JSON at all. */
const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: envelope.map((value) => JSON.stringify(value)) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          specs: fc.array(plausibleSpec, { minLength: 1, maxLength: 2 }),
          idempotencyKey: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
        },
        { requiredKeys: ['specs'] },
      )
      .map((value) => JSON.stringify(value)),
  },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(weirdString, fieldValue, { maxKeys: 4 })
      .map((value) => JSON.stringify(value)),
  },
  { weight: 2, arbitrary: anyJson.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5_000 })
      .map((depth) => `{"specs":[${'['.repeat(depth)}${']'.repeat(depth)}]}`),
  },
);

// ---- the property ------------------------------------------------------------------------------

describe('fuzzing experiments.enqueue', () => {
  it(`answers ${RUNS} generated bodies with a 2xx or a coded 4xx, never a 5xx, and stays consistent`, async () => {
    let accepted = 0;
    let refused = 0;
    let enqueuedFresh = 0;
    const statuses = new Map<number, number>();
    const auth = { authorization: `Bearer ${server.tokens.alice}` };
    const vic = server.client(server.tokens.vic);
    const experimentsBefore = fingerprint(server.dbPath).experiments;
    const enqueueEntriesBefore = (
      await vic.audit.list.query({ action: 'experiment.enqueue', limit: 10_000 })
    ).length;

    await fc.assert(
      fc.asyncProperty(body, async (raw) => {
        const reply: HttpReply = await postRaw(server.url, 'experiments.enqueue', raw, auth);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        if (reply.status >= 500)
          throw new Error(`HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
        if (reply.status === 200) {
          const data = (
            reply.json as { result?: { data?: { experiments?: unknown[]; replayed?: boolean } } }
          ).result?.data;
          if (!Array.isArray(data?.experiments))
            throw new Error(`200 without experiments: ${reply.text.slice(0, 300)}`);
          accepted++;
          if (!data.replayed) enqueuedFresh += data.experiments.length;
          return;
        }
        if (reply.status < 400) throw new Error(`unexpected HTTP ${reply.status}`);
        refused++;
        const code = runwayErrorOf(reply)?.code;
        if (!isErrorCode(code))
          throw new Error(
            `HTTP ${reply.status} without error.data.runway.code: ${reply.text.slice(0, 300)}`,
          );
        const message = (reply.json as { error?: { message?: unknown } }).error?.message;
        if (typeof message !== 'string' || message.length === 0)
          throw new Error(`HTTP ${reply.status} without a message: ${reply.text.slice(0, 300)}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    expect(accepted + refused).toBe(RUNS);
    expect(refused).toBeGreaterThan(RUNS / 2);
    expect(accepted).toBeGreaterThan(0);
    expect(
      [...statuses.keys()].every((status) => status === 200 || (status >= 400 && status < 500)),
    ).toBe(true);

    // Still alive, still whole: the acknowledged enqueues are exactly what the database holds.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(fingerprint(server.dbPath).experiments - experimentsBefore).toBe(enqueuedFresh);
    expect(await vic.audit.verify.query()).toMatchObject({ ok: true });
    const enqueueEntries = await vic.audit.list.query({
      action: 'experiment.enqueue',
      limit: 10_000,
    });
    expect(enqueueEntries.length - enqueueEntriesBefore).toBe(enqueuedFresh);
  }, 60_000);
});

describe('what the fuzzer found, pinned down', () => {
  it('enqueues a batch whose first spec requires a later one (was a foreign-key 500)', async () => {
    const alice = server.client(server.tokens.alice);
    const result = await alice.experiments.enqueue.mutate({
      specs: [
        makeSpec('pin-needs-later', { requires: ['pin-later'], excludes: ['pin-other'] }),
        makeSpec('pin-later'),
        makeSpec('pin-other', { excludes: ['pin-needs-later'] }),
      ],
    });
    expect(result.experiments.map((entry) => entry.key)).toEqual([
      'pin-needs-later',
      'pin-later',
      'pin-other',
    ]);
    const needsLater = await alice.experiments.get.query({ key: 'pin-needs-later' });
    expect(needsLater).toMatchObject({ requires: ['pin-later'], excludes: ['pin-other'] });
    expect(needsLater.blockedReasons.map((reason) => reason.message)).toContain(
      'requires pin-later (queued)',
    );
    expect((await alice.experiments.get.query({ key: 'pin-later' })).dependents).toEqual([
      'pin-needs-later',
    ]);
    expect(await alice.audit.verify.query()).toMatchObject({ ok: true });
  });

  it('refuses a deeply nested spec with SPEC_INVALID (was a stack overflow 500)', async () => {
    const depth = 20_000;
    const reply = await postRaw(
      server.url,
      'experiments.enqueue',
      `{"specs":[{"key":"pin-deep","hypothesis":${'['.repeat(depth)}${']'.repeat(depth)}}]}`,
      {
        authorization: `Bearer ${server.tokens.alice}`,
      },
    );
    expect(reply.status).toBe(400);
    expect(runwayErrorOf(reply)?.code).toBe('SPEC_INVALID');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
