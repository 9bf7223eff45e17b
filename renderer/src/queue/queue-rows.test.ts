import { describe, expect, it } from 'vitest';
import { formatTimeInState, stageLabel } from './queue-format';
import { NO_FILTERS } from './queue-filter-store';
import { countByState, filterExperiments, queueFacets, sortExperiments } from './queue-rows';
import { experimentFixture, FIXTURE_NOW_MS, fleetFixture } from './queue-test-fixtures';

const keys = (rows: ReadonlyArray<{ key: string }>): string[] => rows.map((row) => row.key);

describe('filtering the queue', () => {
  const fleet = fleetFixture();

  it('shows everything without filters', () => {
    expect(filterExperiments(fleet, NO_FILTERS)).toHaveLength(fleet.length);
  });

  it('filters by states, service, team and layer together', () => {
    expect(keys(filterExperiments(fleet, { ...NO_FILTERS, states: ['queued'] }))).toEqual([
      'checkout-v2',
      'search-autocomplete',
    ]);
    expect(
      keys(filterExperiments(fleet, { ...NO_FILTERS, states: ['running', 'paused'] })),
    ).toEqual(['payments-api-v3', 'search-ranking']);
    expect(
      keys(filterExperiments(fleet, { ...NO_FILTERS, service: 'search', states: ['queued'] })),
    ).toEqual(['search-autocomplete']);
    expect(keys(filterExperiments(fleet, { ...NO_FILTERS, team: 'growth' }))).toEqual([
      'cart-redesign',
      'promo-banner',
    ]);
    expect(keys(filterExperiments(fleet, { ...NO_FILTERS, layer: 'checkout-ui' }))).toEqual([
      'checkout-v2',
    ]);
  });

  it('searches key, title and owner, ignoring case and surrounding spaces', () => {
    expect(keys(filterExperiments(fleet, { ...NO_FILTERS, search: '  CHECKOUT ' }))).toEqual([
      'checkout-v2',
    ]);
    expect(keys(filterExperiments(fleet, { ...NO_FILTERS, search: 'learning-to-rank' }))).toEqual([
      'search-ranking',
    ]);
    expect(keys(filterExperiments(fleet, { ...NO_FILTERS, search: 'tom@' }))).toEqual([
      'search-ranking',
      'search-autocomplete',
    ]);
    expect(filterExperiments(fleet, { ...NO_FILTERS, search: 'nothing-like-this' })).toEqual([]);
  });
});

describe('sorting the queue', () => {
  const fleet = fleetFixture();

  it('defaults to the queue’s own order: live first, then by priority', () => {
    expect(
      keys(sortExperiments(fleet, { column: 'state', direction: 'asc' }, FIXTURE_NOW_MS)),
    ).toEqual([
      'payments-api-v3',
      'search-ranking',
      'checkout-v2',
      'search-autocomplete',
      'cart-redesign',
      'promo-banner',
    ]);
  });

  it('sorts by any column in both directions, ties in queue order', () => {
    expect(
      keys(sortExperiments(fleet, { column: 'priority', direction: 'desc' }, FIXTURE_NOW_MS)),
    ).toEqual([
      'payments-api-v3',
      'search-ranking',
      'checkout-v2',
      'search-autocomplete',
      'cart-redesign',
      'promo-banner',
    ]);
    expect(
      keys(sortExperiments(fleet, { column: 'key', direction: 'asc' }, FIXTURE_NOW_MS)),
    ).toEqual([
      'cart-redesign',
      'checkout-v2',
      'payments-api-v3',
      'promo-banner',
      'search-autocomplete',
      'search-ranking',
    ]);
    expect(
      keys(sortExperiments(fleet, { column: 'timeInState', direction: 'desc' }, FIXTURE_NOW_MS)),
    ).toEqual([
      'search-ranking',
      'cart-redesign',
      'payments-api-v3',
      'checkout-v2',
      'promo-banner',
      'search-autocomplete',
    ]);
    // Equal exposure (100%): the paused one is live, so it comes before the completed one.
    expect(
      keys(sortExperiments(fleet, { column: 'exposure', direction: 'desc' }, FIXTURE_NOW_MS)).slice(
        0,
        3,
      ),
    ).toEqual(['search-ranking', 'cart-redesign', 'payments-api-v3']);
    const byOwner = keys(
      sortExperiments(fleet, { column: 'owner', direction: 'desc' }, FIXTURE_NOW_MS),
    );
    expect(byOwner.slice(0, 2)).toEqual(['search-ranking', 'search-autocomplete']);
    expect(
      keys(sortExperiments(fleet, { column: 'blocked', direction: 'desc' }, FIXTURE_NOW_MS)).slice(
        0,
        2,
      ),
    ).toEqual(['checkout-v2', 'search-autocomplete']);
  });

  it('does not change the list it is given', () => {
    const before = keys(fleet);
    sortExperiments(fleet, { column: 'key', direction: 'desc' }, FIXTURE_NOW_MS);
    expect(keys(fleet)).toEqual(before);
  });
});

describe('facets and labels', () => {
  it('offers the values present in the queue, sorted, and counts states', () => {
    const fleet = fleetFixture();
    expect(queueFacets(fleet)).toEqual({
      states: ['queued', 'running', 'paused', 'completed', 'rolled_back'],
      services: ['checkout', 'payments-api', 'search', 'storefront'],
      teams: ['discovery', 'growth', 'payments'],
      layers: ['banners', 'cart', 'checkout-ui', 'payments-core', 'search'],
    });
    expect(countByState(fleet)).toEqual({
      running: 1,
      paused: 1,
      queued: 2,
      completed: 1,
      rolled_back: 1,
    });
  });

  it('formats time in state for people', () => {
    expect(formatTimeInState(20_000)).toBe('just now');
    expect(formatTimeInState(-5_000)).toBe('just now');
    expect(formatTimeInState(12 * 60_000)).toBe('12m');
    expect(formatTimeInState(2 * 3_600_000)).toBe('2h');
    expect(formatTimeInState(3 * 3_600_000 + 5 * 60_000)).toBe('3h 5m');
    expect(formatTimeInState(50 * 3_600_000)).toBe('2d 2h');
  });

  it('labels where an experiment is in its ramp', () => {
    expect(
      stageLabel(experimentFixture('a', { state: 'running', stageIndex: 1, stageCount: 3 })),
    ).toBe('stage 2/3');
    expect(stageLabel(experimentFixture('a', { state: 'queued' }))).toBe('not started');
    expect(
      stageLabel(experimentFixture('a', { state: 'completed', stageIndex: 2, stageCount: 3 })),
    ).toBe('stage 3/3, done');
    expect(
      stageLabel(experimentFixture('a', { state: 'rolled_back', stageIndex: 0, stageCount: 3 })),
    ).toBe('stopped at 1/3');
    expect(stageLabel(experimentFixture('a', { state: 'aborted' }))).toBe('never started');
  });
});
