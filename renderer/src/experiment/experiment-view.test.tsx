// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useSession } from '../api/session-store';
import { installResizeObserver } from '../charts/testing/resize-observer';
import { ExperimentView } from './experiment-view';
import { startConsoleServer, type ConsoleServer } from './testing/console-server';

// The experiment view against the real server on loopback: the console's own tRPC client (the
// page's origin is the server's), real roles, real transitions, real telemetry.

let server: ConsoleServer;

function makeSpec(key: string, overrides: Record<string, unknown> = {}) {
  return {
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [
      { percent: 10, hold: '10m' },
      { percent: 50, hold: '10m' },
    ],
    ...overrides,
  };
}

const text = (value: string) => ({ stringValue: value });

async function sendRequests(key: string, requests: number, errors: number): Promise<void> {
  // both arms alike: the guardrail engine (running in the server) must not act on these
  const nowNanos = `${BigInt(Date.now()) * 1_000_000n}`;
  const startNanos = `${BigInt(Date.now() - 1_000) * 1_000_000n}`;
  const metric = (name: string, variant: string, value: number) => ({
    name,
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [
        {
          attributes: [
            { key: 'runway.experiment', value: text(key) },
            { key: 'runway.variant', value: text(variant) },
          ],
          startTimeUnixNano: startNanos,
          timeUnixNano: nowNanos,
          asInt: String(value),
        },
      ],
    },
  });
  const metrics = ['treatment', 'control'].flatMap((variant) => [
    metric('runway.requests', variant, requests),
    metric('runway.requests.errors', variant, errors),
  ]);
  const response = await fetch(`${server.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.tokens.alice}` },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: text('checkout') }] },
          scopeMetrics: [{ scope: { name: 'test' }, metrics }],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  installResizeObserver();
  server = await startConsoleServer();

  const operator = server.client(server.tokens.alice);
  const releaseManager = server.client(server.tokens.bob);
  const guardrails = [{ sli: 'error_rate', maxRelative: 0.2, window: '5m', action: 'rollback' }];
  await operator.experiments.enqueue.mutate({
    specs: [
      makeSpec('payments-api', { stages: [{ percent: 100, hold: '1m' }] }),
      makeSpec('checkout-v2', { requires: ['payments-api'], guardrails }),
    ],
  });
  await releaseManager.scheduler.tick.mutate();
  const { version } = await releaseManager.experiments.get.query({ key: 'payments-api' });
  await releaseManager.experiments.advance.mutate({
    key: 'payments-api',
    expectedVersion: version,
  });
  await releaseManager.scheduler.tick.mutate();
  expect((await operator.experiments.get.query({ key: 'checkout-v2' })).state).toBe('running');
  await sendRequests('checkout-v2', 5_000, 50);
  await operator.experiments.enqueue.mutate({
    specs: [makeSpec('search-v3', { guardrails: [{ ...guardrails[0], action: 'pause' }] })],
  });
  await releaseManager.scheduler.tick.mutate();
  await sendRequests('search-v3', 5_000, 50);
});
afterAll(async () => {
  await server?.stop();
});
afterEach(() => {
  cleanup();
  useSession.setState({ token: null, user: null });
});

function signIn(name: 'vic' | 'alice' | 'bob', role: 'viewer' | 'operator' | 'release-manager') {
  useSession.setState({ token: server.tokens[name], user: { name, role } });
}

const button = (name: RegExp) => screen.getByRole('button', { name });

