import type { ExperimentView } from '../../../shared/src/api-types';

/** requires: a prerequisite; excludes: never active together (symmetric); after: ordering only. */
export type DependencyKind = 'requires' | 'excludes' | 'after';

/**
 * One edge of the drawn graph. requires and after point from the experiment that goes first to
 * the one that waits for it (source left of target in the layout); excludes has no direction and
 * joins the pair in key order.
 */
export interface DependencyEdge {
  id: string;
  kind: DependencyKind;
  source: string;
  target: string;
}

export type EdgeSource = Pick<ExperimentView, 'key' | 'requires' | 'excludes' | 'after'>;

export function edgeId(kind: DependencyKind, source: string, target: string): string {
  return kind === 'excludes' ? `excludes:${source}|${target}` : `${kind}:${source}->${target}`;
}

/**
 * The edges among `experiments`: references to experiments not in the list (filtered out, or
 * unknown) are left out, an excludes pair declared from both sides is drawn once, and a repeated
 * reference is drawn once. Ordered by experiment, then kind, then reference, so the same list
 * always gives the same array.
 */
export function buildDependencyEdges(experiments: readonly EdgeSource[]): DependencyEdge[] {
  const present = new Set(experiments.map((experiment) => experiment.key));
  const seen = new Set<string>();
  const edges: DependencyEdge[] = [];
  const add = (kind: DependencyKind, source: string, target: string): void => {
    const id = edgeId(kind, source, target);
    if (seen.has(id)) return;
    seen.add(id);
    edges.push({ id, kind, source, target });
  };
  for (const experiment of experiments) {
    const { key } = experiment;
    for (const prerequisite of experiment.requires) {
      if (prerequisite !== key && present.has(prerequisite)) add('requires', prerequisite, key);
    }
    for (const partner of experiment.excludes) {
      if (partner === key || !present.has(partner)) continue;
      const [first, second] = partner < key ? [partner, key] : [key, partner];
      add('excludes', first, second);
    }
    for (const predecessor of experiment.after) {
      if (predecessor !== key && present.has(predecessor)) add('after', predecessor, key);
    }
  }
  return edges;
}

/** Edges that order experiments (requires, after): the ones the layered layout ranks by. */
export function isOrderingEdge(edge: DependencyEdge): boolean {
  return edge.kind !== 'excludes';
}
