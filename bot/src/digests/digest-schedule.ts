// When a channel's digest is due: a five-field cron expression read in an IANA time zone
// (croner does the calendar and daylight-saving arithmetic through Intl). Pure: slots are
// computed from the expression and an instant, never from the wall clock.

import { Cron } from 'croner';

/** Digests more often than this would drown a channel; a schedule that does is refused. */
export const MIN_DIGEST_INTERVAL_MS = 15 * 60_000;

export interface DigestCron {
  cron: string;
  timeZone: string;
}

export type DigestCronCheck =
  { ok: true; cron: string; timeZone: string } | { ok: false; problem: string };

function compile(schedule: DigestCron): Cron {
  // paused: this Cron only computes instants; it never starts a timer.
  return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
}

/** True for a zone name this runtime knows (IANA, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Validates a schedule as stored: five fields, a known zone, and not more often than every 15 min. */
export function checkDigestCron(schedule: DigestCron, nowMs: number): DigestCronCheck {
  const cron = schedule.cron.trim().replace(/\s+/g, ' ');
  const timeZone = schedule.timeZone.trim();
  if (cron.split(' ').length !== 5) {
    return {
      ok: false,
      problem: `"${schedule.cron}" is not a five-field cron expression (minute hour day month weekday)`,
    };
  }
  if (!isTimeZone(timeZone)) {
    return {
      ok: false,
      problem: `unknown time zone "${timeZone}" (use an IANA name like Europe/Berlin)`,
    };
  }
  let runs: Date[];
  try {
    runs = compile({ cron, timeZone }).nextRuns(3, new Date(nowMs));
  } catch (error) {
    return { ok: false, problem: `"${cron}": ${(error as Error).message}` };
  }
  if (runs.length === 0) return { ok: false, problem: `"${cron}" never fires` };
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_DIGEST_INTERVAL_MS) {
      return {
        ok: false,
        problem: `"${cron}" fires more often than every ${MIN_DIGEST_INTERVAL_MS / 60_000} minutes`,
      };
    }
  }
  return { ok: true, cron, timeZone };
}

/** The latest slot at or before `nowMs`, or null if the schedule never fired before it. */
export function latestSlotAtOrBefore(schedule: DigestCron, nowMs: number): number | null {
  // croner's previousRuns excludes the reference second itself, so ask from the next second.
  const reference = Math.floor(nowMs / 1000) * 1000 + 1000;
  const [previous] = compile(schedule).previousRuns(1, new Date(reference));
  if (!previous) return null;
  const slot = previous.getTime();
  return slot <= nowMs ? slot : null;
}

/** The first slot strictly after `afterMs`, or null if there is none. */
export function nextSlotAfter(schedule: DigestCron, afterMs: number): number | null {
  return compile(schedule).nextRun(new Date(afterMs))?.getTime() ?? null;
}

/**
 * The slot to post now, if any: the latest one due, provided it is later than both the last slot
 * already claimed and the schedule's creation. Only the latest counts: after downtime the
 * channel gets one catch-up digest (covering the whole gap), never one per missed slot.
 */
export function dueSlot(
  schedule: DigestCron & { createdAtMs: number; lastClaimedSlotMs: number | null },
  nowMs: number,
): number | null {
  const slot = latestSlotAtOrBefore(schedule, nowMs);
  if (slot === null || slot <= schedule.createdAtMs) return null;
  if (schedule.lastClaimedSlotMs !== null && slot <= schedule.lastClaimedSlotMs) return null;
  return slot;
}
