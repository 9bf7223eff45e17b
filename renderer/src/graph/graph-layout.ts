import dagre from '@dagrejs/dagre';
import { isOrderingEdge, type DependencyEdge } from './dependency-edges';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import { transitiveReduction } from './transitive-reduction';

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  /** Between nodes of one rank, and between the cells of the grid of unconnected experiments. */
  nodeGap: number;
  /** Between ranks (columns: the layout runs left to right). */
  rankGap: number;
  /** Between packed components. */
  componentGap: number;
  /** Width over height the packing aims for (a screen is wider than tall). */
  aspectRatio: number;
}

export { NODE_HEIGHT, NODE_WIDTH } from './node-size';

export const DEFAULT_LAYOUT: LayoutOptions = {
  nodeWidth: NODE_WIDTH,
  nodeHeight: NODE_HEIGHT,
  nodeGap: 18,
  rankGap: 64,
  componentGap: 56,
  aspectRatio: 16 / 9,
};

export interface Point {
  x: number;
  y: number;
}

/** A laid-out group of nodes, positions relative to its own top-left corner. */
export interface Box {
  width: number;
  height: number;
  positions: Map<string, Point>;
}

/**
 * Top-left positions for every key. Experiments joined by requires/after are laid out in layers
 * left to right (prerequisites first) by dagre, one connected component at a time; excludes do
 * not rank anything. Components are packed in rows, largest first, and experiments with no
 * ordering edge at all fill a compact grid after them, so neither makes one endless row or column.
 * Deterministic: the same keys and edges in the same order give the same positions.
 */
export function layoutGraph(
  keys: readonly string[],
  edges: readonly DependencyEdge[],
  options: LayoutOptions = DEFAULT_LAYOUT,
  cache?: ComponentCache,
): Map<string, Point> {
  const job = createLayoutJob(keys, edges, options, cache);
  while (job.step());
  return job.positions;
}

/**
 * layoutGraph one component at a time, so that what is done can be shown while the rest is laid
 * out: `positions` grows with each `step()`, which returns false once everything is placed. The
 * largest components come first and are packed from the top left, where the view opens; the
 * rows are as wide as an estimate of the whole (not its exact area, which needs every component
 * laid out), so a placed component never moves again.
 */
export interface LayoutJob {
  readonly positions: Map<string, Point>;
  step(): boolean;
  readonly total: number;
}

export function createLayoutJob(
  keys: readonly string[],
  edges: readonly DependencyEdge[],
  options: LayoutOptions = DEFAULT_LAYOUT,
  cache?: ComponentCache,
): LayoutJob {
  const ordering = edges.filter((edge) => isOrderingEdge(edge) && edge.source !== edge.target);
  const components = connectedComponents(keys, ordering);
  const edgesByComponent = new Map<number, DependencyEdge[]>();
  for (const edge of ordering) {
    const component = components.indexOf.get(edge.source);
    if (component === undefined || !components.indexOf.has(edge.target)) continue;
    const list = edgesByComponent.get(component) ?? [];
    list.push(edge);
    edgesByComponent.set(component, list);
  }
  const groups: Array<{ members: string[]; edges: DependencyEdge[] }> = [];
  const loners: string[] = [];
  components.members.forEach((members, index) => {
    if (members.length === 1) loners.push(members[0]!);
    else groups.push({ members, edges: edgesByComponent.get(index) ?? [] });
  });
  // Stable sort: equal sizes keep the order of their first key in `keys`.
  groups.sort((a, b) => b.members.length - a.members.length);
  const rowWidth = estimatedRowWidth(
    groups.map((group) => group.members.length),
    loners.length,
    options,
  );
  const shelf = new Shelf(rowWidth, options.componentGap);
  const positions = new Map<string, Point>();
  let next = 0;
  return {
    positions,
    total: components.indexOf.size,
    step() {
      if (next < groups.length) {
        const group = groups[next++]!;
        shelf.place(layoutComponentCached(group.members, group.edges, options, cache), positions);
      } else if (next === groups.length) {
        next++;
        if (loners.length > 0) shelf.place(gridBox(loners, rowWidth, options), positions);
      }
      return next <= groups.length;
    },
  };
}

interface Components {
  members: string[][];
  indexOf: Map<string, number>;
}

/** Connected components (ignoring direction), in the order of their first key in `keys`. */
function connectedComponents(
  keys: readonly string[],
  edges: readonly DependencyEdge[],
): Components {
  const parent = new Map<string, string>(keys.map((key) => [key, key]));
  const find = (key: string): string => {
    let root = key;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let node = key; node !== root;) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const edge of edges) {
    if (!parent.has(edge.source) || !parent.has(edge.target)) continue;
    const a = find(edge.source);
    const b = find(edge.target);
    if (a !== b) parent.set(b, a);
  }
  const indexByRoot = new Map<string, number>();
  const members: string[][] = [];
  const indexOf = new Map<string, number>();
  for (const key of keys) {
    if (indexOf.has(key)) continue; // a repeated key is placed once
    const root = find(key);
    let index = indexByRoot.get(root);
    if (index === undefined) {
      index = members.length;
      indexByRoot.set(root, index);
      members.push([]);
    }
    members[index]!.push(key);
    indexOf.set(key, index);
  }
  return { members, indexOf };
}

