// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useSession } from '../api/session-store';
import { installResizeObserver } from '../charts/testing/resize-observer';
import {
  feedLiveChanges,
  startGraphTestServer,
  type GraphTestServer,
} from '../graph/testing/graph-test-server';
import { PlanView } from './plan-view';

// The plan view against the real server on loopback (in this process, so the test can change
// the queue through the services and feed the live stream from the server's own change feed).

let server: GraphTestServer;
let stopLive: (() => void) | null = null;

function spec(key: string, overrides: Record<string, unknown> = {}) {
  return {
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    service: 'checkout',
    layer: `layer-${key}`,
    risk: 'low',
    stages: [{ percent: 100, hold: '1h' }],
    ...overrides,
  };
}

/**
 * payments-api runs (an hour to go); checkout-v2 needs it, then ramps for an hour; risky awaits
 * approval; search-v3 runs for 40 days, so search-copy, which excludes it, cannot be placed.
 */
function seedQueue(): void {
  const { runway, actors } = server;
  runway.experiments.enqueue(
    {
      specs: [
        spec('payments-api'),
        spec('search-v3', { service: 'search', stages: [{ percent: 50, hold: '40d' }] }),
      ],
    },
    actors.alice,
  );
  runway.scheduler.tick();
  runway.experiments.enqueue(
    {
      specs: [
        spec('checkout-v2', {
          requires: ['payments-api'],
          stages: [
            { percent: 10, hold: '30m' },
            { percent: 100, hold: '30m' },
          ],
        }),
        spec('risky', { risk: 'high' }),
        spec('search-copy', { service: 'search', excludes: ['search-v3'] }),
      ],
    },
    actors.alice,
  );
}

const barKeys = (): string[] =>
  [...document.querySelectorAll('.plan-bar')].map((bar) => bar.getAttribute('data-key') ?? '');
const rowKeys = (): string[] =>
  screen.queryAllByTestId('plan-row').map((row) => row.getAttribute('data-key') ?? '');

beforeAll(() => installResizeObserver());
beforeEach(async () => {
  server = await startGraphTestServer();
  seedQueue();
  useSession.setState({ token: server.tokens.vic, user: { name: 'vic', role: 'viewer' } });
});
afterEach(async () => {
  cleanup();
  stopLive?.();
  stopLive = null;
  await (
    window as unknown as { happyDOM: { waitUntilComplete(): Promise<void> } }
  ).happyDOM.waitUntilComplete();
  useSession.setState({ token: null, user: null });
  await server.stop();
});

describe('the plan view', () => {
  it('draws a bar per experiment it can place, from expected start to completion, and a now line', async () => {
    render(<PlanView onOpenExperiment={vi.fn()} chartWidth={800} />);
    await waitFor(() => expect(barKeys()).toEqual(['payments-api', 'risky', 'checkout-v2']));
    expect(rowKeys()).toEqual(['payments-api', 'risky', 'checkout-v2']);

    const chart = screen.getByRole('figure', {
      name: 'Expected start and completion of 3 experiments',
    });
    expect(within(chart).getByText('now')).toBeTruthy();
    // payments-api runs now; checkout-v2 starts when it completes, an hour on.
    const row = (key: string) =>
      screen
        .getAllByTestId('plan-row')
        .find((candidate) => candidate.getAttribute('data-key') === key)!;
    expect(row('payments-api').textContent).toMatch(
      /running now; completes (\w{3} \d+ )?\d\d:\d\d UTC \(in (59m|1h)\)/,
    );
    expect(row('checkout-v2').textContent).toMatch(/starts .+ UTC, completes .+ UTC \(1h\)/);
    expect(row('risky').textContent).toContain('approval granted now');
    expect(
      within(row('checkout-v2')).getByRole('link', { name: 'checkout-v2' }).getAttribute('href'),
    ).toBe('/experiments/checkout-v2');
    // Bars in time order: each starts no earlier than the one above it.
    const x = (key: string) =>
      Number(document.querySelector(`.plan-bar[data-key="${key}"]`)!.getAttribute('x'));
    expect(x('checkout-v2')).toBeGreaterThan(x('payments-api'));
    expect(screen.getByText(/Forecast from .+ over 30d\. It assumes guardrails pass/)).toBeTruthy();
  });

  it('lists what it cannot forecast with the reason, and opens an experiment from its bar', async () => {
    const onOpenExperiment = vi.fn();
    render(<PlanView onOpenExperiment={onOpenExperiment} chartWidth={800} />);
    await waitFor(() => expect(barKeys()).toHaveLength(3));
    const unforecast = screen.getAllByTestId('unforecast');
    expect(unforecast.map((item) => item.getAttribute('data-key'))).toEqual([
      'search-copy',
      'search-v3',
    ]);
    expect(unforecast[0]!.textContent).toContain('waits: excludes search-v3 (running)');
    // Its 40-day stage outlasts the 30-day forecast: the scheduler's own reason says so.
    expect(unforecast[1]!.textContent).toMatch(/held: hold time: 39d.* left/);

    fireEvent.click(document.querySelector('.plan-bar[data-key="checkout-v2"]')!);
    expect(onOpenExperiment).toHaveBeenCalledWith('checkout-v2');
  });

  it('forecasts again when the queue changes', async () => {
    stopLive = feedLiveChanges(server.runway);
    render(<PlanView onOpenExperiment={vi.fn()} chartWidth={800} pollMs={3_600_000} />);
    await waitFor(() => expect(barKeys()).toEqual(['payments-api', 'risky', 'checkout-v2']));
    act(() => {
      const { runway, actors } = server;
      const { version } = runway.experiments.get('payments-api', actors.alice);
      runway.experiments.pause('payments-api', version, 'card declines', actors.alice);
    });
    // Paused, payments-api no longer completes, so checkout-v2, which requires it, cannot start.
    await waitFor(() => expect(barKeys()).toEqual(['risky']));
    const keys = screen.getAllByTestId('unforecast').map((item) => item.getAttribute('data-key'));
    expect(keys).toEqual(expect.arrayContaining(['payments-api', 'checkout-v2']));
  });

  it('says when there is nothing to forecast', async () => {
    const { runway, actors } = server;
    for (const key of ['checkout-v2', 'risky', 'search-copy', 'payments-api', 'search-v3']) {
      const { version } = runway.experiments.get(key, actors.alice);
      runway.experiments.abort(key, version, 'clearing the queue', actors.bob);
    }
    render(<PlanView onOpenExperiment={vi.fn()} chartWidth={800} />);
    await screen.findByText('Nothing is queued or running, so there is nothing to forecast.');
  });

  it('explains a failed forecast by its code and offers to try again', async () => {
    useSession.setState({ token: 'rwy_not_a_token', user: { name: 'vic', role: 'viewer' } });
    render(<PlanView onOpenExperiment={vi.fn()} chartWidth={800} />);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The server did not accept your token (it is unknown or was revoked). Sign in with a valid token.',
    );
    useSession.setState({ token: server.tokens.vic, user: { name: 'vic', role: 'viewer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(barKeys()).toHaveLength(3));
  });
});
