import { formatDuration } from '../../../shared/src/duration';

/** An instant as people read it in the console: UTC, like every time Runway prints. */
export function formatAt(atMs: number): string {
  const iso = new Date(atMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function formatHold(holdMs: number): string {
  return formatDuration(holdMs);
}

/** "1h30m ago"; "just now" under a second. */
export function formatAgo(atMs: number, nowMs: number): string {
  const elapsed = nowMs - atMs;
  return elapsed < 1_000 ? 'just now' : `${formatDuration(elapsed)} ago`;
}

/** A guardrail's bounds as the spec writes them: "max 0.02", "maxRelative +10%". */
export function formatGuardrailBounds(guardrail: {
  max?: number;
  min?: number;
  maxRelative?: number;
  minRelative?: number;
}): string {
  const parts: string[] = [];
  if (guardrail.max !== undefined) parts.push(`max ${guardrail.max}`);
  if (guardrail.min !== undefined) parts.push(`min ${guardrail.min}`);
  const relative = (value: number): string =>
    `${value >= 0 ? '+' : ''}${Number((value * 100).toFixed(2))}% vs control`;
  if (guardrail.maxRelative !== undefined) parts.push(`at most ${relative(guardrail.maxRelative)}`);
  if (guardrail.minRelative !== undefined)
    parts.push(`at least ${relative(guardrail.minRelative)}`);
  return parts.join(', ');
}