/**
 * Laid-out components by their content (members, edges, options). dagre costs tens of ms per
 * component; after a change only the components it touched are laid out again.
 */
export interface ComponentCache {
  get(signature: string): Box | undefined;
  set(signature: string, box: Box): void;
}

function layoutComponentCached(
  members: readonly string[],
  edges: readonly DependencyEdge[],
  options: LayoutOptions,
  cache: ComponentCache | undefined,
): Box {
  if (!cache) return layoutComponent(members, edges, options);
  const signature = [
    options.nodeWidth,
    options.nodeHeight,
    options.nodeGap,
    options.rankGap,
    members.join(','),
    edges.map((edge) => `${edge.source}>${edge.target}`).join(','),
  ].join('|');
  const cached = cache.get(signature);
  if (cached) return cached;
  const box = layoutComponent(members, edges, options);
  cache.set(signature, box);
  return box;
}

function layoutComponent(
  members: readonly string[],
  edges: readonly DependencyEdge[],
  options: LayoutOptions,
): Box {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({
    rankdir: 'LR',
    nodesep: options.nodeGap,
    ranksep: options.rankGap,
    marginx: 0,
    marginy: 0,
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const key of members)
    graph.setNode(key, { width: options.nodeWidth, height: options.nodeHeight });
  for (const edge of transitiveReduction(edges)) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  let minX = Infinity;
  let minY = Infinity;
  const centres = members.map((key) => {
    const node = graph.node(key) as { x: number; y: number };
    minX = Math.min(minX, node.x);
    minY = Math.min(minY, node.y);
    return [key, node] as const;
  });
  const positions = new Map<string, Point>();
  let width = 0;
  let height = 0;
  for (const [key, centre] of centres) {
    const x = Math.round(centre.x - minX);
    const y = Math.round(centre.y - minY);
    positions.set(key, { x, y });
    width = Math.max(width, x + options.nodeWidth);
    height = Math.max(height, y + options.nodeHeight);
  }
  return { width, height, positions };
}

/**
 * Rows as wide as the whole would be at the aspect ratio, estimated from node counts: a layered
 * component covers two to three cells per node (ranks are rarely full), and rows of unequal
 * heights leave gaps; three cells per node comes out near the aspect on realistic fleets.
 */
function estimatedRowWidth(
  groupSizes: readonly number[],
  loners: number,
  options: LayoutOptions,
): number {
  const cellWidth = options.nodeWidth + options.nodeGap;
  const cellHeight = options.nodeHeight + options.nodeGap;
  const layeredCell = (options.nodeWidth + options.rankGap) * cellHeight * 3;
  let area = loners * cellWidth * cellHeight;
  for (const size of groupSizes)
    area += size * layeredCell + options.componentGap * options.componentGap;
  return Math.max(cellWidth, Math.sqrt(area * options.aspectRatio));
}

function gridBox(keys: readonly string[], rowWidth: number, options: LayoutOptions): Box {
  const cellWidth = options.nodeWidth + options.nodeGap;
  const cellHeight = options.nodeHeight + options.nodeGap;
  const columns = Math.max(
    1,
    Math.min(keys.length, Math.floor((rowWidth + options.nodeGap) / cellWidth)),
  );
  const positions = new Map<string, Point>();
  keys.forEach((key, index) => {
    positions.set(key, {
      x: (index % columns) * cellWidth,
      y: Math.floor(index / columns) * cellHeight,
    });
  });
  const rows = Math.ceil(keys.length / columns);
  return {
    width: columns * cellWidth - options.nodeGap,
    height: rows * cellHeight - options.nodeGap,
    positions,
  };
}

/** Shelf packing: boxes left to right in the order placed, a new row when the next would overflow. */
class Shelf {
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  constructor(
    private readonly rowWidth: number,
    private readonly gap: number,
  ) {}

  place(box: Box, into: Map<string, Point>): void {
    if (this.x > 0 && this.x + box.width > this.rowWidth) {
      this.x = 0;
      this.y += this.rowHeight + this.gap;
      this.rowHeight = 0;
    }
    for (const [key, position] of box.positions) {
      into.set(key, { x: this.x + position.x, y: this.y + position.y });
    }
    this.x += box.width + this.gap;
    this.rowHeight = Math.max(this.rowHeight, box.height);
  }
}
