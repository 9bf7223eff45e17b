import { buildDigestMessage } from '../../../bot/src/digests/digest-message';
import { dueSlot } from '../../../bot/src/digests/digest-schedule';
import type { Clock } from '../clock';
import type { OutboxStore } from '../outbox/outbox-store';
import type { Db } from '../store/database';
import type { DigestDataSource } from './digest-data-source';
import type { DigestStore } from './digest-store';
import type { DeliveryOutcome } from './page-delivery';
import type { SlackGateway } from './slack-gateway';

export interface DigestPosterDeps {
  db: Db;
  store: DigestStore;
  outbox: Pick<OutboxStore, 'add'>;
  data: DigestDataSource;
  gateway: Pick<SlackGateway, 'post'>;
  clock: Clock;
  log: (line: string) => void;
}

/**
 * Exactly one digest per scheduled slot. Claiming a slot inserts its row (the key is schedule +
 * slot) and its outbox message in one transaction; posting happens after, through the outbox,
 * and records the message on the slot row. Only the latest due slot is ever claimed, so a server
 * that was down over several slots posts one catch-up digest covering the whole gap.
 */
export class DigestPoster {
  constructor(private readonly deps: DigestPosterDeps) {}

  claimDue(nowMs: number): number {
    const { db, store, outbox } = this.deps;
    let claimed = 0;
    for (const schedule of store.active()) {
      const last = store.lastSlot(schedule.id);
      let slot: number | null;
      try {
        slot = dueSlot({ ...schedule, lastClaimedSlotMs: last?.slotAtMs ?? null }, nowMs);
      } catch (error) {
        // Validated when stored; a zone that vanished from this Node's tz data lands here.
        this.deps.log(
          `slack digests: schedule ${schedule.id} (${schedule.cron}): ${String(error)}`,
        );
        continue;
      }
      if (slot === null) continue;
      const slotAtMs = slot;
      const won = db.transaction(() => {
        const fresh = store.claimSlot({
          scheduleId: schedule.id,
          slotAtMs,
          coversSinceMs: last?.slotAtMs ?? schedule.createdAtMs,
          claimedAtMs: nowMs,
        });
        if (fresh) {
          outbox.add(
            'slack.digest',
            { scheduleId: schedule.id, slotAtMs },
            nowMs,
            `slack.digest:${schedule.id}:${slotAtMs}`,
          );
        }
        return fresh;
      })();
      if (won) claimed++;
    }
    return claimed;
  }

  async post(scheduleId: number, slotAtMs: number): Promise<DeliveryOutcome> {
    const { store } = this.deps;
    const slot = store.slot(scheduleId, slotAtMs);
    if (!slot) return { abandoned: `digest slot ${scheduleId}@${slotAtMs} was never claimed` };
    // Posted before a crash that came before the outbox row was marked: not again.
    if (slot.ts) return;
    const schedule = store.get(scheduleId);
    if (!schedule || schedule.removedAtMs !== null) {
      return { abandoned: `digest schedule ${scheduleId} was removed before its slot was posted` };
    }
    const data = this.deps.data.read({
      sinceMs: slot.coversSinceMs,
      slotAtMs,
      timeZone: schedule.timeZone,
      scope: schedule.scope,
    });
    // The same window as for pages (page-delivery.ts post): between Slack's answer and this write.
    const sent = await this.deps.gateway.post(schedule.channel, buildDigestMessage(data), {
      eventType: 'runway_digest',
      payload: { schedule_id: scheduleId, slot_at: slotAtMs },
    });
    store.recordPosted(scheduleId, slotAtMs, sent.channel, sent.ts, this.deps.clock.now());
  }
}
