import { Controls, ReactFlow, useReactFlow, useStore, type NodeMouseHandler } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ExperimentView } from '../../../shared/src/api-types';
import type { GuardrailVerdict } from '../../../shared/src/blocked-reasons';
import type { BlastHighlight } from './blast-radius';
import { isOrderingEdge, type DependencyEdge } from './dependency-edges';
import { DependencyEdgeLayer } from './dependency-edge-layer';
import { backdropRect, buildEdgeShapes, type EdgeShape } from './edge-shapes';
import { ExperimentNode } from './experiment-node';
import { buildFlowNodes, decorateNodes, type ExperimentFlowNode } from './flow-elements';
import type { Point } from './graph-layout';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import { boundsOf, initialViewport, topLeftViewport } from './graph-viewport';
import type { LayoutRunner } from './layout-runner';
import { useViewLayer } from './use-view-layer';

const NODE_TYPES = { experiment: ExperimentNode };
export const LAYOUT_MEASURE = 'runway:graph-layout';
export const FIRST_PLACED_MEASURE = 'runway:graph-layout-first-placed';
const NODE_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };
/** Below this zoom nodes show their key only (graph.css): cheaper to paint, and all one can read. */
const FAR_ZOOM = 0.55;
/** Below this, not even keys can be read: nodes are coloured blocks (graph.css). */
const OVERVIEW_ZOOM = 0.2;
/** happy-dom and hidden tabs report no size: assume a laptop screen. */
const FALLBACK_SIZE = { width: 1200, height: 800 };

export interface GraphCanvasProps {
  /** The experiments drawn (already filtered), in a stable order. */
  experiments: readonly ExperimentView[];
  /** Their edges (buildDependencyEdges of the same list). */
  edges: readonly DependencyEdge[];
  health: ReadonlyMap<string, GuardrailVerdict>;
  selectedKey: string | null;
  highlight: BlastHighlight | null;
  onSelect(key: string | null): void;
  layoutRunner: LayoutRunner;
}

interface Layout {
  /** Which keys and ordering edges these positions were computed for. */
  signature: string;
  positions: ReadonlyMap<string, Point>;
  /** False while the layout is still placing components (what is placed already shows). */
  done: boolean;
}

/** Only what the layout depends on: the keys and the requires/after edges, in order. */
function layoutSignature(
  experiments: readonly ExperimentView[],
  edges: readonly DependencyEdge[],
): string {
  let signature = '';
  for (const experiment of experiments) signature += `${experiment.key},`;
  signature += '#';
  for (const edge of edges) if (isOrderingEdge(edge)) signature += `${edge.id},`;
  return signature;
}

/**
 * The React Flow canvas. Layout runs off the main thread once per change of the graph's shape
 * (not of states or verdicts); nodes are memoised and only visible ones render; edges are one
 * layer of paths (DependencyEdgeLayer) that a pan does not touch.
 */
