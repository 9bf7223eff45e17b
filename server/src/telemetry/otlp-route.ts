import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { RunwayError, type ErrorIssue } from '../../../shared/src/errors';
import { roleAtLeast } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import { MAX_PROBLEMS, parseOtlpMetricsJson } from './otlp-json';
import { parseOtlpMetricsProtobuf } from './otlp-protobuf';
import {
  encodeExportMetricsResponse,
  encodeRpcStatus,
  exportMetricsResponse,
  otlpErrorResponse,
  type EncodedOtlpBody,
  type OtlpEncoding,
  type RpcStatus,
} from './otlp-response';
import type { TelemetryService } from './telemetry-service';
import { bearerToken, readLimitedBody } from '../http/http-helpers';

// POST /v1/metrics: OTLP/HTTP metrics export, JSON or binary protobuf encoding (DESIGN §6). The
// route only speaks HTTP: it checks who is calling, reads a bounded body, and hands parsed points
// to the service. Every answer, errors included, is in the encoding the request was sent in.
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
  const encoding = requestEncoding(req);
  try {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      throw new RunwayError('METHOD_NOT_ALLOWED', `${OTLP_METRICS_PATH} accepts POST only`);
    }
    authorize(req, deps);
    const unsupported = unsupportedMediaType(req);
    if (unsupported !== null) {
      discardBody(req);
      return send(res, 415, encodeRpcStatus(unsupported, encoding));
    }
    const body = await readBody(req, deps.maxBodyBytes);
    const parsed =
      encoding === 'protobuf'
        ? parseOtlpMetricsProtobuf(body)
        : parseOtlpMetricsJson(parseJson(body));
    const ingested = deps.telemetry.ingest(parsed.points, deps.now());
    const problems: ErrorIssue[] = [...parsed.problems, ...ingested.problems];
    const response = exportMetricsResponse({
      rejected: parsed.rejected + ingested.rejected,
      problems: problems.slice(0, MAX_PROBLEMS),
    });
    send(res, 200, encodeExportMetricsResponse(response, encoding));
  } catch (error) {
    if (!(error instanceof RunwayError)) console.error('runway: OTLP metrics export failed', error);
    discardBody(req);
    const { status, body } = otlpErrorResponse(error);
    if (status === 401) res.setHeader('www-authenticate', 'Bearer');
    send(res, status, encodeRpcStatus(body, encoding));
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

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

const PROTOBUF_TYPES: readonly string[] = ['application/x-protobuf', 'application/protobuf'];

/** Binary protobuf for a protobuf content type; JSON otherwise, including for refusals. */
function requestEncoding(req: IncomingMessage): OtlpEncoding {
  return PROTOBUF_TYPES.includes(mediaType(req)) ? 'protobuf' : 'json';
}

/** The 415 body when the request is not (possibly gzipped) JSON or protobuf, else null. */
function unsupportedMediaType(req: IncomingMessage): RpcStatus | null {
  const type = mediaType(req);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (type !== 'application/json' && !PROTOBUF_TYPES.includes(type)) {
    const message =
      `content-type ${JSON.stringify(type || '(none)')} is not supported: send OTLP as ` +
      'application/x-protobuf or application/json';
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

function send(res: ServerResponse, status: number, encoded: EncodedOtlpBody): void {
  res.writeHead(status, { 'content-type': encoded.contentType, 'cache-control': 'no-store' });
  res.end(encoded.body);
}
