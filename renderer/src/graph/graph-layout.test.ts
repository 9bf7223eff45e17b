import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { edgeId, type DependencyEdge, type DependencyKind } from './dependency-edges';
import {
  createLayoutJob,
  DEFAULT_LAYOUT,
  layoutGraph,
  type Box,
  type LayoutJob,
  type Point,
} from './graph-layout';
import { runInSlices } from './layout-protocol';
import { transitiveReduction } from './transitive-reduction';

const { nodeWidth: W, nodeHeight: H } = DEFAULT_LAYOUT;

function edge(kind: DependencyKind, source: string, target: string): DependencyEdge {
  return { id: edgeId(kind, source, target), kind, source, target };
}

function overlapping(positions: ReadonlyMap<string, Point>): Array<[string, string]> {
  const entries = [...positions];
  const clashes: Array<[string, string]> = [];
  for (let i = 0; i < entries.length; i++) {
    for (let j = i + 1; j < entries.length; j++) {
      const [a, p] = entries[i]!;
      const [b, q] = entries[j]!;
      if (Math.abs(p.x - q.x) < W && Math.abs(p.y - q.y) < H) clashes.push([a, b]);
    }
  }
  return clashes;
}

function extent(positions: ReadonlyMap<string, Point>): { width: number; height: number } {
  const xs = [...positions.values()].map((point) => point.x);
  const ys = [...positions.values()].map((point) => point.y);
  return {
    width: Math.max(...xs) + W - Math.min(...xs),
    height: Math.max(...ys) + H - Math.min(...ys),
  };
}

/** Random DAGs: edges only from a lower index to a higher one, of every kind. */
const dags = fc.integer({ min: 1, max: 36 }).chain((count) =>
  fc.record({
    keys: fc.constant(Array.from({ length: count }, (_, index) => `exp-${index}`)),
    edges:
      count < 2
        ? fc.constant<DependencyEdge[]>([])
        : fc.array(
            fc
              .tuple(
                fc.integer({ min: 0, max: count - 2 }),
                fc.integer({ min: 1, max: count - 1 }),
                fc.constantFrom<DependencyKind>('requires', 'after', 'excludes'),
              )
              .map(([a, step, kind]) => {
                const target = Math.min(count - 1, a + step);
                return edge(kind, `exp-${a}`, `exp-${target}`);
              }),
            { maxLength: count * 2 },
          ),
  }),
);

