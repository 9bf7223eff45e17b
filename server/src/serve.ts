import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { SlackBot } from '../../bot/src/slack-bot';
import { describeSlackSetup } from '../../bot/src/slack-setup';
import { BUDGET_REFRESH_INTERVAL_MS } from './budgets/budget-service';
import { STUCK_CHECK_INTERVAL_MS } from './pages/stuck-watch';
import type { Clock } from './clock';
import type { RunwayConfig } from './config/config';
import { createRunwayHttpServer, listen } from './http/http-server';
import { RunwayMetrics } from './http/metrics';
import { createRunway, type Runway } from './runway';
import { DecisionWorker } from './scheduler/decision-worker';
import { SchedulerLoop, type TickOutcome } from './scheduler/scheduler-loop';

/** How often expired telemetry rollups are deleted (DESIGN §8). */
export const TELEMETRY_PRUNE_INTERVAL_MS = 5 * 60 * 1_000;

/** How often running experiments' guardrails are evaluated (also after each metrics batch). */
export const GUARDRAIL_INTERVAL_MS = 2_000;

export interface RunningServer {
  runway: Runway;
  server: Server;
  url: string;
  port: number;
  adminToken: string;
  loop: SchedulerLoop;
  /** The Slack bot mounted at /slack/events; null when Slack credentials are not set. */
  slackBot: SlackBot | null;
  close(): Promise<void>;
}

export interface StartServerOptions {
  clock?: Clock;
  /** Start the scheduler loop (default true). Tests that drive ticks by hand turn it off. */
  schedulerLoop?: boolean;
  /** Decide in a worker thread (default true); false decides on the main thread. */
  schedulerWorker?: boolean;
  /** Evaluate guardrails on a timer and after each metrics batch (default: as schedulerLoop). */
  guardrailLoop?: boolean;
  log?: (line: string) => void;
  /** The built console served at `/` (default renderer/dist). */
  consoleDir?: string;
}

/**
 * The admin token of a local server lives beside its database (DESIGN §7), readable by its owner
 * only. It is reused across restarts while it is still valid.
 */
export function ensureAdminToken(runway: Runway, path: string): string {
  if (existsSync(path)) {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing && runway.auth.authenticate(existing)?.role === 'admin') return existing;
  }
  const token = runway.auth.issueAdminToken('admin');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}

