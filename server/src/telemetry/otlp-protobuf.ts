import { RunwayError } from '../../../shared/src/errors';
import { parseOtlpMetricsJson, type OtlpParseOptions, type OtlpParseResult } from './otlp-json';
import { ExportRequestMessage } from './otlp-protobuf-schema';

// OTLP/HTTP binary protobuf metrics → Runway's MetricPoints. The decoded message is turned into
// the object OTLP/JSON would have carried (the protobuf JSON mapping's shape: lowerCamelCase
// names, 64-bit integers as decimal strings, enums as numbers, bytes as base64, defaults left
// out) and judged by the JSON parser, so both encodings share one set of rules and messages.

/** How protobufjs turns a decoded message into the OTLP/JSON shape. */
const AS_OTLP_JSON = {
  longs: String,
  bytes: String,
  defaults: false,
  arrays: false,
  objects: false,
  oneofs: false,
} as const;

/**
 * Decodes an ExportMetricsServiceRequest into its OTLP/JSON object. Throws RunwayError
 * BAD_REQUEST when the bytes are not a well-formed protobuf message of that type.
 */
export function decodeOtlpMetricsProtobuf(body: Uint8Array): Record<string, unknown> {
  let message;
  try {
    message = ExportRequestMessage.decode(body);
  } catch (error) {
    // protobufjs throws plain Errors and RangeErrors (truncated input, bad wire types, nesting
    // past protoc's limit of 100); each means the same thing to the sender.
    throw new RunwayError('BAD_REQUEST', 'The body is not a valid OTLP protobuf metrics request', {
      issues: [{ path: '', message: (error as Error).message }],
    });
  }
  return ExportRequestMessage.toObject(message, AS_OTLP_JSON);
}

/** Parses a binary protobuf ExportMetricsServiceRequest; errors as parseOtlpMetricsJson's. */
export function parseOtlpMetricsProtobuf(
  body: Uint8Array,
  options: OtlpParseOptions = {},
): OtlpParseResult {
  return parseOtlpMetricsJson(decodeOtlpMetricsProtobuf(body), options);
}
