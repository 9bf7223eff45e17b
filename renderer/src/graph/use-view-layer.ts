import type { OnMove, OnMoveEnd, OnMoveStart, Viewport } from '@xyflow/react';
import { useCallback, useEffect, useRef, type RefObject } from 'react';

/** Screen pixels a gesture moves the view before it counts as moving rather than a click. */
const MOVE_THRESHOLD_PX = 4;
/** How long the view rests after a zoom before it becomes a compositor layer again. */
const RELAYER_AFTER_MS = 120;

/**
 * The container's `data-view-layer` (graph.css): `moving` while the view pans or zooms in as a
 * compositor layer, `zooming` while it zooms out without one, `resting` while it rests as one;
 * absent while it rests and is not one.
 */
export const VIEW_LAYER_ATTRIBUTE = 'data-view-layer';
export type ViewLayerState = 'moving' | 'zooming' | 'resting';

export interface ViewLayerHandlers {
  onMoveStart: OnMoveStart;
  onMove: OnMove;
  onMoveEnd: OnMoveEnd;
}

/**
 * Keeps the graph's viewport a compositor layer (graph.css: `will-change: transform`) so that a
 * pan moves pixels already painted instead of painting and rasterizing the graph again: while
 * the view moves, and at rest after a pan, so that the next drag does not pay for making the
 * layer anew. A layer keeps the scale it was rasterized at (Chromium: at least the screen's own
 * scale), so zooming changes that:
 * - zooming out, the view stops being a layer at once: a layer made at a readable zoom and shown
 *   whole at a tenth of it needs a hundred times the tiles, and rasterizing those stalled frames
 *   for a second;
 * - zooming in, it stays one until the gesture ends (smooth, if soft for a moment);
 * - after any zoom, the browser paints it sharp at the new scale, and it becomes a layer again
 *   once it has rested.
 * While the view moves graph.css also shields the nodes from being hit-tested on every mouse
 * move; that starts only once the view has moved, so that a click on a node still lands on it.
 *
 * The state is an attribute set on the container directly: a pan re-renders nothing, and React,
 * which owns the container's classes, leaves the attribute alone.
 */
export function useViewLayer(container: RefObject<HTMLElement | null>): ViewLayerHandlers {
  const gestureStart = useRef<Viewport | null>(null);
  /** The zoom the layer was made at; null while the view is not a layer. */
  const layerZoom = useRef<number | null>(null);
  const relayerTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const current = useRef<ViewLayerState | null>(null);
  const setState = useCallback(
    (state: ViewLayerState | null) => {
      const element = container.current;
      if (!element || state === current.current) return;
      current.current = state;
      if (state) element.setAttribute(VIEW_LAYER_ATTRIBUTE, state);
      else element.removeAttribute(VIEW_LAYER_ATTRIBUTE);
    },
    [container],
  );
  const cancelRelayer = useCallback(() => {
    if (relayerTimer.current !== null) clearTimeout(relayerTimer.current);
    relayerTimer.current = null;
  }, []);
  useEffect(() => cancelRelayer, [cancelRelayer]);
  /** Whether the current gesture has moved the view past MOVE_THRESHOLD_PX. */
  const moving = useRef(false);

  const onMoveStart = useCallback<OnMoveStart>((_event, viewport) => {
    gestureStart.current = viewport;
    moving.current = false;
  }, []);
  const onMove = useCallback<OnMove>(
    (_event, viewport) => {
      const from = gestureStart.current;
      if (!moving.current) {
        if (!from) return;
        const moved =
          viewport.zoom !== from.zoom ||
          Math.abs(viewport.x - from.x) + Math.abs(viewport.y - from.y) > MOVE_THRESHOLD_PX;
        if (!moved) return;
        moving.current = true;
        cancelRelayer();
        // Not a layer yet: becomes one unless the gesture starts by zooming out.
        if (layerZoom.current === null && viewport.zoom >= from.zoom) layerZoom.current = from.zoom;
      }
      if (layerZoom.current !== null && viewport.zoom < layerZoom.current) layerZoom.current = null;
      setState(layerZoom.current === null ? 'zooming' : 'moving');
    },
    [cancelRelayer, setState],
  );
  const onMoveEnd = useCallback<OnMoveEnd>(
    (_event, viewport) => {
      const moved = moving.current;
      gestureStart.current = null;
      moving.current = false;
      if (!moved) return; // a click: nothing moved
      if (layerZoom.current === viewport.zoom) {
        setState('resting');
        return;
      }
      layerZoom.current = null;
      setState(null);
      cancelRelayer();
      relayerTimer.current = setTimeout(() => {
        relayerTimer.current = null;
        layerZoom.current = viewport.zoom;
        setState('resting');
      }, RELAYER_AFTER_MS);
    },
    [cancelRelayer, setState],
  );
  return { onMoveStart, onMove, onMoveEnd };
}
