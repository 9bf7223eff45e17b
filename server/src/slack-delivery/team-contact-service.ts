import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { ChangeFeed } from '../events/change-feed';
import type { Db } from '../store/database';
import type { TeamContact, TeamContactStore } from './team-contact-store';

/** How long a page may stay unacknowledged before it escalates, unless the team says otherwise. */
export const DEFAULT_ESCALATE_AFTER_MS = 15 * 60_000;
export const MIN_ESCALATE_AFTER_MS = 60_000;
export const MAX_ESCALATE_AFTER_MS = 7 * 24 * 3_600_000;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface TeamContactServiceDeps {
  db: Db;
  store: TeamContactStore;
  audit: AuditStore;
  feed: ChangeFeed;
  clock: Clock;
}

/** Teams' escalation contacts: set by admins (audited), read by the Slack delivery. */
export class TeamContactService {
  constructor(private readonly deps: TeamContactServiceDeps) {}

  list(actor: Actor): TeamContact[] {
    requireRole(actor, 'viewer');
    return this.deps.store.list();
  }

  setContact(
    input: { team: string; secondary: string; escalateAfterMs?: number | null },
    actor: Actor,
  ): TeamContact {
    requireRole(actor, 'admin');
    const team = input.team.trim();
    const secondary = input.secondary.trim();
    const escalateAfterMs = input.escalateAfterMs ?? DEFAULT_ESCALATE_AFTER_MS;
    const issues: Array<{ path: string; message: string }> = [];
    if (team.length === 0 || team.length > 100)
      issues.push({ path: 'team', message: 'must be 1 to 100 characters' });
    if (!SLACK_USER_ID.test(secondary) && !EMAIL.test(secondary))
      issues.push({
        path: 'secondary',
        message: 'must be a Slack user ID like U012ABCDEF or an email address',
      });
    if (
      !Number.isInteger(escalateAfterMs) ||
      escalateAfterMs < MIN_ESCALATE_AFTER_MS ||
      escalateAfterMs > MAX_ESCALATE_AFTER_MS
    )
      issues.push({ path: 'escalateAfterMs', message: 'must be from 1 minute to 7 days' });
    if (issues.length > 0) {
      throw new RunwayError(
        'BAD_REQUEST',
        issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
        { issues },
      );
    }
    const now = this.deps.clock.now();
    const rows: AuditRow[] = [];
    const contact: TeamContact = {
      team,
      secondary,
      escalateAfterMs,
      updatedBy: actor.name,
      updatedAtMs: now,
    };
    this.deps.db.transaction(() => {
      const previous = this.deps.store.get(team);
      this.deps.store.upsert(contact);
      rows.push(
        this.deps.audit.append({
          at: now,
          actor: actor.name,
          action: 'team.contact',
          details: {
            team,
            secondary,
            escalateAfterMs,
            previous: previous
              ? { secondary: previous.secondary, escalateAfterMs: previous.escalateAfterMs }
              : null,
          },
        }),
      );
    })();
    this.deps.feed.publish(rows);
    return contact;
  }
}
