import type { ExperimentView } from '../../../shared/src/api-types';
import type { ErrorIssue } from '../../../shared/src/errors';
import { formatDuration } from '../../../shared/src/duration';
import type { CliError } from './cli-context';

export interface TableRow {
  cells: readonly string[];
  /** Lines printed under the row, indented (blocked reasons, notes). */
  notes?: readonly string[];
}

/** An aligned table: a header, then rows padded to the widest cell of each column. */
export function table(headers: readonly string[], rows: readonly TableRow[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row.cells[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const lines = [render(headers)];
  for (const row of rows) {
    lines.push(render(row.cells));
    for (const note of row.notes ?? []) lines.push(`    ${note}`);
  }
  return lines;
}

/** An instant in UTC, to the second: `2026-11-22 09:00:00 UTC`. */
export function formatUtc(atMs: number): string {
  const iso = new Date(atMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** An instant in UTC to the minute, with how far from now: `2026-11-22 11:00 UTC (in 2h)`. */
export function formatWhen(atMs: number, nowMs: number): string {
  const iso = new Date(atMs).toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const deltaMs = atMs - nowMs;
  if (Math.abs(deltaMs) < 60_000) return `${text} (now)`;
  const rough = formatDuration(Math.round(Math.abs(deltaMs) / 60_000) * 60_000);
  return deltaMs > 0 ? `${text} (in ${rough})` : `${text} (${rough} ago)`;
}

/**
 * The label for a reason under an experiment: a queued one is blocked from starting, an
 * active one is held at its stage.
 */
export function reasonLabel(state: string): string {
  return state === 'running' || state === 'paused' ? 'held' : 'blocked';
}

/** 25 -> "25%", 99.95 -> "99.95%", 55.000000001 -> "55%" (at most three decimals). */
export function formatPercentValue(value: number): string {
  return `${Number(value.toFixed(3))}%`;
}

/** "running, stage 2/3 (25%)" or just the state before an experiment starts. */
export function describeState(
  experiment: Pick<ExperimentView, 'state' | 'stageIndex' | 'stageCount' | 'exposurePercent'>,
): string {
  if (experiment.stageIndex < 0) return experiment.state;
  return `${experiment.state}, stage ${experiment.stageIndex + 1}/${experiment.stageCount} (${formatPercentValue(experiment.exposurePercent)})`;
}

export function stageCell(experiment: Pick<ExperimentView, 'stageIndex' | 'stageCount'>): string {
  return experiment.stageIndex < 0 ? '-' : `${experiment.stageIndex + 1}/${experiment.stageCount}`;
}

export function formatIssue(issue: ErrorIssue, prefix = ''): string {
  return `${prefix}${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** The JSON shape of every failure in --json mode. */
export function errorJson(error: CliError): {
  error: { code: string; message: string; issues: ErrorIssue[]; details?: Record<string, unknown> };
} {
  const details = Object.keys(error.details).length > 0 ? { details: { ...error.details } } : {};
  return {
    error: { code: error.code, message: error.message, issues: [...error.issues], ...details },
  };
}

/** Human form of a failure: the message, each issue on its own line, then what to do next. */
export function errorText(error: CliError): string {
  const lines = [`error: ${error.message}`];
  for (const issue of error.issues) lines.push(`  ${formatIssue(issue, error.issuePrefix)}`);
  if (error.hint) lines.push(error.hint);
  return `${lines.join('\n')}\n`;
}

export function plural(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}
