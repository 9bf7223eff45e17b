// Refusals and failures in words a person in an incident can act on: what was refused, why, and
// what to ask for. Branches on the error registry's codes only (CONVENTIONS §4), never on text.

import { formatIssues, RunwayError } from '../../shared/src/errors';
import { isRole, roleAtLeast, type Role } from '../../shared/src/roles';
import type { BotActor } from './bot-services';

/** The role each Slack action needs: checked before acting so the refusal comes first. */
export const ROLE_NEEDED = {
  pause: 'operator',
  resume: 'operator',
  rollback: 'operator',
  acknowledge: 'operator',
  approve: 'release-manager',
  freeze: 'release-manager',
  unfreeze: 'release-manager',
} as const satisfies Record<string, Role>;

export function roleRefusal(actor: BotActor, needed: Role, doing: string): string {
  return `You cannot ${doing}: that needs the *${needed}* role, and your Runway user *${actor.name}* is a ${actor.role}. Ask a Runway admin for it: \`runway token create --name ${actor.name} --role ${needed}\`. Nothing was changed.`;
}

/** null when the actor may; otherwise the refusal to show (ephemeral). */
export function checkRole(actor: BotActor, needed: Role, doing: string): string | null {
  return roleAtLeast(actor.role, needed) ? null : roleRefusal(actor, needed, doing);
}

export interface FailureReply {
  text: string;
  /** True when the failure is Runway's, not the request's: it is logged too. */
  internal: boolean;
}

export function describeFailure(error: unknown, actor: BotActor, doing: string): FailureReply {
  if (!(error instanceof RunwayError))
    return {
      text: `Runway failed to ${doing}; nothing was changed. Details are in the server log.`,
      internal: true,
    };
  switch (error.code) {
    case 'FORBIDDEN': {
      const needed = error.details['needed'];
      if (isRole(needed)) return { text: roleRefusal(actor, needed, doing), internal: false };
      return { text: `You cannot ${doing}: ${error.message}.`, internal: false };
    }
    case 'VERSION_CONFLICT': {
      const key = typeof error.details['key'] === 'string' ? error.details['key'] : null;
      const look = key ? ` Look again with \`/runway status ${key}\`, then decide.` : '';
      return {
        text: `Not done: ${error.message.replace(/; reload and try again$/, '')} — someone or something changed it after you looked.${look}`,
        internal: false,
      };
    }
    case 'BAD_REQUEST':
    case 'SPEC_INVALID': {
      const issues = error.issues.length > 0 ? `\n${formatIssues(error.issues)}` : '';
      return { text: `${refusedBecause(doing, error.message)}${issues}`, internal: false };
    }
    case 'INTERNAL':
      return {
        text: `Runway failed to ${doing}; nothing was changed. Details are in the server log.`,
        internal: true,
      };
    default:
      // NOT_FOUND, INVALID_TRANSITION, GATE_BLOCKED, SELF_APPROVAL…: the service's sentence says it.
      return { text: refusedBecause(doing, error.message), internal: false };
  }
}

/** "Cannot pause k: …", without repeating the service when its sentence already says "cannot". */
function refusedBecause(doing: string, message: string): string {
  const sentence = message.replace(/\.$/, '');
  if (/^cannot /i.test(sentence)) return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
  return `Cannot ${doing}: ${sentence}.`;
}
