// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useQueueFilters } from './queue-filter-store';
import { QueuePanel } from './queue-panel';
import { useQueueSelection } from './queue-selection-store';
import { useQueueSort } from './queue-sort-store';
import { experimentFixture, FIXTURE_NOW_MS, fleetFixture } from './queue-test-fixtures';

beforeEach(() => {
  useQueueFilters.getState().reset();
  useQueueSort.getState().reset();
  useQueueSelection.getState().select(null);
});
afterEach(cleanup);

/** The keys of the rows as shown, top to bottom. */
function shownKeys(): string[] {
  return screen.queryAllByTestId('queue-row').map((row) => row.getAttribute('data-key') ?? '');
}

function renderQueue(onOpen = vi.fn(), experiments = fleetFixture()) {
  const result = render(
    <QueuePanel
      experiments={experiments}
      error={null}
      nowMs={FIXTURE_NOW_MS}
      onOpenExperiment={onOpen}
    />,
  );
  return { ...result, onOpen, user: userEvent.setup() };
}

describe('the queue view', () => {
  it('shows every experiment with its state, stage, exposure, people, place, priority, time and reasons', () => {
    renderQueue();
    expect(shownKeys()).toEqual([
      'payments-api-v3',
      'search-ranking',
      'checkout-v2',
      'search-autocomplete',
      'cart-redesign',
      'promo-banner',
    ]);
    const running = screen.getAllByTestId('queue-row')[0]!;
    const text = running.textContent ?? '';
    for (const part of [
      'payments-api-v3',
      'Payments API v3',
      'running',
      'stage 1/3',
      '5%',
      'sofia@example.com',
      'payments',
      'payments-api',
      'payments-core',
      '85',
      '30m',
    ])
      expect(text, part).toContain(part);
    const blocked = screen.getAllByTestId('queue-row')[2]!;
    expect(within(blocked).getByTestId('blocked-reasons').textContent).toBe(
      'requires payments-api-v3 (running, stage 1/3)',
    );
    expect(screen.getAllByTestId('queue-row')[1]!.textContent).toContain('1d 1h');
    expect(screen.getByText('6 experiments')).toBeTruthy();
  });

  it('filters by state chips, by service, team and layer, and by search', async () => {
    const { user } = renderQueue();
    await user.click(screen.getByRole('button', { name: 'queued' }));
    expect(shownKeys()).toEqual(['checkout-v2', 'search-autocomplete']);
    expect(screen.getByText('2 of 6 experiments')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'paused' }));
    expect(shownKeys()).toEqual(['search-ranking', 'checkout-v2', 'search-autocomplete']);
    await user.selectOptions(screen.getByLabelText('Service'), 'search');
    expect(shownKeys()).toEqual(['search-ranking', 'search-autocomplete']);
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(shownKeys()).toHaveLength(6);

    await user.selectOptions(screen.getByLabelText('Team'), 'growth');
    expect(shownKeys()).toEqual(['cart-redesign', 'promo-banner']);
    await user.selectOptions(screen.getByLabelText('Team'), '');
    await user.selectOptions(screen.getByLabelText('Layer'), 'checkout-ui');
    expect(shownKeys()).toEqual(['checkout-v2']);
    await user.selectOptions(screen.getByLabelText('Layer'), '');

    await user.type(screen.getByRole('searchbox'), 'TOM@');
    expect(shownKeys()).toEqual(['search-ranking', 'search-autocomplete']);
    await user.clear(screen.getByRole('searchbox'));
    await user.type(screen.getByRole('searchbox'), 'zzz');
    expect(shownKeys()).toEqual([]);
    expect(screen.getByText('No experiment matches these filters.')).toBeTruthy();
  });

  it('sorts by a column header, flipping on a second click, and says so to assistive tech', async () => {
    const { user } = renderQueue();
    await user.click(screen.getByRole('button', { name: 'Sort by priority' }));
    expect(shownKeys()[0]).toBe('payments-api-v3');
    expect(shownKeys().at(-1)).toBe('promo-banner');
    const header = screen.getByRole('button', { name: 'Sort by priority' }).closest('th')!;
    expect(header.getAttribute('aria-sort')).toBe('descending');
    await user.click(screen.getByRole('button', { name: 'Sort by priority' }));
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(shownKeys()[0]).toBe('promo-banner');
    await user.click(screen.getByRole('button', { name: 'Sort by experiment' }));
    expect(shownKeys()).toEqual([
      'cart-redesign',
      'checkout-v2',
      'payments-api-v3',
      'promo-banner',
      'search-autocomplete',
      'search-ranking',
    ]);
    await user.click(screen.getByRole('button', { name: 'Sort by layer' }));
    expect(shownKeys()[0]).toBe('promo-banner'); // layer "banners"
  });

  it('moves the selection with ↑/↓, opens with Enter, and focuses the search with /', async () => {
    const { user, onOpen } = renderQueue();
    await user.keyboard('{ArrowDown}');
    expect(useQueueSelection.getState().selectedKey).toBe('payments-api-v3');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const selected = screen
      .getAllByTestId('queue-row')
      .filter((row) => row.getAttribute('aria-selected') === 'true');
    expect(selected.map((row) => row.getAttribute('data-key'))).toEqual(['checkout-v2']);
    await user.keyboard('{ArrowUp}');
    expect(useQueueSelection.getState().selectedKey).toBe('search-ranking');
    await user.keyboard('{Enter}');
    expect(onOpen).toHaveBeenCalledWith('search-ranking');

    await user.keyboard('/');
    const search = screen.getByRole('searchbox');
    expect(document.activeElement).toBe(search);
    expect((search as HTMLInputElement).value).toBe(''); // the slash is not typed into it
    await user.keyboard('autocomplete');
    expect(shownKeys()).toEqual(['search-autocomplete']);
    // From the search box, as in a command palette: ↓ selects, Enter opens.
    await user.keyboard('{ArrowDown}{Enter}');
    expect(onOpen).toHaveBeenLastCalledWith('search-autocomplete');
    await user.keyboard('{Escape}');
    expect(document.activeElement).not.toBe(search);
  });

  it('does not open a selection that the filters hid, nor steal keys from other fields', async () => {
    const { user, onOpen } = renderQueue();
    useQueueSelection.getState().select('promo-banner');
    await user.click(screen.getByRole('button', { name: 'queued' }));
    await user.keyboard('{Enter}');
    expect(onOpen).not.toHaveBeenCalled();
    screen.getByLabelText('Service').focus();
    await user.keyboard('/');
    expect(document.activeElement).toBe(screen.getByLabelText('Service'));
  });

  it('selects a row on click and opens it on double-click or its link', async () => {
    const { user, onOpen } = renderQueue();
    const row = screen
      .getAllByTestId('queue-row')
      .find((candidate) => candidate.getAttribute('data-key') === 'checkout-v2')!;
    await user.click(within(row).getByText('alice@example.com'));
    expect(useQueueSelection.getState().selectedKey).toBe('checkout-v2');
    await user.dblClick(within(row).getByText('alice@example.com'));
    expect(onOpen).toHaveBeenLastCalledWith('checkout-v2');
    const link = within(row).getByRole('link', { name: 'checkout-v2' });
    expect(link.getAttribute('href')).toBe('/experiments/checkout-v2');
    onOpen.mockClear();
    await user.click(link);
    expect(onOpen).toHaveBeenCalledWith('checkout-v2');
  });

  it('says when the queue is empty, loading, or failed', () => {
    const { rerender } = renderQueue(vi.fn(), []);
    expect(screen.getByText('The queue is empty.')).toBeTruthy();
    rerender(
      <QueuePanel
        experiments={null}
        error={null}
        nowMs={FIXTURE_NOW_MS}
        onOpenExperiment={vi.fn()}
      />,
    );
    expect(screen.getByRole('status').textContent).toBe('Loading the queue…');
    rerender(
      <QueuePanel
        experiments={[experimentFixture('a')]}
        error="The Runway server cannot be reached."
        nowMs={FIXTURE_NOW_MS}
        onOpenExperiment={vi.fn()}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('The Runway server cannot be reached.');
    expect(shownKeys()).toEqual(['a']); // the last good data stays on screen
  });
});
