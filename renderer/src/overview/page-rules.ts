import { roleAtLeast, type Role } from '../../../shared/src/roles';

export interface AcknowledgeAvailability {
  enabled: boolean;
  /** Why not, in a sentence the button shows beside it. */
  why: string | null;
}

/**
 * Whether this person may acknowledge a page: operators and above, as the server checks
 * (pages.acknowledge). Predicted here so the button explains itself instead of failing.
 */
export function acknowledgeAvailability(
  user: { name: string; role: Role } | null,
): AcknowledgeAvailability {
  if (!user) return { enabled: false, why: 'Sign in to acknowledge pages.' };
  if (!roleAtLeast(user.role, 'operator'))
    return {
      enabled: false,
      why: `Only operators and above can acknowledge pages; you are signed in as ${user.role}.`,
    };
  return { enabled: true, why: null };
}
