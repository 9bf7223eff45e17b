import { describe, expect, it } from 'vitest';
import {
  checkGraph,
  findOrderingCycle,
  type GraphCandidate,
  type GraphLookup,
  type GraphNode,
} from './spec-graph';

function node(key: string, edges: Partial<Omit<GraphNode, 'key'>> = {}): GraphNode {
  return {
    key,
    requires: edges.requires ?? [],
    excludes: edges.excludes ?? [],
    after: edges.after ?? [],
  };
}

function lookupOf(...nodes: GraphNode[]): GraphLookup {
  const byKey = new Map(nodes.map((entry) => [entry.key, entry]));
  return (key) => byKey.get(key);
}

const noExisting: GraphLookup = () => undefined;

function single(candidate: GraphNode): GraphCandidate[] {
  return [{ node: candidate, pathPrefix: '' }];
}

/** The stored graph around the DESIGN §2 example. */
const designGraph = lookupOf(node('payments-api-v3'), node('checkout-copy'), node('cart-redesign'));

describe('checkGraph: references', () => {
  it('accepts the DESIGN §2 example against a graph that knows its neighbours', () => {
    const example = node('checkout-v2', {
      requires: ['payments-api-v3'],
      excludes: ['checkout-copy'],
      after: ['cart-redesign'],
    });
    expect(checkGraph(single(example), designGraph)).toEqual([]);
  });

  it('refuses unknown keys in requires, excludes and after, each by its index', () => {
    const candidate = node('checkout-v2', {
      requires: ['payments-api-v3', 'payments-api-v4'],
      excludes: ['checkout-copy-old'],
      after: ['cart-redesign', 'cart-redesing'],
    });
    expect(checkGraph(single(candidate), designGraph)).toEqual([
      { path: 'requires[1]', message: 'unknown experiment "payments-api-v4"' },
      { path: 'excludes[0]', message: 'unknown experiment "checkout-copy-old"' },
      { path: 'after[1]', message: 'unknown experiment "cart-redesing"' },
    ]);
  });

  it('offline (empty graph) every reference is unknown', () => {
    const candidate = node('checkout-v2', { requires: ['aa'], excludes: ['bb'], after: ['cc'] });
    expect(checkGraph(single(candidate), noExisting).map((issue) => issue.path)).toEqual([
      'requires[0]',
      'excludes[0]',
      'after[0]',
    ]);
  });

  it('resolves references to other specs in the same batch, and prefixes paths per spec', () => {
    const candidates: GraphCandidate[] = [
      { node: node('search-v2', { requires: ['search-index'] }), pathPrefix: '[0].' },
      { node: node('search-index', { after: ['ghost'] }), pathPrefix: '[1].' },
    ];
    expect(checkGraph(candidates, noExisting)).toEqual([
      { path: '[1].after[0]', message: 'unknown experiment "ghost"' },
    ]);
  });

  it('leaves self references to validateSpec instead of calling them unknown', () => {
    const candidate = node('solo', { requires: ['solo'], excludes: ['solo'] });
    expect(checkGraph(single(candidate), noExisting)).toEqual([
      // requires-self is also an ordering cycle of length one.
      { path: 'requires', message: 'cycle through requires/after: solo -> solo' },
    ]);
  });
});

