import type { DigestChange, DigestData } from '../../../bot/src/digests/digest-message';
import { digestScopeFilter } from '../../../bot/src/digests/digest-scope';
import type { DigestScope } from '../../../shared/src/api-schemas';
import type { ExperimentView, PageView } from '../../../shared/src/api-types';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { AuditEntryView, AuditService } from '../audit/audit-service';
import type { ExperimentService } from '../experiments/experiment-service';
import type { OverviewService } from '../overview/overview-service';
import type { PageService } from '../pages/page-service';
import { SLACK_DELIVERY_ACTOR } from './page-escalation';

export interface DigestDataSourceDeps {
  audit: Pick<AuditService, 'list'>;
  experiments: Pick<ExperimentService, 'list'>;
  overview: Pick<OverviewService, 'get'>;
  pages: Pick<PageService, 'list'>;
  consoleBaseUrl: string;
}

export interface DigestPeriod {
  sinceMs: number;
  slotAtMs: number;
  timeZone: string;
  /** One team's or service's experiments; null: the whole fleet. */
  scope: DigestScope | null;
}

/** Changes of one kind listed per digest section at most (the message shows ten and a count). */
const CHANGES_LIMIT = 500;
/** Open pages looked through for a scoped digest (the overview keeps only the newest 100). */
const SCOPED_OPEN_PAGES = 1_000;
const WAITING_STATES: readonly ExperimentState[] = ['queued', 'pending_approval'];
/** A team's budgets are those of the services its waiting, active and changed experiments use. */
const BUDGETED_STATES: ReadonlySet<string> = new Set([...WAITING_STATES, 'running', 'paused']);

/** The experiments a scoped digest is about, read once per digest. */
interface ScopedFleet {
  scope: DigestScope;
  experiments: ExperimentView[];
  serviceOf: ReadonlyMap<string, string>;
}

/**
 * Reads what a digest summarises through the same services as every client (as runway:slack,
 * a viewer): the audit log for the period, the queue's blocked reasons, and the overview's
 * budgets and open pages as they are at posting time. A scoped digest keeps only what belongs to
 * its team's or service's experiments (keys are never reused, so a key names one experiment).
 */
export class DigestDataSource {
  constructor(private readonly deps: DigestDataSourceDeps) {}

  read(period: DigestPeriod): DigestData {
    const fleet = period.scope ? this.scopedFleet(period.scope) : null;
    const changes = (
      action: string,
      detail: (entry: AuditEntryView) => string | null,
    ): DigestChange[] =>
      this.changes(action, period, fleet).map((entry) => ({
        key: entry.experimentKey ?? '?',
        atMs: entry.at,
        actor: entry.actor,
        detail: detail(entry),
      }));
    const stage = (entry: AuditEntryView): string | null => {
      const { stage: number, exposurePercent } = entry.details as {
        stage?: number;
        exposurePercent?: number;
      };
      return typeof number === 'number' ? `stage ${number} at ${exposurePercent ?? '?'}%` : null;
    };
    const overview = this.deps.overview.get(SLACK_DELIVERY_ACTOR);
    const sections = {
      started: changes('experiment.start', stage),
      ramped: changes('experiment.advance', stage),
      completed: changes('experiment.complete', () => null),
      paused: changes('experiment.pause', (entry) => entry.reason),
      rolledBack: changes('experiment.rollback', (entry) => entry.reason),
    };
    const waiting = this.deps.experiments
      .list(
        { states: WAITING_STATES, ...(fleet ? digestScopeFilter(fleet.scope) : {}) },
        SLACK_DELIVERY_ACTOR,
      )
      .sort((a, b) => b.priority - a.priority || a.seq - b.seq)
      .map((experiment) => ({
        key: experiment.key,
        state: experiment.state,
        reasons: experiment.blockedReasons.map((reason) => reason.message),
      }));
    const services = fleet ? budgetedServices(fleet, Object.values(sections).flat()) : null;
    const openPages = fleet ? this.scopedOpenPages(fleet.scope) : overview.openPages;
    return {
      slotAtMs: period.slotAtMs,
      sinceMs: period.sinceMs,
      timeZone: period.timeZone,
      scope: period.scope,
      ...sections,
      waiting,
      budgets: overview.budgets
        .filter((budget) => services === null || services.has(budget.service))
        .map((budget) => ({
          service: budget.service,
          remainingFraction: budget.remainingFraction,
          burnRate: budget.burnRate,
          blocking: budget.blocking,
        })),
      openPages: openPages.map((page) => ({
        id: page.id,
        kind: page.kind,
        experimentKey: page.experimentKey,
        summary: page.summary,
        raisedAtMs: page.raisedAtMs,
      })),
      counts: countStates(fleet ? fleet.experiments : null, overview.countsByState),
      consoleBaseUrl: this.deps.consoleBaseUrl,
    };
  }

