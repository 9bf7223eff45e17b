import { MarkerType, Position, type Edge, type EdgeMarker, type Node } from '@xyflow/react';
import type { CSSProperties } from 'react';
import type { ExperimentView } from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { ExperimentState } from '../../../shared/src/lifecycle';
import type { BlastHighlight } from './blast-radius';
import type { DependencyEdge, DependencyKind } from './dependency-edges';
import { NODE_HEIGHT, NODE_WIDTH, type Point } from './graph-layout';
import { stateLabel } from '../app/state-label';
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
export type DependencyFlowEdge = Edge<{ kind: DependencyKind }>;

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
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      ariaLabel: `${experiment.key}: ${stateLabel(experiment.state)}, ${data.stage}`,
    });
  }
  return nodes;
}

const EDGE_COLOURS: Record<DependencyKind, string> = {
  requires: '#334155',
  excludes: '#dc2626',
  after: '#94a3b8',
};

/** Shared style objects: one per kind, never rebuilt. */
export const EDGE_STYLES: Readonly<Record<DependencyKind | 'blast', CSSProperties>> = {
  requires: { stroke: EDGE_COLOURS.requires, strokeWidth: 1.5 },
  excludes: { stroke: EDGE_COLOURS.excludes, strokeWidth: 1.5, strokeDasharray: '6 4' },
  after: { stroke: EDGE_COLOURS.after, strokeWidth: 1.5, strokeDasharray: '2 4' },
  blast: { stroke: '#b91c1c', strokeWidth: 3 },
};

const MARKERS: Readonly<Record<DependencyKind | 'blast', EdgeMarker | undefined>> = {
  requires: { type: MarkerType.ArrowClosed, color: EDGE_COLOURS.requires },
  excludes: undefined,
  after: { type: MarkerType.Arrow, color: EDGE_COLOURS.after },
  blast: { type: MarkerType.ArrowClosed, color: '#b91c1c' },
};

const EDGE_VERBS: Record<DependencyKind, (edge: DependencyEdge) => string> = {
  requires: (edge) => `${edge.target} requires ${edge.source}`,
  excludes: (edge) => `${edge.source} and ${edge.target} exclude each other`,
  after: (edge) => `${edge.target} starts after ${edge.source}`,
};

/**
 * React Flow edges for the dependency edges whose both ends are drawn. An edge is all in its id
 * (kind, source, target), so one in `previous` is reused as it is.
 */
export function buildFlowEdges(
  edges: readonly DependencyEdge[],
  drawn: ReadonlySet<string>,
  previous?: ReadonlyMap<string, DependencyFlowEdge>,
): DependencyFlowEdge[] {
  const flowEdges: DependencyFlowEdge[] = [];
  for (const edge of edges) {
    if (!drawn.has(edge.source) || !drawn.has(edge.target)) continue;
    const before = previous?.get(edge.id);
    if (before) {
      flowEdges.push(before);
      continue;
    }
    const markerEnd = MARKERS[edge.kind];
    flowEdges.push({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      // Straight dashes: Skia dashes a straight line only where it is on screen, but dashes a
      // whole curve again for every raster tile it crosses, and excludes edges run far.
      type: edge.kind === 'excludes' ? 'straight' : 'default',
      className: `dependency-edge dependency-edge--${edge.kind}`,
      style: EDGE_STYLES[edge.kind],
      ...(markerEnd ? { markerEnd } : {}),
      data: { kind: edge.kind },
      selectable: false,
      focusable: false,
      // No invisible 20 px hit path per edge: edges take no clicks, and in software raster
      // (no GPU) those wide strokes cost more to paint than everything else on screen.
      interactionWidth: 0,
      ariaLabel: EDGE_VERBS[edge.kind](edge),
    });
  }
  return flowEdges;
}

/**
 * Selection and the blast-radius preview as classes on the few nodes concerned (the rest are
 * dimmed by one class on the canvas), so every other node keeps its identity.
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

export function decorateEdges(
  edges: readonly DependencyFlowEdge[],
  highlight: BlastHighlight | null,
): readonly DependencyFlowEdge[] {
  if (highlight === null || highlight.edgeIds.size === 0) return edges;
  return edges.map((edge) =>
    highlight.edgeIds.has(edge.id)
      ? {
          ...edge,
          className: `${edge.className ?? ''} in-blast-radius`,
          style: EDGE_STYLES.blast,
          markerEnd: MARKERS.blast!,
          zIndex: 1,
        }
      : edge,
  );
}