describe('checkGraph: cycles through requires and after', () => {
  it('names a two-experiment requires cycle in order', () => {
    const existing = lookupOf(node('bb', { requires: ['aa'] }));
    expect(checkGraph(single(node('aa', { requires: ['bb'] })), existing)).toEqual([
      { path: 'requires', message: 'cycle through requires/after: aa -> bb -> aa' },
    ]);
  });

  it('names a longer cycle mixing requires and after, starting from the new spec', () => {
    const existing = lookupOf(node('aa', { requires: ['bb'] }), node('bb', { after: ['cc'] }));
    expect(checkGraph(single(node('cc', { requires: ['aa'] })), existing)).toEqual([
      { path: 'requires', message: 'cycle through requires/after: cc -> aa -> bb -> cc' },
    ]);
  });

  it('points at the list the cycle leaves the spec through', () => {
    const existing = lookupOf(node('bb', { requires: ['aa'] }), node('zz'));
    expect(checkGraph(single(node('aa', { requires: ['zz'], after: ['bb'] })), existing)).toEqual([
      { path: 'after', message: 'cycle through requires/after: aa -> bb -> aa' },
    ]);
  });

  it('does not count excludes as ordering: mutual exclusion is symmetric, not a cycle', () => {
    const existing = lookupOf(node('bb', { excludes: ['aa'] }));
    expect(checkGraph(single(node('aa', { excludes: ['bb'] })), existing)).toEqual([]);
  });

  it('accepts a diamond (shared prerequisites are not cycles)', () => {
    const existing = lookupOf(
      node('base'),
      node('left', { requires: ['base'] }),
      node('right', { after: ['base'] }),
    );
    expect(
      checkGraph(single(node('top', { requires: ['left', 'right'], after: ['base'] })), existing),
    ).toEqual([]);
  });

  it('reports a cycle formed inside one batch once, not once per member', () => {
    const candidates: GraphCandidate[] = [
      { node: node('aa', { requires: ['bb'] }), pathPrefix: '[0].' },
      { node: node('bb', { after: ['cc'] }), pathPrefix: '[1].' },
      { node: node('cc', { requires: ['aa'] }), pathPrefix: '[2].' },
    ];
    expect(checkGraph(candidates, noExisting)).toEqual([
      { path: '[0].requires', message: 'cycle through requires/after: aa -> bb -> cc -> aa' },
    ]);
  });

  it('a changed spec replaces its stored version when looking for cycles', () => {
    // Stored: bb requires aa. The new version of bb drops that edge, so aa -> bb is fine.
    const existing = lookupOf(node('aa', { requires: ['bb'] }), node('bb', { requires: ['aa'] }));
    expect(checkGraph(single(node('bb')), existing)).toEqual([]);
  });

  it('reports unknown references and cycles together', () => {
    const existing = lookupOf(node('bb', { requires: ['aa'] }));
    expect(checkGraph(single(node('aa', { requires: ['bb', 'nope'] })), existing)).toEqual([
      { path: 'requires[1]', message: 'unknown experiment "nope"' },
      { path: 'requires', message: 'cycle through requires/after: aa -> bb -> aa' },
    ]);
  });
});

describe('findOrderingCycle', () => {
  it('returns null when no cycle passes through the start', () => {
    const lookup = lookupOf(
      node('aa', { requires: ['bb'] }),
      node('bb', { requires: ['cc'] }),
      node('cc', { requires: ['bb'] }),
    );
    // bb <-> cc is a cycle, but not one through aa.
    expect(findOrderingCycle('aa', lookup)).toBeNull();
    expect(findOrderingCycle('bb', lookup)).toEqual(['bb', 'cc', 'bb']);
  });

  it('returns the path of the cycle, not every node visited on the way', () => {
    const lookup = lookupOf(
      node('aa', { requires: ['dead-end', 'bb'] }),
      node('dead-end', { after: ['leaf'] }),
      node('leaf'),
      node('bb', { after: ['cc'] }),
      node('cc', { requires: ['aa'] }),
    );
    expect(findOrderingCycle('aa', lookup)).toEqual(['aa', 'bb', 'cc', 'aa']);
  });

  it('ignores unknown keys and excludes edges', () => {
    const lookup = lookupOf(
      node('aa', { requires: ['missing'], excludes: ['bb'] }),
      node('bb', { excludes: ['aa'] }),
    );
    expect(findOrderingCycle('aa', lookup)).toBeNull();
  });

  it('handles a very deep chain without overflowing the stack', () => {
    const depth = 50_000;
    const nodes = Array.from({ length: depth }, (_, index) =>
      node(`n${index}`, { requires: [`n${(index + 1) % depth}`] }),
    );
    const cycle = findOrderingCycle('n0', lookupOf(...nodes));
    expect(cycle).toHaveLength(depth + 1);
    expect(cycle?.[0]).toBe('n0');
    expect(cycle?.[depth - 1]).toBe(`n${depth - 1}`);
    expect(cycle?.[depth]).toBe('n0');
  });
});
