// The OFREP routes against the real server, with plain fetch: every status they answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, makeSpec, type TestServer } from '../support/harness';

let server: TestServer;
const SINGLE = '/ofrep/v1/evaluate/flags';

interface Reply {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

async function post(
  path: string,
  body: string,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const evaluate = (key: string, context: unknown, token = server.tokens.vic): Promise<Reply> =>
  post(`${SINGLE}/${encodeURIComponent(key)}`, JSON.stringify({ context }), token);
const bulk = (context: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
  post(SINGLE, JSON.stringify({ context }), server.tokens.vic, headers);

beforeAll(async () => {
  server = await startTestServer();
  const admin = server.client(server.tokens.alice);
  await admin.experiments.enqueue.mutate({ specs: [makeSpec('live'), makeSpec('later')] });
  server.runway.scheduler.tick();
  const later = server.runway.experimentStore.get('later')!;
  const bob = server.runway.auth.authenticate(server.tokens.bob)!;
  server.runway.experiments.pause('later', later.version, 'keep later paused', bob);
});
afterAll(async () => {
  await server?.stop();
});

describe('single flag evaluation', () => {
  it('answers 401 without a valid bearer token', async () => {
    for (const token of [null, 'not-a-token']) {
      const reply = await post(`${SINGLE}/live`, '{"context":{"targetingKey":"u"}}', token);
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
      expect(reply.json).toMatchObject({ errorDetails: expect.stringContaining('bearer token') });
    }
  });

  it('splits a running experiment for a viewer token', async () => {
    const reply = await evaluate('live', { targetingKey: 'user-1' });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      key: 'live',
      value: expect.any(Boolean),
      reason: 'SPLIT',
      variant: expect.stringMatching(/^(treatment|control)$/),
      metadata: { layer: 'layer-live', bucket: expect.any(Number) },
    });
  });

  it('serves every flag to any role', async () => {
    for (const token of Object.values(server.tokens)) {
      expect((await evaluate('live', { targetingKey: 'user-1' }, token)).status).toBe(200);
    }
  });

  it('answers 404 FLAG_NOT_FOUND for an unknown key', async () => {
    const reply = await evaluate('no-such-flag', { targetingKey: 'user-1' });
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({
      key: 'no-such-flag',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: 'no experiment "no-such-flag"',
    });
  });

  it('answers 400 PARSE_ERROR for a body that is not a JSON object', async () => {
    for (const body of ['{"context":', '[1, 2]', '"text"', 'null']) {
      const reply = await post(`${SINGLE}/live`, body, server.tokens.vic);
      expect(reply.status, body).toBe(400);
      expect(reply.json).toMatchObject({ key: 'live', errorCode: 'PARSE_ERROR' });
    }
  });

  it('answers 400 INVALID_CONTEXT for a context that is not an object', async () => {
    for (const context of ['user-1', 42, [], null, { targetingKey: 7 }]) {
      const reply = await evaluate('live', context);
      expect(reply.status, JSON.stringify(context)).toBe(400);
      expect(reply.json).toMatchObject({ key: 'live', errorCode: 'INVALID_CONTEXT' });
    }
  });

  it('answers 400 TARGETING_KEY_MISSING when a split has no unit', async () => {
    for (const body of ['', '{}', '{"context":{}}', '{"context":{"targetingKey":""}}']) {
      const reply = await post(`${SINGLE}/live`, body, server.tokens.vic);
      expect(reply.status, body).toBe(400);
      expect(reply.json).toMatchObject({ key: 'live', errorCode: 'TARGETING_KEY_MISSING' });
    }
  });

  it('serves control with reason DISABLED for a queued experiment, with or without a unit', async () => {
    await server.client(server.tokens.alice).experiments.enqueue.mutate({
      specs: [makeSpec('waiting')],
    });
    for (const context of [{}, { targetingKey: 'user-1' }]) {
      const reply = await evaluate('waiting', context);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        key: 'waiting',
        value: false,
        reason: 'DISABLED',
        variant: 'control',
        metadata: { layer: 'layer-waiting' },
      });
    }
  });

  it('answers 405 to anything but POST, 404 off the OFREP paths, 413 to a huge body', async () => {
    const get = await fetch(`${server.url}${SINGLE}/live`, {
      headers: { authorization: `Bearer ${server.tokens.vic}` },
    });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await post('/ofrep/v1/configuration', '{}', server.tokens.vic)).status).toBe(404);
    expect((await post(`${SINGLE}/`, '{}', server.tokens.vic)).status).toBe(404);
    const huge = JSON.stringify({
      context: { targetingKey: 'u', pad: 'x'.repeat(2 * 1024 * 1024) },
    });
    const reply = await post(`${SINGLE}/live`, huge, server.tokens.vic);
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ errorCode: 'GENERAL' });
  });
});

describe('bulk evaluation', () => {
  it('evaluates every flag, with an ETag that answers 304 until something changes', async () => {
    const first = await bulk({ targetingKey: 'user-1' });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const flags = (first.json as { flags: Array<{ key: string }> }).flags;
    expect(flags.map((flag) => flag.key)).toEqual(expect.arrayContaining(['live', 'later']));
    expect(flags.find((flag) => flag.key === 'live')).toMatchObject({ reason: 'SPLIT' });

    const again = await bulk({ targetingKey: 'user-1' }, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await bulk({ targetingKey: 'user-1' }, { 'if-none-match': `W/${etag}` })).status).toBe(
      304,
    );
    expect((await bulk({ targetingKey: 'user-1' }, { 'if-none-match': '"other"' })).status).toBe(
      200,
    );

    const live = server.runway.experimentStore.get('live')!;
    const alice = server.runway.auth.authenticate(server.tokens.alice)!;
    server.runway.experiments.rollback('live', live.version, 'errors up', alice);
    const changed = await bulk({ targetingKey: 'user-1' }, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const after = (changed.json as { flags: Array<{ key: string }> }).flags;
    expect(after.find((flag) => flag.key === 'live')).toMatchObject({
      value: false,
      variant: 'control',
      reason: 'DISABLED',
    });
  });

  it('reports a split without a unit per flag, not for the whole request', async () => {
    const reply = await bulk({});
    expect(reply.status).toBe(200);
    const flags = (reply.json as { flags: Array<{ key: string }> }).flags;
    expect(flags.find((flag) => flag.key === 'later')).toMatchObject({
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });

  it('answers 400 without a key for bad bodies and 401 without a token', async () => {
    const parse = await post(SINGLE, '{', server.tokens.vic);
    expect(parse.status).toBe(400);
    expect(parse.json).toEqual({ errorCode: 'PARSE_ERROR', errorDetails: expect.any(String) });
    const context = await bulk('user-1');
    expect(context.status).toBe(400);
    expect(context.json).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    expect((await post(SINGLE, '{}', null)).status).toBe(401);
  });
});
