import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import {
  errorRegistry,
  RunwayError,
  type ErrorIssue,
  type RunwayErrorData,
} from '../../../shared/src/errors';
import { formatPath } from '../../../shared/src/spec/spec-validation';
import type { Actor } from '../actor';
import type { Runway } from '../runway';

export interface Context {
  actor: Actor | null;
  runway: Runway;
  /** Why authentication failed, when a token was sent but not accepted. */
  authProblem: string | null;
}

function zodIssues(error: ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

function runwayData(error: TRPCError): RunwayErrorData {
  const cause = error.cause;
  if (cause instanceof RunwayError)
    return { code: cause.code, issues: [...cause.issues], details: { ...cause.details } };
  if (cause instanceof ZodError)
    return { code: 'BAD_REQUEST', issues: zodIssues(cause), details: {} };
  const byTrpc: Partial<Record<TRPCError['code'], RunwayErrorData['code']>> = {
    NOT_FOUND: 'NOT_FOUND',
    PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    BAD_REQUEST: 'BAD_REQUEST',
    PARSE_ERROR: 'BAD_REQUEST',
    UNAUTHORIZED: 'UNAUTHORIZED',
    FORBIDDEN: 'FORBIDDEN',
    METHOD_NOT_SUPPORTED: 'METHOD_NOT_ALLOWED',
  };
  return { code: byTrpc[error.code] ?? 'INTERNAL', issues: [], details: {} };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const runway = runwayData(error);
    let message = shape.message;
    if (error.cause instanceof ZodError) {
      message = `invalid input: ${runway.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ')}`;
    } else if (runway.code === 'PAYLOAD_TOO_LARGE') {
      message =
        'the request body is too large: the server accepts up to RUNWAY_MAX_BODY_BYTES (1 MiB by default)';
    } else if (runway.code === 'INTERNAL') {
      message = 'internal error; the server log has the details';
    }
    return { ...shape, message, data: { ...shape.data, stack: undefined, runway } };
  },
  sse: {
    ping: { enabled: true, intervalMs: 15_000 },
    client: { reconnectAfterInactivityMs: 40_000 },
  },
});

/** Turns domain errors into tRPC errors with the registry's code (one place, CONVENTIONS §4). */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof RunwayError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: errorRegistry[cause.code].trpc, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapDomainErrors);

/** Every API procedure needs a token; the context's actor is its user (DESIGN §6). */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: ctx.authProblem ?? 'missing bearer token: send Authorization: Bearer <token>',
      cause: new RunwayError('UNAUTHORIZED', ctx.authProblem ?? 'missing bearer token'),
    });
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

export const createCallerFactory = t.createCallerFactory;
