import type { ExperimentView } from '../../../shared/src/api-types';
import { allowedFrom, canTransition } from '../../../shared/src/lifecycle';
import { roleAtLeast, type Role } from '../../../shared/src/roles';
import { stateLabel } from '../../../shared/src/state-label';

export type Availability = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether the console offers "Roll back…" for an experiment, and if not, the sentence saying why.
 * The server decides in the end (it checks role, state and version again); this only keeps people
 * from starting what cannot succeed.
 */
export function rollbackAvailability(
  experiment: Pick<ExperimentView, 'state'>,
  user: { role: Role } | null,
): Availability {
  if (!user) return { allowed: false, reason: 'Checking what your token may do…' };
  if (!roleAtLeast(user.role, 'operator')) {
    return {
      allowed: false,
      reason: `Rolling back needs the operator role or above; your token is a ${user.role}.`,
    };
  }
  if (!canTransition('rollback', experiment.state)) {
    const states = allowedFrom('rollback').map((state) => stateLabel(state));
    return {
      allowed: false,
      reason: `Only ${states.slice(0, -1).join(', ')} or ${states.at(-1)} experiments can be rolled back; this one is ${stateLabel(experiment.state)}.`,
    };
  }
  return { allowed: true };
}
