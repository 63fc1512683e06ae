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
  {
    version: 3,
    name: 'jobs_and_callbacks',
    statements: [
      // spec/jobs.md §2: one row per job. `spec` is the validated submission
      // (template parameters snapshotted, spec/templates.md §7 → Impl); `result`
      // is what the finished job reports (MediaResult, MediaInfo).
      // Leases (locked_by, locked_until) make a job claimed by exactly one
      // worker; `attempts` bounds re-runs after a worker died.
      `CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        seq BIGINT NOT NULL,
        bucket TEXT NOT NULL,
        appid TEXT NOT NULL,
        region TEXT NOT NULL,
        queue_id TEXT NOT NULL,
        tag TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('Submitted', 'Running', 'Success', 'Failed', 'Cancel', 'Pause')),
        job_level INTEGER NOT NULL,
        input_object TEXT,
        spec TEXT NOT NULL,
        result TEXT,
        code TEXT NOT NULL DEFAULT 'Success',
        message TEXT NOT NULL DEFAULT '',
        progress INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        locked_by TEXT,
        locked_until BIGINT,
        run_after BIGINT NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        ended_at BIGINT
      )`,
      `CREATE UNIQUE INDEX jobs_seq ON jobs (seq)`,
      `CREATE INDEX jobs_claim ON jobs (state, job_level, seq)`,
      `CREATE INDEX jobs_queue_state ON jobs (queue_id, state)`,
      `CREATE INDEX jobs_bucket_seq ON jobs (bucket, seq)`,
      // spec/callbacks.md: an outbox, written in the transaction that finishes
      // the job, so a notification survives a restart and is sent at least once.
      `CREATE TABLE callbacks (
        id TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        url TEXT NOT NULL,
        content_type TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at BIGINT NOT NULL,
        last_error TEXT,
        created_at BIGINT NOT NULL,
        delivered_at BIGINT
      )`,
      `CREATE INDEX callbacks_due ON callbacks (state, next_at)`,
    ],
  },
];