describe('ExperimentView', () => {
  it('shows a viewer the experiment, its live SLI chart, and every action disabled with why', async () => {
    signIn('vic', 'viewer');
    render(<ExperimentView experimentKey="checkout-v2" onNavigate={() => {}} chartWidth={600} />);
    await screen.findByRole('heading', { name: /Experiment checkout-v2/ });
    expect(screen.getByText('running')).toBeTruthy();
    for (const name of [/^Pause$/, /^Roll back$/, /^Abort$/, /^Advance/]) {
      const action = button(name);
      expect((action as HTMLButtonElement).disabled).toBe(true);
      const why = document.getElementById(action.getAttribute('aria-describedby') ?? '');
      expect(why?.textContent).toMatch(/you are signed in as viewer/);
    }
    expect(
      document.getElementById(button(/^Pause$/).getAttribute('aria-describedby')!)?.textContent,
    ).toBe('Only operators and above can pause; you are signed in as viewer.');

    // The chart of error_rate draws both arms from the telemetry sent above.
    const chart = await screen.findByRole('figure', { name: /error_rate/ });
    // (A stage a second old has one point, which Recharts marks with a dot rather than a curve.)
    const arm = (name: string) =>
      chart.querySelector(
        `.recharts-line-curve[name="${name}"], .recharts-line-dot[name="${name}"]`,
      );
    await waitFor(() => {
      expect(arm('treatment')).not.toBeNull();
      expect(arm('control')).not.toBeNull();
    });
    expect(screen.queryByText(/No telemetry for error_rate/)).toBeNull();
    // The spec names its prerequisite as a link, and the audit trail lists its start.
    expect(screen.getByRole('link', { name: 'payments-api' }).getAttribute('href')).toBe(
      '/experiments/payments-api',
    );
    const audit = screen.getByRole('region', { name: 'Audit trail' });
    expect(within(audit).getByText(/start/)).toBeTruthy();
  });

  it('rolls back only with a reason, after showing the cascade it will take down', async () => {
    signIn('alice', 'operator');
    render(<ExperimentView experimentKey="payments-api" onNavigate={() => {}} chartWidth={600} />);
    await screen.findByRole('heading', { name: /Experiment payments-api/ });
    expect((button(/^Advance|^Complete/) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(button(/^Roll back$/));

    const dialog = await screen.findByRole('dialog', { name: /Roll back/ });
    // The blast radius, from the server: the dependent first, then payments-api itself.
    await within(dialog).findByText(/This rolls back 2 experiments/);
    const cascade = within(dialog)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(cascade[0]).toMatch(/^checkout-v2/);
    expect(cascade[1]).toMatch(/^payments-api/);

    const confirm = within(dialog).getByRole('button', { name: 'Roll back 2 experiments' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    expect(within(dialog).getByText(/A reason is required/)).toBeTruthy();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Reason' }), {
      target: { value: 'card declines spiking' },
    });
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirm);

    await screen.findByText(
      /2 experiments changed: checkout-v2 \(rolled back\), payments-api \(rolled back\)/,
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    const reader = server.client(server.tokens.vic);
    expect((await reader.experiments.get.query({ key: 'payments-api' })).state).toBe('rolled_back');
    expect((await reader.experiments.get.query({ key: 'checkout-v2' })).state).toBe('rolled_back');
    const [entry] = await reader.audit.list.query({ experimentKey: 'checkout-v2', limit: 1 });
    expect(entry).toMatchObject({ actor: 'alice', cause: 'payments-api' });
  });

  it('refuses a rollback whose cascade grew after it was confirmed, and shows the new one', async () => {
    const alice = server.client(server.tokens.alice);
    const bob = server.client(server.tokens.bob);
    await alice.experiments.enqueue.mutate({
      specs: [
        makeSpec('ledger-api', { stages: [{ percent: 100, hold: '1m' }] }),
        makeSpec('ledger-ui', { requires: ['ledger-api'] }),
      ],
    });
    await bob.scheduler.tick.mutate();
    const { version } = await bob.experiments.get.query({ key: 'ledger-api' });
    await bob.experiments.advance.mutate({ key: 'ledger-api', expectedVersion: version });
    await bob.scheduler.tick.mutate();
    expect((await bob.experiments.get.query({ key: 'ledger-ui' })).state).toBe('running');

    signIn('alice', 'operator');
    render(<ExperimentView experimentKey="ledger-api" onNavigate={() => {}} chartWidth={600} />);
    await screen.findByRole('heading', { name: /Experiment ledger-api/ });
    fireEvent.click(button(/^Roll back$/));
    const dialog = await screen.findByRole('dialog', { name: /Roll back/ });
    await within(dialog).findByText(/This rolls back 2 experiments/);
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Reason' }), {
      target: { value: 'ledger drift' },
    });

    // While the dialog is open, another experiment starts on ledger-api.
    await alice.experiments.enqueue.mutate({
      specs: [makeSpec('ledger-export', { requires: ['ledger-api'] })],
    });
    await bob.scheduler.tick.mutate();
    expect((await bob.experiments.get.query({ key: 'ledger-export' })).state).toBe('running');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back 2 experiments' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe(
      'The blast radius of ledger-api changed since you confirmed it: it would now also take down ledger-export. Nothing was rolled back: check the new list and confirm again.',
    );
    for (const key of ['ledger-api', 'ledger-ui', 'ledger-export'])
      expect((await bob.experiments.get.query({ key })).state, key).not.toBe('rolled_back');

    // The list is asked again; confirming what it now shows rolls back all three.
    await within(dialog).findByText(/This rolls back 3 experiments/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back 3 experiments' }));
    await screen.findByText(/3 experiments changed/);
    for (const key of ['ledger-api', 'ledger-ui', 'ledger-export'])
      expect((await bob.experiments.get.query({ key })).state, key).toBe('rolled_back');
  });

  it('moves the chart as telemetry arrives, and explains a conflicting change by its code', async () => {
    signIn('alice', 'operator');
    render(<ExperimentView experimentKey="search-v3" onNavigate={() => {}} chartWidth={600} />);
    const chart = await screen.findByRole('figure', { name: /error_rate/ });
    const treatmentShape = (): string | null => {
      const mark = chart.querySelector(
        '.recharts-line-curve[name="treatment"], .recharts-line-dot[name="treatment"]',
      );
      return mark ? `${mark.getAttribute('d') ?? ''}${mark.getAttribute('cy') ?? ''}` : null;
    };
    await waitFor(() => expect(treatmentShape()).not.toBeNull());
    const before = treatmentShape();
    // Ten times the errors: the cumulative error rate moves, and the view's next poll shows it.
    await sendRequests('search-v3', 5_000, 500);
    await waitFor(() => expect(treatmentShape()).not.toBe(before), { timeout: 8_000 });

    // Someone else pauses it while Alice is about to: her pause carries the version she saw.
    fireEvent.click(button(/^Pause$/));
    const dialog = await screen.findByRole('dialog', { name: /Pause/ });
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Reason' }), {
      target: { value: 'latency looks off' },
    });
    const bob = server.client(server.tokens.bob);
    const { version } = await bob.experiments.get.query({ key: 'search-v3' });
    await bob.experiments.pause.mutate({
      key: 'search-v3',
      expectedVersion: version,
      reason: 'paging',
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pause' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toMatch(
      /^search-v3 changed since you loaded it \(it is now paused\)\. Nothing was done/,
    );
    const audit = await bob.audit.list.query({
      experimentKey: 'search-v3',
      action: 'experiment.pause',
    });
    expect(audit.map((entry) => entry.actor)).toEqual(['bob']);
  });
});
