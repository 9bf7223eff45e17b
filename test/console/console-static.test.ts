import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../server/src/http/app-router';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

const INDEX =
  '<!doctype html><title>Runway</title><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script>';

/** A fake build: what `vite build` leaves in renderer/dist. */
function makeConsoleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'runway-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("runway")');
  writeFileSync(join(dir, 'assets', 'index-def456.css'), 'body{}');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.build-stamp'), 'secret-ish');
  return dir;
}

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(
  url: string,
  path: string,
): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console, served by the server', () => {
  let server: TestServer;
  let consoleDir: string;
  beforeAll(async () => {
    consoleDir = makeConsoleDir();
    server = await startTestServer({ consoleDir });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache, and hashed assets as immutable, each with its type', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toBe(INDEX);

    const script = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await script.text()).toBe('console.log("runway")');

    const style = await fetch(`${server.url}/assets/index-def456.css`);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await fetch(`${server.url}/favicon.svg`);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a revalidation with 304, and HEAD without a body', async () => {
    const first = await fetch(`${server.url}/`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await fetch(`${server.url}/`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    const head = await fetch(`${server.url}/assets/index-abc123.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String('console.log("runway")'.length));
    expect(await head.text()).toBe('');
  });

  it('answers the console’s own routes with index.html, so reloads and pasted links work', async () => {
    for (const path of [
      '/queue',
      '/graph',
      '/overview',
      '/audit',
      '/plan',
      '/experiments/checkout-v2',
      '/queue/',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(await response.text(), path).toBe(INDEX);
    }
  });

  it('keeps 404 JSON for API paths and anything that is not the console’s', async () => {
    for (const path of [
      '/trpc/nothing.here',
      '/v1/unknown',
      '/ofrep/v1/nope',
      '/assets/missing-123.js',
      '/experiments',
      '/nope',
      '/slack/events',
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
    }
    const post = await fetch(`${server.url}/queue`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(404);
  });

  it('never serves a file outside the build, nor its dotfiles', async () => {
    for (const path of [
      '/../package.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/%2e%2e%2fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/.build-stamp',
      '/assets/%00.js',
      '/%E0%A4%A.js',
    ]) {
      const response = await rawGet(server.url, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('"name": "runway"');
      expect(response.body, path).not.toContain('secret-ish');
    }
  });

  it('batches tRPC calls: several queries in one request, each with its own result or error', async () => {
    let requests = 0;
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${server.url}/trpc`,
          headers: { authorization: `Bearer ${server.tokens.vic}` },
          fetch: (url, init) => {
            requests += 1;
            return fetch(url, init);
          },
        }),
      ],
    });
    await server
      .client(server.tokens.alice)
      .experiments.enqueue.mutate({ specs: [makeSpec('batched-a')] });
    const [whoami, list, missing] = await Promise.allSettled([
      client.auth.whoami.query(),
      client.experiments.list.query(),
      client.experiments.get.query({ key: 'no-such-experiment' }),
    ]);
    expect(requests).toBe(1);
    expect(whoami).toEqual({ status: 'fulfilled', value: { name: 'vic', role: 'viewer' } });
    expect(list.status === 'fulfilled' && list.value.map((experiment) => experiment.key)).toEqual([
      'batched-a',
    ]);
    expect(missing.status).toBe('rejected');
    expect((missing as PromiseRejectedResult).reason.data.runway.code).toBe('NOT_FOUND');
  });
});

describe('a server whose console is not built', () => {
  it('says at / how to build it, in plain HTML', async () => {
    const server = await startTestServer({
      consoleDir: join(tmpdir(), 'runway-console-never-built'),
    });
    try {
      for (const path of ['/', '/queue']) {
        const response = await fetch(`${server.url}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const body = await response.text();
        expect(body).toContain('npm run build:console');
        expect(body).toContain('has not been built');
      }
      expect((await fetch(`${server.url}/assets/index-abc123.js`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
