import { getBezierPath, getStraightPath, Position } from '@xyflow/react';
import type { DependencyEdge, DependencyKind } from './dependency-edges';
import type { Point } from './graph-layout';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import type { Rect } from './graph-viewport';

/** One dependency edge as the edge layer draws it: everything it needs, as plain values. */
export interface EdgeShape {
  id: string;
  kind: DependencyKind;
  /** SVG path data, in flow coordinates (the viewport's). */
  path: string;
  /** What the edge means, for assistive technology ("b requires a"). */
  label: string;
}

const EDGE_VERBS: Record<DependencyKind, (edge: DependencyEdge) => string> = {
  requires: (edge) => `${edge.target} requires ${edge.source}`,
  excludes: (edge) => `${edge.source} and ${edge.target} exclude each other`,
  after: (edge) => `${edge.target} starts after ${edge.source}`,
};

/** Edges end this far outside a node's side, where React Flow's handles used to put them. */
export const EDGE_END_GAP = 3;

/**
 * The shape of every edge whose two ends are placed, from the right middle of its source to the
 * left middle of its target (the layout runs left to right): React Flow's bezier for requires
 * and after; a straight line for excludes, which run far across the canvas, where Skia dashes a
 * straight line only where it is on screen but a curve again for every raster tile it crosses.
 * An edge whose ends did not move is the very object it was in `previous`.
 */
export function buildEdgeShapes(
  edges: readonly DependencyEdge[],
  positions: ReadonlyMap<string, Point>,
  previous?: ReadonlyMap<string, EdgeShape>,
): EdgeShape[] {
  const shapes: EdgeShape[] = [];
  for (const edge of edges) {
    const from = positions.get(edge.source);
    const to = positions.get(edge.target);
    if (!from || !to) continue;
    const ends = {
      sourceX: from.x + NODE_WIDTH + EDGE_END_GAP,
      sourceY: from.y + NODE_HEIGHT / 2,
      targetX: to.x - EDGE_END_GAP,
      targetY: to.y + NODE_HEIGHT / 2,
    };
    const [path] =
      edge.kind === 'excludes'
        ? getStraightPath(ends)
        : getBezierPath({ ...ends, sourcePosition: Position.Right, targetPosition: Position.Left });
    const before = previous?.get(edge.id);
    if (before?.path === path) {
      shapes.push(before);
      continue;
    }
    shapes.push({ id: edge.id, kind: edge.kind, path, label: EDGE_VERBS[edge.kind](edge) });
  }
  return shapes;
}

/** Room around the nodes' bounds for curves and arrowheads, in flow units. */
const BACKDROP_MARGIN = 200;

/**
 * The area the graph's backdrop covers: the nodes' bounds and a margin. One opaque rectangle
 * under everything lets Blink merge every node and edge into the viewport's single compositor
 * layer; without it, nodes spread out on an empty canvas are too sparse to merge, and layerizing
 * a thousand separate candidates costs tens of milliseconds on every frame of a pan.
 */
export function backdropRect(bounds: Rect | null): Rect | null {
  if (!bounds) return null;
  return {
    x: bounds.x - BACKDROP_MARGIN,
    y: bounds.y - BACKDROP_MARGIN,
    width: bounds.width + 2 * BACKDROP_MARGIN,
    height: bounds.height + 2 * BACKDROP_MARGIN,
  };
}
