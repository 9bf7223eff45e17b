import type { PageKind, PageView } from '../../../shared/src/api-types';
import type { Db } from '../store/database';

export interface NewPage {
  kind: PageKind;
  experimentKey: string;
  summary: string;
  raisedAtMs: number;
  dedupeKey: string;
}

export interface PageQuery {
  open?: boolean;
  experimentKey?: string;
  limit: number;
}

// Owner, team and service come from the experiment, so a page always names today's owner.
const SELECT_PAGE = `SELECT p.id, p.kind, p.experiment_key AS experimentKey,
  COALESCE(e.service, '') AS service, COALESCE(e.team, '') AS team, COALESCE(e.owner, '') AS owner,
  p.summary, p.raised_at AS raisedAtMs, p.acknowledged_at AS acknowledgedAtMs,
  p.acknowledged_by AS acknowledgedBy
  FROM pages p LEFT JOIN experiments e ON e.key = p.experiment_key`;

/** Pages Runway raised, and their acknowledgement. */
export class PageStore {
  constructor(private readonly db: Db) {}

  /** The new page's id, or null when a page with this dedupe key already exists. */
  insert(page: NewPage): number | null {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO pages (dedupe_key, kind, experiment_key, summary, raised_at)
        VALUES (?, ?, ?, ?, ?)`,
      )
      .run(page.dedupeKey, page.kind, page.experimentKey, page.summary, page.raisedAtMs);
    return result.changes === 1 ? Number(result.lastInsertRowid) : null;
  }

  get(id: number): PageView | null {
    return (
      (this.db.prepare(`${SELECT_PAGE} WHERE p.id = ?`).get(id) as PageView | undefined) ?? null
    );
  }

  /** Newest first. */
  list(query: PageQuery): PageView[] {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.open === true) where.push('p.acknowledged_at IS NULL');
    if (query.open === false) where.push('p.acknowledged_at IS NOT NULL');
    if (query.experimentKey !== undefined) {
      where.push('p.experiment_key = ?');
      params.push(query.experimentKey);
    }
    const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    return this.db
      .prepare(`${SELECT_PAGE}${clause} ORDER BY p.id DESC LIMIT ?`)
      .all(...params, query.limit) as PageView[];
  }

  openCount(): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM pages WHERE acknowledged_at IS NULL')
      .pluck()
      .get() as number;
  }

  /** False when the page was already acknowledged (the first acknowledgement stands). */
  acknowledge(id: number, atMs: number, by: string): boolean {
    const result = this.db
      .prepare(
        'UPDATE pages SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL',
      )
      .run(atMs, by, id);
    return result.changes === 1;
  }
}
