// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Role } from '../../../shared/src/roles';
import { useSession } from '../api/session-store';
import { GraphView } from './graph-view';
import { resetGraphUi } from './graph-ui-store';
import { createInThreadLayoutRunner } from './in-thread-layout-runner';
import { installReactFlowShims } from './testing/dom-shims';
import {
  feedLiveChanges,
  seedSmallFleet,
  spec,
  startGraphTestServer,
  type GraphTestServer,
} from './testing/graph-test-server';

// The graph view against the real server on loopback (the console's own tRPC client), seeded
// with a small fleet in every relation: see seedSmallFleet.

let server: GraphTestServer;
let stopLive: (() => void) | null = null;

beforeAll(() => installReactFlowShims());
beforeEach(async () => {
  resetGraphUi();
  server = await startGraphTestServer();
  seedSmallFleet(server);
});
afterEach(async () => {
  cleanup();
  stopLive?.();
  stopLive = null;
  // Let calls still in flight (a reload after the last action) land before the server goes.
  await (
    window as unknown as { happyDOM: { waitUntilComplete(): Promise<void> } }
  ).happyDOM.waitUntilComplete();
  useSession.setState({ token: null, user: null });
  await server.stop();
});

function signIn(name: 'alice' | 'vic', role: Role): void {
  useSession.setState({ token: server.tokens[name], user: { name, role } });
}

function renderGraph(onOpenExperiment = vi.fn()) {
  const view = render(
    <GraphView onOpenExperiment={onOpenExperiment} layoutRunner={createInThreadLayoutRunner()} />,
  );
  return { ...view, onOpenExperiment };
}

const nodeOf = (key: string): HTMLElement | null =>
  document.querySelector<HTMLElement>(`.react-flow__node[data-id="${key}"]`);
const shownKeys = (): string[] =>
  [...document.querySelectorAll('.react-flow__node')]
    .map((node) => node.getAttribute('data-id')!)
    .sort();

async function waitForNodes(count: number): Promise<void> {
  await waitFor(() => expect(document.querySelectorAll('.react-flow__node')).toHaveLength(count), {
    timeout: 5_000,
  });
}

