import type { DigestScope } from '../../../shared/src/api-schemas';
import type { Db } from '../store/database';

export interface DigestScheduleRow {
  id: number;
  channel: string;
  cron: string;
  timeZone: string;
  /** One team's or service's experiments; null: the whole fleet. */
  scope: DigestScope | null;
  createdBy: string;
  createdAtMs: number;
  removedAtMs: number | null;
}

export interface DigestSlotRow {
  scheduleId: number;
  slotAtMs: number;
  coversSinceMs: number;
  claimedAtMs: number;
  channel: string | null;
  ts: string | null;
  postedAtMs: number | null;
}

const SELECT_SCHEDULE = `SELECT id, channel, cron, time_zone AS timeZone, scope_kind AS scopeKind,
  scope_name AS scopeName, created_by AS createdBy, created_at AS createdAtMs,
  removed_at AS removedAtMs FROM digest_schedules`;

type ScheduleRecord = Omit<DigestScheduleRow, 'scope'> & {
  scopeKind: DigestScope['kind'] | null;
  scopeName: string | null;
};

function toSchedule(record: ScheduleRecord | undefined): DigestScheduleRow | null {
  if (!record) return null;
  const { scopeKind, scopeName, ...row } = record;
  // The table's CHECK keeps the two columns both set or both NULL.
  return { ...row, scope: scopeKind && scopeName ? { kind: scopeKind, name: scopeName } : null };
}

const SELECT_SLOT = `SELECT schedule_id AS scheduleId, slot_at AS slotAtMs,
  covers_since AS coversSinceMs, claimed_at AS claimedAtMs, channel, ts, posted_at AS postedAtMs
  FROM digest_slots`;

/** Digest schedules per channel, and the slots claimed (and posted) for each. */
export class DigestStore {
  constructor(private readonly db: Db) {}

  active(): DigestScheduleRow[] {
    return (
      this.db
        .prepare(`${SELECT_SCHEDULE} WHERE removed_at IS NULL ORDER BY id`)
        .all() as ScheduleRecord[]
    ).map((record) => toSchedule(record)!);
  }

  activeForChannel(channel: string): DigestScheduleRow | null {
    return toSchedule(
      this.db
        .prepare(`${SELECT_SCHEDULE} WHERE channel = ? AND removed_at IS NULL`)
        .get(channel) as ScheduleRecord | undefined,
    );
  }

  get(id: number): DigestScheduleRow | null {
    return toSchedule(
      this.db.prepare(`${SELECT_SCHEDULE} WHERE id = ?`).get(id) as ScheduleRecord | undefined,
    );
  }

  insert(schedule: Omit<DigestScheduleRow, 'id' | 'removedAtMs'>): number {
    const { scope, ...row } = schedule;
    return Number(
      this.db
        .prepare(
          `INSERT INTO digest_schedules
            (channel, cron, time_zone, scope_kind, scope_name, created_by, created_at)
          VALUES (@channel, @cron, @timeZone, @scopeKind, @scopeName, @createdBy, @createdAtMs)`,
        )
        .run({ ...row, scopeKind: scope?.kind ?? null, scopeName: scope?.name ?? null })
        .lastInsertRowid,
    );
  }

  remove(id: number, atMs: number, by: string): void {
    this.db
      .prepare(
        'UPDATE digest_schedules SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL',
      )
      .run(atMs, by, id);
  }

  lastSlot(scheduleId: number): DigestSlotRow | null {
    return (
      (this.db
        .prepare(`${SELECT_SLOT} WHERE schedule_id = ? ORDER BY slot_at DESC LIMIT 1`)
        .get(scheduleId) as DigestSlotRow | undefined) ?? null
    );
  }

  slot(scheduleId: number, slotAtMs: number): DigestSlotRow | null {
    return (
      (this.db
        .prepare(`${SELECT_SLOT} WHERE schedule_id = ? AND slot_at = ?`)
        .get(scheduleId, slotAtMs) as DigestSlotRow | undefined) ?? null
    );
  }

  /** False when the slot was already claimed (by an earlier run or before a restart). */
  claimSlot(slot: Omit<DigestSlotRow, 'channel' | 'ts' | 'postedAtMs'>): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO digest_slots (schedule_id, slot_at, covers_since, claimed_at)
          VALUES (@scheduleId, @slotAtMs, @coversSinceMs, @claimedAtMs)`,
        )
        .run(slot).changes === 1
    );
  }

  recordPosted(
    scheduleId: number,
    slotAtMs: number,
    channel: string,
    ts: string,
    atMs: number,
  ): void {
    this.db
      .prepare(
        'UPDATE digest_slots SET channel = ?, ts = ?, posted_at = ? WHERE schedule_id = ? AND slot_at = ?',
      )
      .run(channel, ts, atMs, scheduleId, slotAtMs);
  }
}
