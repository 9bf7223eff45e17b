// Block Kit building blocks every Runway message uses: command answers here, and page and digest
// messages on the delivery side. Buttons are built only here, so their action ids and values
// always match what the handlers in actions/ parse (slack-actions.ts).

import type { types } from '@slack/bolt';
import { isLive, type ExperimentState } from '../../shared/src/lifecycle';
import {
  encodeExperimentValue,
  encodePageValue,
  SLACK_ACTION_IDS,
  type ExperimentActionValue,
} from './slack-actions';

export type Block = types.KnownBlock;
export type ButtonElement = types.Button;

/** Slack's limit on a section's text; longer text is cut with an ellipsis rather than refused. */
const SECTION_TEXT_MAX = 3_000;

/** Escapes text people typed (titles, reasons) so it is not read as mrkdwn markup or mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) } };
}

export function sectionWithFields(text: string, fields: readonly string[]): Block {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) },
    // Slack allows at most 10 fields of 2,000 characters each.
    fields: fields.slice(0, 10).map((field) => ({ type: 'mrkdwn', text: clip(field, 2_000) })),
  };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) }] };
}

export function actions(buttons: readonly ButtonElement[], blockId?: string): Block {
  return {
    type: 'actions',
    ...(blockId ? { block_id: blockId } : {}),
    elements: buttons.slice(0, 25),
  };
}

function button(
  actionId: string,
  label: string,
  value: string,
  style?: 'primary' | 'danger',
): ButtonElement {
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: clip(label, 75) },
    value,
    ...(style ? { style } : {}),
  };
}

export function pauseButton(key: string, version: number): ButtonElement {
  return button(SLACK_ACTION_IDS.pause, 'Pause', encodeExperimentValue({ key, version }));
}

/** Rolling back asks first when the cascade reaches other experiments (the handler decides). */
export function rollbackButton(key: string, version: number): ButtonElement {
  return button(
    SLACK_ACTION_IDS.rollback,
    'Roll back',
    encodeExperimentValue({ key, version }),
    'danger',
  );
}

export function rollbackConfirmButton(value: ExperimentActionValue, count: number): ButtonElement {
  return button(
    SLACK_ACTION_IDS.rollbackConfirm,
    count > 1 ? `Roll back all ${count}` : 'Roll back',
    encodeExperimentValue(value),
    'danger',
  );
}

export function pageAckButton(pageId: number): ButtonElement {
  return button(SLACK_ACTION_IDS.pageAck, 'Acknowledge', encodePageValue({ pageId }), 'primary');
}

/** A link button: Slack opens the URL itself and still sends the click, which is only acked. */
export function openInConsoleButton(url: string): ButtonElement {
  return {
    type: 'button',
    action_id: SLACK_ACTION_IDS.openConsole,
    text: { type: 'plain_text', text: 'Open in console' },
    url,
  };
}

/** The console's page for one experiment (shared/src/console-routes.ts: /experiments/KEY). */
export function experimentConsoleUrl(baseUrl: string, key: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/experiments/${encodeURIComponent(key)}`;
}

/**
 * The buttons an experiment's message carries in its current state: Pause while running, Roll
 * back while live, and always a link to the console.
 */
export function experimentButtons(
  experiment: { key: string; state: ExperimentState; version: number },
  consoleBaseUrl: string,
): ButtonElement[] {
  const buttons: ButtonElement[] = [];
  if (experiment.state === 'running') buttons.push(pauseButton(experiment.key, experiment.version));
  if (isLive(experiment.state)) buttons.push(rollbackButton(experiment.key, experiment.version));
  buttons.push(openInConsoleButton(experimentConsoleUrl(consoleBaseUrl, experiment.key)));
  return buttons;
}
