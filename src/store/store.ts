/**
 * The metadata store: one interface, one implementation per SQL dialect
 * (`sqlite/`, `postgres/`). Implementations MUST pass
 * `test/integration/store.test.ts` unchanged.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { DialectCapabilities, DialectName } from './dialect.ts';

export type { DialectCapabilities } from './dialect.ts';

export interface CredentialRecord {
  secretId: string;
  secretKey: string;
  appid: string;
  kind: 'root' | 'sub';
  name: string;
  /** CAM policy JSON text for sub-accounts; null for root. */
  policy: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface BucketRecord {
  name: string;
  appid: string;
  region: string;
  createdAt: number;
}

/** Cross-process wake-ups for idle workers (capability `notifications`). */
export interface WorkSignal {
  /** Tells the workers of every process that a job may be runnable (send after the commit). */
  announce(): Promise<void>;
  /** Calls `fn` on every announcement from any process; returns the function that stops it. */
  subscribe(fn: () => void): () => void;
}

export interface MetadataStore {
  readonly dialect: DialectName;
  readonly capabilities: DialectCapabilities;
  /** The query builder, for store modules (`store/*.ts`) only. */
  readonly db: Kysely<Database>;
  /**
   * Runs `fn` in one write transaction. On SQLite it is `BEGIN IMMEDIATE`, so
   * the write lock is taken up front and a second process waits instead of
   * failing half-way; on PostgreSQL a plain `BEGIN`. `fn` MUST use the handle
   * it is given, never `db`, or it would deadlock on SQLite's one connection.
   */
  writeTx<T>(fn: (tx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Present where the dialect has `notifications`; elsewhere workers poll. */
  readonly work?: WorkSignal;
  /**
   * Now, on the clock all processes of the deployment share (src/store/clock.ts):
   * use it for every time another process compares (leases, run_after, next_at).
   */
  now(): number;
  close(): Promise<void>;
}
