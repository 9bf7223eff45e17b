import { Counter, Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  freeLoopbackPort,
  startExporter,
  startPrometheus,
  type RunningExporter,
  type RunningPrometheus,
} from '../support/prometheus';
import { makeSpec, startTestServer, type TestServer } from '../support/harness';

// The whole loop with a real Prometheus (Debian's package): an app's exporter is scraped, a
// PromQL SLI defined through Runway's API reads it, and the guardrail engine rolls back.

const NUMERATOR =
  'sum(increase(app_errors_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))';
const DENOMINATOR =
  'sum(increase(app_requests_total{experiment="{{experiment}}",variant="{{variant}}"}[{{range}}]))';
/** Prometheus scrapes first about 5 s after start, and increase() needs two scrapes. */
const WAIT = { timeout: 40_000, interval: 500 };

const registry = new Registry();
const labelNames = ['experiment', 'variant'] as const;
const requests = new Counter({
  name: 'app_requests_total',
  help: 'requests',
  labelNames,
  registers: [registry],
});
const errors = new Counter({
  name: 'app_errors_total',
  help: 'errors',
  labelNames,
  registers: [registry],
});

let exporter: RunningExporter | undefined;
let prometheus: RunningPrometheus | undefined;
let server: TestServer | undefined;

beforeAll(async () => {
  // Series exist at 0 before the first scrape: increase() never counts a series' first value.
  for (const experiment of ['web-checkout', 'web-search']) {
    for (const variant of ['treatment', 'control']) {
      requests.inc({ experiment, variant }, 0);
      errors.inc({ experiment, variant }, 0);
    }
  }
  exporter = await startExporter(registry);
  prometheus = await startPrometheus({ scrapeTargets: [exporter.target], scrapeIntervalMs: 1000 });
  // Prometheus must have seen the zeros before anything counts (see above).
  const scraped = exporter;
  await vi.waitFor(() => expect(scraped.scrapes()).toBeGreaterThan(0), WAIT);
}, 60_000);
afterAll(async () => {
  await prometheus?.close();
  await exporter?.close();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function defineAndStart(url: string, key: string): Promise<TestServer> {
  const running = await startTestServer({
    guardrailLoop: false,
    env: { RUNWAY_PROMETHEUS_URL: url },
  });
  await running.client(running.tokens.admin).policy.defineSli.mutate({
    service: 'checkout',
    name: 'error_rate',
    description: 'app errors / app requests, from Prometheus',
    unit: 'ratio',
    source: { kind: 'promql', numeratorQuery: NUMERATOR, denominatorQuery: DENOMINATOR },
  });
  await running.client(running.tokens.alice).experiments.enqueue.mutate({
    specs: [
      makeSpec(key, {
        guardrails: [{ sli: 'error_rate', maxRelative: 0.1, window: '5m', action: 'rollback' }],
      }),
    ],
  });
  running.runway.scheduler.tick();
  expect(running.runway.experimentStore.get(key)?.state).toBe('running');
  return running;
}

describe('a PromQL SLI against a real Prometheus', () => {
  it(
    'rolls back an experiment whose treatment errors at ten times control',
    { timeout: 60_000 },
    async () => {
      server = await defineAndStart(prometheus!.url, 'web-checkout');
      const target = { experiment: 'web-checkout' };
      requests.inc({ ...target, variant: 'treatment' }, 3_000);
      errors.inc({ ...target, variant: 'treatment' }, 300);
      requests.inc({ ...target, variant: 'control' }, 3_000);
      errors.inc({ ...target, variant: 'control' }, 30);

      const running = server;
      await vi.waitFor(async () => {
        await running.runway.guardrails.evaluateWithExternal();
        expect(running.runway.experimentStore.get('web-checkout')?.state).toBe('rolled_back');
      }, WAIT);
      const rollback = running.runway.db
        .prepare("SELECT actor, reason FROM audit_log WHERE action = 'experiment.rollback'")
        .get() as { actor: string; reason: string };
      expect(rollback.actor).toBe('runway:guardrails');
      expect(rollback.reason).toMatch(/guardrail error_rate failed: estimate .* vs maxRelative/);
      const pages = running.runway.db
        .prepare("SELECT payload_json FROM outbox WHERE topic = 'page.guardrail'")
        .all() as Array<{ payload_json: string }>;
      expect(pages).toHaveLength(1);
      expect(JSON.parse(pages[0]!.payload_json)).toMatchObject({
        key: 'web-checkout',
        sli: 'error_rate',
      });
    },
  );

  it('reads an unreachable Prometheus as no data, never a pass', async () => {
    const closedPort = await freeLoopbackPort();
    server = await defineAndStart(`http://127.0.0.1:${closedPort}`, 'web-search');
    await server.runway.guardrails.evaluateWithExternal();
    const [status] = server.runway.experimentStore.guardrailStatuses('web-search');
    expect(status?.verdict).toBe('no_data');
    expect(String(status?.details.reason)).toContain('ECONNREFUSED');
    expect(server.runway.experimentStore.get('web-search')?.state).toBe('running');
  });
});
