import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { auditSuggestions, mergeEntries, splitPage } from './audit-entries';
import {
  entryMatches,
  filtersFromSearch,
  filtersToSearch,
  hasAuditFilters,
  NO_AUDIT_FILTERS,
  parseUrlInstant,
  timeRangeProblem,
  toListFilter,
  type AuditFilters,
} from './audit-filters';

const AT = Date.parse('2026-11-29T10:00:00Z');

function entry(seq: number, overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    seq,
    at: AT + seq * 1_000,
    actor: 'alice',
    action: 'experiment.pause',
    experimentKey: 'checkout-v2',
    fromState: 'running',
    toState: 'paused',
    reason: 'r',
    cause: null,
    details: {},
    hash: 'h',
    ...overrides,
  };
}

describe('the filters in the address bar', () => {
  it('writes readable, stable query strings and reads them back', () => {
    const filters: AuditFilters = {
      experimentKey: 'checkout-v2',
      action: 'experiment.rollback',
      actor: 'runway:guardrails',
      sinceMs: Date.parse('2026-11-29T09:00:00Z'),
      untilMs: Date.parse('2026-11-29T18:30:15.250Z'),
    };
    const search = filtersToSearch(filters);
    expect(search).toBe(
      '?experiment=checkout-v2&action=experiment.rollback&actor=runway%3Aguardrails' +
        '&since=2026-11-29T09%3A00%3A00Z&until=2026-11-29T18%3A30%3A15.250Z',
    );
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(filtersToSearch(NO_AUDIT_FILTERS)).toBe('');
    expect(filtersFromSearch('')).toEqual(NO_AUDIT_FILTERS);
  });

  it('round-trips any filters, whatever characters the text holds', () => {
    const text = fc.option(
      fc
        .string({ minLength: 1, maxLength: 30 })
        .filter((value) => value.trim() === value && value !== ''),
      { nil: null },
    );
    const instant = fc.option(fc.integer({ min: 0, max: Date.parse('2100-01-01T00:00:00Z') }), {
      nil: null,
    });
    fc.assert(
      fc.property(
        fc.record({
          experimentKey: text,
          action: text,
          actor: text,
          sinceMs: instant,
          untilMs: instant,
        }),
        (filters) => {
          expect(filtersFromSearch(filtersToSearch(filters))).toEqual(filters);
          expect(hasAuditFilters(filters)).toBe(Object.values(filters).some((v) => v !== null));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves out what it cannot read rather than guessing, and trims text', () => {
    expect(
      filtersFromSearch(
        '?experiment=%20checkout-v2%20&actor=&since=yesterday&until=2026-13-45T99:00Z&bogus=1',
      ),
    ).toEqual({ ...NO_AUDIT_FILTERS, experimentKey: 'checkout-v2' });
  });

  it('reads a time without a zone as UTC, as the console shows times', () => {
    expect(parseUrlInstant('2026-11-29T10:00')).toBe(Date.parse('2026-11-29T10:00:00Z'));
    expect(parseUrlInstant('2026-11-29T10:00:05')).toBe(Date.parse('2026-11-29T10:00:05Z'));
    expect(parseUrlInstant('2026-11-29T12:00+02:00')).toBe(Date.parse('2026-11-29T10:00:00Z'));
    expect(parseUrlInstant('2026-11-29')).toBe(Date.parse('2026-11-29T00:00:00Z'));
    expect(parseUrlInstant('1764410400000')).toBeNull();
    expect(parseUrlInstant('')).toBeNull();
  });
});

describe('the filters as the server and the live stream apply them', () => {
  const filters: AuditFilters = {
    experimentKey: 'checkout-v2',
    action: null,
    actor: 'alice',
    sinceMs: AT + 5_000,
    untilMs: AT + 10_000,
  };

  it('become audit.list input with only the fields set', () => {
    expect(toListFilter(filters)).toEqual({
      experimentKey: 'checkout-v2',
      actor: 'alice',
      sinceMs: AT + 5_000,
      untilMs: AT + 10_000,
    });
    expect(toListFilter(NO_AUDIT_FILTERS)).toEqual({});
  });

  it('let a live entry through exactly when the server would list it: since inclusive, until exclusive', () => {
    expect(entryMatches(entry(5), filters)).toBe(true);
    expect(entryMatches(entry(9), filters)).toBe(true);
    expect(entryMatches(entry(4), filters)).toBe(false);
    expect(entryMatches(entry(10), filters)).toBe(false);
    expect(entryMatches(entry(6, { actor: 'bob' }), filters)).toBe(false);
    expect(entryMatches(entry(6, { experimentKey: null }), filters)).toBe(false);
    expect(
      entryMatches(entry(6, { action: 'policy.freeze' }), {
        ...filters,
        action: 'experiment.pause',
      }),
    ).toBe(false);
    expect(entryMatches(entry(1, { experimentKey: null }), NO_AUDIT_FILTERS)).toBe(true);
  });

  it('refuse a time range that ends before it starts', () => {
    expect(timeRangeProblem({ sinceMs: 10, untilMs: 10 })).toBe(
      'The end of the time range must be after its start.',
    );
    expect(timeRangeProblem({ sinceMs: 10, untilMs: 11 })).toBeNull();
    expect(timeRangeProblem({ sinceMs: null, untilMs: 1 })).toBeNull();
  });
});

describe('the pages the view holds', () => {
  it('merges pages and live entries newest first, each seq once', () => {
    const merged = mergeEntries([entry(9), entry(8), entry(5)], [entry(10), entry(8), entry(4)]);
    expect(merged.map((row) => row.seq)).toEqual([10, 9, 8, 5, 4]);
  });

  it('reads the extra row of a page as "there is more"', () => {
    const rows = [entry(5), entry(4), entry(3)];
    expect(splitPage(rows, 2)).toEqual({ entries: [entry(5), entry(4)], more: true });
    expect(splitPage(rows, 3)).toEqual({ entries: rows, more: false });
    expect(splitPage([], 3)).toEqual({ entries: [], more: false });
  });

  it('suggests the keys, actions and actors seen, sorted, once each', () => {
    expect(
      auditSuggestions([
        entry(3, { actor: 'runway:scheduler', action: 'experiment.start' }),
        entry(2, { experimentKey: null, actor: 'bob', action: 'policy.freeze' }),
        entry(1),
      ]),
    ).toEqual({
      keys: ['checkout-v2'],
      actions: ['experiment.pause', 'experiment.start', 'policy.freeze'],
      actors: ['alice', 'bob', 'runway:scheduler'],
    });
  });
});
