// A channel's digest as a Slack message, from plain data: what changed since the last digest
// (started, ramped, completed, paused, rolled back), what is waiting and why, the error budgets,
// and the pages nobody has acknowledged; of the whole fleet, or of one team's or service's
// experiments, which the heading names. Long lists are cut with a count of the rest, so a busy
// fleet still fits Slack's limits (3,000 characters a section, 50 blocks a message).

import type { PageKind } from '../../../shared/src/api-types';
import { context, escapeMrkdwn, section, type Block } from '../block-kit';
import { slackDate, type SlackMessage } from '../delivery/slack-format';
import { digestScopeLabel, type DigestScope } from './digest-scope';

export interface DigestChange {
  key: string;
  atMs: number;
  actor: string;
  /** "stage 2 at 25%", a rollback's reason; null when there is nothing to add. */
  detail: string | null;
}

export interface DigestData {
  slotAtMs: number;
  /** The digest covers [sinceMs, slotAtMs). */
  sinceMs: number;
  timeZone: string;
  /**
   * One team's or service's experiments: every list below holds only theirs, and the budgets are
   * the service's (for a team, those of the services its listed and active experiments run in).
   * null: the whole fleet.
   */
  scope: DigestScope | null;
  started: DigestChange[];
  ramped: DigestChange[];
  completed: DigestChange[];
  paused: DigestChange[];
  rolledBack: DigestChange[];
  /** Queued or awaiting approval, with every reason it cannot start. */
  waiting: Array<{ key: string; state: string; reasons: string[] }>;
  budgets: Array<{
    service: string;
    remainingFraction: number | null;
    burnRate: number | null;
    blocking: boolean;
  }>;
  openPages: Array<{
    id: number;
    kind: PageKind;
    experimentKey: string;
    summary: string;
    raisedAtMs: number;
  }>;
  counts: { running: number; paused: number; queued: number };
  consoleBaseUrl: string;
}

/** Items listed per section; the rest are counted. */
const LIST_LIMIT = 10;

export function buildDigestMessage(data: DigestData): SlackMessage {
  const scope = data.scope ? escapeMrkdwn(digestScopeLabel(data.scope)) : null;
  const title = scope ? `Runway digest: ${scope}` : 'Runway digest';
  const ofScope = scope ? ` of ${scope}` : '';
  const blocks: Block[] = [
    section(
      `:newspaper: *${title}* for ${slackDate(data.slotAtMs)} (${escapeMrkdwn(data.timeZone)}), covering since ${slackDate(data.sinceMs)}\n` +
        `${data.counts.running} running · ${data.counts.paused} paused · ${data.counts.queued} queued`,
    ),
  ];
  const changes: Array<[string, DigestChange[]]> = [
    [':rocket: Started', data.started],
    [':chart_with_upwards_trend: Ramped', data.ramped],
    [':white_check_mark: Completed', data.completed],
    [':double_vertical_bar: Paused', data.paused],
    [':rewind: Rolled back', data.rolledBack],
  ];
  const changed = changes.filter(([, entries]) => entries.length > 0);
  if (changed.length === 0) {
    blocks.push(
      section(
        `Nothing${ofScope} started, ramped, completed, paused or rolled back since the last digest.`,
      ),
    );
  }
  for (const [title, entries] of changed) {
    blocks.push(
      section(
        `*${title}* (${entries.length})\n${listed(entries, (entry) => {
          const detail = entry.detail ? `: ${escapeMrkdwn(entry.detail)}` : '';
          return `\`${entry.key}\`${detail} (${escapeMrkdwn(entry.actor)}, ${slackDate(entry.atMs)})`;
        })}`,
      ),
    );
  }
  blocks.push(
    section(
      data.waiting.length === 0
        ? `*:hourglass: Waiting*\nNothing${ofScope} is waiting to start.`
        : `*:hourglass: Waiting* (${data.waiting.length})\n${listed(data.waiting, (entry) => {
            const why =
              entry.reasons.length > 0 ? entry.reasons.map(escapeMrkdwn).join('; ') : 'next tick';
            return `\`${entry.key}\` (${entry.state.replace('_', ' ')}): ${why}`;
          })}`,
    ),
  );
  blocks.push(section(budgetText(data.budgets, data.scope)));
  blocks.push(
    section(
      data.openPages.length === 0
        ? `*:bell: Open pages*\nNone: every page${ofScope} has been acknowledged.`
        : `*:rotating_light: Open pages* (${data.openPages.length})\n${listed(
            data.openPages,
            (page) =>
              `#${page.id} \`${page.experimentKey}\`: ${escapeMrkdwn(page.summary)} (raised ${slackDate(page.raisedAtMs)})`,
          )}`,
    ),
  );
  blocks.push(
    context(
      `<${data.consoleBaseUrl.replace(/\/+$/, '')}/overview|Open the overview in the console>`,
    ),
  );
  const total =
    data.started.length +
    data.ramped.length +
    data.completed.length +
    data.paused.length +
    data.rolledBack.length;
  return {
    text: `${scope ? `Runway digest (${scope})` : 'Runway digest'}: ${total} change${total === 1 ? '' : 's'}, ${data.waiting.length} waiting, ${data.openPages.length} open page${data.openPages.length === 1 ? '' : 's'}`,
    blocks,
  };
}

function listed<T>(entries: readonly T[], line: (entry: T) => string): string {
  const shown = entries.slice(0, LIST_LIMIT).map((entry) => `• ${line(entry)}`);
  if (entries.length > LIST_LIMIT) shown.push(`…and ${entries.length - LIST_LIMIT} more`);
  return shown.join('\n');
}

function budgetText(budgets: DigestData['budgets'], scope: DigestScope | null): string {
  // Budgets are per service: a team's digest says which services it shows.
  const heading =
    scope?.kind === 'team'
      ? `*:moneybag: Error budgets* of the services where team ${escapeMrkdwn(scope.name)} has waiting, active or changed experiments`
      : '*:moneybag: Error budgets*';
  if (budgets.length === 0) {
    if (!scope) return `${heading}\nNo service has an SLO defined.`;
    return scope.kind === 'service'
      ? `${heading}\nService \`${escapeMrkdwn(scope.name)}\` has no SLO defined.`
      : `${heading}\nNone of them has an SLO defined.`;
  }
  const lines = budgets.map((budget) => {
    const remaining =
      budget.remainingFraction === null
        ? 'not measured yet'
        : `${(budget.remainingFraction * 100).toFixed(1)}% left`;
    const burn = budget.burnRate === null ? '' : `, burning ${budget.burnRate.toFixed(1)}x`;
    const gate = budget.blocking ? ' :no_entry: holding its experiments back' : '';
    return `\`${budget.service}\`: ${remaining}${burn}${gate}`;
  });
  return `${heading}\n${listed(lines, (line) => line)}`;
}
