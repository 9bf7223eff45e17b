// `digest here SCHEDULE`: the words people type to a five-field cron expression and a time zone,
// which is what the digests side stores (DigestScheduler.schedule).

export interface DigestSchedule {
  cron: string;
  timeZone: string;
  /** The schedule in words, for the confirmation. */
  description: string;
}

export type DigestScheduleResult =
  { ok: true; schedule: DigestSchedule } | { ok: false; problem: string };

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const CRON_FIELD = /^[\d*,/-]+$|^[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*$/i;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseDigestSchedule(text: string): DigestScheduleResult {
  const words = text
    .replace(/[“”"']/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return { ok: false, problem: 'digest here needs a schedule' };
  // An optional IANA zone at the end; without one the schedule is in UTC.
  let timeZone = 'UTC';
  const last = words.at(-1)!;
  if (words.length > 1 && /[A-Za-z]/.test(last) && (last.includes('/') || /^utc$/i.test(last))) {
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
    schedule: { cron, timeZone, description: `${words} (${timeZone})` },
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
    problem: `"${text.trim()}" is not a schedule: try daily 09:00, weekdays 09:00 Europe/Berlin, weekly mon 09:00, or a cron like 0 9 * * 1-5`,
  };
}