  private scopedFleet(scope: DigestScope): ScopedFleet {
    const experiments = this.deps.experiments.list(digestScopeFilter(scope), SLACK_DELIVERY_ACTOR);
    return {
      scope,
      experiments,
      serviceOf: new Map(experiments.map((experiment) => [experiment.key, experiment.service])),
    };
  }

  /**
   * The period's entries of one action, oldest first, up to CHANGES_LIMIT. A scoped digest pages
   * back through the period until it has that many of its own, so a busy fleet cannot crowd a
   * team's changes out; the whole fleet's digest stops at the first page, as it always did.
   */
  private changes(
    action: string,
    period: DigestPeriod,
    fleet: ScopedFleet | null,
  ): AuditEntryView[] {
    const found: AuditEntryView[] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const page = this.deps.audit.list({
        action,
        sinceMs: period.sinceMs,
        untilMs: period.slotAtMs,
        limit: CHANGES_LIMIT,
        ...(beforeSeq === undefined ? {} : { beforeSeq }),
      });
      for (const entry of page) {
        if (!fleet || (entry.experimentKey !== null && fleet.serviceOf.has(entry.experimentKey)))
          found.push(entry);
      }
      if (found.length >= CHANGES_LIMIT || page.length < CHANGES_LIMIT) break;
      beforeSeq = page.at(-1)!.seq;
    }
    return found.slice(0, CHANGES_LIMIT).reverse();
  }

  /** Open pages of the scope's experiments, newest first (pages carry their experiment's team and service). */
  private scopedOpenPages(scope: DigestScope): PageView[] {
    return this.deps.pages
      .list(SLACK_DELIVERY_ACTOR, { open: true, limit: SCOPED_OPEN_PAGES })
      .filter((page) => (scope.kind === 'team' ? page.team : page.service) === scope.name);
  }
}

/**
 * A service scope's budget is its service's. A team's are those of the services its waiting and
 * active experiments run in (the budget gate holds those back), and of the ones this digest
 * lists as changed.
 */
function budgetedServices(fleet: ScopedFleet, changed: readonly DigestChange[]): Set<string> {
  if (fleet.scope.kind === 'service') return new Set([fleet.scope.name]);
  const services = new Set<string>();
  for (const experiment of fleet.experiments)
    if (BUDGETED_STATES.has(experiment.state)) services.add(experiment.service);
  for (const change of changed) {
    const service = fleet.serviceOf.get(change.key);
    if (service !== undefined) services.add(service);
  }
  return services;
}

/** Running, paused and queued: the fleet's as the overview counts them, or the scope's. */
function countStates(
  experiments: readonly ExperimentView[] | null,
  fleetCounts: Record<ExperimentState, number>,
): DigestData['counts'] {
  const count = (state: ExperimentState): number =>
    experiments === null
      ? fleetCounts[state]
      : experiments.filter((experiment) => experiment.state === state).length;
  return { running: count('running'), paused: count('paused'), queued: count('queued') };
}
