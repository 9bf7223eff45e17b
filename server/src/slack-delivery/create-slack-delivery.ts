import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../../bot/src/delivery/slack-failure';
import { RunwayError } from '../../../shared/src/errors';
import type { ExperimentView } from '../../../shared/src/api-types';
import { AuditStore } from '../audit/audit-store';
import type { Clock } from '../clock';
import { PageStore } from '../pages/page-store';
import type { Runway } from '../runway';
import { DeliveryLoop } from './delivery-loop';
import { DigestDataSource } from './digest-data-source';
import { DigestPoster } from './digest-poster';
import { DigestStore } from './digest-store';
import { OutboxDrainer, type DrainReport, type OutboxHandler } from './outbox-drainer';
import { PageContextLoader } from './page-context';
import { PageDelivery, type DeliveryOutcome } from './page-delivery';
import { PageDeliveryStore } from './page-delivery-store';
import { PageEscalation, SLACK_DELIVERY_ACTOR } from './page-escalation';
import { PageUpdates } from './page-updates';
import { SlackGateway } from './slack-gateway';
import { SlackRecipients } from './slack-recipients';

export interface SlackDeliveryOptions {
  runway: Runway;
  slack: {
    botToken: string;
    /** SLACK_API_URL; null for Slack's own. */
    apiUrl: string | null;
    /** SLACK_DEFAULT_CHANNEL: pages of experiments that name no channel. */
    defaultChannel?: string | null;
    timeoutMs?: number;
  };
  /** The console's web address, for "Open in console" buttons and links. */
  consoleBaseUrl: string;
  /** Default: the runway's clock. */
  clock?: Clock;
  /** How often the loop looks for due work when nothing nudges it (default 1 s). */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
  /** Pages not yet in Slack this long after they were raised are dropped (default 24 h). */
  maxPageAgeMs?: number;
  log?: (line: string) => void;
}

export interface SlackDelivery {
  /** Runs the delivery loop: on a timer, and at once after each committed change. */
  start(): void;
  stop(): Promise<void>;
  /** Queues updates for outdated messages, then delivers every due Slack message once. */
  drainOnce(nowMs?: number): Promise<DrainReport>;
  /** Escalates pages past their team's time and sends the escalation DMs due; returns how many escalated. */
  escalateDue(nowMs?: number): Promise<number>;
  /** Claims the digest slots due and posts the digests due; returns how many slots were claimed. */
  postDueDigests(nowMs?: number): Promise<number>;
  /** One loop pass: escalations, digests, updates and pages. */
  runOnce(nowMs?: number): Promise<DrainReport>;
}

const ALL_TOPICS = ['page.', 'slack.'] as const;

/**
 * Slack delivery for a runway: pages (DM + channel), their updates, escalations and digests,
 * all driven by the outbox. Every public method runs one at a time, so the loop and a direct
 * call (a test, a CLI) never work on the same message concurrently.
 */
