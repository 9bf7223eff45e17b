// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../server/src/actor';
import type { Role } from '../../../shared/src/roles';
import { useSession } from '../api/session-store';
import {
  feedLiveChanges,
  startGraphTestServer,
  type GraphTestServer,
} from '../graph/testing/graph-test-server';
import { OverviewView } from './overview-view';

// The overview against the real server on loopback (in this process, so the test can change the
// fleet through the services and feed the live stream from the server's own change feed).

const HOUR = 3_600_000;
const ADMIN: Actor = { userId: null, name: 'test-setup', role: 'admin' };
let server: GraphTestServer;
let stopLive: (() => void) | null = null;

function spec(key: string, service: string) {
  return {
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    service,
    layer: `layer-${key}`,
    risk: 'low',
    stages: [{ percent: 10, hold: '1h' }],
  };
}

/**
 * checkout's budget is nearly spent (the gate holds checkout-v2), search is frozen (search-v3
 * waits) and has an SLO nobody measured yet; cart-banner starts and is rolled back (a page).
 * A global freeze is scheduled for later.
 */
function seedFleet(): void {
  const { runway, actors } = server;
  runway.policy.setSlo({ service: 'checkout', objective: 0.999, windowMs: 28 * 24 * HOUR }, ADMIN);
  runway.policy.setSlo({ service: 'search', objective: 0.99, windowMs: 7 * 24 * HOUR }, ADMIN);
  runway.policy.setBudget(
    { service: 'checkout', remainingFraction: 0.03, burnRate: 4.2, source: 'slo-tool' },
    ADMIN,
  );
  const now = Date.now();
  runway.policy.freeze(
    { service: 'search', untilMs: now + 2 * HOUR, reason: 'search index migration' },
    actors.bob,
  );
  runway.policy.freeze(
    { service: null, startsAtMs: now + 3 * HOUR, untilMs: now + 5 * HOUR, reason: 'year-end' },
    actors.bob,
  );
  runway.experiments.enqueue(
    {
      specs: [
        spec('checkout-v2', 'checkout'),
        spec('search-v3', 'search'),
        spec('cart-banner', 'cart'),
      ],
    },
    actors.alice,
  );
  runway.scheduler.tick();
  rollBack('cart-banner', 'banner hides the checkout button');
}

function rollBack(key: string, reason: string): void {
  const { runway, actors } = server;
  const { version } = runway.experiments.get(key, actors.alice);
  runway.experiments.rollback(key, version, reason, actors.alice);
}

function signIn(name: 'alice' | 'vic', role: Role): void {
  useSession.setState({ token: server.tokens[name], user: { name, role } });
}

const section = (name: string): HTMLElement => screen.getByRole('region', { name });

