import { describe, expect, it } from 'vitest';
import { buildDependencyEdges, edgeId, isOrderingEdge } from './dependency-edges';

const node = (
  key: string,
  relations: { requires?: string[]; excludes?: string[]; after?: string[] } = {},
) => ({ key, requires: [], excludes: [], after: [], ...relations });

describe('dependency edges', () => {
  it('points requires and after from the experiment that goes first to the one that waits', () => {
    const edges = buildDependencyEdges([
      node('payments-api'),
      node('cart'),
      node('checkout', { requires: ['payments-api'], after: ['cart'] }),
    ]);
    expect(edges).toEqual([
      {
        id: 'requires:payments-api->checkout',
        kind: 'requires',
        source: 'payments-api',
        target: 'checkout',
      },
      { id: 'after:cart->checkout', kind: 'after', source: 'cart', target: 'checkout' },
    ]);
  });

  it('draws an excludes pair once, whichever side declares it, in key order', () => {
    const oneSide = buildDependencyEdges([node('b', { excludes: ['a'] }), node('a')]);
    const bothSides = buildDependencyEdges([
      node('b', { excludes: ['a'] }),
      node('a', { excludes: ['b'] }),
    ]);
    const expected = [{ id: 'excludes:a|b', kind: 'excludes', source: 'a', target: 'b' }];
    expect(oneSide).toEqual(expected);
    expect(bothSides).toEqual(expected);
  });

  it('leaves out references to experiments not drawn, self references and repeats', () => {
    const edges = buildDependencyEdges([
      node('a', { requires: ['gone', 'b', 'b'], excludes: ['a', 'hidden'], after: ['a'] }),
      node('b'),
    ]);
    expect(edges.map((edge) => edge.id)).toEqual(['requires:b->a']);
  });

  it('keeps a requires and an after between the same pair apart: they mean different things', () => {
    const edges = buildDependencyEdges([node('a'), node('b', { requires: ['a'], after: ['a'] })]);
    expect(edges.map((edge) => edge.id)).toEqual(['requires:a->b', 'after:a->b']);
    expect(edges.every(isOrderingEdge)).toBe(true);
    expect(
      isOrderingEdge({
        id: edgeId('excludes', 'a', 'b'),
        kind: 'excludes',
        source: 'a',
        target: 'b',
      }),
    ).toBe(false);
  });

  it('gives the same array for the same list', () => {
    const list = [
      node('x', { requires: ['y'], excludes: ['z'] }),
      node('y'),
      node('z', { after: ['y'] }),
    ];
    expect(buildDependencyEdges(list)).toEqual(
      buildDependencyEdges(list.map((entry) => ({ ...entry }))),
    );
  });
});