export function createSlackDelivery(options: SlackDeliveryOptions): SlackDelivery {
  const { runway } = options;
  const clock = options.clock ?? runway.clock;
  const log = options.log ?? ((line: string) => console.warn(`runway: ${line}`));
  const maxPageAgeMs = options.maxPageAgeMs ?? 24 * 3_600_000;
  const gateway = new SlackGateway(
    {
      token: options.slack.botToken,
      apiUrl: options.slack.apiUrl,
      ...(options.slack.timeoutMs ? { timeoutMs: options.slack.timeoutMs } : {}),
    },
    clock,
  );
  const store = new PageDeliveryStore(runway.db);
  const recipients = new SlackRecipients(store, gateway);
  const contexts = new PageContextLoader({
    store,
    pages: new PageStore(runway.db),
    experiment: (key) => readExperiment(runway, key),
  });
  const consoleBaseUrl = options.consoleBaseUrl;
  const pages = new PageDelivery({
    store,
    contexts,
    recipients,
    gateway,
    clock,
    consoleBaseUrl,
    defaultChannel: options.slack.defaultChannel ?? null,
    maxPageAgeMs,
    log,
  });
  const updates = new PageUpdates({
    store,
    contexts,
    recipients,
    outbox: runway.outbox,
    gateway,
    consoleBaseUrl,
    log,
  });
  const escalation = new PageEscalation({
    db: runway.db,
    store,
    outbox: runway.outbox,
    audit: new AuditStore(runway.db),
    feed: runway.feed,
    maxPageAgeMs,
  });
  const digests = new DigestPoster({
    db: runway.db,
    store: new DigestStore(runway.db),
    outbox: runway.outbox,
    data: new DigestDataSource({
      audit: runway.audit,
      experiments: runway.experiments,
      overview: runway.overview,
      pages: runway.pages,
      consoleBaseUrl,
    }),
    gateway,
    clock,
    log,
  });
  const drainer = new OutboxDrainer({
    outbox: runway.outbox,
    handlers: [
      ['page.', withIds(['pageId'], ([pageId]) => pages.deliverPage(pageId!))],
      ['slack.escalate', withIds(['pageId'], ([pageId]) => pages.deliverEscalation(pageId!))],
      ['slack.update', withIds(['pageId'], ([pageId]) => updates.update(pageId!))],
      [
        'slack.digest',
        withIds(['scheduleId', 'slotAtMs'], ([scheduleId, slotAtMs]) =>
          digests.post(scheduleId!, slotAtMs!),
        ),
      ],
    ],
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    clock,
    log,
  });

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const result = chain.then(work, work);
    chain = result.catch(() => undefined);
    return result;
  };
  const at = (nowMs: number | undefined): number => nowMs ?? clock.now();
  const drainAll = async (nowMs: number): Promise<DrainReport> => {
    updates.reconcile(nowMs);
    return drainer.drain(ALL_TOPICS, nowMs);
  };
  const runOnce = (nowMs?: number): Promise<DrainReport> =>
    serial(async () => {
      const now = at(nowMs);
      escalation.claimDue(now);
      digests.claimDue(now);
      return drainAll(now);
    });

  const loop = new DeliveryLoop(async () => {
    try {
      await runOnce();
    } catch (error) {
      log(
        `slack delivery pass failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }, options.pollIntervalMs ?? 1_000);
  let unsubscribe: (() => void) | null = null;

  return {
    start: () => {
      // Pages commit with audited changes (a rollback, a pause), and so do acknowledgements: each
      // committed batch may have something to post or update, so look at once.
      unsubscribe ??= runway.feed.subscribe(() => loop.nudge());
      loop.start();
    },
    stop: async () => {
      unsubscribe?.();
      unsubscribe = null;
      await loop.stop();
      await chain;
    },
    drainOnce: (nowMs) => serial(() => drainAll(at(nowMs))),
    escalateDue: (nowMs) =>
      serial(async () => {
        const now = at(nowMs);
        const claimed = escalation.claimDue(now);
        await drainer.drain(['slack.escalate'], now);
        return claimed;
      }),
    postDueDigests: (nowMs) =>
      serial(async () => {
        const now = at(nowMs);
        const claimed = digests.claimDue(now);
        await drainer.drain(['slack.digest'], now);
        return claimed;
      }),
    runOnce,
  };
}

function readExperiment(runway: Runway, key: string): ExperimentView | null {
  try {
    return runway.experiments.get(key, SLACK_DELIVERY_ACTOR);
  } catch (error) {
    if (error instanceof RunwayError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** A handler for payloads that name numeric ids; a payload without them is dropped, not retried. */
function withIds(
  names: readonly string[],
  handle: (ids: number[]) => Promise<DeliveryOutcome>,
): OutboxHandler {
  return async (message) => {
    const ids = names.map((name) => message.payload[name]);
    if (!ids.every((id): id is number => typeof id === 'number' && Number.isFinite(id))) {
      return { abandoned: `payload lacks ${names.join(', ')}` };
    }
    return handle(ids);
  };
}
