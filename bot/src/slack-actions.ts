// The contract between messages that carry Runway buttons (pages, digests, command answers) and
// the handlers in actions/. Anyone who posts a Runway button builds it with these ids and value
// encoders (or, simpler, with the button builders in block-kit.ts: pauseButton, rollbackButton,
// pageAckButton, openInConsoleButton, experimentButtons); the handlers parse the value back with
// the matching parser.
//
// A button value carries NO authority: it only names what the button is about. The handler
// resolves the clicking Slack user to a Runway user, checks that user's role, and calls the
// service as that user, with the version in the value as the expected version (so a click on a
// stale message is refused with a conflict rather than acting on a newer state).

import { createHash } from 'node:crypto';
import { EXPERIMENT_KEY_PATTERN } from '../../shared/src/spec/spec-schema';

/** Action ids Runway's handlers understand. Values are JSON, at most 2,000 characters (Slack's limit). */
export const SLACK_ACTION_IDS = {
  /** Acknowledge a page. Value: {"pageId": number}. */
  pageAck: 'runway.page.ack',
  /** Pause an experiment. Value: {"key": string, "version": number}. */
  pause: 'runway.experiment.pause',
  /**
   * Roll back an experiment. Value: {"key": string, "version": number}. When the rollback would
   * cascade to other experiments the handler answers with the blast radius and a confirm button
   * instead of acting.
   */
  rollback: 'runway.experiment.rollback',
  /**
   * Roll back after the blast radius was shown. Value: {"key", "version", "reason"?, "radius"?}:
   * `radius` fingerprints the experiments the confirmation listed (blastRadiusFingerprint); if
   * the blast radius has changed since, the handler shows the new one instead of acting.
   */
  rollbackConfirm: 'runway.experiment.rollback.confirm',
  /** A link button (`url` set) to the console; the handler only acknowledges. Any value. */
  openConsole: 'runway.console.open',
} as const;

export type SlackActionId = (typeof SLACK_ACTION_IDS)[keyof typeof SLACK_ACTION_IDS];

export interface PageActionValue {
  pageId: number;
}

export interface ExperimentActionValue {
  key: string;
  version: number;
  /** Only on rollback confirm buttons: the reason the person typed with `/runway rollback`. */
  reason?: string;
  /** Only on rollback confirm buttons: blastRadiusFingerprint of what the confirmation listed. */
  radius?: string;
}

/** Slack rejects a button value longer than this. */
const MAX_VALUE_CHARS = 2_000;

export function encodePageValue(value: PageActionValue): string {
  return JSON.stringify({ pageId: value.pageId });
}

export function encodeExperimentValue(value: ExperimentActionValue): string {
  const base = {
    key: value.key,
    version: value.version,
    ...(value.radius ? { radius: value.radius } : {}),
  };
  if (value.reason === undefined) return JSON.stringify(base);
  // Trim an overlong reason rather than produce a button Slack refuses: the longest prefix
  // whose JSON (escaping can double a character) still fits.
  const encode = (length: number): string => {
    // Never cut a surrogate pair in half: the audit log refuses a lone surrogate.
    const reason = value.reason!.slice(0, length).replace(/[\uD800-\uDBFF]$/, '');
    return JSON.stringify({ ...base, reason });
  };
  let fits = 0;
  let tooLong = value.reason.length + 1;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (encode(middle).length <= MAX_VALUE_CHARS) fits = middle;
    else tooLong = middle;
  }
  return encode(fits);
}

function parseJsonObject(raw: string | undefined): Record<string, unknown> | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** null when the value is not a page button value (a forged or foreign click). */
export function parsePageValue(raw: string | undefined): PageActionValue | null {
  const value = parseJsonObject(raw);
  const pageId = value?.pageId;
  return typeof pageId === 'number' && Number.isSafeInteger(pageId) && pageId > 0
    ? { pageId }
    : null;
}

/** null when the value is not an experiment button value. */
export function parseExperimentValue(raw: string | undefined): ExperimentActionValue | null {
  const value = parseJsonObject(raw);
  if (!value) return null;
  const { key, version, reason, radius } = value;
  if (typeof key !== 'string' || !EXPERIMENT_KEY_PATTERN.test(key)) return null;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
  if (reason !== undefined && typeof reason !== 'string') return null;
  if (radius !== undefined && (typeof radius !== 'string' || !/^[0-9a-f]{1,64}$/.test(radius)))
    return null;
  return {
    key,
    version,
    ...(reason !== undefined ? { reason } : {}),
    ...(radius !== undefined ? { radius } : {}),
  };
}

/** A short, order-independent fingerprint of the experiments a rollback would take down. */
export function blastRadiusFingerprint(keys: readonly string[]): string {
  return createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}
