// A page as a Slack message (Block Kit): what failed and what Runway did, the evidence, the
// cascade, where the page stands (open, acknowledged, escalated), and buttons that act on the
// experiment's current version. The same builder renders the first post and every update, so an
// updated message is the page as it is now, not a second message about it.

import type { PageKind } from '../../../shared/src/api-types';
import { formatDuration } from '../../../shared/src/duration';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import {
  actions,
  context,
  escapeMrkdwn,
  experimentButtons,
  openInConsoleButton,
  experimentConsoleUrl,
  pageAckButton,
  section,
  sectionWithFields,
  type Block,
  type ButtonElement,
} from '../block-kit';
import type { PageEvidence } from './page-evidence';
import {
  experimentDeepLink,
  formatCount,
  formatNumber,
  slackDate,
  stateLabel,
  type SlackMessage,
} from './slack-format';

/** Who a message is for: the owner's DM, the experiment's channel, the secondary contact's DM. */
export type PageAudience = 'owner' | 'channel' | 'escalation';

export interface PageMessageInput {
  audience: PageAudience;
  page: {
    id: number;
    kind: PageKind;
    summary: string;
    raisedAtMs: number;
    acknowledgedAtMs: number | null;
    acknowledgedBy: string | null;
  };
  /** The experiment as it is now; null if it cannot be read (the page still goes out). */
  experiment: {
    key: string;
    title: string;
    state: ExperimentState;
    version: number;
    stageIndex: number;
    stageCount: number;
    exposurePercent: number;
    team: string;
    service: string;
  } | null;
  experimentKey: string;
  evidence: PageEvidence;
  /** The rollback this page is part of: its root and every experiment it took down. */
  cascade: { root: string; rolledBack: ReadonlyArray<{ key: string; via: string | null }> } | null;
  /** Set once the page escalated: `to` is the secondary contact as mrkdwn (a mention when known). */
  escalation: { to: string; atMs: number; afterMs: number } | null;
  /** `<@U…>` when the owner's Slack user is known, else the owner as the spec names them. */
  owner: string;
  consoleBaseUrl: string;
}

export function buildPageMessage(input: PageMessageInput): SlackMessage {
  const key = input.experimentKey;
  const headline = headlineOf(input);
  const open = input.page.acknowledgedAtMs === null;
  const blocks: Block[] = [];
  if (input.audience === 'escalation' && input.escalation) {
    blocks.push(
      section(
        `:sos: *Escalated to you:* nobody acknowledged this page within ${formatDuration(input.escalation.afterMs)}. ` +
          `You are the secondary contact of team *${escapeMrkdwn(input.experiment?.team ?? 'unknown')}*.`,
      ),
    );
  }
  blocks.push(
    sectionWithFields(`${open ? ':rotating_light:' : ':eyes:'} ${headline}`, [
      `*Experiment*\n${escapeMrkdwn(input.experiment?.title ?? key)} (\`${key}\`)`,
      `*State now*\n${input.experiment ? stateLabel(input.experiment) : 'unknown'}`,
      `*Owner*\n${input.owner}`,
      `*Team · service*\n${escapeMrkdwn(input.experiment ? `${input.experiment.team} · ${input.experiment.service}` : 'unknown')}`,
    ]),
  );
  const evidence = evidenceText(input.evidence);
  blocks.push(section(evidence ?? `*Summary*\n${escapeMrkdwn(input.page.summary)}`));
  const cascade = cascadeText(input);
  if (cascade) blocks.push(section(cascade));
  blocks.push(context(statusText(input)));
  blocks.push(actions(buttonsFor(input), `runway-page-${input.page.id}`));
  blocks.push(
    context(`<${experimentDeepLink(key)}|Open in the Runway desktop app> · page ${input.page.id}`),
  );
  const status = open ? '' : ` (acknowledged by ${input.page.acknowledgedBy})`;
  const prefix = input.audience === 'escalation' ? 'Escalated page: ' : 'Runway page: ';
  return { text: `${prefix}${input.page.summary}${status}`, blocks };
}

