// `digest here SCHEDULE [for team|service NAME]`: the words people type to a five-field cron
// expression, a time zone and whose experiments the digest is about, which is what the digests
// side stores (DigestScheduler.schedule).

import { isTimeZone } from './digests/digest-schedule';
import type { DigestScope } from './digests/digest-scope';

export interface DigestSchedule {
  cron: string;
  timeZone: string;
  /** The schedule in words, for the confirmation. */
  description: string;
  /** One team's or service's experiments; null: the whole fleet. */
  scope: DigestScope | null;
}

export type DigestScheduleResult =
  { ok: true; schedule: DigestSchedule } | { ok: false; problem: string };

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const CRON_FIELD = /^[\d*,/-]+$|^[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*$/i;
const QUOTES = /[“”"']/g;
const SCOPE_USAGE = 'end with `for team NAME` or `for service NAME`';
const SCOPE_EXAMPLE = { team: 'payments', service: 'checkout' } as const;
/** Team and service names in specs have at most 100 characters. */
const SCOPE_NAME_MAX = 100;

function looksLikeTimeZone(word: string): boolean {
  return /[A-Za-z]/.test(word) && (word.includes('/') || /^utc$/i.test(word));
}

/**
 * Splits `SCHEDULE [TZ] for team|service NAME` at its first `for` (no schedule word is "for").
 * Names are taken as typed: team and service names in specs are matched exactly.
 */
function splitScope(
  text: string,
): { ok: true; scheduleText: string; scope: DigestScope | null } | { ok: false; problem: string } {
  const marker = /(?:^|\s)for(?:\s|$)/i.exec(text);
  if (!marker) return { ok: true, scheduleText: text, scope: null };
  const scheduleText = text.slice(0, marker.index).trim();
  const words = text
    .slice(marker.index + marker[0].length)
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const kindWord = words[0];
  if (!kindWord) return { ok: false, problem: `say whose digest after "for": ${SCOPE_USAGE}` };
  const kind = kindWord.toLowerCase();
  if (kind !== 'team' && kind !== 'service')
    return { ok: false, problem: `"${kindWord}" is not a digest scope: ${SCOPE_USAGE}` };
  if (!scheduleText)
    return {
      ok: false,
      problem: `put the schedule before "for": digest here daily 09:00 for ${kind} ${SCOPE_EXAMPLE[kind]}`,
    };
  const nameWords = words.slice(1);
  const last = nameWords.at(-1);
  if (nameWords.length > 1 && last && looksLikeTimeZone(last) && isTimeZone(last))
    return {
      ok: false,
      problem: `put the time zone before "for": digest here ${scheduleText} ${last} for ${kind} ${nameWords.slice(0, -1).join(' ')}`,
    };
  const name = nameWords
    .join(' ')
    .replace(/^[“”"']+|[“”"']+$/g, '')
    .trim();
  if (!name)
    return {
      ok: false,
      problem: `for ${kind} needs a ${kind} name, like for ${kind} ${SCOPE_EXAMPLE[kind]}`,
    };
  if (name.length > SCOPE_NAME_MAX)
    return { ok: false, problem: `a ${kind} name has at most ${SCOPE_NAME_MAX} characters` };
  return { ok: true, scheduleText, scope: { kind, name } };
}

export function parseDigestSchedule(text: string): DigestScheduleResult {
  const split = splitScope(text.trim());
  if (!split.ok) return split;
  const { scope } = split;
  const words = split.scheduleText.replace(QUOTES, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { ok: false, problem: 'digest here needs a schedule' };
  // An optional IANA zone at the end; without one the schedule is in UTC.
  let timeZone = 'UTC';
  const last = words.at(-1)!;
  if (words.length > 1 && looksLikeTimeZone(last)) {
    if (!isTimeZone(last))
      return {
        ok: false,
        problem: `unknown time zone "${last}" (use an IANA name like Europe/Berlin)`,
      };
    timeZone = /^utc$/i.test(last) ? 'UTC' : last;
    words.pop();
  }
  const first = words[0]!.toLowerCase();
  const at = (word: string | undefined): { hour: number; minute: number } | null => {
    const match = word ? TIME.exec(word) : null;
    return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
  };
  const done = (cron: string, words: string): DigestScheduleResult => ({
    ok: true,
    schedule: { cron, timeZone, description: `${words} (${timeZone})`, scope },
  });
  if ((first === 'daily' || first === 'weekdays') && words.length === 2) {
    const time = at(words[1]);
    if (!time) return { ok: false, problem: `"${words[1]}" is not a time of day like 09:00` };
    const days = first === 'daily' ? '*' : '1-5';
    return done(`${time.minute} ${time.hour} * * ${days}`, `${first} at ${words[1]}`);
  }
  if (first === 'weekly' && words.length === 3) {
    const day = DAYS.indexOf(words[1]!.toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
    const time = at(words[2]);
    if (day === -1) return { ok: false, problem: `"${words[1]}" is not a day of the week` };
    if (!time) return { ok: false, problem: `"${words[2]}" is not a time of day like 09:00` };
    return done(`${time.minute} ${time.hour} * * ${day}`, `every ${DAYS[day]} at ${words[2]}`);
  }
  if (words.length === 5 && words.every((word) => CRON_FIELD.test(word))) {
    const cron = words.join(' ');
    return done(cron, `cron ${cron}`);
  }
  return {
    ok: false,
    problem: `"${split.scheduleText}" is not a schedule: try daily 09:00, weekdays 09:00 Europe/Berlin, weekly mon 09:00, or a cron like 0 9 * * 1-5`,
  };
}
