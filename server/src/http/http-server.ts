import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { SLACK_EVENTS_PATH } from '../../../bot/src/slack-setup';
import { handleOfrep, OFREP_PREFIX } from '../flags/ofrep-routes';
import type { Runway } from '../runway';
import { createConsoleStatic } from './console-static';
import { bearerToken, sendJson } from './http-helpers';
import { isDatabaseReachable } from '../store/database';
import { handleOtlpMetrics, OTLP_METRICS_PATH } from '../telemetry/otlp-route';
import { appRouter } from './app-router';
import type { RunwayMetrics } from './metrics';
import type { Context } from './trpc';

export interface HttpServerOptions {
  runway: Runway;
  metrics: RunwayMetrics;
  maxBodyBytes: number;
  /** Readiness beyond the database: e.g. the scheduler loop running. */
  isReady?: () => boolean;
  /** The built console (default renderer/dist). */
  consoleDir?: string;
  /** The Slack bot's receiver for /slack/events (Bolt's HTTPReceiver); null when the bot is off. */
  slack?: { handle(request: IncomingMessage, response: ServerResponse): void } | null;
}

/** One port for everything (DESIGN §6): the tRPC API, health, metrics, and the console. */
export function createRunwayHttpServer(options: HttpServerOptions): Server {
  const { runway, metrics } = options;
  const consoleStatic = createConsoleStatic(options.consoleDir);
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: options.maxBodyBytes,
    createContext: ({ req, info }): Context => {
      const token =
        bearerToken(req) ??
        (typeof info.connectionParams?.token === 'string' ? info.connectionParams.token : null);
      if (token === null) return { actor: null, runway, authProblem: null };
      if (token === '')
        return {
          actor: null,
          runway,
          authProblem: 'malformed Authorization header: expected "Bearer <token>"',
        };
      const actor = runway.auth.authenticate(token);
      return { actor, runway, authProblem: actor ? null : 'unknown or revoked token' };
    },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`runway: ${path ?? '?'} failed`, error.cause ?? error);
    },
  });

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://runway.local');
    const path = url.pathname;
    if (path.startsWith('/trpc/')) {
      const enqueue = path === '/trpc/experiments.enqueue';
      const started = enqueue ? performance.now() : 0;
      if (enqueue)
        res.once('finish', () =>
          metrics.enqueueSeconds.observe((performance.now() - started) / 1_000),
        );
      trpcHandler(req, res);
      return;
    }
    if (path.startsWith(OFREP_PREFIX)) {
      const authenticate = (token: string) => runway.auth.authenticate(token);
      return handleOfrep(req, res, path, {
        flags: runway.flags,
        authenticate,
        maxBodyBytes: options.maxBodyBytes,
      });
    }
    if (path === OTLP_METRICS_PATH) {
      void handleOtlpMetrics(req, res, {
        authenticate: (token) => runway.auth.authenticate(token),
        telemetry: runway.telemetry,
        maxBodyBytes: options.maxBodyBytes,
        now: () => runway.clock.now(),
      });
      return;
    }
    if (path === SLACK_EVENTS_PATH) {
      // Signed by Slack instead of a bearer token: Bolt's receiver verifies the signature.
      if (options.slack) return options.slack.handle(req, res);
      return sendJson(res, 404, {
        error: {
          code: 'NOT_FOUND',
          message: 'the Slack bot is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET',
        },
      });
    }
    if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const databaseOk = isDatabaseReachable(runway.db);
      const ready = databaseOk && (options.isReady?.() ?? true);
      return sendJson(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'not ready',
        database: databaseOk,
      });
    }
    if (path === '/metrics') {
      const token = bearerToken(req);
      const actor = token ? runway.auth.authenticate(token) : null;
      if (!actor)
        return sendJson(
          res,
          401,
          { error: { code: 'UNAUTHORIZED', message: 'metrics need a bearer token (any role)' } },
          { 'www-authenticate': 'Bearer' },
        );
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        })
        .catch((error: unknown) =>
          sendJson(res, 500, { error: { code: 'INTERNAL', message: String(error) } }),
        );
      return;
    }
    if (consoleStatic.handle(req, res, path)) return;
    sendJson(res, 404, {
      error: { code: 'NOT_FOUND', message: `no route ${req.method ?? 'GET'} ${path}` },
    });
  });
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
