// `/runway …` text to a typed command, or to the usage line of what was meant. Pure, so every
// form and every mistake is tested without Slack.

import { parseDuration } from '../../shared/src/duration';
import { EXPERIMENT_STATES, type ExperimentState } from '../../shared/src/lifecycle';
import { EXPERIMENT_KEY_PATTERN } from '../../shared/src/spec/spec-schema';
import { parseDigestSchedule } from './digest-schedule-parser';
import type { DigestScope } from './digests/digest-scope';

export type RunwayCommand =
  | { kind: 'help' }
  | { kind: 'list'; states: ExperimentState[] | null; label: string | null }
  | { kind: 'status'; key: string }
  | { kind: 'why'; key: string }
  | { kind: 'pause'; key: string; reason: string }
  | { kind: 'resume'; key: string; reason: string | null }
  | { kind: 'rollback'; key: string; reason: string }
  | { kind: 'approve'; key: string; reason: string | null }
  | { kind: 'freeze'; service: string | null; untilMs: number; reason: string }
  | { kind: 'unfreeze'; service: string | null }
  | {
      kind: 'digest';
      cron: string;
      timeZone: string;
      description: string;
      /** One team's or service's experiments; null: the whole fleet. */
      scope: DigestScope | null;
    };

export type CommandName = Exclude<RunwayCommand['kind'], 'help'> | 'help';

export type ParseResult =
  | { ok: true; command: RunwayCommand }
  /** `name` is the command the text meant, when it named one: its usage is shown. */
  | { ok: false; problem: string; name: CommandName | null };

export const COMMAND_USAGE: Record<CommandName, string> = {
  list: '`/runway list [state]` the queue, or one state (queued, running, paused, … active, live)',
  status: '`/runway status KEY` state, stage, exposure and what blocks it',
  why: '`/runway why KEY` why a queued experiment has not started (or cannot ramp)',
  pause: '`/runway pause KEY reason…` hold a running experiment at its exposure',
  resume: '`/runway resume KEY [reason…]` resume a paused experiment at its stage',
  rollback: '`/runway rollback KEY reason…` roll back to control, with everything that requires it',
  approve: '`/runway approve KEY [reason…]` approve what waits for approval (not your own)',
  freeze:
    '`/runway freeze [service] until TIME reason…` stop starts and ramps (TIME: 2h, 18:00 UTC, 2026-12-01T18:00Z)',
  unfreeze: '`/runway unfreeze [service]` lift the freeze',
  digest:
    '`/runway digest here SCHEDULE [for team|service NAME]` post a digest to this channel (SCHEDULE: daily 09:00 [Europe/Berlin], weekdays 09:00, weekly mon 09:00, or a cron like "0 9 * * 1-5"); `… for team payments` keeps it to that team\'s experiments',
  help: '`/runway help` this list',
};

const STATE_GROUPS: Record<string, readonly ExperimentState[]> = {
  active: ['running', 'paused'],
  live: ['running', 'paused', 'completed'],
};

/** What `list` shows by default: everything that has not ended. */
export const OPEN_STATES: readonly ExperimentState[] = [
  'draft',
  'pending_approval',
  'queued',
  'running',
  'paused',
];

interface Token {
  text: string;
  start: number;
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((match) => ({ text: match[0], start: match.index }));
}

