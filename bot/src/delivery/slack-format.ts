// Small text formatters shared by the page and digest messages.

import type { ExperimentState } from '../../../shared/src/lifecycle';
import { stateLabel as stateWords } from '../../../shared/src/state-label';
import type { Block } from '../block-kit';

/** A message as posted: `text` is what notifications and screen readers show, `blocks` the rest. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/**
 * An instant Slack renders in each reader's own time zone; the fallback (UTC) shows where the
 * date token is not supported (notifications, old clients).
 */
export function slackDate(atMs: number): string {
  const seconds = Math.floor(atMs / 1000);
  const fallback = `${new Date(atMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^{date_short_pretty} {time}|${fallback}>`;
}

/** Four significant digits, as the guardrail engine writes its reasons; `n/a` for none. */
export function formatNumber(value: number | null): string {
  if (value === null) return 'n/a';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toPrecision(4);
}

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** "running, stage 2/3 at 25%", "rolled back". */
export function stateLabel(experiment: {
  state: ExperimentState;
  stageIndex: number;
  stageCount: number;
  exposurePercent: number;
}): string {
  const words = stateWords(experiment.state);
  if (experiment.state !== 'running' && experiment.state !== 'paused') return words;
  return `${words}, stage ${experiment.stageIndex + 1}/${experiment.stageCount} at ${experiment.exposurePercent}%`;
}

/** `runway://experiment/KEY`: opens the experiment in the desktop console (electron/src/deep-link.ts). */
export function experimentDeepLink(key: string): string {
  return `runway://experiment/${encodeURIComponent(key)}`;
}
