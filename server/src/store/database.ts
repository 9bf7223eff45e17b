import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /**
   * FULL syncs the WAL on every commit, so an acknowledged write survives power loss as well as
   * a process crash; NORMAL survives a process crash only.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** Opens (creating if needed) Runway's database: WAL, foreign keys on, migrations applied. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, MIGRATIONS);
  return db;
}

/** A second, read-only connection to an existing database (the scheduler's worker thread). */
export function openReadOnlyDatabase(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** For /readyz: whether the database answers a trivial query. */
export function isDatabaseReachable(db: Db): boolean {
  try {
    return db.prepare('SELECT 1').pluck().get() === 1;
  } catch {
    return false;
  }
}

export function applyMigrations(db: Db, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[],
  );
  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    // foreign_keys cannot change inside a transaction, so it is switched around it.
    const foreignKeysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
    if (migration.rebuildsReferencedTable) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.rebuildsReferencedTable) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) {
            throw new Error(
              `migration ${migration.version} would break ${broken.length} foreign key(s): ${JSON.stringify(broken.slice(0, 3))}`,
            );
          }
        }
        db.prepare(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
        ).run(migration.version, migration.name, new Date().toISOString());
      })();
    } finally {
      if (migration.rebuildsReferencedTable && foreignKeysWereOn) db.pragma('foreign_keys = ON');
    }
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
