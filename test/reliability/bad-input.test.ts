import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../support/db-inspect';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';
import {
  errorMessageOf,
  expectClientError,
  getProcedure,
  postProcedure,
  postRaw,
  runwayErrorOf,
  type HttpReply,
} from '../support/http-calls';
import { enqueueAndStart } from '../support/scenario';

// DESIGN §2 and §6: bad input never crashes the server or leaves half a change. It gets a 4xx
// whose message names the problem (by its path, for specs), and the database is unchanged.

let server: TestServer;
/** A running experiment the transition cases aim at. */
const BASE = 'base-exp';
let baseVersion: number;
/** A high-risk experiment enqueued by bob (release manager), waiting for someone else's approval. */
const RISKY = 'risky-exp';

beforeAll(async () => {
  server = await startTestServer();
  baseVersion = await enqueueAndStart(
    server.client(server.tokens.alice),
    server.client(server.tokens.bob),
    BASE,
  );
  await server
    .client(server.tokens.bob)
    .experiments.enqueue.mutate({ specs: [makeSpec(RISKY, { risk: 'high' })] });
});
afterAll(async () => server.stop());

interface Refusal {
  status: number;
  code: string;
  /** Every one of these must appear in the message. */
  message: Array<string | RegExp>;
  /** Issue paths the refusal must list (exactly, in any order), for spec and input problems. */
  paths?: string[];
}

/** Sends the request, then checks the refusal and that the database did not change. */
async function expectRefused(send: () => Promise<HttpReply>, refusal: Refusal): Promise<HttpReply> {
  const before = fingerprint(server.dbPath);
  const reply = await send();
  expect(reply.status, reply.text.slice(0, 500)).toBe(refusal.status);
  const runway = runwayErrorOf(reply);
  expect(runway?.code, reply.text.slice(0, 500)).toBe(refusal.code);
  const message = errorMessageOf(reply) ?? '';
  for (const part of refusal.message) {
    if (typeof part === 'string') expect(message).toContain(part);
    else expect(message).toMatch(part);
  }
  if (refusal.paths)
    expect(new Set(runway!.issues.map((issue) => issue.path))).toEqual(new Set(refusal.paths));
  expect(fingerprint(server.dbPath)).toEqual(before);
  return reply;
}

function enqueue(specs: unknown[], token = server.tokens.alice): Promise<HttpReply> {
  return postProcedure(server.url, 'experiments.enqueue', { specs }, token);
}

const SPEC_INVALID = { status: 400, code: 'SPEC_INVALID' } as const;

