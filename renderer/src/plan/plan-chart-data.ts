import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { Plan, PlanEntry } from '../../../server/src/scheduler/plan';
import { formatDuration } from '../../../shared/src/duration';
import { timeTicks } from '../charts/sli-chart-data';

// Pure shaping from the scheduler's what-if forecast (scheduler.plan) to a timeline Recharts
// draws as horizontal range bars: one row per experiment, from its expected start to its expected
// completion; those it cannot place in time are listed with the reason instead.

/**
 * - scheduled: queued (or awaiting approval) and expected to start and complete in the horizon;
 * - in_progress: running now, expected to complete (its actual start is not part of the plan);
 * - open_ended: expected to start, but not to complete within the horizon.
 */
export type PlanBarKind = 'scheduled' | 'in_progress' | 'open_ended';

export interface PlanBar {
  key: string;
  state: ExperimentState;
  kind: PlanBarKind;
  /** [start, end] in epoch ms: Recharts draws a bar whose value is a pair as a range. */
  span: [number, number];
  startMs: number;
  /** The expected completion, or the horizon's end for an open-ended bar. */
  endMs: number;
  assumptions: string[];
}

export interface UnforecastEntry {
  key: string;
  state: ExperimentState;
  reasons: string[];
  assumptions: string[];
}

export interface PlanTimeline {
  bars: PlanBar[];
  unforecast: UnforecastEntry[];
  nowMs: number;
  horizonEndMs: number;
  /** The time axis: from now to a little after the last bar ends. */
  domain: [number, number];
  ticks: number[];
  truncated: boolean;
}

const DOMAIN_PAD = 0.03;
const EMPTY_SPAN_MS = 3_600_000;

function toBar(entry: PlanEntry, nowMs: number, horizonEndMs: number): PlanBar | null {
  const complete = entry.expectedCompleteMs;
  let kind: PlanBarKind;
  let startMs: number;
  if (entry.expectedStartMs !== null) {
    startMs = entry.expectedStartMs;
    kind = complete === null ? 'open_ended' : 'scheduled';
  } else if (complete !== null) {
    startMs = nowMs;
    kind = 'in_progress';
  } else return null;
  const endMs = Math.max(startMs, complete ?? horizonEndMs);
  const { key, state, assumptions } = entry;
  return { key, state, kind, span: [startMs, endMs], startMs, endMs, assumptions };
}

/** Why an entry has no place on the timeline, in the scheduler's own words where it has some. */
export function unforecastReasons(entry: PlanEntry, horizonMs: number): string[] {
  const held = entry.state === 'running' || entry.state === 'paused';
  if (entry.blockedReasons.length > 0)
    return entry.blockedReasons.map((reason) => `${held ? 'held' : 'waits'}: ${reason.message}`);
  if (entry.state === 'paused') return ['paused: it stays where it is until someone resumes it'];
  const within = formatSpan(horizonMs);
  return held
    ? [`does not complete within the forecast's ${within}`]
    : [`does not start within the forecast's ${within}`];
}

/** The plan as a timeline: bars by expected start, the entries it cannot place listed. */
export function planTimeline(plan: Plan): PlanTimeline {
  const nowMs = plan.generatedAtMs;
  const horizonEndMs = nowMs + plan.horizonMs;
  const bars: PlanBar[] = [];
  const unforecast: UnforecastEntry[] = [];
  for (const entry of plan.entries) {
    const bar = toBar(entry, nowMs, horizonEndMs);
    if (bar) bars.push(bar);
    else
      unforecast.push({
        key: entry.key,
        state: entry.state,
        reasons: unforecastReasons(entry, plan.horizonMs),
        assumptions: entry.assumptions,
      });
  }
  // Running experiments start at now: they lead, then the rest by expected start.
  bars.sort((a, b) => a.startMs - b.startMs || a.key.localeCompare(b.key));
  const lastEndMs = Math.max(nowMs, ...bars.map((bar) => bar.endMs));
  const spanMs = lastEndMs > nowMs ? lastEndMs - nowMs : EMPTY_SPAN_MS;
  const domain: [number, number] = [nowMs, nowMs + spanMs * (1 + DOMAIN_PAD)];
  return {
    bars,
    unforecast,
    nowMs,
    horizonEndMs,
    domain,
    ticks: timeTicks(domain[0], domain[1]),
    truncated: plan.truncated,
  };
}

/** Roughly the width of a character of the axis' 12px labels. */
const LABEL_CHAR_PX = 7;

/** Room for the longest key beside the bars, within bounds so the bars keep most of the width. */
export function keyAxisWidth(bars: ReadonlyArray<Pick<PlanBar, 'key'>>): number {
  const longest = Math.max(0, ...bars.map((bar) => bar.key.length));
  return Math.min(320, Math.max(96, longest * LABEL_CHAR_PX + 16));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Dec 1": a UTC date. */
export function formatDay(atMs: number): string {
  const at = new Date(atMs);
  return `${MONTHS[at.getUTCMonth()]} ${at.getUTCDate()}`;
}

/** "Dec 1 18:00 UTC" — the date left out when it is the same UTC day as `nowMs`. */
export function formatPlanTime(atMs: number, nowMs: number): string {
  const time = new Date(atMs).toISOString().slice(11, 16);
  const sameDay =
    new Date(atMs).toISOString().slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10);
  return sameDay ? `${time} UTC` : `${formatDay(atMs)} ${time} UTC`;
}

/** An axis tick: dates for day steps, times within a day, both where the axis spans days. */
export function formatPlanTick(
  atMs: number,
  stepMs: number,
  domain: readonly [number, number],
): string {
  if (stepMs >= 86_400_000) return formatDay(atMs);
  const time = new Date(atMs).toISOString().slice(11, 16);
  const spansDays =
    new Date(domain[0]).toISOString().slice(0, 10) !==
    new Date(domain[1]).toISOString().slice(0, 10);
  return spansDays && time === '00:00' ? formatDay(atMs) : time;
}

/** "2h30m", "3d4h": a length of time, to the minute. */
export function formatSpan(ms: number): string {
  return ms < 60_000 ? 'under a minute' : formatDuration(Math.round(ms / 60_000) * 60_000);
}
