// A digest's scope in words, the same in the schedule's confirmation and the digest's heading.

import type { DigestScope } from '../../../shared/src/api-schemas';

export type { DigestScope };

/** "team payments", "service checkout"; null (the whole fleet) reads "the whole fleet". */
export function digestScopeLabel(scope: DigestScope | null): string {
  return scope ? `${scope.kind} ${scope.name}` : 'the whole fleet';
}

/** The experiment filter a scope stands for (experiments carry their spec's team and service). */
export function digestScopeFilter(scope: DigestScope): { team: string } | { service: string } {
  return scope.kind === 'team' ? { team: scope.name } : { service: scope.name };
}