describe('invalid specs (DESIGN §2), each refused whole with its path', () => {
  const cases: Array<[string, () => unknown[], Omit<Refusal, 'status' | 'code'>]> = [
    [
      'a key with capitals and underscores',
      () => [makeSpec('Bad_Key')],
      { message: ['key: must be 2-63 characters of lowercase'], paths: ['key'] },
    ],
    ['a one-character key', () => [makeSpec('x')], { message: ['key: '], paths: ['key'] }],
    [
      'stages that do not increase',
      () => [
        makeSpec('flat-stages', {
          stages: [
            { percent: 5, hold: '30m' },
            { percent: 5, hold: '1h' },
          ],
        }),
      ],
      {
        message: ['stages[1].percent: must be greater than stages[0].percent (5)'],
        paths: ['stages[1].percent'],
      },
    ],
    [
      'stages that go down',
      () => [
        makeSpec('down-stages', {
          stages: [
            { percent: 50, hold: '30m' },
            { percent: 25, hold: '1h' },
          ],
        }),
      ],
      {
        message: ['stages[1].percent: must be greater than stages[0].percent (50)'],
        paths: ['stages[1].percent'],
      },
    ],
    [
      'a stage above 100 percent',
      () => [
        makeSpec('too-much', {
          stages: [
            { percent: 50, hold: '30m' },
            { percent: 101, hold: '1h' },
          ],
        }),
      ],
      { message: ['stages[1].percent: must be at most 100'], paths: ['stages[1].percent'] },
    ],
    [
      'a stage of 0 percent',
      () => [makeSpec('zero-stage', { stages: [{ percent: 0, hold: '30m' }] })],
      { message: ['stages[0].percent: must be greater than 0'], paths: ['stages[0].percent'] },
    ],
    [
      'no stages',
      () => [makeSpec('no-stages', { stages: [] })],
      { message: ['stages: needs at least one stage'], paths: ['stages'] },
    ],
    [
      'an unknown key in requires',
      () => [makeSpec('needs-ghost', { requires: ['ghost-exp'] })],
      { message: ['requires[0]: unknown experiment "ghost-exp"'], paths: ['requires[0]'] },
    ],
    [
      'an unknown key in excludes',
      () => [makeSpec('excludes-ghost', { excludes: [BASE, 'ghost-exp'] })],
      { message: ['excludes[1]: unknown experiment "ghost-exp"'], paths: ['excludes[1]'] },
    ],
    [
      'an unknown key in after',
      () => [makeSpec('after-ghost', { after: ['ghost-exp'] })],
      { message: ['after[0]: unknown experiment "ghost-exp"'], paths: ['after[0]'] },
    ],
    [
      'a cycle through requires/after inside one batch, named in order',
      () => [
        makeSpec('cycle-a', { requires: ['cycle-b'] }),
        makeSpec('cycle-b', { after: ['cycle-c'] }),
        makeSpec('cycle-c', { requires: ['cycle-a', BASE] }),
      ],
      {
        message: [
          '[0].requires: cycle through requires/after: cycle-a -> cycle-b -> cycle-c -> cycle-a',
        ],
        paths: ['[0].requires'],
      },
    ],
    [
      'a two-node cycle through after',
      () => [makeSpec('loop-a', { after: ['loop-b'] }), makeSpec('loop-b', { after: ['loop-a'] })],
      {
        message: ['cycle through requires/after: loop-a -> loop-b -> loop-a'],
        paths: ['[0].after'],
      },
    ],
    [
      'an experiment that requires itself',
      () => [makeSpec('self-needy', { requires: ['self-needy'] })],
      { message: ['requires[0]: an experiment cannot require itself'], paths: ['requires[0]'] },
    ],
    [
      'an experiment that excludes itself',
      () => [makeSpec('self-excluding', { excludes: ['self-excluding'] })],
      { message: ['excludes[0]: an experiment cannot exclude itself'], paths: ['excludes[0]'] },
    ],
    [
      'an experiment that runs after itself',
      () => [makeSpec('self-after', { after: ['self-after'] })],
      { message: ['after[0]: an experiment cannot run after itself'], paths: ['after[0]'] },
    ],
    [
      'requires and excludes naming the same key',
      () => [makeSpec('torn', { requires: [BASE], excludes: [BASE] })],
      { message: [`excludes[0]: "${BASE}" is also in requires`], paths: ['excludes[0]'] },
    ],
    [
      'an unknown SLI',
      () => [
        makeSpec('odd-sli', {
          guardrails: [{ sli: 'happiness_index', max: 1, window: '5m', action: 'pause' }],
        }),
      ],
      {
        message: ['guardrails[0].sli: unknown SLI "happiness_index" for service checkout'],
        paths: ['guardrails[0].sli'],
      },
    ],
    [
      'a hold that is not a duration',
      () => [makeSpec('slow-hold', { stages: [{ percent: 10, hold: '10 minutes' }] })],
      { message: ['stages[0].hold: is not a duration'], paths: ['stages[0].hold'] },
    ],
    [
      'a guardrail window that is not a duration',
      () => [
        makeSpec('odd-window', {
          guardrails: [{ sli: 'error_rate', max: 0.02, window: 'soon', action: 'rollback' }],
        }),
      ],
      { message: ['guardrails[0].window: is not a duration'], paths: ['guardrails[0].window'] },
    ],
    [
      'an unknown field',
      () => [makeSpec('colourful', { colour: 'red' })],
      { message: ['colour: is not a known field'], paths: ['colour'] },
    ],
    [
      'an unknown field inside a stage',
      () => [makeSpec('ramp-field', { stages: [{ percent: 10, hold: '1h', ramp: 'fast' }] })],
      { message: ['stages[0].ramp: is not a known field'], paths: ['stages[0].ramp'] },
    ],
    [
      'priority as a string',
      () => [makeSpec('stringly', { priority: 'high' })],
      { message: ['priority: ', /number/], paths: ['priority'] },
    ],
    [
      'priority out of range',
      () => [makeSpec('eager', { priority: 101 })],
      { message: ['priority: '], paths: ['priority'] },
    ],
    [
      'a fractional priority',
      () => [makeSpec('fractional', { priority: 2.5 })],
      { message: ['priority: must be a whole number'], paths: ['priority'] },
    ],
    [
      'a percent as a string',
      () => [makeSpec('string-percent', { stages: [{ percent: '10', hold: '1h' }] })],
      { message: ['stages[0].percent: ', /number/], paths: ['stages[0].percent'] },
    ],
    [
      'requires as a string',
      () => [makeSpec('string-requires', { requires: BASE })],
      { message: ['requires: ', /array/], paths: ['requires'] },
    ],
    [
      'an unknown risk',
      () => [makeSpec('risky-business', { risk: 'extreme' })],
      { message: ['risk: '], paths: ['risk'] },
    ],
    [
      'a missing title',
      () => [makeSpec('untitled', { title: undefined })],
      { message: ['title: '], paths: ['title'] },
    ],
    ['a spec that is not an object', () => ['checkout-v2'], { message: [/object/] }],
    [
      'a notAfter before notBefore',
      () => [
        makeSpec('backwards', {
          notBefore: '2026-12-20T18:00:00Z',
          notAfter: '2026-12-01T09:00:00Z',
        }),
      ],
      { message: ['notAfter: must be later than notBefore'], paths: ['notAfter'] },
    ],
    [
      'several problems at once, every one listed',
      () => [
        makeSpec('Many_Problems', {
          priority: 'high',
          colour: 'red',
          stages: [
            { percent: 50, hold: 'later' },
            { percent: 20, hold: '1h' },
          ],
          guardrails: [{ sli: 'happiness_index', max: 1, window: '5m', action: 'pause' }],
        }),
      ],
      {
        message: [/and \d+ more problems/],
        paths: [
          'key',
          'priority',
          'colour',
          'stages[0].hold',
          'stages[1].percent',
          'guardrails[0].sli',
        ],
      },
    ],
    [
      'a batch with one bad spec (nothing of it is enqueued)',
      () => [
        makeSpec('good-in-batch'),
        makeSpec('bad-in-batch', { stages: [{ percent: 200, hold: '1h' }] }),
      ],
      { message: ['[1].stages[0].percent: must be at most 100'], paths: ['[1].stages[0].percent'] },
    ],
  ];

  for (const [name, specs, refusal] of cases) {
    it(`refuses ${name}`, async () => {
      await expectRefused(() => enqueue(specs()), { ...SPEC_INVALID, ...refusal });
    });
  }

  it('refuses a key that already exists with 409 KEY_EXISTS', async () => {
    await expectRefused(() => enqueue([makeSpec(BASE)]), {
      status: 409,
      code: 'KEY_EXISTS',
      message: [`key: an experiment "${BASE}" already exists`],
    });
  });

  it('refuses a batch that names one key twice', async () => {
    await expectRefused(() => enqueue([makeSpec('twice-exp'), makeSpec('twice-exp')]), {
      ...SPEC_INVALID,
      message: ['[1].key: "twice-exp" appears twice in this request'],
      paths: ['[1].key'],
    });
  });

  it('gives the same code through the tRPC client as over plain HTTP', async () => {
    const before = fingerprint(server.dbPath);
    const error = await expectClientError(
      server
        .client(server.tokens.alice)
        .experiments.enqueue.mutate({ specs: [makeSpec('Bad_Key')] }),
    );
    expect(error).toMatchObject({ code: 'SPEC_INVALID', httpStatus: 400 });
    expect(error.message).toContain('key: ');
    expect(fingerprint(server.dbPath)).toEqual(before);
  });
});

