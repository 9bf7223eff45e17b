// What the bot says about experiments: concise Block Kit with the facts people act on (state,
// stage, exposure) and the server's own blocked-reason sentences, verbatim.

import type {
  BlastRadiusEntry,
  ExperimentDetail,
  ExperimentView,
  TransitionResult,
} from '../../shared/src/api-types';
import { formatPercent } from '../../shared/src/blocked-reasons';
import {
  actions,
  context,
  escapeMrkdwn,
  experimentButtons,
  rollbackConfirmButton,
  section,
  sectionWithFields,
  type Block,
} from './block-kit';
import { COMMAND_USAGE, type CommandName } from './command-parser';
import { blastRadiusFingerprint } from './slack-actions';

/** A message body for respond() / chat.postMessage: text is the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** The most experiments one list answer shows (Slack caps a message at 50 blocks). */
/** Experiments `/runway list` shows; the rest are counted. */
export const LIST_LIMIT = 40;

export function describeStage(view: Pick<ExperimentView, 'stageIndex' | 'stageCount'>): string {
  return view.stageIndex < 0
    ? `not started (${view.stageCount} stages)`
    : `${view.stageIndex + 1}/${view.stageCount}`;
}

function oneLine(view: ExperimentView): string {
  const position =
    view.stageIndex < 0
      ? ''
      : ` · stage ${describeStage(view)} · ${formatPercent(view.exposurePercent)}`;
  const blocked = view.blockedReasons[0]
    ? ` — ${escapeMrkdwn(view.blockedReasons[0].message)}`
    : '';
  return `\`${view.key}\` *${view.state}*${position}${blocked}`;
}

/** `views`: the first experiments in queue order (at most LIST_LIMIT shown); `total`: all that match. */
export function listMessage(
  views: readonly ExperimentView[],
  total: number,
  label: string | null,
): SlackMessage {
  const noun = total === 1 ? 'experiment' : 'experiments';
  const what = label ? `${label} ${noun}` : `open ${noun}`;
  if (total === 0) {
    const empty = label
      ? `No ${what}.`
      : 'No open experiments: nothing is queued, running or paused.';
    return { text: empty, blocks: [section(empty)] };
  }
  const shown = views.slice(0, LIST_LIMIT);
  const lines = shown.map(oneLine);
  const blocks: Block[] = [section(`*${total} ${what}*`)];
  // Several sections rather than one, so a long queue stays under Slack's text limit.
  for (let start = 0; start < lines.length; start += 10)
    blocks.push(section(lines.slice(start, start + 10).join('\n')));
  if (total > shown.length)
    blocks.push(context(`…and ${total - shown.length} more: see the console or \`runway list\``));
  return { text: `${total} ${what}`, blocks };
}

