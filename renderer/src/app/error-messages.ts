import {
  isErrorCode,
  type ErrorCode,
  type ErrorIssue,
  type RunwayErrorData,
} from '../../../shared/src/errors';
import { stateLabel } from '../../../shared/src/state-label';

// The console branches on the error code, never on message text (CONVENTIONS §4): each code
// gets a sentence a release manager understands, filled in from the error's structured details.

type Describe = (data: RunwayErrorData) => string;

function text(details: Record<string, unknown>, name: string): string | null {
  const value = details[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

function issueLines(issues: readonly ErrorIssue[]): string {
  return issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
}

function withIssues(sentence: string, issues: readonly ErrorIssue[]): string {
  return issues.length > 0 ? `${sentence}: ${issueLines(issues)}.` : `${sentence}.`;
}

function reasonMessages(details: Record<string, unknown>): string[] {
  const reasons = details.blockedReasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.flatMap((reason: unknown) => {
    const message = (reason as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? [message] : [];
  });
}

const BY_CODE: Record<ErrorCode, Describe> = {
  BAD_REQUEST: ({ issues }) => withIssues('The server could not accept this request', issues),
  SPEC_INVALID: ({ issues }) => withIssues('The experiment spec is not valid', issues),
  UNAUTHORIZED: () =>
    'The server did not accept your token (it is unknown or was revoked). Sign in with a valid token.',
  FORBIDDEN: ({ details }) => {
    const needed = text(details, 'needed');
    const role = text(details, 'role');
    if (needed && role)
      return `Your role does not allow this: it needs ${needed}, and you are signed in as ${role}.`;
    return 'Your role does not allow this.';
  },
  SELF_APPROVAL: () =>
    'You enqueued this experiment, so you cannot approve it yourself. Ask another release manager.',
  NOT_FOUND: ({ details }) => {
    const key = text(details, 'key');
    return key
      ? `There is no experiment "${key}". It may have been mistyped; keys are never reused.`
      : 'That was not found. It may have been mistyped or never existed.';
  },
  KEY_EXISTS: ({ issues }) =>
    withIssues(
      'An experiment with this key already exists, and keys are never reused: pick a new key',
      issues,
    ),
  VERSION_CONFLICT: ({ details }) => {
    const key = text(details, 'key') ?? 'The experiment';
    const state = text(details, 'currentState');
    const now = state ? ` (it is now ${stateLabel(state)})` : '';
    return `${key} changed since you loaded it${now}. Nothing was done: look at its current state and try again.`;
  },
  CASCADE_CHANGED: ({ details }) => {
    const key = text(details, 'key') ?? 'the experiment';
    const unconfirmed = Array.isArray(details.unconfirmed)
      ? details.unconfirmed.filter((entry): entry is string => typeof entry === 'string')
      : [];
    const also =
      unconfirmed.length > 0 ? `: it would now also take down ${unconfirmed.join(', ')}` : '';
    return `The blast radius of ${key} changed since you confirmed it${also}. Nothing was rolled back: check the new list and confirm again.`;
  },
  INVALID_TRANSITION: ({ details }) => {
    const state = text(details, 'state');
    const action = text(details, 'action');
    if (state && action)
      return `You cannot ${action} an experiment that is ${stateLabel(state)}. Nothing was changed.`;
    return 'The experiment is not in a state that allows this. Nothing was changed.';
  },
  IDEMPOTENCY_MISMATCH: () =>
    'This idempotency key was already used for a different request. Use a new key for a new request.',
  METHOD_NOT_ALLOWED: () =>
    'The server refused the way the console sent this request. Reload the console; if it happens again, it is a bug.',
  GATE_BLOCKED: ({ details }) => {
    const reasons = reasonMessages(details);
    return reasons.length > 0
      ? `A policy gate blocks this: ${reasons.join('; ')}.`
      : 'A policy gate blocks this right now.';
  },
  PAYLOAD_TOO_LARGE: () =>
    'The request is too large for the server (its limit is RUNWAY_MAX_BODY_BYTES, 1 MiB by default).',
  INTERNAL: () =>
    'The server hit an internal error; its log has the details. Try again in a moment.',
};

/** The `error.data.runway` of a failed tRPC call, when the error carries one. */
export function runwayErrorData(error: unknown): RunwayErrorData | null {
  if (typeof error !== 'object' || error === null) return null;
  const runway = (error as { data?: { runway?: unknown } | null }).data?.runway;
  if (typeof runway !== 'object' || runway === null) return null;
  const { code, issues, details } = runway as Partial<RunwayErrorData>;
  if (!isErrorCode(code)) return null;
  return {
    code,
    issues: Array.isArray(issues) ? issues : [],
    details: typeof details === 'object' && details !== null ? details : {},
  };
}

/**
 * True when the call never got an answer from Runway: the network, a stopped server, a proxy's
 * error page. Such calls are retried; they are not the user's mistake.
 */
export function isConnectionError(error: unknown): boolean {
  if (runwayErrorData(error) !== null) return false;
  if (error instanceof TypeError) return true; // fetch rejects with a TypeError
  if (!(error instanceof Error) || error.name !== 'TRPCClientError') return false;
  // A tRPC error with a response shape came from the server, even without Runway data.
  return (error as { shape?: unknown }).shape === undefined;
}

export const CONNECTION_MESSAGE =
  'The Runway server cannot be reached. The console keeps trying and catches up by itself.';

/** A sentence a person understands for any error a call can end with. */
export function errorMessage(error: unknown): string {
  const data = runwayErrorData(error);
  if (data) return BY_CODE[data.code](data);
  if (isConnectionError(error)) return CONNECTION_MESSAGE;
  return 'Something went wrong. Try again; if it keeps happening, the server log has the details.';
}

/** The error code, when the server sent one: what callers branch on. */
export function errorCode(error: unknown): ErrorCode | null {
  return runwayErrorData(error)?.code ?? null;
}
