import type { DigestChange, DigestData } from '../../../bot/src/digests/digest-message';
import type { AuditEntryView, AuditService } from '../audit/audit-service';
import type { ExperimentService } from '../experiments/experiment-service';
import type { OverviewService } from '../overview/overview-service';
import { SLACK_DELIVERY_ACTOR } from './page-escalation';

export interface DigestDataSourceDeps {
  audit: Pick<AuditService, 'list'>;
  experiments: Pick<ExperimentService, 'list'>;
  overview: Pick<OverviewService, 'get'>;
  consoleBaseUrl: string;
}

/** Changes of one kind listed per digest section at most (the message shows ten and a count). */
const CHANGES_LIMIT = 500;

/**
 * Reads what a digest summarises through the same services as every client (as runway:slack,
 * a viewer): the audit log for the period, the queue's blocked reasons, and the overview's
 * budgets and open pages as they are at posting time.
 */
export class DigestDataSource {
  constructor(private readonly deps: DigestDataSourceDeps) {}

  read(period: { sinceMs: number; slotAtMs: number; timeZone: string }): DigestData {
    const changes = (
      action: string,
      detail: (entry: AuditEntryView) => string | null,
    ): DigestChange[] =>
      this.deps.audit
        .list({ action, sinceMs: period.sinceMs, untilMs: period.slotAtMs, limit: CHANGES_LIMIT })
        .reverse()
        .map((entry) => ({
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
    const waiting = this.deps.experiments
      .list({ states: ['queued', 'pending_approval'] }, SLACK_DELIVERY_ACTOR)
      .sort((a, b) => b.priority - a.priority || a.seq - b.seq)
      .map((experiment) => ({
        key: experiment.key,
        state: experiment.state,
        reasons: experiment.blockedReasons.map((reason) => reason.message),
      }));
    return {
      slotAtMs: period.slotAtMs,
      sinceMs: period.sinceMs,
      timeZone: period.timeZone,
      started: changes('experiment.start', stage),
      ramped: changes('experiment.advance', stage),
      completed: changes('experiment.complete', () => null),
      paused: changes('experiment.pause', (entry) => entry.reason),
      rolledBack: changes('experiment.rollback', (entry) => entry.reason),
      waiting,
      budgets: overview.budgets.map((budget) => ({
        service: budget.service,
        remainingFraction: budget.remainingFraction,
        burnRate: budget.burnRate,
        blocking: budget.blocking,
      })),
      openPages: overview.openPages.map((page) => ({
        id: page.id,
        kind: page.kind,
        experimentKey: page.experimentKey,
        summary: page.summary,
        raisedAtMs: page.raisedAtMs,
      })),
      counts: {
        running: overview.countsByState.running,
        paused: overview.countsByState.paused,
        queued: overview.countsByState.queued,
      },
      consoleBaseUrl: this.deps.consoleBaseUrl,
    };
  }
}