export async function startServer(
  config: RunwayConfig,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const metrics = new RunwayMetrics();
  const runway = createRunway({
    dbPath: config.dbPath,
    synchronous: config.synchronous,
    prometheusUrl: config.prometheusUrl,
    stuckLimits: config.stuckLimits,
    ...(options.clock ? { clock: options.clock } : {}),
    onTick: (durationMs) => metrics.observeTick(durationMs),
  });
  metrics.attach(runway.feed, () => runway.experimentStore.countByState());
  const adminToken = ensureAdminToken(runway, config.adminTokenPath);
  const pruneTelemetry = (): void => {
    try {
      runway.telemetry.pruneExpired(runway.clock.now());
    } catch (error) {
      console.error('runway: pruning telemetry failed', error);
    }
  };
  pruneTelemetry();
  const pruneTimer = setInterval(pruneTelemetry, TELEMETRY_PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  const refreshBudgets = (): void => {
    try {
      runway.budgets.refreshFromTelemetry(runway.clock.now());
    } catch (error) {
      console.error('runway: computing error budgets failed', error);
    }
  };
  refreshBudgets();
  const budgetTimer = setInterval(refreshBudgets, BUDGET_REFRESH_INTERVAL_MS);
  budgetTimer.unref();
  // Stuck experiments are paged by the server that runs the loops (like guardrail pages).
  const checkStuck = (): void => {
    try {
      runway.stuck.check(runway.clock.now());
    } catch (error) {
      console.error('runway: looking for stuck experiments failed', error);
    }
  };
  const stuckTimer =
    options.schedulerLoop !== false ? setInterval(checkStuck, STUCK_CHECK_INTERVAL_MS) : null;
  stuckTimer?.unref();
  // After each OTLP batch: evaluate at once on what is stored (bursts share one run). On the
  // interval: fetch PromQL SLIs first, one run at a time, so a slow Prometheus never piles up.
  let guardrailsQueued = false;
  const evaluateGuardrails = (): void => {
    guardrailsQueued = false;
    try {
      runway.guardrails.evaluateRunning(runway.clock.now());
    } catch (error) {
      console.error('runway: evaluating guardrails failed', error);
    }
  };
  let externalRun: Promise<void> | null = null;
  const evaluateWithExternal = (): void => {
    if (externalRun) return;
    externalRun = runway.guardrails
      .evaluateWithExternal(runway.clock.now())
      .then(
        () => undefined,
        (error: unknown) => console.error('runway: evaluating guardrails failed', error),
      )
      .finally(() => {
        externalRun = null;
      });
  };
  const guardrailLoop = options.guardrailLoop ?? options.schedulerLoop !== false;
  const guardrailTimer = guardrailLoop
    ? setInterval(evaluateWithExternal, GUARDRAIL_INTERVAL_MS)
    : null;
  guardrailTimer?.unref();
  const unsubscribeIngest = guardrailLoop
    ? runway.telemetry.onIngest(() => {
        if (guardrailsQueued) return;
        guardrailsQueued = true;
        setImmediate(evaluateGuardrails);
      })
    : () => undefined;
  // Deciding over thousands of experiments takes tens of milliseconds: it runs in a worker
  // thread so that requests are never queued behind a tick (docs/decisions).
  const worker = options.schedulerWorker === false ? null : new DecisionWorker(config.dbPath);
  runway.gates.useWorker(worker);
  const loop = new SchedulerLoop(async (): Promise<TickOutcome> => {
    if (!worker) {
      runway.scheduler.tick();
      return 'done';
    }
    return (await runway.scheduler.tickOffThread(worker)) ? 'done' : 'stale';
  }, config.tickIntervalMs);
  let loopRunning = false;
  const unsubscribe = runway.feed.subscribe((rows) => {
    // The scheduler's own changes do not need another tick; everyone else's might.
    if (rows.some((row) => row.actor !== 'runway:scheduler')) loop.nudge();
  });
  const unsubscribeSignals = runway.feed.subscribeSignals(() => loop.nudge());
  // The console's address for links in Slack messages: RUNWAY_URL, else this server's own URL
  // (known once it listens; no request can arrive before that).
  let consoleBaseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  // Bolt (and express under it) is loaded only when the bot is on.
  const slackBot = config.slack
    ? (await import('./slack/runway-slack-bot')).createRunwaySlackBot(runway, config.slack, {
        consoleBaseUrl: () => consoleBaseUrl,
        maxBodyBytes: config.maxBodyBytes,
        log,
        digests: runway.digests,
      })
    : null;
  const server = createRunwayHttpServer({
    runway,
    metrics,
    maxBodyBytes: config.maxBodyBytes,
    isReady: () => loopRunning || options.schedulerLoop === false,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    slack: slackBot,
  });
  const address = await listen(server, config.port, config.host);
  if (options.schedulerLoop !== false) {
    loop.start();
    loopRunning = true;
  }
  log(describeSlackSetup(config.slack));
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  consoleBaseUrl = config.publicUrl ?? url;
  // Pages, message updates, escalations and digests go out from the outbox. Like the scheduler,
  // it runs only in a server that runs its loops: two engines draining one database could post
  // a page twice, and test servers drive delivery themselves.
  const slackDelivery =
    config.slack && options.schedulerLoop !== false
      ? (await import('./slack-delivery/create-slack-delivery')).createSlackDelivery({
          runway,
          slack: {
            botToken: config.slack.botToken,
            apiUrl: config.slack.apiUrl,
            defaultChannel: config.slack.defaultChannel,
          },
          consoleBaseUrl,
          log,
        })
      : null;
  slackDelivery?.start();
  let closed = false;
  return {
    runway,
    server,
    url,
    port: address.port,
    adminToken,
    loop,
    slackBot,
    close: async () => {
      if (closed) return;
      closed = true;
      // First: no new Slack work, and what is running finishes while the database is open.
      await slackBot?.stop();
      await slackDelivery?.stop();
      loop.stop();
      clearInterval(pruneTimer);
      clearInterval(budgetTimer);
      if (stuckTimer) clearInterval(stuckTimer);
      if (guardrailTimer) clearInterval(guardrailTimer);
      await externalRun;
      unsubscribeIngest();
      loopRunning = false;
      unsubscribe();
      unsubscribeSignals();
      await loop.idle();
      runway.gates.useWorker(null);
      await worker?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      runway.close();
    },
  };
}
