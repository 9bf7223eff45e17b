import { checkDigestCron, nextSlotAfter } from '../../../bot/src/digests/digest-schedule';
import { digestScopeFilter } from '../../../bot/src/digests/digest-scope';
import { digestScopeInput, type DigestScope } from '../../../shared/src/api-schemas';
import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { ChangeFeed } from '../events/change-feed';
import type { ExperimentStore } from '../experiments/experiment-store';
import type { Db } from '../store/database';
import type { DigestScheduleRow, DigestStore } from './digest-store';

/** A channel name (#releases) or a conversation ID, as slash commands and specs give them. */
const CHANNEL = /^(#[a-z0-9][a-z0-9_-]{0,79}|[CGD][A-Z0-9]{6,})$/;

export interface DigestScheduleView {
  id: number;
  channel: string;
  cron: string;
  timeZone: string;
  /** One team's or service's experiments; null: the whole fleet. */
  scope: DigestScope | null;
  /** How many experiments (in any state) the scope covers now; null for the whole fleet. */
  experimentsInScope: number | null;
  createdBy: string;
  createdAtMs: number;
  /** The next slot a digest will be posted for; null if the expression never fires again. */
  nextRunAtMs: number | null;
}

export interface DigestScheduleInput {
  channel: string;
  cron: string;
  timeZone: string;
  /** Absent or null: the whole fleet. */
  scope?: DigestScope | null;
}

export interface DigestScheduleServiceDeps {
  db: Db;
  store: DigestStore;
  /** Only to say how many experiments a scope covers (a team may have none yet). */
  experiments: Pick<ExperimentStore, 'list'>;
  audit: AuditStore;
  feed: ChangeFeed;
  clock: Clock;
}

/**
 * Per-channel digest schedules (one per channel: scheduling again replaces it), each about the
 * whole fleet or one team's or service's experiments. The Slack command
 * `/runway digest here SCHEDULE [for team|service NAME]` calls schedule(); every change is
 * audited. A scope naming a team or service no experiment has yet is accepted, as freezes and
 * team contacts accept such names: the view's experimentsInScope says so.
 */
export class DigestScheduleService {
  constructor(private readonly deps: DigestScheduleServiceDeps) {}

  list(actor: Actor): DigestScheduleView[] {
    requireRole(actor, 'viewer');
    return this.deps.store.active().map((row) => this.view(row));
  }

  schedule(input: DigestScheduleInput, actor: Actor): DigestScheduleView {
    requireRole(actor, 'operator');
    const now = this.deps.clock.now();
    const channel = input.channel.trim();
    if (!CHANNEL.test(channel)) {
      throw new RunwayError('BAD_REQUEST', `channel: "${input.channel}" is not a Slack channel`, {
        issues: [{ path: 'channel', message: 'must be a channel ID like C012AB3CD or #name' }],
      });
    }
    const scope = checkScope(input.scope ?? null);
    const checked = checkDigestCron({ cron: input.cron, timeZone: input.timeZone }, now);
    if (!checked.ok) {
      throw new RunwayError('BAD_REQUEST', checked.problem, {
        issues: [{ path: 'cron', message: checked.problem }],
      });
    }
    const rows: AuditRow[] = [];
    const id = this.deps.db.transaction(() => {
      const previous = this.deps.store.activeForChannel(channel);
      if (previous) this.deps.store.remove(previous.id, now, actor.name);
      const created = this.deps.store.insert({
        channel,
        cron: checked.cron,
        timeZone: checked.timeZone,
        scope,
        createdBy: actor.name,
        createdAtMs: now,
      });
      rows.push(
        this.deps.audit.append({
          at: now,
          actor: actor.name,
          action: 'digest.schedule',
          details: {
            id: created,
            channel,
            cron: checked.cron,
            timeZone: checked.timeZone,
            scope,
            replaced: previous ? previous.id : null,
          },
        }),
      );
      return created;
    })();
    this.deps.feed.publish(rows);
    return this.view(this.deps.store.get(id)!);
  }

  unschedule(channelId: string, actor: Actor): DigestScheduleView {
    requireRole(actor, 'operator');
    const now = this.deps.clock.now();
    const rows: AuditRow[] = [];
    const removed = this.deps.db.transaction(() => {
      const existing = this.deps.store.activeForChannel(channelId.trim());
      if (!existing) throw new RunwayError('NOT_FOUND', `no digest is scheduled for ${channelId}`);
      this.deps.store.remove(existing.id, now, actor.name);
      rows.push(
        this.deps.audit.append({
          at: now,
          actor: actor.name,
          action: 'digest.unschedule',
          details: { id: existing.id, channel: existing.channel, scope: existing.scope },
        }),
      );
      return existing;
    })();
    this.deps.feed.publish(rows);
    return this.view(removed);
  }

  private view(row: DigestScheduleRow): DigestScheduleView {
    return {
      id: row.id,
      channel: row.channel,
      cron: row.cron,
      timeZone: row.timeZone,
      scope: row.scope,
      experimentsInScope: row.scope
        ? this.deps.experiments.list(digestScopeFilter(row.scope)).length
        : null,
      createdBy: row.createdBy,
      createdAtMs: row.createdAtMs,
      nextRunAtMs: row.removedAtMs === null ? nextSlotAfter(row, this.deps.clock.now()) : null,
    };
  }
}

/** The tRPC input is checked by this schema already; the bot's goes through the same one here. */
function checkScope(scope: DigestScope | null): DigestScope | null {
  if (!scope) return null;
  const parsed = digestScopeInput.safeParse(scope);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: ['scope', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new RunwayError(
    'BAD_REQUEST',
    issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
    { issues },
  );
}
