import type { BlastRadiusEntry } from '../../../shared/src/api-types';
import type { DependencyEdge } from './dependency-edges';

/** What the graph highlights while a rollback is previewed. */
export interface BlastHighlight {
  /** The experiment the rollback was asked for. */
  target: string;
  /** Every experiment the cascade takes down, the target included. */
  keys: ReadonlySet<string>;
  /** The requires edges the cascade travels along (both ends in the radius). */
  edgeIds: ReadonlySet<string>;
}

/**
 * The highlight for a blast radius as the server computed it (experiments.blastRadius, the same
 * code path as the rollback itself): the graph never works the cascade out on its own.
 */
export function blastHighlight(
  target: string,
  entries: readonly BlastRadiusEntry[],
  edges: readonly DependencyEdge[],
): BlastHighlight {
  const keys = new Set(entries.map((entry) => entry.key));
  keys.add(target);
  const edgeIds = new Set<string>();
  for (const edge of edges) {
    if (edge.kind === 'requires' && keys.has(edge.source) && keys.has(edge.target)) {
      edgeIds.add(edge.id);
    }
  }
  return { target, keys, edgeIds };
}

export interface BlastRadiusSummary {
  /** The dependents, in the order the cascade rolls them back (dependents first). */
  dependents: BlastRadiusEntry[];
  /** The target's own entry, rolled back last. */
  target: BlastRadiusEntry | null;
  total: number;
}

export function summarizeBlastRadius(
  target: string,
  entries: readonly BlastRadiusEntry[],
): BlastRadiusSummary {
  return {
    dependents: entries.filter((entry) => entry.key !== target),
    target: entries.find((entry) => entry.key === target) ?? null,
    total: entries.length,
  };
}
