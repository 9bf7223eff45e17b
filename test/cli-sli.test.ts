import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness';
import { runCli } from './support/run-cli';

// `runway policy define-sli` from flags and from a definitions file, as an admin would script it.

let server: TestServer;
let admin: { url: string; token: string };

beforeAll(async () => {
  server = await startTestServer();
  admin = { url: server.url, token: server.tokens.admin };
});
afterAll(async () => {
  await server.stop();
});

describe('runway policy define-sli', () => {
  it('defines a quantile SLI from flags and shows it in `runway policy`', async () => {
    const defined = await runCli(
      [
        'policy',
        'define-sli',
        '--service',
        'search',
        '--name',
        'latency_p90_ms',
        '--unit',
        'ms',
        '--quantile',
        '0.9',
        '--metric',
        'http.server.duration',
      ],
      admin,
    );
    expect(defined.stderr).toBe('');
    expect(defined.exitCode).toBe(0);
    expect(defined.stdout).toContain('defined search/latency_p90_ms: p90 of http.server.duration');
    const policy = await runCli(['policy'], admin);
    expect(policy.stdout).toMatch(/search\s+latency_p90_ms\s+ms\s+p90 of http\.server\.duration/);
  });

  it('refuses a file with any bad definition whole, naming each problem, and defines nothing', async () => {
    const file = join(server.dir, 'slis.yaml');
    writeFileSync(
      file,
      [
        'service: checkout',
        'name: declines',
        'description: declined / attempted',
        'unit: ratio',
        'source: { kind: ratio, numeratorMetric: payments.declined, denominatorMetric: payments.attempted }',
        '---',
        'service: checkout',
        'name: slow_checkouts',
        'description: p99',
        'unit: ms',
        'source: { kind: quantile, metric: checkout.duration, quantile: 99 }',
      ].join('\n'),
    );
    const refused = await runCli(['policy', 'define-sli', '--file', file], admin);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('[1].source.quantile');
    const { slis } = await server.client(server.tokens.admin).policy.get.query();
    expect(slis.some((sli) => sli.name === 'declines')).toBe(false);

    writeFileSync(file, readFileSync(file, 'utf8').replace('quantile: 99', 'quantile: 0.99'));
    const accepted = await runCli(['policy', 'define-sli', '--file', file, '--json'], admin);
    expect(accepted.exitCode).toBe(0);
    expect(JSON.parse(accepted.stdout)).toHaveLength(2);
  });

  it('is bad usage without exactly one source', async () => {
    const run = await runCli(
      [
        'policy',
        'define-sli',
        '--service',
        's',
        '--name',
        'x',
        '--ratio',
        'a/b',
        '--mean',
        '--metric',
        'm',
      ],
      admin,
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('exactly one source');
  });
});
