import { RunwayError } from '../../../shared/src/errors';
import { roleAtLeast, type Role } from '../../../shared/src/roles';
import type { Actor } from '../actor';
import type { AuditStore } from '../audit/audit-store';
import type { Clock } from '../clock';
import type { Db } from '../store/database';
import type { AuthStore, UserRecord } from './auth-store';
import { generateToken, hashToken } from './token';

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly store: AuthStore,
    private readonly audit: AuditStore,
    private readonly clock: Clock,
  ) {}

  /** The actor behind a bearer token, or null when the token is unknown or revoked. */
  authenticate(token: string): Actor | null {
    const principal = this.store.principalByTokenHash(hashToken(token));
    if (!principal) return null;
    return { userId: principal.userId, name: principal.userName, role: principal.role };
  }

  /** Creates a token (and its user when new). The token is returned once and stored hashed. */
  createToken(
    input: { name: string; role: Role; email?: string | null },
    actor: Actor,
  ): { token: string; user: UserRecord; role: Role } {
    requireRole(actor, 'admin');
    return this.db.transaction(() => {
      const now = this.clock.now();
      let user = this.store.userByName(input.name);
      if (!user) {
        const id = this.store.insertUser(input.name, input.email ?? null, now);
        user = this.store.userById(id)!;
        this.audit.append({
          at: now,
          actor: actor.name,
          action: 'user.create',
          details: { user: input.name },
        });
      }
      const token = generateToken();
      this.store.insertToken(user.id, input.name, input.role, hashToken(token), now);
      this.audit.append({
        at: now,
        actor: actor.name,
        action: 'token.create',
        details: { user: user.name, role: input.role },
      });
      return { token, user, role: input.role };
    })();
  }

  linkUser(
    input: { name: string; slackUserId: string; email?: string | null },
    actor: Actor,
  ): UserRecord {
    requireRole(actor, 'admin');
    return this.db.transaction(() => {
      const user = this.store.userByName(input.name);
      if (!user)
        throw new RunwayError(
          'NOT_FOUND',
          `no user named ${input.name}; create one with: runway token create --name ${input.name} --role viewer`,
        );
      const holder = this.store.userBySlackId(input.slackUserId);
      if (holder && holder.id !== user.id) {
        throw new RunwayError(
          'KEY_EXISTS',
          `Slack user ${input.slackUserId} is already linked to ${holder.name}`,
        );
      }
      this.store.updateUserLinks(user.id, {
        slackUserId: input.slackUserId,
        ...(input.email !== undefined ? { email: input.email } : {}),
      });
      this.audit.append({
        at: this.clock.now(),
        actor: actor.name,
        action: 'user.link',
        details: {
          user: user.name,
          slackUserId: input.slackUserId,
          email: input.email ?? user.email,
        },
      });
      return this.store.userById(user.id)!;
    })();
  }

  /**
   * The Runway user linked to a Slack user, with the role its live tokens carry (null: none).
   * For the Slack bot's identity resolution, which runs before there is an actor to check.
   */
  userBySlackId(slackUserId: string): (UserRecord & { role: Role | null }) | null {
    const user = this.store.userBySlackId(slackUserId);
    return user ? { ...user, role: this.store.roleOfUser(user.id) } : null;
  }

  /** Users the Slack bot may link by looking their email up in Slack. */
  unlinkedUsersWithEmail(): Array<UserRecord & { role: Role | null }> {
    return this.store
      .unlinkedUsersWithEmail()
      .map((user) => ({ ...user, role: this.store.roleOfUser(user.id) }));
  }

  listUsers(actor: Actor): UserRecord[] {
    requireRole(actor, 'admin');
    return this.store.listUsers();
  }

  /** Bootstraps the first admin for a local server; a no-op when tokens already exist. */
  bootstrapAdmin(name: string): string | null {
    if (this.store.countTokens() > 0) return null;
    return this.createToken(
      { name, role: 'admin' },
      { userId: null, name: 'runway:bootstrap', role: 'admin' },
    ).token;
  }

  /** Always creates a fresh admin token for `name` (the local server's own, rotated per data dir). */
  issueAdminToken(name: string): string {
    return this.createToken(
      { name, role: 'admin' },
      { userId: null, name: 'runway:bootstrap', role: 'admin' },
    ).token;
  }
}

/** Every procedure checks the role (DESIGN §6); the message says what is needed. */
export function requireRole(actor: Actor, needed: Role): void {
  if (!roleAtLeast(actor.role, needed)) {
    throw new RunwayError(
      'FORBIDDEN',
      `this needs the ${needed} role; ${actor.name} is ${actor.role}`,
      {
        details: { needed, role: actor.role },
      },
    );
  }
}
