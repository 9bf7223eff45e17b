import { checkDigestCron, nextSlotAfter } from '../../../bot/src/digests/digest-schedule';
import { RunwayError } from '../../../shared/src/errors';
import type { Actor } from '../actor';
import type { AuditRow } from '../audit/audit-chain';
import type { AuditStore } from '../audit/audit-store';
import { requireRole } from '../auth/auth-service';
import type { Clock } from '../clock';
import type { ChangeFeed } from '../events/change-feed';
import type { Db } from '../store/database';
import type { DigestScheduleRow, DigestStore } from './digest-store';

/** A channel name (#releases) or a conversation ID, as slash commands and specs give them. */
const CHANNEL = /^(#[a-z0-9][a-z0-9_-]{0,79}|[CGD][A-Z0-9]{6,})$/;

export interface DigestScheduleView {
  id: number;
  channel: string;
  cron: string;
  timeZone: string;
  createdBy: string;
  createdAtMs: number;
  /** The next slot a digest will be posted for; null if the expression never fires again. */
  nextRunAtMs: number | null;
}

export interface DigestScheduleServiceDeps {
  db: Db;
  store: DigestStore;
  audit: AuditStore;
  feed: ChangeFeed;
  clock: Clock;
}

/**
 * Per-channel digest schedules (one per channel: scheduling again replaces it). The Slack
 * command `/runway digest here SCHEDULE` calls schedule(); every change is audited.
 */
export class DigestScheduleService {
  constructor(private readonly deps: DigestScheduleServiceDeps) {}

  list(actor: Actor): DigestScheduleView[] {
    requireRole(actor, 'viewer');
    return this.deps.store.active().map((row) => this.view(row));
  }

  schedule(channelId: string, cron: string, timeZone: string, actor: Actor): DigestScheduleView {
    requireRole(actor, 'operator');
    const now = this.deps.clock.now();
    const channel = channelId.trim();
    if (!CHANNEL.test(channel)) {
      throw new RunwayError('BAD_REQUEST', `channel: "${channelId}" is not a Slack channel`, {
        issues: [{ path: 'channel', message: 'must be a channel ID like C012AB3CD or #name' }],
      });
    }
    const checked = checkDigestCron({ cron, timeZone }, now);
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
          details: { id: existing.id, channel: existing.channel },
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
      createdBy: row.createdBy,
      createdAtMs: row.createdAtMs,
      nextRunAtMs: row.removedAtMs === null ? nextSlotAfter(row, this.deps.clock.now()) : null,
    };
  }
}