describe('the dependency graph', () => {
  it('draws every experiment coloured by state with its stage and health, and every edge by kind', async () => {
    signIn('vic', 'viewer');
    renderGraph();
    await waitForNodes(7);

    const checkout = nodeOf('checkout-v2')!;
    expect(checkout.querySelector('.experiment-node--running')).not.toBeNull();
    expect(checkout.textContent).toContain('stage 1/2 · 10%');
    // Guardrails but no verdict yet: a no-data dot, never a pass.
    expect(within(checkout).getByRole('img', { name: 'guardrails have no data' })).toBeTruthy();
    expect(nodeOf('pay-api')!.querySelector('.experiment-node--completed')).not.toBeNull();
    expect(nodeOf('pay-api')!.querySelector('.health-dot')).toBeNull();
    expect(nodeOf('checkout-upsell')!.querySelector('.experiment-node--queued')).not.toBeNull();
    expect(nodeOf('checkout-upsell')!.textContent).toContain('stage –/2');

    await waitFor(() => expect(document.querySelectorAll('.react-flow__edge')).toHaveLength(4));
    const edge = (label: string) =>
      document.querySelector(`.react-flow__edge[aria-label="${label}"]`);
    expect(edge('checkout-v2 requires pay-api')?.classList).toContain('dependency-edge--requires');
    expect(edge('checkout-upsell requires checkout-v2')?.classList).toContain(
      'dependency-edge--requires',
    );
    expect(edge('checkout-copy and checkout-v2 exclude each other')?.classList).toContain(
      'dependency-edge--excludes',
    );
    expect(edge('cart-banner starts after cart-redesign')?.classList).toContain(
      'dependency-edge--after',
    );

    // Left to right by dependency.
    const x = (key: string) =>
      Number(/translate\(([-\d.]+)px/.exec(nodeOf(key)!.style.transform)![1]);
    expect(x('pay-api')).toBeLessThan(x('checkout-v2'));
    expect(x('checkout-v2')).toBeLessThan(x('checkout-upsell'));
  });

  it('filters by service, team and layer, and hides ended experiments on request', async () => {
    signIn('vic', 'viewer');
    stopLive = feedLiveChanges(server.runway);
    renderGraph();
    await waitForNodes(7);
    const toolbar = screen.getByRole('toolbar', { name: 'Graph filters' });

    fireEvent.change(within(toolbar).getByLabelText('Service'), { target: { value: 'search' } });
    await waitFor(() => expect(shownKeys()).toEqual(['search-rank']));
    expect(within(toolbar).getByText('1 of 7 experiments')).toBeTruthy();

    fireEvent.change(within(toolbar).getByLabelText('Service'), { target: { value: '' } });
    fireEvent.change(within(toolbar).getByLabelText('Team'), { target: { value: 'growth' } });
    await waitFor(() =>
      expect(shownKeys()).toEqual(['cart-banner', 'cart-redesign', 'checkout-copy']),
    );
    // Edges follow the filter: only those with both ends shown.
    await waitFor(() => expect(document.querySelectorAll('.react-flow__edge')).toHaveLength(1));

    fireEvent.change(within(toolbar).getByLabelText('Layer'), {
      target: { value: 'layer-cart-banner' },
    });
    await waitFor(() => expect(shownKeys()).toEqual(['cart-banner']));

    fireEvent.click(within(toolbar).getByRole('button', { name: 'Clear filters' }));
    await waitForNodes(7);

    // pay-api is withdrawn elsewhere, taking checkout-v2 with it; both may then be hidden.
    act(() => {
      const payApi = server.runway.experiments.get('pay-api', server.actors.alice);
      server.runway.experiments.rollback(
        'pay-api',
        payApi.version,
        'withdrawn',
        server.actors.alice,
      );
    });
    await waitFor(() =>
      expect(nodeOf('pay-api')!.querySelector('.experiment-node--rolled_back')).not.toBeNull(),
    );
    fireEvent.click(within(toolbar).getByLabelText('Hide rolled back and aborted'));
    await waitFor(() =>
      expect(shownKeys()).toEqual([
        'cart-banner',
        'cart-redesign',
        'checkout-copy',
        'checkout-upsell',
        'search-rank',
      ]),
    );
    expect(within(toolbar).getByText('5 of 7 experiments')).toBeTruthy();
  });

  it('shows the selected experiment in the side panel, with why it waits and a way to open it', async () => {
    signIn('vic', 'viewer');
    const { onOpenExperiment } = renderGraph();
    await waitForNodes(7);

    fireEvent.click(nodeOf('checkout-upsell')!);
    const panel = await screen.findByRole('complementary', { name: 'Details of checkout-upsell' });
    expect(within(panel).getByText('queued')).toBeTruthy();
    expect(within(panel).getByText('alice@example.com')).toBeTruthy();
    expect(within(panel).getByText('payments')).toBeTruthy();
    expect(within(panel).getByText('checkout')).toBeTruthy();
    expect(within(panel).getByText('layer-checkout-upsell')).toBeTruthy();
    expect(within(panel).getByText('requires checkout-v2 (running, stage 1/2)')).toBeTruthy();
    expect(nodeOf('checkout-upsell')!.classList).toContain('is-selected');

    fireEvent.click(within(panel).getByRole('button', { name: 'Open' }));
    expect(onOpenExperiment).toHaveBeenCalledWith('checkout-upsell');

    // Its prerequisite is one click away.
    fireEvent.click(within(panel).getByRole('button', { name: 'checkout-v2' }));
    await screen.findByRole('complementary', { name: 'Details of checkout-v2' });

    // Clicking the empty canvas deselects.
    fireEvent.click(document.querySelector('.react-flow__pane')!);
    await waitFor(() => expect(screen.queryByRole('complementary')).toBeNull());
  });
});

describe('rolling back from the graph', () => {
  it('is disabled for viewers, saying why', async () => {
    signIn('vic', 'viewer');
    renderGraph();
    await waitForNodes(7);
    fireEvent.click(nodeOf('checkout-v2')!);
    const panel = await screen.findByRole('complementary', { name: 'Details of checkout-v2' });
    const rollback = within(panel).getByRole<HTMLButtonElement>('button', { name: 'Roll back…' });
    expect(rollback.disabled).toBe(true);
    expect(document.getElementById(rollback.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Rolling back needs the operator role or above; your token is a viewer.',
    );
  });

  it('is disabled for experiments that cannot be rolled back', async () => {
    signIn('alice', 'operator');
    renderGraph();
    await waitForNodes(7);
    fireEvent.click(nodeOf('checkout-upsell')!);
    const panel = await screen.findByRole('complementary', { name: 'Details of checkout-upsell' });
    const rollback = within(panel).getByRole<HTMLButtonElement>('button', { name: 'Roll back…' });
    expect(rollback.disabled).toBe(true);
    expect(within(panel).getByText(/this one is queued/)).toBeTruthy();
  });

  it('previews the blast radius in the graph and the dialog, needs a reason, and takes the cascade down', async () => {
    signIn('alice', 'operator');
    stopLive = feedLiveChanges(server.runway);
    renderGraph();
    await waitForNodes(7);
    fireEvent.click(nodeOf('pay-api')!);
    const panel = await screen.findByRole('complementary', { name: 'Details of pay-api' });
    fireEvent.click(within(panel).getByRole('button', { name: 'Roll back…' }));

    const dialog = await screen.findByRole('dialog', { name: 'Roll back pay-api?' });
    const radius = await within(dialog).findByRole('list', { name: 'Blast radius' });
    // The server's cascade order: the live dependent first, then pay-api; the queued one is spared.
    expect(
      within(radius)
        .getAllByRole('listitem')
        .map((item) => item.getAttribute('data-key')),
    ).toEqual(['checkout-v2', 'pay-api']);
    expect(radius.textContent).toContain('requires pay-api');
    // The same set is highlighted in the graph; everything else steps back.
    expect(screen.getByTestId('graph-canvas').classList).toContain('graph-canvas--previewing');
    await waitFor(() => expect(nodeOf('checkout-v2')!.classList).toContain('in-blast-radius'));
    expect(nodeOf('pay-api')!.classList).toContain('blast-target');
    expect(nodeOf('checkout-upsell')!.classList).not.toContain('in-blast-radius');
    expect(
      document.querySelector('.react-flow__edge[aria-label="checkout-v2 requires pay-api"]')!
        .classList,
    ).toContain('in-blast-radius');

    const confirm = within(dialog).getByRole<HTMLButtonElement>('button', {
      name: 'Roll back 2 experiments',
    });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText(/Reason/), {
      target: { value: 'payments incident 4711' },
    });
    expect(confirm.disabled).toBe(false);
    fireEvent.click(confirm);

    await screen.findByText(
      /Rolled back 2 experiments \(cascade from pay-api\): checkout-v2, pay-api/,
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    const state = (key: string) => server.runway.experiments.get(key, server.actors.alice).state;
    expect(state('pay-api')).toBe('rolled_back');
    expect(state('checkout-v2')).toBe('rolled_back');
    expect(state('checkout-upsell')).toBe('queued');
    const audit = server.runway.audit.list({ experimentKey: 'checkout-v2', limit: 1 })[0]!;
    expect(audit).toMatchObject({ actor: 'alice', cause: 'pay-api', toState: 'rolled_back' });
    expect(audit.reason).toContain('payments incident 4711');
    // The graph shows the cascade.
    await waitFor(() =>
      expect(nodeOf('checkout-v2')!.querySelector('.experiment-node--rolled_back')).not.toBeNull(),
    );
    expect(nodeOf('pay-api')!.querySelector('.experiment-node--rolled_back')).not.toBeNull();
  });

  it('keeps the preview in step with changes made elsewhere, and refuses a stale version', async () => {
    signIn('alice', 'operator');
    renderGraph();
    await waitForNodes(7);
    fireEvent.click(nodeOf('checkout-v2')!);
    fireEvent.click(
      within(
        await screen.findByRole('complementary', { name: 'Details of checkout-v2' }),
      ).getByRole('button', {
        name: 'Roll back…',
      }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Roll back checkout-v2?' });
    await within(dialog).findByText(/Nothing live depends on checkout-v2/);

    // Someone pauses it from the CLI; this console has no live stream here, so it is stale.
    const current = server.runway.experiments.get('checkout-v2', server.actors.alice);
    server.runway.experiments.pause('checkout-v2', current.version, 'looking', server.actors.alice);
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: 'bad numbers' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(
      /changed since you loaded it/,
    );
    expect(server.runway.experiments.get('checkout-v2', server.actors.alice).state).toBe('paused');

    // The refusal reloaded the data: confirming again acts on what the user now sees.
    await waitFor(() =>
      expect(nodeOf('checkout-v2')!.querySelector('.experiment-node--paused')).not.toBeNull(),
    );
    const confirm = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Roll back' });
    await waitFor(() => expect(confirm.disabled).toBe(false)); // the blast radius was asked again
    fireEvent.click(confirm);
    await screen.findByText(/^Rolled back checkout-v2\./);
    expect(server.runway.experiments.get('checkout-v2', server.actors.alice).state).toBe(
      'rolled_back',
    );
  });
});

describe('the rollback dialog on a moving fleet', () => {
  it('keeps Confirm enabled while the blast radius is asked again after a change elsewhere', async () => {
    signIn('alice', 'operator');
    stopLive = feedLiveChanges(server.runway);
    renderGraph();
    await waitForNodes(7);
    fireEvent.click(nodeOf('checkout-v2')!);
    fireEvent.click(
      within(
        await screen.findByRole('complementary', { name: 'Details of checkout-v2' }),
      ).getByRole('button', { name: 'Roll back…' }),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Roll back checkout-v2?' });
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: 'bad numbers' } });
    const confirm = within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Roll back' });
    await waitFor(() => expect(confirm.disabled).toBe(false));

    // Another experiment changes: the data moves, the radius is asked again, and the button
    // the user is about to press stays as it was.
    const seen: boolean[] = [];
    const observer = new MutationObserver(() => seen.push(confirm.disabled));
    observer.observe(confirm, { attributes: true, attributeFilter: ['disabled'] });
    act(() => {
      const other = server.runway.experiments.get('search-rank', server.actors.alice);
      server.runway.experiments.pause('search-rank', other.version, 'looking', server.actors.alice);
    });
    await waitFor(() =>
      expect(nodeOf('search-rank')!.querySelector('.experiment-node--paused')).not.toBeNull(),
    );
    observer.disconnect();
    expect(seen).not.toContain(true);
    expect(confirm.disabled).toBe(false);
  });
});

describe('a rollback whose cascade grew after it was shown', () => {
  it('is refused by the server, shows the new blast radius, and goes through once confirmed', async () => {
    signIn('alice', 'operator');
    renderGraph();
    await waitForNodes(7);
    fireEvent.click(nodeOf('pay-api')!);
    fireEvent.click(
      within(await screen.findByRole('complementary', { name: 'Details of pay-api' })).getByRole(
        'button',
        { name: 'Roll back…' },
      ),
    );
    const dialog = await screen.findByRole('dialog', { name: 'Roll back pay-api?' });
    fireEvent.change(within(dialog).getByLabelText(/Reason/), {
      target: { value: 'ledger drift' },
    });
    const confirm = await within(dialog).findByRole<HTMLButtonElement>('button', {
      name: 'Roll back 2 experiments',
    });
    await waitFor(() => expect(confirm.disabled).toBe(false));

    // Without the live stream, the dialog still shows two when a third starts on pay-api.
    const { runway, actors } = server;
    runway.experiments.enqueue(
      { specs: [spec('pay-receipts', { requires: ['pay-api'] })] },
      actors.alice,
    );
    runway.scheduler.tick();
    expect(runway.experiments.get('pay-receipts', actors.alice).state).toBe('running');

    fireEvent.click(confirm);
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toBe(
      'The blast radius of pay-api changed since you confirmed it: it would now also take down pay-receipts. Nothing was rolled back: check the new list and confirm again.',
    );
    for (const key of ['pay-api', 'checkout-v2', 'pay-receipts'])
      expect(runway.experiments.get(key, actors.alice).state, key).not.toBe('rolled_back');

    const again = await within(dialog).findByRole<HTMLButtonElement>(
      'button',
      { name: 'Roll back 3 experiments' },
      { timeout: 5_000 },
    );
    expect(within(dialog).getByText('pay-receipts')).toBeTruthy();
    await waitFor(() => expect(again.disabled).toBe(false));
    fireEvent.click(again);
    await waitFor(() =>
      expect(runway.experiments.get('pay-receipts', actors.alice).state).toBe('rolled_back'),
    );
    expect(runway.experiments.get('pay-api', actors.alice).state).toBe('rolled_back');
  });
});

describe('live updates', () => {
  it('reflects a change made elsewhere without a reload', async () => {
    signIn('vic', 'viewer');
    stopLive = feedLiveChanges(server.runway);
    renderGraph();
    await waitForNodes(7);
    const before = nodeOf('search-rank')!.querySelector('.experiment-node');
    act(() => {
      const current = server.runway.experiments.get('checkout-v2', server.actors.alice);
      server.runway.experiments.pause(
        'checkout-v2',
        current.version,
        'checking latency',
        server.actors.alice,
      );
    });
    await waitFor(() =>
      expect(nodeOf('checkout-v2')!.querySelector('.experiment-node--paused')).not.toBeNull(),
    );
    // A node that did not change was not rebuilt.
    expect(nodeOf('search-rank')!.querySelector('.experiment-node')).toBe(before);

    // A new experiment joins the graph, laid out with the others.
    act(() => {
      server.runway.experiments.enqueue(
        {
          specs: [
            {
              key: 'search-facets',
              title: 'Facets',
              owner: 'dana@example.com',
              team: 'discovery',
              service: 'search',
              layer: 'facets',
              requires: ['search-rank'],
              stages: [{ percent: 50, hold: '1h' }],
            },
          ],
        },
        server.actors.alice,
      );
    });
    await waitForNodes(8);
    await waitFor(() =>
      expect(
        document.querySelector(
          '.react-flow__edge[aria-label="search-facets requires search-rank"]',
        ),
      ).not.toBeNull(),
    );
  });
});
