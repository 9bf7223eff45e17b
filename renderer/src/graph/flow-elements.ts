import type { Node } from '@xyflow/react';
import type { ExperimentView } from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { BlastHighlight } from './blast-radius';
import type { Point } from './graph-layout';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import { stateLabel } from '../../../shared/src/state-label';
import { stageLabel } from './node-appearance';

/** What an experiment node draws: plain values only, so unchanged nodes compare equal. */
export interface ExperimentNodeData extends Record<string, unknown> {
  key: string;
  title: string;
  state: ExperimentState;
  stage: string;
  health: GuardrailVerdict | null;
}

export type ExperimentFlowNode = Node<ExperimentNodeData, 'experiment'>;

export type NodeSource = Pick<
  ExperimentView,
  'key' | 'title' | 'state' | 'stageIndex' | 'stageCount' | 'exposurePercent'
>;

function sameData(a: ExperimentNodeData, b: ExperimentNodeData): boolean {
  return (
    a.key === b.key &&
    a.title === b.title &&
    a.state === b.state &&
    a.stage === b.stage &&
    a.health === b.health
  );
}

/**
 * One node per experiment that has a position. A node equal to the one in `previous` (same data,
 * same place) is that very object, so React Flow and the memoised node component skip it: a
 * refetch after one change re-renders one node, not a thousand.
 */
export function buildFlowNodes(
  experiments: readonly NodeSource[],
  positions: ReadonlyMap<string, Point>,
  health: ReadonlyMap<string, GuardrailVerdict>,
  previous?: ReadonlyMap<string, ExperimentFlowNode>,
): ExperimentFlowNode[] {
  const nodes: ExperimentFlowNode[] = [];
  for (const experiment of experiments) {
    const position = positions.get(experiment.key);
    if (!position) continue;
    const data: ExperimentNodeData = {
      key: experiment.key,
      title: experiment.title,
      state: experiment.state,
      stage: stageLabel(experiment),
      health: health.get(experiment.key) ?? null,
    };
    const before = previous?.get(experiment.key);
    if (
      before &&
      before.position.x === position.x &&
      before.position.y === position.y &&
      sameData(before.data, data)
    ) {
      nodes.push(before);
      continue;
    }
    nodes.push({
      id: experiment.key,
      type: 'experiment',
      position,
      data,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      draggable: false,
      connectable: false,
      ariaLabel: `${experiment.key}: ${stateLabel(experiment.state)}, ${data.stage}`,
    });
  }
  return nodes;
}

/**
 * Selection and the blast-radius preview as classes on the few nodes concerned (the rest are
 * dimmed by one class on the canvas), so every other node keeps its identity. (The edge layer
 * draws the radius's edges itself.)
 */
export function decorateNodes(
  nodes: readonly ExperimentFlowNode[],
  selectedKey: string | null,
  highlight: BlastHighlight | null,
): readonly ExperimentFlowNode[] {
  if (selectedKey === null && highlight === null) return nodes;
  return nodes.map((node) => {
    const classes: string[] = [];
    if (node.id === selectedKey) classes.push('is-selected');
    if (highlight?.keys.has(node.id)) classes.push('in-blast-radius');
    if (highlight?.target === node.id) classes.push('blast-target');
    return classes.length === 0 ? node : { ...node, className: classes.join(' ') };
  });
}
