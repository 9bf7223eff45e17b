// One registry of Runway's error codes. Services throw RunwayError with a code; the tRPC
// formatter, the CLI and (later) the console and the Slack bot branch on the code only.

export const errorRegistry = {
  BAD_REQUEST: { http: 400, trpc: 'BAD_REQUEST', summary: 'The request is malformed' },
  SPEC_INVALID: { http: 400, trpc: 'BAD_REQUEST', summary: 'The experiment spec is invalid' },
  UNAUTHORIZED: { http: 401, trpc: 'UNAUTHORIZED', summary: 'A valid bearer token is required' },
  FORBIDDEN: { http: 403, trpc: 'FORBIDDEN', summary: 'Your role does not allow this' },
  SELF_APPROVAL: {
    http: 403,
    trpc: 'FORBIDDEN',
    summary: 'Authors cannot approve their own experiments',
  },
  NOT_FOUND: { http: 404, trpc: 'NOT_FOUND', summary: 'Not found' },
  KEY_EXISTS: {
    http: 409,
    trpc: 'CONFLICT',
    summary: 'An experiment with this key already exists',
  },
  VERSION_CONFLICT: {
    http: 409,
    trpc: 'CONFLICT',
    summary: 'The experiment changed since you read it',
  },
  CASCADE_CHANGED: {
    http: 409,
    trpc: 'CONFLICT',
    summary: 'The rollback would now take down experiments that were not confirmed',
  },
  INVALID_TRANSITION: {
    http: 409,
    trpc: 'CONFLICT',
    summary: 'The experiment is not in a state that allows this',
  },
  IDEMPOTENCY_MISMATCH: {
    http: 422,
    trpc: 'UNPROCESSABLE_CONTENT',
    summary: 'The idempotency key was already used with a different request',
  },
  METHOD_NOT_ALLOWED: {
    http: 405,
    trpc: 'METHOD_NOT_SUPPORTED',
    summary: 'Queries are GET, mutations are POST',
  },
  GATE_BLOCKED: {
    http: 412,
    trpc: 'PRECONDITION_FAILED',
    summary: 'A policy gate blocks this action',
  },
  PAYLOAD_TOO_LARGE: {
    http: 413,
    trpc: 'PAYLOAD_TOO_LARGE',
    summary: 'The request body is too large',
  },
  INTERNAL: { http: 500, trpc: 'INTERNAL_SERVER_ERROR', summary: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof errorRegistry;
export type TrpcErrorCode = (typeof errorRegistry)[ErrorCode]['trpc'];

export interface ErrorIssue {
  path: string;
  message: string;
}

export class RunwayError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly ErrorIssue[];
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { issues?: readonly ErrorIssue[]; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'RunwayError';
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorRegistry, value);
}

/** The shape every client finds in `error.data.runway` of a failed call. */
export interface RunwayErrorData {
  code: ErrorCode;
  issues: ErrorIssue[];
  details: Record<string, unknown>;
}

/** Renders issues one per line, the way the CLI and the bot print them. */
export function formatIssues(issues: readonly ErrorIssue[]): string {
  return issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('\n');
}
