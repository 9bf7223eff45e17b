// What the console tells the operator about outside the page: a new page (DESIGN §5: Runway
// pages an owner when a guardrail fails, telemetry is lost or an experiment is rolled back) and
// an automatic rollback. Pure: the tracker decides which pages and audit entries are news, and
// the mapping turns them into a title, a body and the experiment a click opens.
import type { PageKind, PageView } from '../../../shared/src/api-types';
import type { AuditEntryView } from '../../../server/src/audit/audit-service';
import { assertNever } from '../../../shared/src/lifecycle';

/** The actor the guardrail engine acts as (server/src/guardrails/guardrail-service.ts). */
export const GUARDRAILS_ACTOR = 'runway:guardrails';
export const ROLLBACK_ACTION = 'experiment.rollback';

export interface DesktopAlert {
  /** Stable per event: the same page or entry never makes two alerts. */
  id: string;
  title: string;
  body: string;
  /** The experiment a click opens. */
  experimentKey: string;
}

function pageTitle(kind: PageKind, key: string): string {
  switch (kind) {
    case 'guardrail':
      return `Guardrail failed: ${key}`;
    case 'telemetry_lost':
      return `No telemetry: ${key}`;
    case 'rollback':
      return `Rolled back: ${key}`;
    case 'stuck':
      return `Stuck: ${key}`;
    default:
      return assertNever(kind, 'page kind');
  }
}

export function pageAlert(page: PageView): DesktopAlert {
  const who = [page.owner, page.team].filter((part) => part !== '').join(', ');
  return {
    id: `page:${page.id}`,
    title: pageTitle(page.kind, page.experimentKey),
    body: who ? `${page.summary}\nPaged: ${who}` : page.summary,
    experimentKey: page.experimentKey,
  };
}

/** True for a rollback Runway made on its own (a guardrail), not one a person asked for. */
export function isAutomaticRollback(entry: AuditEntryView): boolean {
  return (
    entry.action === ROLLBACK_ACTION &&
    entry.actor === GUARDRAILS_ACTOR &&
    entry.experimentKey !== null
  );
}

/** The alert for an automatic rollback, or null for any other audit entry. */
export function rollbackAlert(entry: AuditEntryView): DesktopAlert | null {
  if (!isAutomaticRollback(entry)) return null;
  const key = entry.experimentKey!;
  return {
    id: `rollback:${entry.seq}`,
    title: entry.cause
      ? `Runway rolled back ${key} with ${entry.cause}`
      : `Runway rolled back ${key}`,
    body: entry.reason ?? 'A guardrail failed.',
    experimentKey: key,
  };
}

export interface AlertTracker {
  /**
   * The highest page id seen; null until the first load, which only sets this baseline: the
   * console never alerts about what was already open when it started.
   */
  lastPageId: number | null;
  /**
   * Experiments whose automatic rollback was announced: the rollback page raised for the same
   * event is not announced a second time.
   */
  announcedRollbacks: ReadonlySet<string>;
}

export const INITIAL_ALERT_TRACKER: AlertTracker = {
  lastPageId: null,
  announcedRollbacks: new Set(),
};

export interface TrackStep {
  tracker: AlertTracker;
  alerts: DesktopAlert[];
}

/** Takes the open pages just loaded; alerts for the ones raised since the last load. */
export function trackOpenPages(tracker: AlertTracker, openPages: readonly PageView[]): TrackStep {
  const highest = openPages.reduce((max, page) => Math.max(max, page.id), tracker.lastPageId ?? 0);
  if (tracker.lastPageId === null) {
    return { tracker: { ...tracker, lastPageId: highest }, alerts: [] };
  }
  const baseline = tracker.lastPageId;
  // Page ids only grow, so "new" is "above the highest seen": a page that drops out of the list
  // and comes back (a long list's limit) is never announced twice.
  const alerts = openPages
    .filter((page) => page.id > baseline)
    .filter(
      (page) => !(page.kind === 'rollback' && tracker.announcedRollbacks.has(page.experimentKey)),
    )
    .sort((a, b) => a.id - b.id)
    .map(pageAlert);
  return { tracker: { ...tracker, lastPageId: highest }, alerts };
}

/** Takes one live audit entry; an alert when it is an automatic rollback. */
export function trackAuditEntry(tracker: AlertTracker, entry: AuditEntryView): TrackStep {
  const alert = rollbackAlert(entry);
  if (!alert) return { tracker, alerts: [] };
  const announcedRollbacks = new Set(tracker.announcedRollbacks).add(alert.experimentKey);
  return { tracker: { ...tracker, announcedRollbacks }, alerts: [alert] };
}
