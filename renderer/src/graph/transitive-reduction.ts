/** A directed edge between two keys. */
export interface Arc {
  source: string;
  target: string;
}

/**
 * Drops every arc implied by a longer path (a→c when a→b→c exists). On a DAG the result orders the
 * nodes exactly as the input does, with far fewer long arcs: a layered layout then needs fewer
 * dummy nodes, is faster, and crosses less. Arcs keep their input order; duplicates collapse.
 */
export function transitiveReduction<T extends Arc>(arcs: readonly T[]): T[] {
  const successors = new Map<string, string[]>();
  const unique: T[] = [];
  const seen = new Set<string>();
  for (const arc of arcs) {
    const id = `${arc.source}\u0000${arc.target}`;
    if (seen.has(id) || arc.source === arc.target) continue;
    seen.add(id);
    unique.push(arc);
    const list = successors.get(arc.source);
    if (list) list.push(arc.target);
    else successors.set(arc.source, [arc.target]);
  }
  return unique.filter((arc) => !reachableAvoiding(successors, arc.source, arc.target));
}

/** Whether `target` can be reached from `source` through at least one intermediate node. */
function reachableAvoiding(
  successors: ReadonlyMap<string, readonly string[]>,
  source: string,
  target: string,
): boolean {
  const stack = (successors.get(source) ?? []).filter((next) => next !== target);
  const visited = new Set<string>([source, ...stack]);
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const next of successors.get(node) ?? []) {
      if (next === target) return true;
      if (!visited.has(next)) {
        visited.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}