beforeEach(async () => {
  server = await startGraphTestServer();
  seedFleet();
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

describe('the overview', () => {
  it('shows counts, budgets against the gate, freezes and automatic actions', async () => {
    signIn('vic', 'viewer');
    render(<OverviewView />);
    await screen.findByRole('heading', { name: 'Experiments by state' });

    const counts = section('Experiments by state');
    const count = (state: string) =>
      counts.querySelector(`[data-state="${state}"] .overview-counts__count`)?.textContent;
    expect([count('queued'), count('rolled_back'), count('running')]).toEqual(['2', '1', '0']);

    const budgets = section('Error budgets');
    expect(within(budgets).getByTestId('budget-policy').textContent).toBe(
      "New starts and ramps need at least 10% of a service's error budget left and a burn rate of at most 2×.",
    );
    const row = (service: string) =>
      within(budgets)
        .getAllByTestId('budget-row')
        .find((candidate) => candidate.getAttribute('data-service') === service)!;
    const checkoutCells = within(row('checkout')).getAllByRole('cell');
    expect(checkoutCells.map((cell) => cell.textContent)).toEqual([
      '99.9% over 28d',
      '3%',
      '4.2×',
      'Blocks new starts and ramps: 3% left, below the minimum of 10%; burning at 4.2×, above the maximum of 2×',
      expect.stringMatching(/^just now \(slo-tool\)$/),
    ]);
    const searchCells = within(row('search')).getAllByRole('cell');
    expect(searchCells.map((cell) => cell.textContent)).toEqual([
      '99% over 7d',
      'not measured yet',
      'not measured yet',
      'Not measured yet: the gate does not hold this service back until a budget is reported.',
      'not measured yet',
    ]);

    const freezes = section('Freezes');
    const inForce = within(freezes).getByRole('group', { name: 'Freezes in force' });
    expect(inForce.textContent).toMatch(
      /search until .+ \(in 1h59m\)search index migration — by bob/,
    );
    const scheduled = within(freezes).getByRole('group', { name: 'Freezes scheduled' });
    expect(scheduled.textContent).toMatch(
      /all services from .+ \(in 2h59m\) until .+year-end — by bob/,
    );

    const actions = within(section('Recent automatic actions')).getAllByTestId('automatic-action');
    expect(actions[0]!.textContent).toContain('scheduler');
    expect(actions[0]!.textContent).toContain('cart-banner');
    expect(actions[0]!.textContent).toContain('queued → running');
    expect(
      within(actions[0]!).getByRole('link', { name: 'cart-banner' }).getAttribute('href'),
    ).toBe('/experiments/cart-banner');
  });

  it('shows a viewer each open page with Acknowledge disabled, saying why', async () => {
    signIn('vic', 'viewer');
    render(<OverviewView />);
    const [page] = await screen.findAllByTestId('open-page');
    expect(page!.textContent).toContain('Rolled back');
    expect(page!.textContent).toContain('rolled back by alice: banner hides the checkout button');
    expect(page!.textContent).toContain('owner alice@example.com');
    expect(within(page!).getByRole('link', { name: 'cart-banner' }).getAttribute('href')).toBe(
      '/experiments/cart-banner',
    );
    const acknowledge = within(page!).getByRole('button', { name: /^Acknowledge/ });
    expect((acknowledge as HTMLButtonElement).disabled).toBe(true);
    const why = document.getElementById(acknowledge.getAttribute('aria-describedby') ?? '');
    expect(why?.textContent).toBe(
      'Only operators and above can acknowledge pages; you are signed in as viewer.',
    );
  });

  it('lets an operator acknowledge a page: it leaves the open pages, recorded as theirs', async () => {
    signIn('alice', 'operator');
    render(<OverviewView />);
    const [page] = await screen.findAllByTestId('open-page');
    const id = Number(page!.getAttribute('data-page-id'));
    const acknowledge = within(page!).getByRole('button', {
      name: 'Acknowledge the page about cart-banner (rolled back)',
    });
    expect(acknowledge.getAttribute('aria-describedby')).toBeNull();
    fireEvent.click(acknowledge);
    await screen.findByText('Acknowledged the page about cart-banner as alice.');
    await waitFor(() => expect(screen.queryAllByTestId('open-page')).toHaveLength(0));
    expect(screen.getByText(/^No open pages\./)).toBeTruthy();
    const [stored] = server.runway.pages.list(server.actors.vic, { open: false });
    expect(stored).toMatchObject({ id, acknowledgedBy: 'alice' });
  });

  it('follows live changes without waiting for its slow poll', async () => {
    signIn('vic', 'viewer');
    stopLive = feedLiveChanges(server.runway);
    render(<OverviewView pollMs={3_600_000} />);
    await screen.findAllByTestId('open-page');
    act(() => {
      server.runway.policy.freeze(
        { service: 'checkout', untilMs: Date.now() + HOUR, reason: 'incident 42' },
        server.actors.bob,
      );
    });
    const inForce = () =>
      within(section('Freezes')).getByRole('group', { name: 'Freezes in force' });
    await waitFor(() => expect(inForce().textContent).toContain('incident 42'));
  });

  it('explains a failed load by its code and offers to try again', async () => {
    useSession.setState({ token: 'rwy_not_a_token', user: { name: 'vic', role: 'viewer' } });
    render(<OverviewView />);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The server did not accept your token (it is unknown or was revoked). Sign in with a valid token.',
    );
    signIn('vic', 'viewer');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('heading', { name: 'Experiments by state' });
  });
});