describe('malformed requests', () => {
  it('refuses a missing specs field, an empty list and a stray top-level field, naming each', async () => {
    const bad = (input: unknown): Promise<HttpReply> =>
      postProcedure(server.url, 'experiments.enqueue', input, server.tokens.alice);
    await expectRefused(() => bad({}), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['specs: '],
      paths: ['specs'],
    });
    await expectRefused(() => bad({ specs: [] }), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['specs: needs at least one spec'],
      paths: ['specs'],
    });
    await expectRefused(() => bad({ specs: makeSpec('not-a-list') }), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['specs: '],
      paths: ['specs'],
    });
    await expectRefused(() => bad({ specs: [makeSpec('stray-field')], force: true }), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['force'],
    });
    await expectRefused(() => bad({ specs: [makeSpec('typed-key')], idempotencyKey: 42 }), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['idempotencyKey: '],
      paths: ['idempotencyKey'],
    });
  });

  it('refuses a body that is not JSON', async () => {
    await expectRefused(
      () =>
        postRaw(server.url, 'experiments.enqueue', '{"specs": [', {
          authorization: `Bearer ${server.tokens.alice}`,
        }),
      {
        status: 400,
        code: 'BAD_REQUEST',
        message: [/JSON/],
      },
    );
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const huge = JSON.stringify({
      specs: [makeSpec('huge-exp', { hypothesis: 'x'.repeat(1_100_000) })],
    });
    expect(Buffer.byteLength(huge)).toBeGreaterThan(1024 * 1024);
    await expectRefused(
      () =>
        postRaw(server.url, 'experiments.enqueue', huge, {
          authorization: `Bearer ${server.tokens.alice}`,
        }),
      {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: [/too.large/i],
      },
    );
  });

  it('refuses a streamed body over 1 MiB with 413, without a content-length to go by', async () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ specs: [makeSpec('streamed-exp', { hypothesis: 'x'.repeat(3_000_000) })] }),
    );
    const send = async (): Promise<HttpReply> => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
            controller.enqueue(bytes.slice(offset, offset + 64 * 1024));
          }
          controller.close();
        },
      });
      const response = await fetch(`${server.url}/trpc/experiments.enqueue`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${server.tokens.alice}`,
        },
        body,
        duplex: 'half',
      } as RequestInit);
      const text = await response.text();
      return { status: response.status, text, json: JSON.parse(text) as unknown };
    };
    await expectRefused(send, { status: 413, code: 'PAYLOAD_TOO_LARGE', message: [/too.large/i] });
  });

  it('refuses a deeply nested body with a 4xx, and keeps serving', async () => {
    const deep = `${'['.repeat(50_000)}1${']'.repeat(50_000)}`;
    const body = `{"specs":[${deep}],"idempotencyKey":"deep-1"}`;
    const reply = await expectRefused(
      () =>
        postRaw(server.url, 'experiments.enqueue', body, {
          authorization: `Bearer ${server.tokens.alice}`,
        }),
      {
        status: 400,
        code: 'SPEC_INVALID',
        message: [/nest/],
      },
    );
    expect(reply.status).toBeLessThan(500);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('answers 404 for an unknown procedure', async () => {
    await expectRefused(
      () => postProcedure(server.url, 'experiments.launch', { key: BASE }, server.tokens.alice),
      {
        status: 404,
        code: 'NOT_FOUND',
        message: ['experiments.launch'],
      },
    );
    await expectRefused(
      () => getProcedure(server.url, 'nothing.here', undefined, server.tokens.alice),
      { status: 404, code: 'NOT_FOUND', message: ['nothing.here'] },
    );
  });

  it('answers 405 for a GET on a mutation and a POST on a query', async () => {
    await expectRefused(
      () =>
        getProcedure(
          server.url,
          'experiments.enqueue',
          { specs: [makeSpec('via-get')] },
          server.tokens.alice,
        ),
      {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        message: ['GET', 'mutation'],
      },
    );
    await expectRefused(
      () => postProcedure(server.url, 'experiments.list', {}, server.tokens.alice),
      { status: 405, code: 'METHOD_NOT_ALLOWED', message: ['POST', 'query'] },
    );
  });
});

describe('authentication and authorization', () => {
  const spec = (): unknown => ({ specs: [makeSpec('unauthorized-exp')] });

  it('answers 401 without a token', async () => {
    await expectRefused(() => postProcedure(server.url, 'experiments.enqueue', spec(), null), {
      status: 401,
      code: 'UNAUTHORIZED',
      message: ['missing bearer token'],
    });
    await expectRefused(() => getProcedure(server.url, 'experiments.list', undefined, null), {
      status: 401,
      code: 'UNAUTHORIZED',
      message: ['missing bearer token'],
    });
  });

  it('answers 401 for a wrong token', async () => {
    await expectRefused(
      () => postProcedure(server.url, 'experiments.enqueue', spec(), 'rwy_not-a-real-token'),
      {
        status: 401,
        code: 'UNAUTHORIZED',
        message: ['unknown or revoked token'],
      },
    );
    // A real token with one character changed is just as unknown.
    const almost = `${server.tokens.alice.slice(0, -1)}${server.tokens.alice.endsWith('A') ? 'B' : 'A'}`;
    await expectRefused(() => postProcedure(server.url, 'experiments.enqueue', spec(), almost), {
      status: 401,
      code: 'UNAUTHORIZED',
      message: ['unknown or revoked token'],
    });
  });

  for (const header of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer two tokens', 'Token abcdef']) {
    it(`answers 401 for a malformed Authorization header: ${JSON.stringify(header)}`, async () => {
      await expectRefused(
        () =>
          postRaw(server.url, 'experiments.enqueue', JSON.stringify(spec()), {
            authorization: header,
          }),
        {
          status: 401,
          code: 'UNAUTHORIZED',
          message: ['malformed Authorization header'],
        },
      );
    });
  }

  it('answers 403 when a viewer tries to pause, naming the role needed', async () => {
    await expectRefused(
      () =>
        postProcedure(
          server.url,
          'experiments.pause',
          { key: BASE, expectedVersion: baseVersion, reason: 'viewer' },
          server.tokens.vic,
        ),
      {
        status: 403,
        code: 'FORBIDDEN',
        message: ['operator', 'vic'],
      },
    );
  });

  it('answers 403 SELF_APPROVAL when the author approves their own experiment', async () => {
    await expectRefused(
      () =>
        postProcedure(
          server.url,
          'experiments.approve',
          { key: RISKY, expectedVersion: 1, reason: 'lgtm' },
          server.tokens.bob,
        ),
      {
        status: 403,
        code: 'SELF_APPROVAL',
        message: ['bob', RISKY, 'cannot approve'],
      },
    );
  });
});

describe('transition inputs', () => {
  it('refuses a pause without a reason, and with a blank one', async () => {
    const pause = (input: unknown): Promise<HttpReply> =>
      postProcedure(server.url, 'experiments.pause', input, server.tokens.alice);
    await expectRefused(() => pause({ key: BASE, expectedVersion: baseVersion }), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['reason: '],
      paths: ['reason'],
    });
    await expectRefused(() => pause({ key: BASE, expectedVersion: baseVersion, reason: '   ' }), {
      status: 400,
      code: 'BAD_REQUEST',
      message: ['reason: a reason is required'],
      paths: ['reason'],
    });
  });

  it('refuses an expected version of the wrong type or range', async () => {
    const pause = (expectedVersion: unknown): Promise<HttpReply> =>
      postProcedure(
        server.url,
        'experiments.pause',
        { key: BASE, expectedVersion, reason: 'x' },
        server.tokens.alice,
      );
    for (const expectedVersion of ['1', 0, -1, 1.5, null]) {
      await expectRefused(() => pause(expectedVersion), {
        status: 400,
        code: 'BAD_REQUEST',
        message: ['expectedVersion: '],
        paths: ['expectedVersion'],
      });
    }
  });

  it('refuses a stale version with 409 and an unknown key with 404', async () => {
    await expectRefused(
      () =>
        postProcedure(
          server.url,
          'experiments.pause',
          { key: BASE, expectedVersion: baseVersion + 5, reason: 'x' },
          server.tokens.alice,
        ),
      {
        status: 409,
        code: 'VERSION_CONFLICT',
        message: [BASE, `version ${baseVersion + 5}`],
      },
    );
    await expectRefused(
      () =>
        postProcedure(
          server.url,
          'experiments.pause',
          { key: 'no-such-exp', expectedVersion: 1, reason: 'x' },
          server.tokens.alice,
        ),
      {
        status: 404,
        code: 'NOT_FOUND',
        message: ['no-such-exp'],
      },
    );
  });

  it('refuses a transition the state does not allow, saying which states would', async () => {
    await expectRefused(
      () =>
        postProcedure(
          server.url,
          'experiments.resume',
          { key: BASE, expectedVersion: baseVersion },
          server.tokens.alice,
        ),
      {
        status: 409,
        code: 'INVALID_TRANSITION',
        message: ['cannot resume', 'running', 'paused'],
      },
    );
  });
});
