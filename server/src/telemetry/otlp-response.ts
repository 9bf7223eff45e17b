import {
  errorRegistry,
  RunwayError,
  type ErrorCode,
  type ErrorIssue,
} from '../../../shared/src/errors';
import type { OtlpParseResult } from './otlp-json';
import { ExportResponseMessage, RpcStatusMessage } from './otlp-protobuf-schema';

// Response bodies of OTLP/HTTP: a full success is an empty ExportMetricsServiceResponse, a
// partial success says how many points were rejected and why, and a failed request carries a
// google.rpc.Status. Each is sent in the encoding of the request (JSON or binary protobuf), as
// the OTLP/HTTP spec requires.

export interface ExportMetricsPartialSuccess {
  /** int64, so a decimal string in OTLP/JSON. */
  rejectedDataPoints: string;
  errorMessage: string;
}

export interface ExportMetricsServiceResponse {
  partialSuccess?: ExportMetricsPartialSuccess;
}

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'json' | 'protobuf';

/** A response body ready to send, with its Content-Type. */
export interface EncodedOtlpBody {
  contentType: string;
  body: string | Uint8Array;
}

/** google.rpc.Status as OTLP/HTTP sends it in the body of a 4xx or 5xx. */
export interface RpcStatus {
  code: number;
  message: string;
  details: unknown[];
}

/** Problems spelled out in errorMessage; the rest are counted. */
const PROBLEMS_IN_MESSAGE = 5;
const MAX_MESSAGE_CHARS = 1_000;

/**
 * The 200 body for a parsed request: `{}` when everything was accepted, a partial success when
 * points were rejected, or with `rejectedDataPoints: "0"` when there are only warnings (which
 * the OTLP spec allows).
 */
export function exportMetricsResponse(
  result: Pick<OtlpParseResult, 'rejected' | 'problems'>,
): ExportMetricsServiceResponse {
  if (result.rejected === 0 && result.problems.length === 0) return {};
  return {
    partialSuccess: {
      rejectedDataPoints: String(result.rejected),
      errorMessage: summarizeProblems(result.rejected, result.problems),
    },
  };
}

/** e.g. `2 data points rejected: a.b[0].asInt: must be …; a.b[3]: …; and 4 more problems` */
export function summarizeProblems(rejected: number, problems: readonly ErrorIssue[]): string {
  const head =
    rejected === 0
      ? 'all data points accepted, with warnings'
      : `${rejected} data point${rejected === 1 ? '' : 's'} rejected`;
  const shown = problems
    .slice(0, PROBLEMS_IN_MESSAGE)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  const more = problems.length - shown.length;
  const tail = more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '';
  const message = shown.length > 0 ? `${head}: ${shown.join('; ')}${tail}` : head;
  return message.length > MAX_MESSAGE_CHARS
    ? `${message.slice(0, MAX_MESSAGE_CHARS - 1)}…`
    : message;
}

/** gRPC status codes (google.rpc.Code) for Runway's error codes. */
const RPC_CODE: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 3, // INVALID_ARGUMENT
  SPEC_INVALID: 3,
  IDEMPOTENCY_MISMATCH: 3,
  PAYLOAD_TOO_LARGE: 3, // not RESOURCE_EXHAUSTED: resending the same request cannot succeed
  UNAUTHORIZED: 16, // UNAUTHENTICATED
  FORBIDDEN: 7, // PERMISSION_DENIED
  SELF_APPROVAL: 7,
  NOT_FOUND: 5,
  KEY_EXISTS: 6, // ALREADY_EXISTS
  VERSION_CONFLICT: 10, // ABORTED
  CASCADE_CHANGED: 10,
  INVALID_TRANSITION: 9, // FAILED_PRECONDITION
  GATE_BLOCKED: 9,
  METHOD_NOT_ALLOWED: 12, // UNIMPLEMENTED
  INTERNAL: 13,
};

/**
 * The HTTP status and body for a failed export. Anything that is not a RunwayError is an
 * internal error, and its message is not shown to the sender.
 */
export function otlpErrorResponse(error: unknown): { status: number; body: RpcStatus } {
  if (!(error instanceof RunwayError)) {
    return {
      status: errorRegistry.INTERNAL.http,
      body: { code: RPC_CODE.INTERNAL, message: errorRegistry.INTERNAL.summary, details: [] },
    };
  }
  const issues = error.issues
    .slice(0, PROBLEMS_IN_MESSAGE)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  const more = error.issues.length - issues.length;
  if (more > 0) issues.push(`and ${more} more`);
  const message = issues.length > 0 ? `${error.message}: ${issues.join('; ')}` : error.message;
  return {
    status: errorRegistry[error.code].http,
    body: { code: RPC_CODE[error.code], message, details: [] },
  };
}

const CONTENT_TYPE: Readonly<Record<OtlpEncoding, string>> = {
  json: 'application/json; charset=utf-8',
  protobuf: 'application/x-protobuf',
};

/** An ExportMetricsServiceResponse as JSON or as binary protobuf (empty for a full success). */
export function encodeExportMetricsResponse(
  response: ExportMetricsServiceResponse,
  encoding: OtlpEncoding,
): EncodedOtlpBody {
  const contentType = CONTENT_TYPE[encoding];
  if (encoding === 'json') return { contentType, body: JSON.stringify(response) };
  const message = ExportResponseMessage.fromObject(response);
  return { contentType, body: ExportResponseMessage.encode(message).finish() };
}

/** A google.rpc.Status as JSON or as binary protobuf. */
export function encodeRpcStatus(status: RpcStatus, encoding: OtlpEncoding): EncodedOtlpBody {
  const contentType = CONTENT_TYPE[encoding];
  if (encoding === 'json') return { contentType, body: JSON.stringify(status) };
  // Runway never sends details, so there are no google.protobuf.Any payloads to pack.
  const message = RpcStatusMessage.fromObject({ code: status.code, message: status.message });
  return { contentType, body: RpcStatusMessage.encode(message).finish() };
}