function headlineOf(input: PageMessageInput): string {
  const key = `*${input.experimentKey}*`;
  const evidence = input.evidence;
  switch (evidence.kind) {
    case 'guardrail': {
      const outcome = {
        rollback: 'Runway rolled it back',
        pause: 'Runway paused it',
        page: 'it is completed, so nothing was paused',
      }[evidence.action];
      return `Guardrail \`${evidence.sli}\` failed on ${key}: ${outcome}`;
    }
    case 'telemetry_lost':
      return `No telemetry from ${key} for a whole guardrail window: Runway paused it`;
    case 'rollback':
      return evidence.cause
        ? `${key} was rolled back in a cascade from *${evidence.cause}*`
        : `${key} was rolled back by ${escapeMrkdwn(evidence.actor)}`;
    case 'summary_only':
      return `${kindWords(input.page.kind)} on ${key}`;
  }
}

function kindWords(kind: PageKind): string {
  const words: Record<PageKind, string> = {
    guardrail: 'Guardrail page',
    telemetry_lost: 'Telemetry lost',
    rollback: 'Rollback',
    stuck: 'Stuck in its state',
  };
  return words[kind];
}

/** The numbers behind the page; null when the payload carried none (the summary stands in). */
function evidenceText(evidence: PageEvidence): string | null {
  switch (evidence.kind) {
    case 'guardrail': {
      const interval = evidence.interval
        ? ` (always-valid interval ${formatNumber(evidence.interval[0])} – ${formatNumber(evidence.interval[1])})`
        : '';
      const control =
        evidence.samples.control === null
          ? ''
          : ` / ${formatCount(evidence.samples.control)} control`;
      return [
        `*SLI* \`${evidence.sli}\`: *${formatNumber(evidence.estimate)}* vs bound \`${escapeMrkdwn(evidence.rule)}\`${interval}`,
        `*Test* sequential (mSPRT): statistic ${formatNumber(evidence.statistic)} vs threshold ${formatNumber(evidence.threshold)}: ${escapeMrkdwn(evidence.test)}`,
        `*Samples* ${formatCount(evidence.samples.treatment)} treatment${control}`,
      ].join('\n');
    }
    case 'telemetry_lost':
      return [
        `*Evidence* no treatment telemetry for ${formatDuration(evidence.windowMs)} (a whole guardrail window); missing telemetry is never a pass.`,
        `*Last seen* ${evidence.lastSeenMs === null ? 'never' : slackDate(evidence.lastSeenMs)} · running for ${formatDuration(evidence.runningForMs)}`,
      ].join('\n');
    case 'rollback':
      return `*Reason* ${escapeMrkdwn(evidence.reason)}\n*By* ${escapeMrkdwn(evidence.actor)}`;
    case 'summary_only':
      return null;
  }
}

/** The rollback's blast radius as it happened: which experiments went down, through which prerequisite. */
function cascadeText(input: PageMessageInput): string | null {
  const cascade = input.cascade;
  if (!cascade) return null;
  const others = cascade.rolledBack.filter((entry) => entry.key !== cascade.root);
  if (others.length === 0) return null;
  const list = others
    .map((entry) => {
      const here = entry.key === input.experimentKey ? ' ← this one' : '';
      return `• \`${entry.key}\`${entry.via ? ` (requires \`${entry.via}\`)` : ''}${here}`;
    })
    .join('\n');
  return `*Cascade* rolling back \`${cascade.root}\` also rolled back ${others.length} dependent${others.length === 1 ? '' : 's'}:\n${list}`;
}

function statusText(input: PageMessageInput): string {
  const parts = [`Raised ${slackDate(input.page.raisedAtMs)}`];
  if (input.page.acknowledgedAtMs !== null) {
    parts.push(
      `:white_check_mark: acknowledged by *${escapeMrkdwn(input.page.acknowledgedBy ?? 'someone')}* ${slackDate(input.page.acknowledgedAtMs)}`,
    );
  } else {
    parts.push('not acknowledged yet');
  }
  if (input.escalation) {
    parts.push(`escalated to ${input.escalation.to} ${slackDate(input.escalation.atMs)}`);
  }
  return parts.join(' · ');
}

/**
 * Acknowledge while the page is open; Pause and Roll back only where the experiment's state
 * allows them, carrying its current version (a click on an outdated message is refused as a
 * conflict by the handler, and the message is updated on the change anyway).
 */
function buttonsFor(input: PageMessageInput): ButtonElement[] {
  const buttons: ButtonElement[] = [];
  if (input.page.acknowledgedAtMs === null) buttons.push(pageAckButton(input.page.id));
  if (input.experiment) {
    buttons.push(...experimentButtons(input.experiment, input.consoleBaseUrl));
  } else {
    buttons.push(
      openInConsoleButton(experimentConsoleUrl(input.consoleBaseUrl, input.experimentKey)),
    );
  }
  return buttons;
}
