import { ViewportPortal } from '@xyflow/react';
import { memo, useId } from 'react';
import type { BlastHighlight } from './blast-radius';
import type { DependencyKind } from './dependency-edges';
import type { EdgeShape } from './edge-shapes';
import type { Rect } from './graph-viewport';

export interface DependencyEdgeLayerProps {
  /** buildEdgeShapes of the drawn edges. */
  shapes: readonly EdgeShape[];
  /** backdropRect of the placed nodes (null before anything is placed). */
  backdrop: Rect | null;
  highlight: BlastHighlight | null;
}

type MarkerKind = 'requires' | 'after' | 'blast';
const MARKER_OF: Record<DependencyKind, MarkerKind | null> = {
  requires: 'requires',
  excludes: null,
  after: 'after',
};

/** React Flow's arrowheads (closed for requires, open for after), coloured by graph.css. */
function Marker({ id, kind }: { id: string; kind: MarkerKind }) {
  return (
    <marker
      id={id}
      className={`edge-marker edge-marker--${kind}`}
      markerWidth="12.5"
      markerHeight="12.5"
      viewBox="-10 -10 20 20"
      markerUnits="strokeWidth"
      orient="auto-start-reverse"
      refX="0"
      refY="0"
    >
      <polyline
        points={kind === 'after' ? '-5,-4 0,0 -5,4' : '-5,-4 0,0 -5,4 -5,-4'}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </marker>
  );
}

const EdgePath = memo(function EdgePath({
  shape,
  marker,
  highlighted,
}: {
  shape: EdgeShape;
  marker: string | null;
  highlighted: boolean;
}) {
  return (
    <path
      // React Flow's edge class too: its stylesheet and every selector written for its edges apply.
      className={`react-flow__edge dependency-edge dependency-edge--${shape.kind}${highlighted ? ' in-blast-radius' : ''}`}
      d={shape.path}
      markerEnd={marker ? `url(#${marker})` : undefined}
      role="img"
      aria-roledescription="edge"
      aria-label={shape.label}
      data-id={shape.id}
    />
  );
});

/**
 * Every dependency edge, drawn in two SVG elements inside React Flow's viewport (so they pan and
 * zoom with it) rather than as React Flow edges: those are an SVG element and three store
 * subscriptions each, re-run on every frame of a pan, and 2,000 of them cost more than the rest
 * of the frame. Here edges are plain paths that nothing re-renders while the view moves. The
 * edges of a previewed blast radius are drawn above the nodes, the rest below.
 */
export const DependencyEdgeLayer = memo(function DependencyEdgeLayer({
  shapes,
  backdrop,
  highlight,
}: DependencyEdgeLayerProps) {
  // url(#…) references want a plain id; React's may hold colons or guillemets.
  const idPrefix = `edges${useId().replace(/[^\w-]/g, '')}`;
  const markerId = (kind: MarkerKind) => `${idPrefix}-arrow-${kind}`;
  const below: EdgeShape[] = [];
  const above: EdgeShape[] = [];
  for (const shape of shapes) (highlight?.edgeIds.has(shape.id) ? above : below).push(shape);
  return (
    <ViewportPortal>
      {backdrop && (
        <div
          className="graph-backdrop"
          style={{
            left: backdrop.x,
            top: backdrop.y,
            width: backdrop.width,
            height: backdrop.height,
          }}
        />
      )}
      <svg className="dependency-edges">
        <defs>
          <Marker id={markerId('requires')} kind="requires" />
          <Marker id={markerId('after')} kind="after" />
        </defs>
        {below.map((shape) => {
          const marker = MARKER_OF[shape.kind];
          return (
            <EdgePath
              key={shape.id}
              shape={shape}
              marker={marker && markerId(marker)}
              highlighted={false}
            />
          );
        })}
      </svg>
      {above.length > 0 && (
        <svg className="dependency-edges dependency-edges--blast">
          <defs>
            <Marker id={markerId('blast')} kind="blast" />
          </defs>
          {above.map((shape) => (
            <EdgePath key={shape.id} shape={shape} marker={markerId('blast')} highlighted />
          ))}
        </svg>
      )}
    </ViewportPortal>
  );
});
