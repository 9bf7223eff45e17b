import type { ErrorIssue } from '../errors';

export interface GraphNode {
  key: string;
  requires: readonly string[];
  excludes: readonly string[];
  after: readonly string[];
}

export interface GraphCandidate {
  node: GraphNode;
  /** Prefix for issue paths, e.g. "" for a single spec or "[2]." in a batch. */
  pathPrefix: string;
}

/** Existing experiments, looked up by key (the store's graph, or an empty map offline). */
export type GraphLookup = (key: string) => GraphNode | undefined;

const EDGE_LISTS = ['requires', 'excludes', 'after'] as const;

/**
 * Graph checks for new or changed specs against the graph already stored: references to
 * unknown experiments, and cycles through requires + after (which would block forever).
 * Self-references and requires/excludes overlaps are per-spec rules, see validateSpec.
 */
export function checkGraph(
  candidates: readonly GraphCandidate[],
  lookupExisting: GraphLookup,
): ErrorIssue[] {
  const issues: ErrorIssue[] = [];
  const candidateByKey = new Map(candidates.map((candidate) => [candidate.node.key, candidate]));
  const lookup = (key: string): GraphNode | undefined =>
    candidateByKey.get(key)?.node ?? lookupExisting(key);

  for (const { node, pathPrefix } of candidates) {
    for (const list of EDGE_LISTS) {
      node[list].forEach((reference, index) => {
        if (reference !== node.key && !lookup(reference)) {
          issues.push({
            path: `${pathPrefix}${list}[${index}]`,
            message: `unknown experiment "${reference}"`,
          });
        }
      });
    }
  }

  const reported = new Set<string>();
  for (const { node, pathPrefix } of candidates) {
    const cycle = findOrderingCycle(node.key, lookup);
    if (!cycle) continue;
    const id = [...cycle.slice(0, -1)].sort().join(',');
    if (reported.has(id)) continue;
    reported.add(id);
    const firstHop = cycle[1]!;
    const list = node.requires.includes(firstHop) ? 'requires' : 'after';
    issues.push({
      path: `${pathPrefix}${list}`,
      message: `cycle through requires/after: ${cycle.join(' -> ')}`,
    });
  }
  return issues;
}

/**
 * Finds a cycle through requires/after that passes through `start`, returned as keys in order
 * starting and ending with `start`; null when there is none. Iterative DFS, so deep graphs
 * cannot overflow the stack.
 */
export function findOrderingCycle(start: string, lookup: GraphLookup): string[] | null {
  const successors = (key: string): readonly string[] => {
    const node = lookup(key);
    return node ? [...node.requires, ...node.after] : [];
  };
  const visited = new Set<string>();
  const stack: Array<{ key: string; next: number; edges: readonly string[] }> = [
    { key: start, next: 0, edges: successors(start) },
  ];
  visited.add(start);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.edges.length) {
      stack.pop();
      continue;
    }
    const target = frame.edges[frame.next++]!;
    if (target === start) return [...stack.map((entry) => entry.key), start];
    if (visited.has(target)) continue;
    visited.add(target);
    stack.push({ key: target, next: 0, edges: successors(target) });
  }
  return null;
}
