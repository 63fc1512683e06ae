import { JOB_SEQ_SEQUENCE, type DialectCapabilities } from '../dialect.ts';

/**
 * Numbered, forward-only migrations. Never edit a released migration: add the
 * next number. Each is a function of the dialect's capabilities
 * (src/store/dialect.ts) and yields the same schema on SQLite and PostgreSQL
 * (TEXT, BIGINT, INTEGER; no AUTOINCREMENT/SERIAL; times are epoch ms BIGINT).
 * TEXT columns compare byte-wise on both (`byteOrderCollation`): name-prefix
 * ranges and name ordering depend on it. On SQLite the generated SQL is
 * exactly what migrations 1–3 always were.
 */
export interface Migration {
  version: number;
  name: string;
  statements: (d: DialectCapabilities) => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'credentials_and_buckets',
    statements: (d) => [
      `CREATE TABLE credentials (
        secret_id TEXT${d.byteOrderCollation} PRIMARY KEY,
        secret_key TEXT${d.byteOrderCollation} NOT NULL,
        appid TEXT${d.byteOrderCollation} NOT NULL,
        kind TEXT${d.byteOrderCollation} NOT NULL CHECK (kind IN ('root', 'sub')),
        name TEXT${d.byteOrderCollation} NOT NULL DEFAULT '',
        policy TEXT${d.byteOrderCollation},
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      )`,
      `CREATE INDEX credentials_appid ON credentials (appid)`,
      `CREATE TABLE buckets (
        name TEXT${d.byteOrderCollation} PRIMARY KEY,
        appid TEXT${d.byteOrderCollation} NOT NULL,
        region TEXT${d.byteOrderCollation} NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX buckets_appid ON buckets (appid)`,
    ],
  },
  {
    version: 2,
    name: 'smart_audio_control_plane',
    statements: (d) => [
      // spec/buckets-queues.md §1: one row per bucket with Smart Audio enabled.
      `CREATE TABLE asr_buckets (
        bucket TEXT${d.byteOrderCollation} PRIMARY KEY,
        appid TEXT${d.byteOrderCollation} NOT NULL,
        region TEXT${d.byteOrderCollation} NOT NULL,
        queue_id TEXT${d.byteOrderCollation} NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      `CREATE INDEX asr_buckets_appid ON asr_buckets (appid, bucket)`,
      // spec/buckets-queues.md §4–6: the bucket's Smart Audio queue.
      `CREATE TABLE queues (
        id TEXT${d.byteOrderCollation} PRIMARY KEY,
        bucket TEXT${d.byteOrderCollation} NOT NULL,
        name TEXT${d.byteOrderCollation} NOT NULL,
        state TEXT${d.byteOrderCollation} NOT NULL CHECK (state IN ('Active', 'Paused')),
        max_size INTEGER NOT NULL,
        max_concurrent INTEGER NOT NULL,
        notify_config TEXT${d.byteOrderCollation} NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX queues_bucket ON queues (bucket)`,
      // spec/templates.md: bucket-scoped parameter sets; name unique per bucket and tag.
      `CREATE TABLE templates (
        id TEXT${d.byteOrderCollation} PRIMARY KEY,
        bucket TEXT${d.byteOrderCollation} NOT NULL,
        tag TEXT${d.byteOrderCollation} NOT NULL,
        name TEXT${d.byteOrderCollation} NOT NULL,
        params TEXT${d.byteOrderCollation} NOT NULL,
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
    statements: (d) => [
      // spec/jobs.md §2: one row per job. `spec` is the validated submission
      // (template parameters snapshotted, spec/templates.md §7 → Impl); `result`
      // is what the finished job reports (MediaResult, MediaInfo).
      // Leases (locked_by, locked_until) make a job claimed by exactly one
      // worker; `attempts` bounds re-runs after a worker died.
      `CREATE TABLE jobs (
        id TEXT${d.byteOrderCollation} PRIMARY KEY,
        seq BIGINT NOT NULL,
        bucket TEXT${d.byteOrderCollation} NOT NULL,
        appid TEXT${d.byteOrderCollation} NOT NULL,
        region TEXT${d.byteOrderCollation} NOT NULL,
        queue_id TEXT${d.byteOrderCollation} NOT NULL,
        tag TEXT${d.byteOrderCollation} NOT NULL,
        state TEXT${d.byteOrderCollation} NOT NULL CHECK (state IN ('Submitted', 'Running', 'Success', 'Failed', 'Cancel', 'Pause')),
        job_level INTEGER NOT NULL,
        input_object TEXT${d.byteOrderCollation},
        spec TEXT${d.byteOrderCollation} NOT NULL,
        result TEXT${d.byteOrderCollation},
        code TEXT${d.byteOrderCollation} NOT NULL DEFAULT 'Success',
        message TEXT${d.byteOrderCollation} NOT NULL DEFAULT '',
        progress INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL,
        locked_by TEXT${d.byteOrderCollation},
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
        id TEXT${d.byteOrderCollation} PRIMARY KEY,
        job_id TEXT${d.byteOrderCollation} NOT NULL,
        url TEXT${d.byteOrderCollation} NOT NULL,
        content_type TEXT${d.byteOrderCollation} NOT NULL,
        body TEXT${d.byteOrderCollation} NOT NULL,
        state TEXT${d.byteOrderCollation} NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at BIGINT NOT NULL,
        last_error TEXT${d.byteOrderCollation},
        created_at BIGINT NOT NULL,
        delivered_at BIGINT
      )`,
      `CREATE INDEX callbacks_due ON callbacks (state, next_at)`,
      // Job `seq` from a sequence where there is one (capability `sequences`): no max(seq) scan per insert.
      ...(d.sequences ? [`CREATE SEQUENCE ${JOB_SEQ_SEQUENCE}`] : []),
    ],
  },
  {
    version: 4,
    name: 'jobs_claim_order',
    // The claim's ORDER BY job_level DESC, seq ASC read straight off the index
    // (the old index could only sort both ways at once, so every waiting job
    // was read and sorted per claim: 6.5 ms with 500 waiting on PostgreSQL,
    // 0.13 ms with this one; bench/scale-out.ts).
    statements: () => [`CREATE INDEX jobs_claim_order ON jobs (state, job_level DESC, seq)`, `DROP INDEX jobs_claim`],
  },
];
