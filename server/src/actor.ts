import type { Role } from '../../shared/src/roles';

/** Who is acting: a token's user, or Runway itself (the scheduler, the demo simulator). */
export interface Actor {
  /** null for Runway's own automatic actions. */
  readonly userId: number | null;
  readonly name: string;
  readonly role: Role;
}

export const SCHEDULER_ACTOR: Actor = { userId: null, name: 'runway:scheduler', role: 'admin' };