/** Slack escapes &, < and > in command text; reasons are stored as people typed them. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function parseRunwayCommand(rawText: string, nowMs: number): ParseResult {
  const text = unescapeSlack(rawText).trim();
  const tokens = tokenize(text);
  const rest = (index: number): string => {
    const token = tokens[index];
    return token ? text.slice(token.start).trim() : '';
  };
  const verb = tokens[0]?.text.toLowerCase();
  const fail = (name: CommandName | null, problem: string): ParseResult => ({
    ok: false,
    problem,
    name,
  });
  const keyAt = (name: CommandName): string | ParseResult => {
    const key = tokens[1]?.text;
    if (!key) return fail(name, `${name} needs an experiment key`);
    if (!EXPERIMENT_KEY_PATTERN.test(key))
      return fail(name, `"${key}" is not an experiment key (lowercase letters, digits and -)`);
    return key;
  };
  const ok = (command: RunwayCommand): ParseResult => ({ ok: true, command });

  switch (verb) {
    case undefined:
    case 'help':
      return ok({ kind: 'help' });
    case 'list': {
      const filter = tokens[1]?.text.toLowerCase();
      if (tokens.length > 2) return fail('list', 'list takes at most one state');
      if (!filter) return ok({ kind: 'list', states: null, label: null });
      const group = STATE_GROUPS[filter];
      if (group) return ok({ kind: 'list', states: [...group], label: filter });
      const state = EXPERIMENT_STATES.find((candidate) => candidate === filter.replace('-', '_'));
      if (!state)
        return fail(
          'list',
          `unknown state "${filter}"; states: ${EXPERIMENT_STATES.join(', ')}, active, live`,
        );
      return ok({ kind: 'list', states: [state], label: state });
    }
    case 'status':
    case 'why': {
      const key = keyAt(verb);
      if (typeof key !== 'string') return key;
      if (tokens.length > 2) return fail(verb, `${verb} takes one experiment key`);
      return ok({ kind: verb, key });
    }
    case 'pause':
    case 'rollback': {
      const key = keyAt(verb);
      if (typeof key !== 'string') return key;
      const reason = rest(2);
      if (!reason)
        return fail(verb, `${verb} needs a reason after the key (it goes in the audit log)`);
      return ok({ kind: verb, key, reason });
    }
    case 'resume':
    case 'approve': {
      const key = keyAt(verb);
      if (typeof key !== 'string') return key;
      return ok({ kind: verb, key, reason: rest(2) || null });
    }
    case 'freeze':
      return parseFreeze(tokens, rest, nowMs);
    case 'unfreeze': {
      if (tokens.length > 2) return fail('unfreeze', 'unfreeze takes at most a service name');
      return ok({ kind: 'unfreeze', service: tokens[1]?.text ?? null });
    }
    case 'digest': {
      if (tokens[1]?.text.toLowerCase() !== 'here')
        return fail(
          'digest',
          'say where: `digest here SCHEDULE [for team|service NAME]` posts to this channel',
        );
      const schedule = parseDigestSchedule(rest(2));
      if (!schedule.ok) return fail('digest', schedule.problem);
      return ok({ kind: 'digest', ...schedule.schedule });
    }
    default:
      return fail(null, `unknown command "${tokens[0]!.text}"`);
  }
}

function parseFreeze(tokens: Token[], rest: (index: number) => string, nowMs: number): ParseResult {
  const fail = (problem: string): ParseResult => ({ ok: false, problem, name: 'freeze' });
  const untilIndex = tokens.findIndex((token) => token.text.toLowerCase() === 'until');
  if (untilIndex === -1) return fail('freeze needs `until TIME`');
  if (untilIndex > 2) return fail('freeze takes at most one service before `until`');
  const service = untilIndex === 2 ? tokens[1]!.text : null;
  const timeText = tokens[untilIndex + 1]?.text;
  if (!timeText) return fail('freeze needs a time after `until`');
  const untilMs = parseFreezeTime(timeText, nowMs);
  if (untilMs === null)
    return fail(
      `"${timeText}" is not a time: use a duration (2h, 90m), a UTC time of day (18:00) or an ISO time (2026-12-01T18:00Z)`,
    );
  if (untilMs <= nowMs) return fail(`${timeText} is not in the future`);
  const reason = rest(untilIndex + 2);
  if (!reason) return fail('freeze needs a reason after the time (it goes in the audit log)');
  return { ok: true, command: { kind: 'freeze', service, untilMs, reason } };
}

const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)(?:utc|z)?$/i;
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A freeze end: a duration from now, the next occurrence of a UTC time of day (a freeze "until
 * 18:00" set at 19:00 means tomorrow), or an ISO instant (UTC unless it names an offset).
 */
export function parseFreezeTime(text: string, nowMs: number): number | null {
  const durationMs = parseDuration(text.startsWith('+') ? text.slice(1) : text);
  if (durationMs !== null && durationMs > 0) return nowMs + durationMs;
  const timeOfDay = TIME_OF_DAY.exec(text);
  if (timeOfDay) {
    const day = new Date(nowMs);
    const atMs = Date.UTC(
      day.getUTCFullYear(),
      day.getUTCMonth(),
      day.getUTCDate(),
      Number(timeOfDay[1]),
      Number(timeOfDay[2]),
    );
    return atMs > nowMs ? atMs : atMs + 86_400_000;
  }
  if (ISO_TIME.test(text)) {
    const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T');
    const atMs = Date.parse(hasZone || !text.includes('T') ? text : `${text}Z`);
    return Number.isNaN(atMs) ? null : atMs;
  }
  return null;
}
