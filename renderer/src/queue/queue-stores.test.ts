import { beforeEach, describe, expect, it } from 'vitest';
import { hasActiveFilters, NO_FILTERS, useQueueFilters } from './queue-filter-store';
import { useQueueSelection } from './queue-selection-store';
import { DEFAULT_SORT, useQueueSort } from './queue-sort-store';

beforeEach(() => {
  useQueueFilters.getState().reset();
  useQueueSort.getState().reset();
  useQueueSelection.getState().select(null);
});

describe('the queue filter store', () => {
  it('toggles states on and off and resets everything', () => {
    const filters = () => useQueueFilters.getState();
    expect(hasActiveFilters(filters())).toBe(false);
    filters().toggleState('queued');
    filters().toggleState('running');
    expect(filters().states).toEqual(['queued', 'running']);
    filters().toggleState('queued');
    expect(filters().states).toEqual(['running']);
    filters().setService('checkout');
    filters().setTeam('payments');
    filters().setLayer('checkout-ui');
    filters().setSearch('v2');
    expect(hasActiveFilters(filters())).toBe(true);
    filters().reset();
    expect(filters()).toMatchObject(NO_FILTERS);
    filters().setSearch('   ');
    expect(hasActiveFilters(filters())).toBe(false);
  });
});

describe('the queue sort store', () => {
  it('sorts by a new column in its natural direction, and flips on the same column', () => {
    const sort = () => useQueueSort.getState();
    expect(sort()).toMatchObject(DEFAULT_SORT);
    sort().sortBy('priority');
    expect(sort()).toMatchObject({ column: 'priority', direction: 'desc' });
    sort().sortBy('priority');
    expect(sort()).toMatchObject({ column: 'priority', direction: 'asc' });
    sort().sortBy('key');
    expect(sort()).toMatchObject({ column: 'key', direction: 'asc' });
    sort().sortBy('key');
    expect(sort()).toMatchObject({ column: 'key', direction: 'desc' });
  });
});

describe('the queue selection store', () => {
  const rows = ['a', 'b', 'c'];

  it('moves through the visible rows and stops at both ends', () => {
    const selection = () => useQueueSelection.getState();
    selection().move(rows, 1);
    expect(selection().selectedKey).toBe('a');
    selection().move(rows, 1);
    selection().move(rows, 1);
    selection().move(rows, 1);
    expect(selection().selectedKey).toBe('c');
    selection().move(rows, -1);
    expect(selection().selectedKey).toBe('b');
    selection().move(rows, -5);
    expect(selection().selectedKey).toBe('a');
  });

  it('starts from the bottom going up, and again when the selection was filtered away', () => {
    const selection = () => useQueueSelection.getState();
    selection().move(rows, -1);
    expect(selection().selectedKey).toBe('c');
    selection().select('gone');
    selection().move(rows, 1);
    expect(selection().selectedKey).toBe('a');
    selection().move([], 1);
    expect(selection().selectedKey).toBe('a');
  });
});
