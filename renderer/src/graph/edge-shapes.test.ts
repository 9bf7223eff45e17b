import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDependencyEdges, edgeId, type DependencyKind } from './dependency-edges';
import { backdropRect, buildEdgeShapes, EDGE_END_GAP, type EdgeShape } from './edge-shapes';
import { NODE_HEIGHT, NODE_WIDTH, type Point } from './graph-layout';
import { makeExperiment } from './testing/graph-fixtures';

const fleet = [
  makeExperiment('api'),
  makeExperiment('checkout', { requires: ['api'], excludes: ['copy'], after: ['cart'] }),
  makeExperiment('copy', { excludes: ['checkout'] }),
  makeExperiment('cart'),
];
const positions = new Map<string, Point>([
  ['api', { x: 0, y: 0 }],
  ['checkout', { x: 300, y: 0 }],
  ['copy', { x: 0, y: 100 }],
  ['cart', { x: 0, y: 200 }],
]);
const edges = buildDependencyEdges(fleet);

/** The first and the last point of an SVG path. */
function ends(path: string): { from: Point; to: Point } {
  const numbers = path.match(/-?\d+(\.\d+)?(e-?\d+)?/g)!.map(Number);
  return {
    from: { x: numbers[0]!, y: numbers[1]! },
    to: { x: numbers.at(-2)!, y: numbers.at(-1)! },
  };
}

describe('edge shapes', () => {
  it('draws each edge once, in order, saying what it means', () => {
    const shapes = buildEdgeShapes(edges, positions);
    expect(shapes.map(({ id, kind, label }) => ({ id, kind, label }))).toEqual([
      { id: 'requires:api->checkout', kind: 'requires', label: 'checkout requires api' },
      {
        id: 'excludes:checkout|copy',
        kind: 'excludes',
        label: 'checkout and copy exclude each other',
      },
      { id: 'after:cart->checkout', kind: 'after', label: 'checkout starts after cart' },
    ]);
  });

  it('curves requires and after edges, and draws excludes straight', () => {
    const byKind = new Map(buildEdgeShapes(edges, positions).map((shape) => [shape.kind, shape]));
    expect(byKind.get('requires')!.path).toMatch(/^M[^C]+C/);
    expect(byKind.get('after')!.path).toMatch(/^M[^C]+C/);
    expect(byKind.get('excludes')!.path).not.toContain('C');
  });

  it('joins the right middle of the source to the left middle of the target, just outside', () => {
    const kinds: DependencyKind[] = ['requires', 'excludes', 'after'];
    const point = fc.record({
      x: fc.integer({ min: -5_000, max: 5_000 }),
      y: fc.integer({ min: -5_000, max: 5_000 }),
    });
    fc.assert(
      fc.property(point, point, fc.constantFrom(...kinds), (from, to, kind) => {
        const edge = { id: edgeId(kind, 'a', 'b'), kind, source: 'a', target: 'b' };
        const [shape] = buildEdgeShapes(
          [edge],
          new Map([
            ['a', from],
            ['b', to],
          ]),
        );
        const { from: start, to: end } = ends(shape!.path);
        expect(start.x).toBeCloseTo(from.x + NODE_WIDTH + EDGE_END_GAP);
        expect(start.y).toBeCloseTo(from.y + NODE_HEIGHT / 2);
        expect(end.x).toBeCloseTo(to.x - EDGE_END_GAP);
        expect(end.y).toBeCloseTo(to.y + NODE_HEIGHT / 2);
      }),
    );
  });

  it('leaves out edges with an end not placed yet', () => {
    const partial = new Map([...positions].filter(([key]) => key !== 'cart'));
    expect(buildEdgeShapes(edges, partial).map((shape) => shape.id)).toEqual([
      'requires:api->checkout',
      'excludes:checkout|copy',
    ]);
  });

  it('reuses the very shapes whose ends did not move, and only those', () => {
    const first = buildEdgeShapes(edges, positions);
    const previous = new Map<string, EdgeShape>(first.map((shape) => [shape.id, shape]));
    const moved = new Map(positions).set('copy', { x: 0, y: 120 });
    const second = buildEdgeShapes(edges, moved, previous);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]!.path).not.toBe(first[1]!.path);
    expect(second[2]).toBe(first[2]);
  });
});

describe('the backdrop under the graph', () => {
  it('covers the nodes with room to spare for curves and arrowheads', () => {
    const bounds = { x: 10, y: 20, width: 1_000, height: 500 };
    const backdrop = backdropRect(bounds)!;
    expect(backdrop.x).toBeLessThan(bounds.x);
    expect(backdrop.y).toBeLessThan(bounds.y);
    expect(backdrop.x + backdrop.width).toBeGreaterThan(bounds.x + bounds.width);
    expect(backdrop.y + backdrop.height).toBeGreaterThan(bounds.y + bounds.height);
  });

  it('is absent while nothing is placed', () => {
    expect(backdropRect(null)).toBeNull();
  });
});
