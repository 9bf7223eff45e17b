import type { ExperimentView } from '../../../shared/src/api-types';
import type { BlockedReason } from '../../../shared/src/blocked-reasons';

export const FIXTURE_NOW_MS = Date.parse('2026-11-29T12:00:00Z');

/** One experiment as experiments.list returns it; override any field. */
export function experimentFixture(
  key: string,
  overrides: Partial<ExperimentView> = {},
): ExperimentView {
  return {
    key,
    title: `Experiment ${key}`,
    owner: 'alice@example.com',
    team: 'payments',
    channel: null,
    hypothesis: null,
    service: 'checkout',
    layer: `layer-${key}`,
    priority: 50,
    risk: 'low',
    requires: [],
    excludes: [],
    after: [],
    notBeforeMs: null,
    notAfterMs: null,
    stages: [
      { percent: 10, holdMs: 600_000, approve: false },
      { percent: 100, holdMs: 600_000, approve: false },
    ],
    guardrails: [],
    state: 'queued',
    stageIndex: -1,
    stageCount: 2,
    exposurePercent: 0,
    version: 1,
    author: 'alice',
    seq: 1,
    createdAtMs: FIXTURE_NOW_MS - 3_600_000,
    stateChangedAtMs: FIXTURE_NOW_MS - 3_600_000,
    stageStartedAtMs: null,
    blockedReasons: [],
    ...overrides,
  };
}

export const requiresReason = (key: string, message: string): BlockedReason => ({
  kind: 'requires',
  key,
  state: 'running',
  stageIndex: 0,
  stageCount: 3,
  message,
});

/** A small fleet with something in each interesting state. */
export function fleetFixture(): ExperimentView[] {
  return [
    experimentFixture('payments-api-v3', {
      title: 'Payments API v3',
      owner: 'sofia@example.com',
      team: 'payments',
      service: 'payments-api',
      layer: 'payments-core',
      priority: 85,
      state: 'running',
      stageIndex: 0,
      stageCount: 3,
      exposurePercent: 5,
      createdAtMs: FIXTURE_NOW_MS - 7_200_000,
      stateChangedAtMs: FIXTURE_NOW_MS - 1_800_000,
    }),
    experimentFixture('checkout-v2', {
      title: 'New checkout flow',
      owner: 'alice@example.com',
      team: 'payments',
      service: 'checkout',
      layer: 'checkout-ui',
      priority: 60,
      requires: ['payments-api-v3'],
      stateChangedAtMs: FIXTURE_NOW_MS - 600_000,
      blockedReasons: [
        requiresReason('payments-api-v3', 'requires payments-api-v3 (running, stage 1/3)'),
      ],
    }),
    experimentFixture('search-ranking', {
      title: 'Learning-to-rank search',
      owner: 'tom@example.com',
      team: 'discovery',
      service: 'search',
      layer: 'search',
      priority: 70,
      state: 'paused',
      stageIndex: 1,
      exposurePercent: 100,
      stateChangedAtMs: FIXTURE_NOW_MS - 90_000_000,
    }),
    experimentFixture('search-autocomplete', {
      title: 'Autocomplete v2',
      owner: 'tom@example.com',
      team: 'discovery',
      service: 'search',
      layer: 'search',
      priority: 40,
      stateChangedAtMs: FIXTURE_NOW_MS - 120_000,
      blockedReasons: [
        {
          kind: 'layer_capacity',
          layer: 'search',
          freePercent: 0,
          neededPercent: 10,
          reservedFor: null,
          message: 'layer search has 0% free, needs 10%',
        },
      ],
    }),
    experimentFixture('cart-redesign', {
      title: 'Cart redesign',
      owner: 'maya@example.com',
      team: 'growth',
      service: 'checkout',
      layer: 'cart',
      priority: 30,
      state: 'completed',
      stageIndex: 1,
      exposurePercent: 100,
      stateChangedAtMs: FIXTURE_NOW_MS - 86_400_000,
    }),
    experimentFixture('promo-banner', {
      title: 'Holiday promo banner',
      owner: 'nina@example.com',
      team: 'growth',
      service: 'storefront',
      layer: 'banners',
      priority: 20,
      state: 'rolled_back',
      stageIndex: 0,
      exposurePercent: 0,
      stateChangedAtMs: FIXTURE_NOW_MS - 300_000,
    }),
  ];
}
