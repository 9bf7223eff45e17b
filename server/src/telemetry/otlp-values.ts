// Readers for the scalar encodings of OTLP/JSON (the protobuf JSON mapping): 64-bit integers
// arrive as decimal strings (some senders use numbers), doubles as numbers or as the strings
// "NaN" / "Infinity" / "-Infinity", attribute values as AnyValue objects.

/** A reader's answer: the value, or a sentence saying what is wrong with the input. */
export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = <T>(problem: string): Read<T> => ({ ok: false, problem });

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NANOS_PER_MS = 1_000_000n;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Protobuf JSON writes a default value as absent or null; both mean "not set". */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function readInteger(raw: unknown): Read<bigint> {
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) return ok(BigInt(raw));
  if (typeof raw === 'number' && Number.isInteger(raw)) return ok(BigInt(raw));
  return fail(`must be an integer (a decimal string or a number), got ${describe(raw)}`);
}

/** fixed64 / uint64: counts and timestamps. */
export function readUint64(raw: unknown): Read<bigint> {
  const read = readInteger(raw);
  if (!read.ok) return read;
  if (read.value < 0n) return fail(`must not be negative, got ${read.value}`);
  if (read.value > UINT64_MAX) return fail('is out of range for a 64-bit unsigned integer');
  return read;
}

/** sfixed64 / int64: NumberDataPoint.asInt, AnyValue.intValue. */
export function readInt64(raw: unknown): Read<bigint> {
  const read = readInteger(raw);
  if (!read.ok) return read;
  if (read.value < INT64_MIN || read.value > INT64_MAX) {
    return fail('is out of range for a 64-bit integer');
  }
  return read;
}

/** A double that Runway can aggregate: NaN and the infinities are refused. */
export function readFiniteDouble(raw: unknown): Read<number> {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity') value = Number(raw);
  else if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) {
    value = Number(raw);
  } else return fail(`must be a number, got ${describe(raw)}`);
  if (!Number.isFinite(value)) return fail(`must be a finite number, got ${String(value)}`);
  return ok(value);
}

/** Nanoseconds since the epoch to whole milliseconds, exactly (BigInt, not float division). */
export function nanosToMs(nanos: bigint): number {
  return Number(nanos / NANOS_PER_MS);
}

/** An attribute value as Runway keeps it: its text, and whether the sender sent a string. */
export interface AttributeValue {
  readonly text: string;
  readonly isString: boolean;
}

/** Reads an AnyValue. Arrays and key-value lists become JSON text, bytes stay base64. */
export function readAnyValue(raw: unknown): Read<AttributeValue> {
  if (isAbsent(raw)) return ok({ text: '', isString: false });
  if (!isRecord(raw)) return fail(`must be an AnyValue object, got ${describe(raw)}`);
  const text = anyValueText(raw);
  if (!text.ok) return text;
  return ok({ text: text.value, isString: typeof raw.stringValue === 'string' });
}

function anyValueText(raw: Record<string, unknown>): Read<string> {
  const json = anyValueJson(raw);
  if (!json.ok) return json;
  return ok(typeof json.value === 'string' ? json.value : JSON.stringify(json.value));
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function anyValueJson(raw: Record<string, unknown>): Read<Json> {
  if (!isAbsent(raw.stringValue)) {
    return typeof raw.stringValue === 'string'
      ? ok(raw.stringValue)
      : fail(`stringValue must be a string, got ${describe(raw.stringValue)}`);
  }
  if (!isAbsent(raw.boolValue)) {
    return typeof raw.boolValue === 'boolean'
      ? ok(raw.boolValue)
      : fail(`boolValue must be a boolean, got ${describe(raw.boolValue)}`);
  }
  if (!isAbsent(raw.intValue)) {
    const read = readInt64(raw.intValue);
    return read.ok ? ok(read.value.toString()) : fail(`intValue ${read.problem}`);
  }
  if (!isAbsent(raw.doubleValue)) {
    const read = readFiniteDouble(raw.doubleValue);
    return read.ok ? ok(read.value) : fail(`doubleValue ${read.problem}`);
  }
  if (!isAbsent(raw.bytesValue)) {
    return typeof raw.bytesValue === 'string'
      ? ok(raw.bytesValue)
      : fail(`bytesValue must be a base64 string, got ${describe(raw.bytesValue)}`);
  }
  if (!isAbsent(raw.arrayValue)) return arrayJson(raw.arrayValue);
  if (!isAbsent(raw.kvlistValue)) return kvlistJson(raw.kvlistValue);
  return ok('');
}

function arrayJson(raw: unknown): Read<Json> {
  const values = isRecord(raw) ? (raw.values ?? []) : undefined;
  if (!Array.isArray(values)) return fail('arrayValue must be { values: AnyValue[] }');
  const items: Json[] = [];
  for (const value of values) {
    if (!isRecord(value)) return fail('arrayValue.values must hold AnyValue objects');
    const item = anyValueJson(value);
    if (!item.ok) return item;
    items.push(item.value);
  }
  return ok(items);
}

function kvlistJson(raw: unknown): Read<Json> {
  const values = isRecord(raw) ? (raw.values ?? []) : undefined;
  if (!Array.isArray(values)) return fail('kvlistValue must be { values: KeyValue[] }');
  const entries: Record<string, Json> = {};
  for (const entry of values) {
    if (!isRecord(entry) || typeof entry.key !== 'string') {
      return fail('kvlistValue.values must hold { key, value } objects');
    }
    const value = isRecord(entry.value) ? anyValueJson(entry.value) : ok<Json>('');
    if (!value.ok) return value;
    entries[entry.key] = value.value;
  }
  return ok(entries);
}

/** A short rendering of an unexpected input for messages: its type, or the value if small. */
export function describe(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'object') return 'an object';
  const text = JSON.stringify(raw);
  return text.length > 40 ? `a ${typeof raw}` : text;
}

/** A KeyValue list that could not be read: what is wrong, and where below the list's own path. */
export interface AttributesProblem {
  readonly ok: false;
  readonly problem: string;
  /** A path suffix such as `[2].value`; empty when the list itself is wrong. */
  readonly at: string;
}

/** Reads a KeyValue list. Later duplicates win, as the OTLP spec lets receivers choose. */
export function readAttributes(
  raw: unknown,
): { ok: true; value: Map<string, AttributeValue> } | AttributesProblem {
  const attributes = new Map<string, AttributeValue>();
  if (isAbsent(raw)) return { ok: true, value: attributes };
  if (!Array.isArray(raw)) {
    return {
      ok: false,
      at: '',
      problem: `must be an array of { key, value }, got ${describe(raw)}`,
    };
  }
  for (const [index, entry] of raw.entries()) {
    if (!isRecord(entry)) {
      return { ok: false, at: `[${index}]`, problem: 'must be a { key, value } object' };
    }
    if (typeof entry.key !== 'string') {
      const problem = `must be a string, got ${describe(entry.key)}`;
      return { ok: false, at: `[${index}].key`, problem };
    }
    const value = readAnyValue(entry.value);
    if (!value.ok) return { ok: false, at: `[${index}].value`, problem: value.problem };
    attributes.set(entry.key, value.value);
  }
  return { ok: true, value: attributes };
}
