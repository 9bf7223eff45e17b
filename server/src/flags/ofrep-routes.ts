// OpenFeature Remote Evaluation Protocol (OFREP, open-feature/protocol service/openapi.yaml):
//   POST /ofrep/v1/evaluate/flags/{key}  one flag   → 200 | 400 | 404
//   POST /ofrep/v1/evaluate/flags        all flags  → 200 with ETag | 304 | 400
// Any role's bearer token may evaluate; without one, 401. Error bodies use OFREP's error codes
// (PARSE_ERROR, INVALID_CONTEXT, TARGETING_KEY_MISSING, FLAG_NOT_FOUND, GENERAL), not Runway's.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Actor } from '../actor';
import type { FlagEvaluationWithLayer, FlagService } from './flag-service';
import { bearerToken, readLimitedBody, sendJson } from '../http/http-helpers';

export const OFREP_PREFIX = '/ofrep/';
const BULK_PATH = '/ofrep/v1/evaluate/flags';

export interface OfrepRouteDeps {
  flags: FlagService;
  authenticate(token: string): Actor | null;
  maxBodyBytes: number;
}

type OfrepErrorCode = 'PARSE_ERROR' | 'INVALID_CONTEXT' | 'TARGETING_KEY_MISSING' | 'GENERAL';

class OfrepRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: OfrepErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const send = sendJson;

function actorOf(req: IncomingMessage, deps: OfrepRouteDeps): Actor | null {
  const token = bearerToken(req);
  return token ? deps.authenticate(token) : null;
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const body = await readLimitedBody(
    req,
    maxBytes,
    () => new OfrepRequestError(413, 'GENERAL', `request body exceeds ${maxBytes} bytes`),
  );
  return body.toString('utf8');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request's targeting key, after checking the body is `{ context?: { targetingKey?: string } }`. */
function targetingKeyOf(text: string): string | undefined {
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new OfrepRequestError(400, 'PARSE_ERROR', 'request body is not valid JSON');
    }
  }
  if (!isPlainObject(body)) {
    throw new OfrepRequestError(400, 'PARSE_ERROR', 'request body must be a JSON object');
  }
  const context = body.context === undefined ? {} : body.context;
  if (!isPlainObject(context)) {
    throw new OfrepRequestError(400, 'INVALID_CONTEXT', 'context must be a JSON object');
  }
  const { targetingKey } = context;
  if (targetingKey !== undefined && typeof targetingKey !== 'string') {
    throw new OfrepRequestError(400, 'INVALID_CONTEXT', 'context.targetingKey must be a string');
  }
  return targetingKey;
}

function toOfrep(evaluation: FlagEvaluationWithLayer): Record<string, unknown> {
  if (evaluation.reason === 'ERROR') {
    const { key, errorCode, errorDetails } = evaluation;
    return { key, errorCode, errorDetails };
  }
  const { key, value, reason, variant, layer, bucket } = evaluation;
  return {
    key,
    value,
    reason,
    variant,
    metadata: bucket === undefined ? { layer } : { layer, bucket },
  };
}

/** Whether If-None-Match (a list of entity tags, or *) matches `etag`; weak tags compare too. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === etag);
}

async function evaluateOne(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  actor: Actor,
  deps: OfrepRouteDeps,
): Promise<void> {
  try {
    const targetingKey = targetingKeyOf(await readBody(req, deps.maxBodyBytes));
    const evaluation = deps.flags.evaluate(key, targetingKey, actor);
    if (!evaluation) {
      return send(res, 404, {
        key,
        errorCode: 'FLAG_NOT_FOUND',
        errorDetails: `no experiment "${key}"`,
      });
    }
    send(res, evaluation.reason === 'ERROR' ? 400 : 200, toOfrep(evaluation));
  } catch (error) {
    if (!(error instanceof OfrepRequestError)) throw error;
    send(res, error.status, { key, errorCode: error.errorCode, errorDetails: error.message });
  }
}

async function evaluateAll(
  req: IncomingMessage,
  res: ServerResponse,
  actor: Actor,
  deps: OfrepRouteDeps,
): Promise<void> {
  try {
    const targetingKey = targetingKeyOf(await readBody(req, deps.maxBodyBytes));
    const body = JSON.stringify({
      flags: deps.flags.evaluateAll(targetingKey, actor).map(toOfrep),
    });
    // The tag hashes the answer itself, so it changes with any flag's state or allocation and
    // with the context, and a client that asks again with the same context gets 304.
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const headers = { etag, 'cache-control': 'private, no-cache' };
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body);
  } catch (error) {
    if (!(error instanceof OfrepRequestError)) throw error;
    send(res, error.status, { errorCode: error.errorCode, errorDetails: error.message });
  }
}

/** Serves every path under /ofrep/. */
export function handleOfrep(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  deps: OfrepRouteDeps,
): void {
  const flagPrefix = `${BULK_PATH}/`;
  const isSingle = path.startsWith(flagPrefix) && path.length > flagPrefix.length;
  if (path !== BULK_PATH && !isSingle) {
    return send(res, 404, { errorDetails: `no OFREP route ${req.method ?? 'GET'} ${path}` });
  }
  if (req.method !== 'POST') {
    return send(res, 405, { errorDetails: 'OFREP evaluation is POST' }, { allow: 'POST' });
  }
  const actor = actorOf(req, deps);
  if (!actor) {
    return send(
      res,
      401,
      { errorDetails: 'flag evaluation needs a bearer token (any role)' },
      { 'www-authenticate': 'Bearer' },
    );
  }
  let key = '';
  try {
    key = isSingle ? decodeURIComponent(path.slice(flagPrefix.length)) : '';
  } catch {
    return send(res, 404, { errorCode: 'FLAG_NOT_FOUND', errorDetails: 'malformed flag key' });
  }
  const work = isSingle
    ? evaluateOne(req, res, key, actor, deps)
    : evaluateAll(req, res, actor, deps);
  work.catch((error: unknown) => {
    console.error(`runway: OFREP ${path} failed`, error);
    if (!res.headersSent) send(res, 500, { errorDetails: 'internal error' });
    else res.destroy();
  });
}
