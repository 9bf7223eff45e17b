import { describe, expect, it } from 'vitest';
import { cascadeRoot, parsePageEvidence } from './page-evidence';

// Payloads exactly as guardrail-service.ts describe() and experiment-service.ts rollback write them.
const GUARDRAIL = {
  key: 'checkout-v2',
  action: 'rollback',
  sli: 'error_rate',
  rule: 'max 0.02',
  estimate: 0.1,
  interval: [0.093, 0.107],
  limit: 0.02,
  statistic: 2558.1,
  threshold: 2.996,
  samples: { treatment: 20_000, control: null },
  reason: 'error_rate 0.1, always-valid 95% interval [0.093, 0.107] is above max 0.02',
  pageId: 4,
  summary: 'guardrail error_rate failed: …',
};

describe('parsePageEvidence', () => {
  it('reads a guardrail failure with its test result', () => {
    expect(parsePageEvidence('guardrail', GUARDRAIL)).toEqual({
      kind: 'guardrail',
      key: 'checkout-v2',
      action: 'rollback',
      sli: 'error_rate',
      rule: 'max 0.02',
      estimate: 0.1,
      interval: [0.093, 0.107],
      limit: 0.02,
      statistic: 2558.1,
      threshold: 2.996,
      samples: { treatment: 20_000, control: null },
      test: GUARDRAIL.reason,
    });
  });

  it('reads lost telemetry and rollbacks', () => {
    expect(
      parsePageEvidence('telemetry_lost', {
        key: 'search-rerank',
        kind: 'pause',
        reason: 'no_data',
        windowMs: 300_000,
        lastSeenMs: null,
        runningForMs: 420_000,
      }),
    ).toEqual({
      kind: 'telemetry_lost',
      key: 'search-rerank',
      windowMs: 300_000,
      lastSeenMs: null,
      runningForMs: 420_000,
    });
    expect(
      parsePageEvidence('rollback', {
        experimentKey: 'checkout-one-click',
        cause: 'payments-api-v3',
        reason: 'cascade from payments-api-v3: errors',
        actor: 'runway:guardrails',
      }),
    ).toEqual({
      kind: 'rollback',
      key: 'checkout-one-click',
      cause: 'payments-api-v3',
      reason: 'cascade from payments-api-v3: errors',
      actor: 'runway:guardrails',
    });
  });

  it('falls back to the summary for a payload it cannot read, so the page still goes out', () => {
    expect(parsePageEvidence('guardrail', { key: 'x', sli: 'error_rate' })).toEqual({
      kind: 'summary_only',
    });
    expect(parsePageEvidence('rollback', null)).toEqual({ kind: 'summary_only' });
    expect(parsePageEvidence('guardrail', { ...GUARDRAIL, estimate: 'high' })).toEqual({
      kind: 'summary_only',
    });
  });
});

describe('cascadeRoot', () => {
  it('names the rollback a page belongs to', () => {
    expect(cascadeRoot(parsePageEvidence('guardrail', GUARDRAIL))).toBe('checkout-v2');
    expect(
      cascadeRoot(parsePageEvidence('guardrail', { ...GUARDRAIL, action: 'pause' })),
    ).toBeNull();
    const dependent = { experimentKey: 'b', cause: 'a', reason: 'r', actor: 'alice' };
    expect(cascadeRoot(parsePageEvidence('rollback', dependent))).toBe('a');
    expect(cascadeRoot(parsePageEvidence('rollback', { ...dependent, cause: null }))).toBe('b');
  });
});
