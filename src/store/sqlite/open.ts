import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from '../schema.ts';
import type { MetadataStore } from '../store.ts';
import { MIGRATIONS, pendingMigrations, type Migration } from '../migrations/index.ts';
import { CAPABILITIES } from '../dialect.ts';

/**
 * SQLite metadata store (the embedded default). WAL lets the API server and a
 * separate `smart-audio worker` process share the file; busy_timeout makes
 * writers wait for each other instead of failing.
 */
export function openSqliteStore(file: string, migrations: readonly Migration[] = MIGRATIONS): MetadataStore {
  mkdirSync(dirname(file), { recursive: true });
  const handle = new BetterSqlite3(file);
  try {
    handle.pragma('busy_timeout = 15000');
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    migrateSqlite(handle, migrations);
  } catch (err) {
    // A store that refuses to open (e.g. a newer schema) must not keep the file open.
    handle.close();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
  return {
    // One host: its own clock is the shared one (src/store/clock.ts).
    now: () => Date.now(),
    dialect: 'sqlite',
    capabilities: CAPABILITIES.sqlite,
    db,
    writeTx: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (err) {
          await sql`ROLLBACK`.execute(conn).catch(() => undefined);
          throw err;
        }
      }),
    close: () => db.destroy(),
  };
}

/**
 * Runs pending migrations inside one `BEGIN IMMEDIATE` transaction: the write
 * lock is taken before the applied versions are read, so when two processes
 * start at once the second waits (busy_timeout), then sees the work done and
 * applies nothing. SQLite DDL is transactional, so a failed migration leaves
 * no trace.
 */
export function migrateSqlite(handle: BetterSqlite3.Database, migrations: readonly Migration[]): number[] {
  handle.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  const run = handle.transaction(() => {
    const rows = handle.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>;
    const done: number[] = [];
    for (const m of pendingMigrations(new Set(rows.map((r) => r.version)), migrations)) {
      // Insert the row first so a concurrent migrator clashes on the key (graphile-worker's trick).
      handle.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      for (const statement of m.statements(CAPABILITIES.sqlite)) handle.exec(statement);
      done.push(m.version);
    }
    return done;
  });
  return run.immediate();
}
