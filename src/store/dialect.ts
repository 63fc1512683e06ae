/**
 * Named differences between the SQL dialects of the metadata store
 * (issue 8 §1: "differences between dialects are named capability flags,
 * not scattered conditionals"; the idea of kysely's adapters and pg-boss's
 * BACKEND_PROFILES). Store modules branch on a flag, never on the dialect name.
 */
export interface DialectCapabilities {
  /** `SELECT … FOR UPDATE [OF t] SKIP LOCKED` exists (PostgreSQL): claims and outbox reads skip rows other workers hold. */
  skipLocked: boolean;
  /** Several processes write at once without a database-wide lock (PostgreSQL); SQLite's `BEGIN IMMEDIATE` serialises every writer. */
  concurrentWriters: boolean;
  /**
   * Row locks (`SELECT … FOR UPDATE`) exist: a claim locks its queue's row so
   * MaxConcurrent holds across all workers. SQLite has none and needs none:
   * its write transaction already excludes every other writer.
   */
  rowLocks: boolean;
  /** `CREATE SEQUENCE` / `nextval()` exist: job `seq` comes from a sequence, not `max(seq) + 1`. */
  sequences: boolean;
  /**
   * Transaction-scoped advisory locks (`pg_advisory_xact_lock`) exist: used to
   * make job `seq` order equal commit order across API servers, so keyset
   * paging (`nextToken`) never skips a job that committed late.
   */
  advisoryLocks: boolean;
  /**
   * What a TEXT column needs to compare byte-wise (UTF-8 = code point order),
   * which name-prefix ranges and ORDER BY name rely on: nothing on SQLite
   * (BINARY is its default), `COLLATE "C"` on PostgreSQL (whose default
   * collation follows the locale).
   */
  byteOrderCollation: string;
  /**
   * Server-side functions (PL/pgSQL): the claim runs as one statement — one
   * round trip, plans cached by the server — instead of six from the client
   * (bench/scale-out.ts measures both dialects).
   */
  serverFunctions: boolean;
  /** LISTEN/NOTIFY: a submission wakes idle workers in other processes at once (`MetadataStore.work`). */
  notifications: boolean;
}

export type DialectName = 'sqlite' | 'postgres';

export const CAPABILITIES: Readonly<Record<DialectName, DialectCapabilities>> = {
  sqlite: { skipLocked: false, concurrentWriters: false, rowLocks: false, sequences: false, advisoryLocks: false, byteOrderCollation: '', serverFunctions: false, notifications: false },
  postgres: { skipLocked: true, concurrentWriters: true, rowLocks: true, sequences: true, advisoryLocks: true, byteOrderCollation: ' COLLATE "C"', serverFunctions: true, notifications: true },
};

/** The sequence job `seq` is drawn from where `sequences` holds. */
export const JOB_SEQ_SEQUENCE = 'job_seq_numbers';

/** Advisory lock key that orders job inserts (see `advisoryLocks`); any constant unique to this application. */
export const JOB_INSERT_LOCK = 0x5a_a0_01;

/** The server-side claim (capability `serverFunctions`; migration 4). */
export const CLAIM_FUNCTION = 'claim_next_job';

/** Advisory lock key that serialises creating the first root credential (several processes starting on an empty store). */
export const ROOT_CREATE_LOCK = 0x5a_a0_03;

/** Advisory lock key held while migrating, so several processes starting at once migrate once. */
export const MIGRATION_LOCK = 0x5a_a0_02;