export function GraphCanvas(props: GraphCanvasProps) {
  const { experiments, edges, health, selectedKey, highlight, onSelect, layoutRunner } = props;
  const [layout, setLayout] = useState<Layout | null>(null);
  const container = useRef<HTMLDivElement>(null);
  const flow = useReactFlow<ExperimentFlowNode>();
  const zoomLevel = useStore((state) =>
    state.transform[2] < OVERVIEW_ZOOM
      ? 'overview'
      : state.transform[2] < FAR_ZOOM
        ? 'far'
        : 'near',
  );

  const signature = useMemo(() => layoutSignature(experiments, edges), [experiments, edges]);
  const layoutInput = useRef({ experiments, edges });
  layoutInput.current = { experiments, edges };
  useEffect(() => {
    const { experiments: list, edges: all } = layoutInput.current;
    const keys = list.map((experiment) => experiment.key);
    const startedAt = performance.now();
    let first = true;
    return layoutRunner.layout(keys, all.filter(isOrderingEdge), (positions, done) => {
      // User Timing, for DevTools and the graph benchmark: what a layout costs, seen from here.
      const detail = { experiments: keys.length, placed: positions.size };
      if (first) performance.measure(FIRST_PLACED_MEASURE, { start: startedAt, detail });
      if (done) performance.measure(LAYOUT_MEASURE, { start: startedAt, detail });
      first = false;
      setLayout({ signature, positions, done });
    });
  }, [signature, layoutRunner]);

  // Nodes equal to the previous render's are reused as they are (see buildFlowNodes).
  const previousNodes = useRef<ReadonlyMap<string, ExperimentFlowNode>>(new Map());
  const nodes = useMemo(() => {
    if (!layout) return [];
    return buildFlowNodes(experiments, layout.positions, health, previousNodes.current);
  }, [experiments, layout, health]);
  useEffect(() => {
    previousNodes.current = new Map(nodes.map((node) => [node.id, node]));
  }, [nodes]);
  const previousShapes = useRef<ReadonlyMap<string, EdgeShape>>(new Map());
  const edgeShapes = useMemo(
    () => (layout ? buildEdgeShapes(edges, layout.positions, previousShapes.current) : []),
    [edges, layout],
  );
  useEffect(() => {
    previousShapes.current = new Map(edgeShapes.map((shape) => [shape.id, shape]));
  }, [edgeShapes]);
  const backdrop = useMemo(
    () => (layout ? backdropRect(boundsOf(layout.positions.values(), NODE_SIZE)) : null),
    [layout],
  );
  const shownNodes = useMemo(
    () => decorateNodes(nodes, selectedKey, highlight),
    [nodes, selectedKey, highlight],
  );

  // The first layout decides where the view opens; later ones leave the viewport alone. A layout
  // that reports before it is done is a large one: the view opens at its top left, readable,
  // where the largest groups are placed first.
  const opened = useRef(false);
  useEffect(() => {
    if (!layout || opened.current) return;
    const bounds = boundsOf(layout.positions.values(), NODE_SIZE);
    if (!bounds) return;
    const element = container.current;
    const size =
      element && element.clientWidth > 0
        ? { width: element.clientWidth, height: element.clientHeight }
        : FALLBACK_SIZE;
    opened.current = true;
    void flow.setViewport(layout.done ? initialViewport(bounds, size) : topLeftViewport(bounds));
  }, [layout, flow]);

  // Previewing a rollback brings everything it takes down into view.
  const highlightKeys = highlight?.keys;
  useEffect(() => {
    if (!highlightKeys || highlightKeys.size === 0) return;
    void flow.fitView({
      nodes: [...highlightKeys].map((id) => ({ id })),
      padding: 0.25,
      maxZoom: 1,
      duration: 250,
    });
  }, [highlightKeys, flow]);

  const onNodeClick = useCallback<NodeMouseHandler<ExperimentFlowNode>>(
    (_event, node) => onSelect(node.id),
    [onSelect],
  );
  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);
  const { onMoveStart, onMove, onMoveEnd } = useViewLayer(container);
  // Nodes take focus with Tab; Enter or Space selects the focused one.
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      const id = (event.target as HTMLElement)
        .closest('.react-flow__node')
        ?.getAttribute('data-id');
      if (!id) return;
      event.preventDefault();
      onSelect(id);
    },
    [onSelect],
  );

  const classes = ['graph-canvas'];
  if (zoomLevel !== 'near') classes.push('graph-canvas--far');
  if (zoomLevel === 'overview') classes.push('graph-canvas--overview');
  if (highlight) classes.push('graph-canvas--previewing');
  const laidOut = layout !== null && layout.done && layout.signature === signature;
  return (
    <div
      ref={container}
      className={classes.join(' ')}
      onKeyDown={onKeyDown}
      data-testid="graph-canvas"
      aria-busy={!laidOut}
    >
      <ReactFlow<ExperimentFlowNode>
        nodes={shownNodes as ExperimentFlowNode[]}
        nodeTypes={NODE_TYPES}
        onNodeClick={onNodeClick}
        onPaneClick={onPaneClick}
        onMoveStart={onMoveStart}
        onMove={onMove}
        onMoveEnd={onMoveEnd}
        onlyRenderVisibleElements
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        minZoom={0.05}
        maxZoom={2}
        aria-label="Dependency graph"
      >
        <DependencyEdgeLayer shapes={edgeShapes} backdrop={backdrop} highlight={highlight} />
        <Controls showInteractive={false} position="bottom-left" />
      </ReactFlow>
      {!layout && experiments.length > 0 && (
        <p className="graph-canvas__status" role="status">
          Laying out {experiments.length.toLocaleString('en-US')} experiments…
        </p>
      )}
      {layout && !layout.done && (
        <p className="graph-canvas__progress" role="status">
          Placing experiments: {layout.positions.size.toLocaleString('en-US')} of{' '}
          {experiments.length.toLocaleString('en-US')}
        </p>
      )}
    </div>
  );
}