describe('the layered layout', () => {
  it('places every experiment once, never two on top of each other, prerequisites to the left', () => {
    fc.assert(
      fc.property(dags, ({ keys, edges }) => {
        const positions = layoutGraph(keys, edges);
        expect([...positions.keys()].sort()).toEqual([...keys].sort());
        expect(overlapping(positions)).toEqual([]);
        for (const { kind, source, target } of edges) {
          if (kind === 'excludes') continue;
          expect(positions.get(source)!.x).toBeLessThan(positions.get(target)!.x);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same input gives the same positions', () => {
    fc.assert(
      fc.property(dags, ({ keys, edges }) => {
        expect(layoutGraph(keys, edges)).toEqual(layoutGraph([...keys], [...edges]));
      }),
      { numRuns: 25 },
    );
  });

  it('lays a chain out in one row, one rank per step', () => {
    const positions = layoutGraph(
      ['a', 'b', 'c'],
      [edge('requires', 'a', 'b'), edge('after', 'b', 'c')],
    );
    const [a, b, c] = ['a', 'b', 'c'].map((key) => positions.get(key)!);
    expect(a!.y).toBe(b!.y);
    expect(b!.y).toBe(c!.y);
    expect(b!.x - a!.x).toBe(W + DEFAULT_LAYOUT.rankGap);
    expect(c!.x - b!.x).toBe(W + DEFAULT_LAYOUT.rankGap);
  });

  it('does not rank by excludes: experiments that only exclude each other share the grid', () => {
    const excluding = layoutGraph(
      ['a', 'b', 'c'],
      [edge('excludes', 'a', 'b'), edge('excludes', 'b', 'c')],
    );
    expect(excluding).toEqual(layoutGraph(['a', 'b', 'c'], []));
  });

  it('packs unconnected experiments in a compact grid, not one endless row or column', () => {
    const keys = Array.from({ length: 200 }, (_, index) => `solo-${index}`);
    const positions = layoutGraph(keys, []);
    const { width, height } = extent(positions);
    expect(width / height).toBeGreaterThan(1);
    expect(width / height).toBeLessThan(2.5);
    expect(overlapping(positions)).toEqual([]);
    // In the order given, left to right, then the next row.
    expect(positions.get('solo-0')).toEqual({ x: 0, y: 0 });
    expect(positions.get('solo-1')).toEqual({ x: W + DEFAULT_LAYOUT.nodeGap, y: 0 });
  });

  it('packs many separate groups in rows near the screen aspect, largest first', () => {
    const keys: string[] = [];
    const edges: DependencyEdge[] = [];
    for (let group = 0; group < 60; group++) {
      const size = 2 + (group % 4);
      for (let step = 0; step < size; step++) {
        keys.push(`g${group}-${step}`);
        if (step > 0) edges.push(edge('requires', `g${group}-${step - 1}`, `g${group}-${step}`));
      }
    }
    const positions = layoutGraph(keys, edges);
    const { width, height } = extent(positions);
    expect(width / height).toBeGreaterThan(0.8);
    expect(width / height).toBeLessThan(3.5);
    expect(overlapping(positions)).toEqual([]);
    // A five-long chain (the largest kind) opens the layout at the top left.
    expect(positions.get('g3-0')).toEqual({ x: 0, y: 0 });
  });

  it('puts the groups first and the unconnected experiments after them', () => {
    const positions = layoutGraph(['solo', 'a', 'b'], [edge('requires', 'a', 'b')]);
    expect(positions.get('a')).toEqual({ x: 0, y: 0 });
    expect(positions.get('b')).toEqual({ x: W + DEFAULT_LAYOUT.rankGap, y: 0 });
    // The chain fills the first row; the loner starts the next.
    expect(positions.get('solo')).toEqual({ x: 0, y: H + DEFAULT_LAYOUT.componentGap });
  });

  it('reuses a laid-out group from the cache when it has not changed', () => {
    const boxes = new Map<string, Box>();
    let hits = 0;
    const cache = {
      get: (signature: string) => {
        const box = boxes.get(signature);
        if (box) hits++;
        return box;
      },
      set: (signature: string, box: Box) => void boxes.set(signature, box),
    };
    const edges = [edge('requires', 'a', 'b'), edge('requires', 'c', 'd')];
    const first = layoutGraph(['a', 'b', 'c', 'd'], edges, DEFAULT_LAYOUT, cache);
    expect(boxes.size).toBe(2);
    const again = layoutGraph(['a', 'b', 'c', 'd'], edges, DEFAULT_LAYOUT, cache);
    expect(hits).toBe(2);
    expect(again).toEqual(first);
    // A new edge in one group lays out that group only.
    layoutGraph(
      ['a', 'b', 'c', 'd', 'e'],
      [...edges, edge('after', 'd', 'e')],
      DEFAULT_LAYOUT,
      cache,
    );
    expect(hits).toBe(3);
    expect(boxes.size).toBe(3);
  });

  it('survives a cycle (the server refuses them, the view must not crash on one)', () => {
    const positions = layoutGraph(
      ['a', 'b', 'c'],
      [edge('requires', 'a', 'b'), edge('requires', 'b', 'c'), edge('requires', 'c', 'a')],
    );
    expect(positions.size).toBe(3);
    expect(overlapping(positions)).toEqual([]);
  });
});

describe('laying out in steps', () => {
  const chains = (groups: number, size: number) => {
    const keys: string[] = [];
    const edges: DependencyEdge[] = [];
    for (let group = 0; group < groups; group++) {
      for (let step = 0; step < size; step++) {
        keys.push(`c${group}-${step}`);
        if (step > 0) edges.push(edge('requires', `c${group}-${step - 1}`, `c${group}-${step}`));
      }
    }
    return { keys: [...keys, 'loner-a', 'loner-b'], edges };
  };

  it('places one group per step, never moves a placed node, and ends where layoutGraph does', () => {
    const { keys, edges } = chains(5, 3);
    const job = createLayoutJob(keys, edges);
    expect(job.total).toBe(17);
    const seen = new Map<string, Point>();
    let steps = 0;
    for (let more = true; more; steps++) {
      more = job.step();
      for (const [key, point] of seen) expect(job.positions.get(key)).toEqual(point);
      for (const [key, point] of job.positions) seen.set(key, point);
    }
    expect(steps).toBe(6); // five chains, then the grid of loners
    expect(job.positions).toEqual(layoutGraph(keys, edges));
    expect(job.step()).toBe(false);
  });

  it('reports after the first slice and when done, and stops when superseded', async () => {
    const { keys, edges } = chains(4, 2);
    let clock = 0;
    const reports: Array<{ placed: number; done: boolean }> = [];
    // Every step "takes" 40 ms: a slice (60 ms) holds two.
    const slowed = (job: LayoutJob): LayoutJob => ({
      positions: job.positions,
      total: job.total,
      step: () => {
        clock += 40;
        return job.step();
      },
    });
    const job = createLayoutJob(keys, edges);
    await new Promise<void>((resolve) => {
      runInSlices(
        slowed(job),
        (done) => {
          reports.push({ placed: job.positions.size, done });
          if (done) resolve();
        },
        () => true,
        () => clock,
      );
    });
    expect(reports).toEqual([
      { placed: 4, done: false },
      { placed: 10, done: true },
    ]);

    let current = true;
    const stopped: boolean[] = [];
    const second = createLayoutJob(keys, edges);
    runInSlices(
      slowed(second),
      (done) => stopped.push(done),
      () => current,
      () => clock,
    );
    current = false;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toEqual([false]);
    expect(second.positions.size).toBe(4);
  });
});

describe('transitive reduction', () => {
  const arc = (source: string, target: string) => ({ source, target });

  it('drops arcs implied by a longer path and keeps the rest in order', () => {
    expect(
      transitiveReduction([
        arc('a', 'c'),
        arc('a', 'b'),
        arc('b', 'c'),
        arc('c', 'd'),
        arc('a', 'd'),
      ]),
    ).toEqual([arc('a', 'b'), arc('b', 'c'), arc('c', 'd')]);
  });

  it('collapses repeats and ignores self loops', () => {
    expect(transitiveReduction([arc('a', 'b'), arc('a', 'b'), arc('b', 'b')])).toEqual([
      arc('a', 'b'),
    ]);
  });

  it('keeps reachability the same on random DAGs', () => {
    fc.assert(
      fc.property(dags, ({ edges }) => {
        const reach = (arcs: readonly { source: string; target: string }[]) => {
          const out = new Map<string, string[]>();
          for (const { source, target } of arcs)
            out.set(source, [...(out.get(source) ?? []), target]);
          const pairs = new Set<string>();
          for (const start of out.keys()) {
            const stack = [...(out.get(start) ?? [])];
            const seen = new Set<string>();
            while (stack.length > 0) {
              const next = stack.pop()!;
              if (seen.has(next)) continue;
              seen.add(next);
              pairs.add(`${start}>${next}`);
              stack.push(...(out.get(next) ?? []));
            }
          }
          return [...pairs].sort();
        };
        const ordering = edges.filter((entry) => entry.kind !== 'excludes');
        const reduced = transitiveReduction(ordering);
        expect(reach(reduced)).toEqual(reach(ordering));
        expect(reduced.length).toBeLessThanOrEqual(ordering.length);
      }),
      { numRuns: 60 },
    );
  });
});
