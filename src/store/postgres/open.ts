import pg from 'pg';
import { OffsetClock } from '../clock.ts';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../schema.ts';
import type { MetadataStore } from '../store.ts';
import { CAPABILITIES, MIGRATION_LOCK } from '../dialect.ts';
import { MIGRATIONS, pendingMigrations, type Migration } from '../migrations/index.ts';
import { isStoreUnavailable } from '../unavailable.ts';
import { PgWorkSignal } from './work-signal.ts';

/**
 * PostgreSQL metadata store (issue 8 §1): any number of API servers and
 * workers on any hosts share one database. Connections come from a `pg`
 * pool, so a PostgreSQL restart costs the queries in flight (they fail and
 * are answered 503 / retried by the worker loops) and the pool reconnects on
 * the next query.
 */
export interface PostgresStoreOptions {
  /** Pool size per process (pg's default is 10). */
  maxConnections?: number;
  /** How long a query waits for a connection before failing (the API answers 503 then). */
  connectTimeoutMs?: number;
  /** How long opening waits for an unreachable server before giving up (default 30 s). */
  startupWaitMs?: number;
}

// BIGINT (epoch ms, seq) and count(*) arrive as strings by default; every
// value this schema stores is below 2^53, so numbers are exact.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);

export async function openPostgresStore(url: string, migrations: readonly Migration[] = MIGRATIONS, o: PostgresStoreOptions = {}): Promise<MetadataStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.maxConnections ?? 10,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 5000,
    types,
    application_name: 'smart-audio',
  });
  // An idle connection dropped by the server (restart, failover) is reported
  // here; without a listener it would crash the process. The pool replaces it.
  pool.on('error', () => undefined);
  // The same for a connection that is checked out (inside a transaction,
  // between two queries) when the server goes away: its next query fails
  // instead, and the pool discards it on release (it is no longer queryable).
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    // Processes often start together with their database (compose, CI): wait
    // for it a little instead of failing on the first refused connection.
    const until = Date.now() + (o.startupWaitMs ?? 30_000);
    for (;;) {
      try {
        await migratePostgres(pool, migrations);
        break;
      } catch (err) {
        if (!isStoreUnavailable(err)) throw err;
        if (Date.now() > until) throw new Error(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const work = CAPABILITIES.postgres.notifications ? new PgWorkSignal(url, pool) : undefined;
  // Processes on several hosts compare lease times: use the server's clock (src/store/clock.ts).
  const clock = new OffsetClock(async () => Number((await pool.query<{ ms: string }>(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms`)).rows[0]!.ms));
  await clock.sync().catch(() => undefined);
  clock.start();
  return {
    work,
    now: () => clock.now(),
    dialect: 'postgres',
    capabilities: CAPABILITIES.postgres,
    db,
    writeTx: async (fn) => {
      // READ COMMITTED: every guarded UPDATE re-checks its WHERE on the newest
      // row version, row locks serialise claims; a deadlock or serialization
      // failure (rare: lock order is the same everywhere) reruns the transaction.
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().execute(fn);
        } catch (err) {
          if (attempt >= 4 || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
          await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 20));
        }
      }
    },
    close: async () => {
      clock.stop();
      await work?.close();
      await db.destroy();
    },
  };
}

/**
 * Applies pending migrations. A session advisory lock makes processes that
 * start at once take turns: the second sees the work done and applies
 * nothing. Each migration runs in its own transaction (PostgreSQL DDL is
 * transactional), recorded in schema_migrations in the same transaction.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done: number[] = [];
      for (const m of pendingMigrations(new Set(rows.map((r) => Number(r.version))), migrations)) {
        await client.query('BEGIN');
        try {
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
          for (const statement of m.statements(CAPABILITIES.postgres)) await client.query(statement);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
        done.push(m.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** Redacts the password of a connection URL for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
