import { ROLES, type Role } from '../../../shared/src/roles';
import type { Db } from '../store/database';

export interface UserRecord {
  id: number;
  name: string;
  email: string | null;
  slackUserId: string | null;
  createdAt: number;
}

export interface TokenPrincipal {
  userId: number;
  userName: string;
  role: Role;
  tokenId: number;
}

export class AuthStore {
  private readonly principalStatement;

  constructor(private readonly db: Db) {
    this.principalStatement =
      db.prepare(`SELECT t.id AS tokenId, t.role AS role, u.id AS userId, u.name AS userName
      FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ? AND t.revoked_at IS NULL`);
  }

  principalByTokenHash(tokenHash: string): TokenPrincipal | null {
    return (this.principalStatement.get(tokenHash) as TokenPrincipal | undefined) ?? null;
  }

  userByName(name: string): UserRecord | null {
    const row = this.db
      .prepare(
        'SELECT id, name, email, slack_user_id AS slackUserId, created_at AS createdAt FROM users WHERE name = ?',
      )
      .get(name) as UserRecord | undefined;
    return row ?? null;
  }

  userById(id: number): UserRecord | null {
    const row = this.db
      .prepare(
        'SELECT id, name, email, slack_user_id AS slackUserId, created_at AS createdAt FROM users WHERE id = ?',
      )
      .get(id) as UserRecord | undefined;
    return row ?? null;
  }

  userBySlackId(slackUserId: string): UserRecord | null {
    const row = this.db
      .prepare(
        'SELECT id, name, email, slack_user_id AS slackUserId, created_at AS createdAt FROM users WHERE slack_user_id = ?',
      )
      .get(slackUserId) as UserRecord | undefined;
    return row ?? null;
  }

  listUsers(): UserRecord[] {
    return this.db
      .prepare(
        'SELECT id, name, email, slack_user_id AS slackUserId, created_at AS createdAt FROM users ORDER BY name',
      )
      .all() as UserRecord[];
  }

  /** Users with an email and no Slack link: whom the Slack bot may link by email lookup. */
  unlinkedUsersWithEmail(): UserRecord[] {
    return this.db
      .prepare(
        `SELECT id, name, email, slack_user_id AS slackUserId, created_at AS createdAt FROM users
        WHERE slack_user_id IS NULL AND email IS NOT NULL AND email <> '' ORDER BY id`,
      )
      .all() as UserRecord[];
  }

  /** The highest role among the user's live tokens (a user's role is what its tokens carry). */
  roleOfUser(userId: number): Role | null {
    const roles = this.db
      .prepare('SELECT DISTINCT role FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL')
      .pluck()
      .all(userId) as Role[];
    if (roles.length === 0) return null;
    return roles.reduce((best, role) => (ROLES.indexOf(role) > ROLES.indexOf(best) ? role : best));
  }

  insertUser(name: string, email: string | null, at: number): number {
    return Number(
      this.db
        .prepare('INSERT INTO users (name, email, created_at) VALUES (?, ?, ?)')
        .run(name, email, at).lastInsertRowid,
    );
  }

  updateUserLinks(id: number, links: { email?: string | null; slackUserId?: string | null }): void {
    if (links.email !== undefined)
      this.db.prepare('UPDATE users SET email = ? WHERE id = ?').run(links.email, id);
    if (links.slackUserId !== undefined) {
      this.db.prepare('UPDATE users SET slack_user_id = ? WHERE id = ?').run(links.slackUserId, id);
    }
  }

  insertToken(userId: number, name: string, role: Role, tokenHash: string, at: number): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO api_tokens (user_id, name, role, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(userId, name, role, tokenHash, at).lastInsertRowid,
    );
  }

  countTokens(): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL')
      .pluck()
      .get() as number;
  }
}
