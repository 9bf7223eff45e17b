import type { Db } from '../store/database';

/** Who a team's unacknowledged pages escalate to, and after how long. */
export interface TeamContact {
  team: string;
  /** A Slack user ID (U…/W…) or an email. */
  secondary: string;
  escalateAfterMs: number;
  updatedBy: string;
  updatedAtMs: number;
}

const SELECT_CONTACT = `SELECT team, secondary, escalate_after_ms AS escalateAfterMs,
  updated_by AS updatedBy, updated_at AS updatedAtMs FROM team_contacts`;

export class TeamContactStore {
  constructor(private readonly db: Db) {}

  upsert(contact: TeamContact): void {
    this.db
      .prepare(
        `INSERT INTO team_contacts (team, secondary, escalate_after_ms, updated_by, updated_at)
        VALUES (@team, @secondary, @escalateAfterMs, @updatedBy, @updatedAtMs)
        ON CONFLICT(team) DO UPDATE SET secondary = excluded.secondary,
          escalate_after_ms = excluded.escalate_after_ms, updated_by = excluded.updated_by,
          updated_at = excluded.updated_at`,
      )
      .run(contact);
  }

  get(team: string): TeamContact | null {
    return (
      (this.db.prepare(`${SELECT_CONTACT} WHERE team = ?`).get(team) as TeamContact | undefined) ??
      null
    );
  }

  list(): TeamContact[] {
    return this.db.prepare(`${SELECT_CONTACT} ORDER BY team`).all() as TeamContact[];
  }
}
