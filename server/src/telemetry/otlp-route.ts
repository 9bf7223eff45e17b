import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { RunwayError, type ErrorIssue } from '../../../shared/src/errors';
import { roleAtLeast } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import { MAX_PROBLEMS, parseOtlpMetricsJson } from './otlp-json';
import { exportMetricsResponse, otlpErrorResponse, type RpcStatus } from './otlp-response';
import type { TelemetryService } from './telemetry-service';
import { bearerToken, readLimitedBody } from '../http/http-helpers';

// POST /v1/metrics: OTLP/HTTP metrics export, JSON encoding (DESIGN §6). The route only speaks
// HTTP: it checks who is calling, reads a bounded body, and hands parsed points to the service.
// The request itself is never stored.

export const OTLP_METRICS_PATH = '/v1/metrics';

export interface OtlpRouteDeps {
  authenticate(token: string): Actor | null;
  telemetry: Pick<TelemetryService, 'ingest'>;
  maxBodyBytes: number;
  now(): number;
}

const gunzipAsync = promisify(gunzip);

export async function handleOtlpMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  deps: OtlpRouteDeps,
): Promise<void> {
  try {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new RunwayError('METHOD_NOT_ALLOWED', `${OTLP_METRICS_PATH} accepts POST only`);
    }
    authorize(req, deps);
    const unsupported = unsupportedMediaType(req);
    if (unsupported !== null) {
      discardBody(req);
      return send(res, 415, unsupported);
    }
    const body = parseJson(await readBody(req, deps.maxBodyBytes));
    const parsed = parseOtlpMetricsJson(body);
    const ingested = deps.telemetry.ingest(parsed.points, deps.now());
    const problems: ErrorIssue[] = [...parsed.problems, ...ingested.problems];
    send(
      res,
      200,
      exportMetricsResponse({
        rejected: parsed.rejected + ingested.rejected,
        problems: problems.slice(0, MAX_PROBLEMS),
      }),
    );
  } catch (error) {
    if (!(error instanceof RunwayError)) console.error('runway: OTLP metrics export failed', error);
    discardBody(req);
    const { status, body } = otlpErrorResponse(error);
    if (status === 401) res.setHeader('www-authenticate', 'Bearer');
    send(res, status, body);
  }
}

/** Telemetry writers are services acting as operators (DESIGN §6). */
function authorize(req: IncomingMessage, deps: OtlpRouteDeps): Actor {
  const token = bearerToken(req);
  if (token === null) {
    throw new RunwayError('UNAUTHORIZED', 'OTLP export needs an Authorization: Bearer <token>');
  }
  if (token === '') {
    throw new RunwayError(
      'UNAUTHORIZED',
      'malformed Authorization header: expected "Bearer <token>"',
    );
  }
  const actor = deps.authenticate(token);
  if (!actor) throw new RunwayError('UNAUTHORIZED', 'unknown or revoked token');
  if (!roleAtLeast(actor.role, 'operator')) {
    throw new RunwayError(
      'FORBIDDEN',
      `sending telemetry needs the operator role; ${actor.name} is ${actor.role}`,
      { details: { needed: 'operator', role: actor.role } },
    );
  }
  return actor;
}

/** The 415 body when the request is not (possibly gzipped) JSON, else null. */
function unsupportedMediaType(req: IncomingMessage): RpcStatus | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') {
    const message =
      'OTLP/HTTP protobuf is not supported yet: send JSON (content-type application/json; ' +
      'e.g. OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/json)';
    return { code: 12, message, details: [] }; // UNIMPLEMENTED
  }
  if (type !== 'application/json') {
    const message = `content-type ${JSON.stringify(type || '(none)')} is not supported: send OTLP JSON as application/json`;
    return { code: 3, message, details: [] };
  }
  if (encoding !== 'identity' && encoding !== 'gzip') {
    const message = `content-encoding ${JSON.stringify(encoding)} is not supported: use gzip or none`;
    return { code: 3, message, details: [] };
  }
  return null;
}

function tooLarge(maxBodyBytes: number): RunwayError {
  return new RunwayError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${maxBodyBytes} bytes`,
    {
      details: { maxBodyBytes },
    },
  );
}

/** The body, decompressed, refusing anything over the limit before or after decompression. */
async function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
  const raw = await readLimitedBody(req, maxBodyBytes, () => tooLarge(maxBodyBytes));
  if ((req.headers['content-encoding'] ?? '').trim().toLowerCase() !== 'gzip') return raw;
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBodyBytes });
  } catch (error) {
    if (error instanceof RangeError) throw tooLarge(maxBodyBytes);
    throw new RunwayError('BAD_REQUEST', 'The body is not valid gzip', {
      issues: [{ path: '', message: (error as Error).message }],
    });
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new RunwayError('BAD_REQUEST', 'The body is not valid JSON', {
      issues: [{ path: '', message: (error as Error).message }],
    });
  }
}

/** Lets the rest of an unread body drain, so the reply is not lost to a reset connection. */
function discardBody(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify(body));
}
