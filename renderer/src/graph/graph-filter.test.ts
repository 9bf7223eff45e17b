import { describe, expect, it } from 'vitest';
import {
  filterChoices,
  filterExperiments,
  isFiltering,
  matchesFilter,
  NO_FILTER,
} from './graph-filter';
import { makeExperiment } from './testing/graph-fixtures';

const fleet = [
  makeExperiment('checkout-v2', {
    service: 'checkout',
    team: 'payments',
    layer: 'checkout-ui',
    state: 'running',
  }),
  makeExperiment('checkout-copy', {
    service: 'checkout',
    team: 'growth',
    layer: 'checkout-ui',
    state: 'rolled_back',
  }),
  makeExperiment('search-rank', {
    service: 'search',
    team: 'discovery',
    layer: 'ranking',
    state: 'aborted',
  }),
  makeExperiment('search-ui', {
    service: 'search',
    team: 'discovery',
    layer: 'search-ui',
    state: 'completed',
  }),
];
const keys = (list: readonly { key: string }[]) => list.map((experiment) => experiment.key);

describe('graph filters', () => {
  it('keeps everything, as the same array, without a filter', () => {
    expect(filterExperiments(fleet, NO_FILTER)).toBe(fleet);
    expect(isFiltering(NO_FILTER)).toBe(false);
  });

  it('filters by service, team and layer, together', () => {
    expect(keys(filterExperiments(fleet, { ...NO_FILTER, service: 'checkout' }))).toEqual([
      'checkout-v2',
      'checkout-copy',
    ]);
    expect(keys(filterExperiments(fleet, { ...NO_FILTER, team: 'discovery' }))).toEqual([
      'search-rank',
      'search-ui',
    ]);
    expect(
      keys(filterExperiments(fleet, { ...NO_FILTER, layer: 'checkout-ui', team: 'growth' })),
    ).toEqual(['checkout-copy']);
    expect(filterExperiments(fleet, { ...NO_FILTER, service: 'search', team: 'payments' })).toEqual(
      [],
    );
  });

  it('hides rolled back and aborted experiments on request, and keeps completed ones', () => {
    const filter = { ...NO_FILTER, hideTerminal: true };
    expect(isFiltering(filter)).toBe(true);
    expect(keys(filterExperiments(fleet, filter))).toEqual(['checkout-v2', 'search-ui']);
    expect(matchesFilter(makeExperiment('x', { state: 'completed' }), filter)).toBe(true);
  });

  it('offers every service, team and layer present, sorted and once', () => {
    expect(filterChoices(fleet)).toEqual({
      services: ['checkout', 'search'],
      teams: ['discovery', 'growth', 'payments'],
      layers: ['checkout-ui', 'ranking', 'search-ui'],
    });
    expect(filterChoices([])).toEqual({ services: [], teams: [], layers: [] });
  });
});
