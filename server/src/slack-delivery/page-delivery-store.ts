import type { PageAudience } from '../../../bot/src/delivery/page-message';
import type { Db } from '../store/database';

export interface PageMessageRef {
  pageId: number;
  destination: PageAudience;
  status: 'posted' | 'undeliverable';
  channel: string | null;
  ts: string | null;
  error: string | null;
  /** The state the message shows (see renderedState in page-context.ts). */
  rendered: string | null;
  atMs: number;
}

export interface PageEscalation {
  pageId: number;
  secondary: string;
  escalateAfterMs: number;
  escalatedAtMs: number;
}

/** A posted message and what its page and experiment are now, to see whether it is outdated. */
export interface PostedMessageState {
  pageId: number;
  destination: PageAudience;
  rendered: string | null;
  experimentVersion: number | null;
  acknowledgedAtMs: number | null;
  escalatedAtMs: number | null;
}

const SELECT_REF = `SELECT page_id AS pageId, destination, status, channel, ts, error, rendered,
  at AS atMs FROM slack_page_messages`;

/**
 * What was sent to Slack for each page (per destination), the escalations, and the reads the
 * messages need: the page's original outbox payload (its evidence), a rollback's cascade from
 * the audit log, and Slack links of Runway users.
 */
export class PageDeliveryStore {
  constructor(private readonly db: Db) {}

  refs(pageId: number): PageMessageRef[] {
    return this.db
      .prepare(`${SELECT_REF} WHERE page_id = ? ORDER BY destination`)
      .all(pageId) as PageMessageRef[];
  }

  recordPosted(
    ref: {
      pageId: number;
      destination: PageAudience;
      channel: string;
      ts: string;
      rendered: string;
    },
    atMs: number,
  ): void {
    // A plain INSERT: a second row for one destination would mean a second post, which the
    // check before posting exists to prevent; failing loudly beats recording it silently.
    this.db
      .prepare(
        `INSERT INTO slack_page_messages (page_id, destination, status, channel, ts, rendered, at)
        VALUES (?, ?, 'posted', ?, ?, ?, ?)`,
      )
      .run(ref.pageId, ref.destination, ref.channel, ref.ts, ref.rendered, atMs);
  }

  recordUndeliverable(
    pageId: number,
    destination: PageAudience,
    error: string,
    atMs: number,
  ): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO slack_page_messages (page_id, destination, status, error, at)
        VALUES (?, ?, 'undeliverable', ?, ?)`,
      )
      .run(pageId, destination, error, atMs);
  }

  markRendered(pageId: number, destination: PageAudience, rendered: string): void {
    this.db
      .prepare('UPDATE slack_page_messages SET rendered = ? WHERE page_id = ? AND destination = ?')
      .run(rendered, pageId, destination);
  }

  /** Messages posted since `sinceMs` with the current state of their page and experiment. */
  postedSince(sinceMs: number): PostedMessageState[] {
    return this.db
      .prepare(
        `SELECT m.page_id AS pageId, m.destination, m.rendered, e.version AS experimentVersion,
          p.acknowledged_at AS acknowledgedAtMs, x.escalated_at AS escalatedAtMs
        FROM slack_page_messages m
        JOIN pages p ON p.id = m.page_id
        LEFT JOIN experiments e ON e.key = p.experiment_key
        LEFT JOIN page_escalations x ON x.page_id = m.page_id
        WHERE m.status = 'posted' AND m.at >= ?
        ORDER BY m.page_id`,
      )
      .all(sinceMs) as PostedMessageState[];
  }

  /** The page's own outbox payload (Pager writes both with the same dedupe key). */
  pagePayload(pageId: number): Record<string, unknown> | null {
    const json = this.db
      .prepare(
        `SELECT o.payload_json FROM pages p JOIN outbox o ON o.dedupe_key = p.dedupe_key
        WHERE p.id = ?`,
      )
      .pluck()
      .get(pageId) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as Record<string, unknown>);
  }

  /**
   * Every experiment one rollback took down, dependents first, with the prerequisite each was
   * reached through. A rollback commits in one transaction that appends the dependents' rows and
   * then the root's, so they sit just before the root's row in the log (bounded look-back).
   */
  rollbackCascade(root: string): Array<{ key: string; via: string | null }> {
    const rootSeq = this.db
      .prepare(
        `SELECT seq FROM audit_log WHERE experiment_key = ? AND action = 'experiment.rollback'
        ORDER BY seq DESC LIMIT 1`,
      )
      .pluck()
      .get(root) as number | undefined;
    if (rootSeq === undefined) return [];
    const rows = this.db
      .prepare(
        `SELECT experiment_key AS key, details_json AS detailsJson FROM audit_log
        WHERE seq BETWEEN ? AND ? AND action = 'experiment.rollback' AND (cause = ? OR seq = ?)
        ORDER BY seq`,
      )
      .all(rootSeq - 5_000, rootSeq, root, rootSeq) as Array<{ key: string; detailsJson: string }>;
    return rows.map((row) => {
      const via = (JSON.parse(row.detailsJson) as { via?: unknown }).via;
      return { key: row.key, via: typeof via === 'string' ? via : null };
    });
  }

  /** The Slack user a Runway user with this email (or name) is linked to. */
  linkedSlackUser(owner: string): string | null {
    return (
      (this.db
        .prepare(
          `SELECT slack_user_id FROM users WHERE slack_user_id IS NOT NULL
          AND (lower(email) = lower(?) OR name = ?) ORDER BY id LIMIT 1`,
        )
        .pluck()
        .get(owner, owner) as string | undefined) ?? null
    );
  }

  escalation(pageId: number): PageEscalation | null {
    return (
      (this.db
        .prepare(
          `SELECT page_id AS pageId, secondary, escalate_after_ms AS escalateAfterMs,
          escalated_at AS escalatedAtMs FROM page_escalations WHERE page_id = ?`,
        )
        .get(pageId) as PageEscalation | undefined) ?? null
    );
  }

  /**
   * Open pages past their team's escalation time and not escalated yet, raised no earlier than
   * `maxAgeMs` before that time (a contact set today does not escalate last month's pages).
   */
  dueForEscalation(
    nowMs: number,
    maxAgeMs: number,
  ): Array<Omit<PageEscalation, 'escalatedAtMs'> & { experimentKey: string }> {
    return this.db
      .prepare(
        `SELECT p.id AS pageId, p.experiment_key AS experimentKey, t.secondary,
          t.escalate_after_ms AS escalateAfterMs
        FROM pages p
        JOIN experiments e ON e.key = p.experiment_key
        JOIN team_contacts t ON t.team = e.team
        LEFT JOIN page_escalations x ON x.page_id = p.id
        WHERE p.acknowledged_at IS NULL AND x.page_id IS NULL
          AND p.raised_at + t.escalate_after_ms <= @now
          AND p.raised_at >= @now - t.escalate_after_ms - @maxAge
        ORDER BY p.id`,
      )
      .all({ now: nowMs, maxAge: maxAgeMs }) as Array<
      Omit<PageEscalation, 'escalatedAtMs'> & { experimentKey: string }
    >;
  }

  /** False when the page was already escalated. */
  insertEscalation(escalation: PageEscalation): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO page_escalations (page_id, secondary, escalate_after_ms, escalated_at)
          VALUES (?, ?, ?, ?)`,
        )
        .run(
          escalation.pageId,
          escalation.secondary,
          escalation.escalateAfterMs,
          escalation.escalatedAtMs,
        ).changes === 1
    );
  }
}
