import { AuditService } from './audit/audit-service';
import { AuditStore } from './audit/audit-store';
import { AuthService } from './auth/auth-service';
import { AuthStore } from './auth/auth-store';
import { systemClock, type Clock } from './clock';
import { ChangeFeed } from './events/change-feed';
import { DefinitionCache } from './experiments/definition-cache';
import { ExperimentService } from './experiments/experiment-service';
import { ExperimentStore } from './experiments/experiment-store';
import { IdempotencyStore } from './experiments/idempotency-store';
import { BudgetService } from './budgets/budget-service';
import { FlagService } from './flags/flag-service';
import { FlagStore } from './flags/flag-store';
import { GuardrailService } from './guardrails/guardrail-service';
import { PrometheusClient } from './guardrails/prometheus-client';
import { PROMQL_MAX_AGE_MS, PromqlSliSource } from './guardrails/promql-sli-source';
import { SliSeriesService } from './guardrails/sli-series-service';
import { OutboxStore } from './outbox/outbox-store';
import { OverviewService } from './overview/overview-service';
import { OverviewStore } from './overview/overview-store';
import { PageService } from './pages/page-service';
import { PageStore } from './pages/page-store';
import { Pager } from './pages/pager';
import type { StuckLimits } from './pages/stuck-detector';
import { StuckWatch } from './pages/stuck-watch';
import { PolicyService } from './policy/policy-service';
import { PolicyStore } from './policy/policy-store';
import { GateEvaluator } from './scheduler/gate-evaluator';
import { SchedulerEpochs } from './scheduler/scheduler-epochs';
import { SchedulerService } from './scheduler/scheduler-service';
import { SchedulerStore } from './scheduler/scheduler-store';
import { DigestScheduleService } from './slack-delivery/digest-schedule-service';
import { DigestStore } from './slack-delivery/digest-store';
import { TeamContactService } from './slack-delivery/team-contact-service';
import { TeamContactStore } from './slack-delivery/team-contact-store';
import { openDatabase, type Db } from './store/database';
import { TelemetryService } from './telemetry/telemetry-service';
import { TelemetryStore } from './telemetry/telemetry-store';

/** The wired-up core: one database, its stores, and the services every client goes through. */
export interface Runway {
  db: Db;
  dbPath: string;
  clock: Clock;
  feed: ChangeFeed;
  experiments: ExperimentService;
  experimentStore: ExperimentStore;
  scheduler: SchedulerService;
  gates: GateEvaluator;
  policy: PolicyService;
  audit: AuditService;
  auth: AuthService;
  outbox: OutboxStore;
  telemetry: TelemetryService;
  flags: FlagService;
  guardrails: GuardrailService;
  sliSeries: SliSeriesService;
  budgets: BudgetService;
  pages: PageService;
  /** Pages owners of experiments stuck in a state past its limit. */
  stuck: StuckWatch;
  overview: OverviewService;
  /** Teams' escalation contacts for unacknowledged pages. */
  teams: TeamContactService;
  /** Per-channel Slack digest schedules. */
  digests: DigestScheduleService;
  close(): void;
}

export interface CreateRunwayOptions {
  dbPath: string;
  clock?: Clock;
  synchronous?: 'FULL' | 'NORMAL';
  onTick?: (durationMs: number) => void;
  /** How long telemetry rollups are kept (default 7 days). */
  telemetryRetentionMs?: number;
  /** The Prometheus-compatible API that PromQL SLIs query; without it they have no data. */
  prometheusUrl?: string | null;
  /** When an experiment counts as stuck and its owner is paged (default DEFAULT_STUCK_LIMITS). */
  stuckLimits?: StuckLimits;
}

export function createRunway(options: CreateRunwayOptions): Runway {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(options.dbPath, { synchronous: options.synchronous ?? 'FULL' });
  const feed = new ChangeFeed();
  const definitions = new DefinitionCache();
  const auditStore = new AuditStore(db);
  const experimentStore = new ExperimentStore(db);
  const policyStore = new PolicyStore(db);
  const outbox = new OutboxStore(db);
  const pageStore = new PageStore(db);
  const pager = new Pager(pageStore, outbox);
  const schedulerStore = new SchedulerStore(db, definitions);
  const epochs = new SchedulerEpochs();
  // First listener: every other one may rely on the epoch already counting the change.
  feed.subscribe((rows) => epochs.recordRows(rows));
  feed.subscribeSignals(() => epochs.record(false));
  const gates = new GateEvaluator(schedulerStore, epochs, clock);
  const flags = new FlagService(new FlagStore(db));
  const experiments = new ExperimentService({
    db,
    store: experimentStore,
    idempotency: new IdempotencyStore(db),
    policy: policyStore,
    audit: auditStore,
    pager,
    definitions,
    feed,
    gates,
    flags,
    clock,
  });
  db.transaction(() => flags.backfillAllocations(clock.now()))();
  const scheduler = new SchedulerService(
    schedulerStore,
    experiments,
    gates,
    epochs,
    clock,
    options.onTick,
  );
  const telemetry = new TelemetryService({
    db,
    store: new TelemetryStore(db),
    experiments: experimentStore,
    ...(options.telemetryRetentionMs ? { retentionMs: options.telemetryRetentionMs } : {}),
  });
  const guardrails = new GuardrailService({
    db,
    experimentStore,
    definitions,
    slis: policyStore,
    promql: new PromqlSliSource(
      options.prometheusUrl ? new PrometheusClient({ baseUrl: options.prometheusUrl }) : null,
      PROMQL_MAX_AGE_MS,
    ),
    telemetry,
    experiments,
    pager,
    clock,
    rollupWindowMs: telemetry.windowMs,
  });
  return {
    db,
    dbPath: options.dbPath,
    clock,
    feed,
    experiments,
    experimentStore,
    scheduler,
    gates,
    policy: new PolicyService(db, policyStore, auditStore, feed, clock),
    audit: new AuditService(auditStore),
    auth: new AuthService(db, new AuthStore(db), auditStore, clock),
    outbox,
    flags,
    telemetry,
    guardrails,
    sliSeries: new SliSeriesService({
      experiments: experimentStore,
      definitions,
      slis: policyStore,
      telemetry,
      clock,
    }),
    budgets: new BudgetService({ policy: policyStore, telemetry, feed }),
    pages: new PageService({ db, store: pageStore, audit: auditStore, feed, clock }),
    stuck: new StuckWatch({
      db,
      experiments: experimentStore,
      definitions,
      pager,
      clock,
      ...(options.stuckLimits ? { limits: options.stuckLimits } : {}),
    }),
    overview: new OverviewService({
      store: new OverviewStore(db),
      policy: policyStore,
      pages: pageStore,
      clock,
    }),
    teams: new TeamContactService({
      db,
      store: new TeamContactStore(db),
      audit: auditStore,
      feed,
      clock,
    }),
    digests: new DigestScheduleService({
      db,
      store: new DigestStore(db),
      experiments: experimentStore,
      audit: auditStore,
      feed,
      clock,
    }),
    close: () => db.close(),
  };
}
