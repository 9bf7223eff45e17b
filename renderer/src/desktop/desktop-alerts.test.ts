import { describe, expect, it } from 'vitest';
import {
  INITIAL_ALERT_TRACKER,
  pageAlert,
  rollbackAlert,
  trackAuditEntry,
  trackOpenPages,
} from './desktop-alerts';
import { auditEntry, page } from './testing/alert-fixtures';

describe('what an alert says', () => {
  it('names the page’s kind and experiment, what happened, and who was paged', () => {
    expect(pageAlert(page(7))).toEqual({
      id: 'page:7',
      title: 'Guardrail failed: checkout-v2',
      body: 'guardrail error_rate failed: 0.041 > 0.02\nPaged: alice@example.com, payments',
      experimentKey: 'checkout-v2',
    });
    expect(
      pageAlert(page(8, { kind: 'telemetry_lost', summary: 'no treatment telemetry' })).title,
    ).toBe('No telemetry: checkout-v2');
    expect(
      pageAlert(
        page(9, { kind: 'rollback', owner: '', team: '', summary: 'rolled back: by hand' }),
      ),
    ).toMatchObject({ title: 'Rolled back: checkout-v2', body: 'rolled back: by hand' });
  });

  it('announces rollbacks Runway made itself, with the cascade’s cause, and no other entry', () => {
    expect(rollbackAlert(auditEntry(41))).toEqual({
      id: 'rollback:41',
      title: 'Runway rolled back checkout-v2',
      body: 'guardrail error_rate failed: 0.041 > 0.02 (max)',
      experimentKey: 'checkout-v2',
    });
    expect(
      rollbackAlert(
        auditEntry(40, {
          experimentKey: 'checkout-copy',
          cause: 'checkout-v2',
          reason: 'cascade from checkout-v2: guardrail error_rate failed',
        }),
      ),
    ).toMatchObject({
      title: 'Runway rolled back checkout-copy with checkout-v2',
      body: 'cascade from checkout-v2: guardrail error_rate failed',
    });
    expect(rollbackAlert(auditEntry(42, { actor: 'alice' }))).toBeNull();
    expect(rollbackAlert(auditEntry(43, { action: 'experiment.pause' }))).toBeNull();
    expect(rollbackAlert(auditEntry(44, { experimentKey: null }))).toBeNull();
  });
});

describe('which pages and entries are news', () => {
  it('takes what is open at start-up as the baseline, then announces each new page once, oldest first', () => {
    const start = trackOpenPages(INITIAL_ALERT_TRACKER, [page(3), page(2)]);
    expect(start.alerts).toEqual([]);
    const next = trackOpenPages(start.tracker, [page(6), page(5), page(3)]);
    expect(next.alerts.map((alert) => alert.id)).toEqual(['page:5', 'page:6']);
    // Acknowledged ones leave the list; nothing is announced again.
    expect(trackOpenPages(next.tracker, [page(6)]).alerts).toEqual([]);
    expect(trackOpenPages(next.tracker, [page(5), page(6)]).alerts).toEqual([]);
  });

  it('starts from an empty console too: the first page after an empty start is news', () => {
    const start = trackOpenPages(INITIAL_ALERT_TRACKER, []);
    expect(trackOpenPages(start.tracker, [page(1)]).alerts.map((alert) => alert.id)).toEqual([
      'page:1',
    ]);
  });

  it('does not announce the rollback page of a rollback it already announced', () => {
    let tracker = trackOpenPages(INITIAL_ALERT_TRACKER, []).tracker;
    const rollback = trackAuditEntry(tracker, auditEntry(50));
    expect(rollback.alerts).toHaveLength(1);
    tracker = rollback.tracker;
    expect(trackAuditEntry(tracker, auditEntry(51, { actor: 'bob' })).alerts).toEqual([]);
    const pages = trackOpenPages(tracker, [
      page(11, { kind: 'rollback', summary: 'rolled back: guardrail' }),
      page(12, {
        kind: 'rollback',
        experimentKey: 'search-ranking',
        summary: 'rolled back: by bob',
      }),
    ]);
    expect(pages.alerts.map((alert) => alert.id)).toEqual(['page:12']);
  });
});