export function statusMessage(detail: ExperimentDetail, consoleBaseUrl: string): SlackMessage {
  const fields = [
    `*State*\n${detail.state}`,
    `*Stage*\n${describeStage(detail)}`,
    `*Exposure*\n${formatPercent(detail.exposurePercent)} of ${escapeMrkdwn(detail.layer)}`,
    `*Owner*\n${escapeMrkdwn(detail.owner)} (${escapeMrkdwn(detail.team)})`,
    `*Service*\n${escapeMrkdwn(detail.service)}`,
    `*Version*\n${detail.version}`,
  ];
  const blocks: Block[] = [
    sectionWithFields(`*${detail.key}* — ${escapeMrkdwn(detail.title)}`, fields),
  ];
  if (detail.blockedReasons.length > 0) blocks.push(section(reasonLines(detail)));
  if (detail.dependents.length > 0)
    blocks.push(context(`Required by: ${detail.dependents.map((key) => `\`${key}\``).join(', ')}`));
  blocks.push(actions(experimentButtons(detail, consoleBaseUrl)));
  return {
    text: `${detail.key}: ${detail.state}, stage ${describeStage(detail)}, ${formatPercent(detail.exposurePercent)}`,
    blocks,
  };
}

function reasonLines(view: ExperimentView): string {
  const heading = view.state === 'queued' ? 'Blocked:' : 'Holding:';
  return [
    `*${heading}*`,
    ...view.blockedReasons.map((reason) => `• ${escapeMrkdwn(reason.message)}`),
  ].join('\n');
}

export function whyMessage(detail: ExperimentDetail): SlackMessage {
  if (detail.blockedReasons.length === 0) {
    const text =
      detail.state === 'queued'
        ? `*${detail.key}* is queued and nothing blocks it: it starts on the next scheduler tick.`
        : `*${detail.key}* is ${detail.state} (stage ${describeStage(detail)}): nothing is blocking it.`;
    return { text: mrkdwnToPlain(text), blocks: [section(text)] };
  }
  return {
    text: `${detail.key}: ${detail.blockedReasons.map((reason) => reason.message).join('; ')}`,
    blocks: [section(`*${detail.key}* is ${detail.state}.\n${reasonLines(detail)}`)],
  };
}

/** The confirmation a rollback that cascades needs: exactly what it would take down. */
export function blastRadiusMessage(
  target: { key: string; version: number },
  radius: readonly BlastRadiusEntry[],
  reason: string | undefined,
  changedSinceShown = false,
): SlackMessage {
  const others = radius.filter((entry) => entry.key !== target.key);
  const lines = radius.map((entry) =>
    entry.via
      ? `• \`${entry.key}\` (${entry.state}, requires \`${entry.via}\`)`
      : `• \`${entry.key}\` (${entry.state}) — the one you asked for`,
  );
  const text = `Rolling back ${target.key} also rolls back ${others.length} experiment${others.length === 1 ? '' : 's'} that require${others.length === 1 ? 's' : ''} it`;
  const fingerprint = blastRadiusFingerprint(radius.map((entry) => entry.key));
  const changed = changedSinceShown ? 'The blast radius changed since you looked. ' : '';
  return {
    text: `${changed}${text}`,
    blocks: [
      section(`:warning: ${changed}*${text}*, dependents first:\n${lines.join('\n')}`),
      ...(reason ? [context(`Reason: ${escapeMrkdwn(reason)}`)] : []),
      actions([
        rollbackConfirmButton(
          {
            key: target.key,
            version: target.version,
            radius: fingerprint,
            ...(reason ? { reason } : {}),
          },
          radius.length,
        ),
      ]),
    ],
  };
}

/** A change everyone in the channel should see: who did what, and what it took with it. */
export function transitionMessage(
  done: string,
  key: string,
  actorName: string,
  result: TransitionResult,
  reason: string | null,
): SlackMessage {
  const target = result.changed.find((entry) => entry.key === key);
  const cascade = result.changed.filter((entry) => entry.key !== key);
  const headline = `*${escapeMrkdwn(actorName)}* ${done} \`${key}\`${target ? ` (now ${target.toState})` : ''}`;
  const blocks: Block[] = [section(headline)];
  if (cascade.length > 0)
    blocks.push(
      section(
        `Also rolled back, as they require it:\n${cascade.map((entry) => `• \`${entry.key}\` (was ${entry.fromState})`).join('\n')}`,
      ),
    );
  if (reason) blocks.push(context(`Reason: ${escapeMrkdwn(reason)}`));
  const also =
    cascade.length > 0 ? ` and ${cascade.length} dependent${cascade.length === 1 ? '' : 's'}` : '';
  return { text: `${actorName} ${done} ${key}${also}`, blocks };
}

export function helpMessage(): SlackMessage {
  const lines = Object.values(COMMAND_USAGE).map((usage) => `• ${usage}`);
  return {
    text: 'Runway commands',
    blocks: [
      section(`*Runway in Slack*\n${lines.join('\n')}`),
      context(
        'Your Runway role decides what you may do: viewer reads; operator pauses, resumes and rolls back; release-manager also approves and freezes.',
      ),
    ],
  };
}

export function usageMessage(problem: string, name: CommandName | null): SlackMessage {
  const usage = name
    ? `Usage: ${COMMAND_USAGE[name]}`
    : `Commands:\n${Object.values(COMMAND_USAGE)
        .map((line) => `• ${line}`)
        .join('\n')}`;
  return {
    text: `${problem}. ${name ? `Usage: ${COMMAND_USAGE[name]}` : 'Try /runway help'}`,
    blocks: [section(`:grey_question: ${escapeMrkdwn(problem)}.`), section(usage)],
  };
}

/** One line, for refusals and short confirmations. */
export function plainMessage(text: string): SlackMessage {
  return { text: mrkdwnToPlain(text), blocks: [section(text)] };
}

/**
 * The notification text of an mrkdwn message: bold markers and code fences go, and what is
 * inside a code span stays as written (a cron's `* * *` keeps its stars).
 */
export function mrkdwnToPlain(text: string): string {
  return text
    .split(/(`[^`\n]*`)/)
    .map((part, index) =>
      index % 2 === 1 ? part.slice(1, -1) : part.replace(/\*([^*\n]+)\*/g, '$1'),
    )
    .join('');
}
