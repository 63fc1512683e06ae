/**
 * Numbered, forward-only migrations. Never edit a released migration: add the
 * next number. SQL is written to run unchanged on SQLite and PostgreSQL
 * (TEXT, BIGINT, INTEGER; no AUTOINCREMENT/SERIAL; times are epoch ms BIGINT).
 */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'credentials_and_buckets',
    statements: [
      `CREATE TABLE credentials (
        secret_id TEXT PRIMARY KEY,
        secret_key TEXT NOT NULL,
        appid TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('root', 'sub')),
        name TEXT NOT NULL DEFAULT '',
        policy TEXT,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      )`,
      `CREATE INDEX credentials_appid ON credentials (appid)`,
      `CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        appid TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX buckets_appid ON buckets (appid)`,
    ],
  },
  {
    version: 2,
    name: 'smart_audio_control_plane',
    statements: [
      // spec/buckets-queues.md §1: one row per bucket with Smart Audio enabled.
      `CREATE TABLE asr_buckets (
        bucket TEXT PRIMARY KEY,
        appid TEXT NOT NULL,
        region TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX asr_buckets_appid ON asr_buckets (appid, bucket)`,
      // spec/buckets-queues.md §4–6: the bucket's Smart Audio queue.
      `CREATE TABLE queues (
        id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('Active', 'Paused')),
        max_size INTEGER NOT NULL,
        max_concurrent INTEGER NOT NULL,
        notify_config TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX queues_bucket ON queues (bucket)`,
      // spec/templates.md: bucket-scoped parameter sets; name unique per bucket and tag.
      `CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        tag TEXT NOT NULL,
        name TEXT NOT NULL,
        params TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE UNIQUE INDEX templates_bucket_tag_name ON templates (bucket, tag, name)`,
      `CREATE INDEX templates_bucket_created ON templates (bucket, created_at, id)`,
    ],
  },
];
