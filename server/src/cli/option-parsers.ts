import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../../../shared/src/duration';
import { EXPERIMENT_STATES, type ExperimentState } from '../../../shared/src/lifecycle';

// Option values are checked while commander parses, so a bad value is a usage error (exit 2).

export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (
      !/^\d+$/.test(value.trim()) ||
      !Number.isSafeInteger(number) ||
      number < min ||
      number > max
    ) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

/** "--max 3" or "--max none" (no cap). */
export function capOption(value: string): number | null {
  if (value.trim().toLowerCase() === 'none') return null;
  return integerOption(0, 1_000_000)(value);
}

/** A fraction written as 0.42 or 42%. */
export function fractionOption(
  options: { min?: number; max?: number } = {},
): (value: string) => number {
  const min = options.min ?? 0;
  const max = options.max ?? 1;
  return (value) => {
    const text = value.trim();
    const number = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
    if (text === '' || !Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a fraction from ${min} to ${max}, like 0.42 or 42%`);
    }
    return number;
  };
}

export function positiveNumberOption(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0)
    throw new InvalidArgumentError('expected a number of 0 or more');
  return number;
}

export function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null || ms <= 0)
    throw new InvalidArgumentError('expected a duration like 30m, 2h, 28d');
  return ms;
}

/** States as a comma-separated list; the option may also be repeated. */
export function statesOption(value: string, previous: ExperimentState[] = []): ExperimentState[] {
  const states = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const state of states) {
    if (!(EXPERIMENT_STATES as readonly string[]).includes(state)) {
      throw new InvalidArgumentError(
        `unknown state "${state}" (states: ${EXPERIMENT_STATES.join(', ')})`,
      );
    }
  }
  return [...previous, ...(states as ExperimentState[])];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * An instant: ISO 8601 (UTC unless it names an offset) or a duration from now ("2h", "+90m").
 * Returns a function of now, so the instant is fixed when the command runs.
 */
export function timeOption(value: string): (nowMs: number) => number {
  const text = value.trim();
  const relative = parseDuration(text.startsWith('+') ? text.slice(1) : text);
  if (relative !== null) return (nowMs) => nowMs + relative;
  const match = ISO_DATE.exec(text);
  if (match) {
    const withZone = match[1] && !match[4] ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T');
    const atMs = Date.parse(withZone);
    if (!Number.isNaN(atMs)) return () => atMs;
  }
  throw new InvalidArgumentError(
    'expected an ISO 8601 time (2026-12-01T18:00Z, UTC unless an offset is given) or a duration from now (2h, 30m, 1d)',
  );
}
