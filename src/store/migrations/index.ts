import { CLAIM_FUNCTION, JOB_SEQ_SEQUENCE, type DialectCapabilities } from '../dialect.ts';

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
    statements: (d) => [
      `CREATE INDEX jobs_claim_order ON jobs (state, job_level DESC, seq)`,
      `DROP INDEX jobs_claim`,
      // A queue's best waiting job, and its running count (the old (queue_id, state) index's job).
      `CREATE INDEX jobs_queue_claim ON jobs (queue_id, state, job_level DESC, seq)`,
      `DROP INDEX jobs_queue_state`,
      // The claim of src/store/job-leases.ts as one server-side statement
      // (capability `serverFunctions`); the same three steps. A VOLATILE
      // function takes a fresh snapshot per statement, so the recount after
      // the queue row lock sees every claim committed while we waited for it.
      ...(d.serverFunctions
        ? [
            `CREATE FUNCTION ${CLAIM_FUNCTION}(p_worker TEXT, p_lease_ms BIGINT, p_now BIGINT) RETURNS SETOF jobs
            LANGUAGE plpgsql VOLATILE AS $fn$
            DECLARE
              qid TEXT;
              cand RECORD;
              q RECORD;
              running BIGINT;
            BEGIN
              -- Commit the claim without waiting for the WAL flush (the flush, not
              -- the query, was most of its latency). Safe: a claim lost in a
              -- crash leaves the job Submitted; its worker's next lease renewal
              -- or finish (guarded on locked_by, committed synchronously) fails
              -- and it stops, so a job still finishes exactly once.
              PERFORM set_config('synchronous_commit', 'off', true);
              -- 1. The queue of the best runnable job, among queues with a free slot (no locks yet).
              SELECT j.queue_id INTO qid FROM jobs j
               WHERE j.state = 'Submitted' AND j.run_after <= p_now
                 AND j.queue_id IN (SELECT qq.id FROM queues qq WHERE qq.state = 'Active'
                   AND (SELECT count(*) FROM jobs r WHERE r.queue_id = qq.id AND r.state = 'Running') < qq.max_concurrent)
               ORDER BY j.job_level DESC, j.seq ASC
               LIMIT 1;
              IF NOT FOUND THEN RETURN; END IF;
              -- 2. Claims of one queue take turns: lock its row, recount under the lock.
              SELECT qq.max_concurrent, qq.state INTO q FROM queues qq WHERE qq.id = qid FOR UPDATE;
              IF NOT FOUND OR q.state <> 'Active' THEN RETURN; END IF;
              SELECT count(*) INTO running FROM jobs r WHERE r.queue_id = qid AND r.state = 'Running';
              IF running >= q.max_concurrent THEN RETURN; END IF;
              -- 3. Its best waiting job, now that no other claim of this queue runs.
              SELECT j.id INTO cand FROM jobs j
               WHERE j.queue_id = qid AND j.state = 'Submitted' AND j.run_after <= p_now
               ORDER BY j.job_level DESC, j.seq ASC
               LIMIT 1 FOR UPDATE SKIP LOCKED;
              IF NOT FOUND THEN RETURN; END IF;
              RETURN QUERY UPDATE jobs SET state = 'Running', attempts = attempts + 1, locked_by = p_worker,
                  locked_until = p_now + p_lease_ms, started_at = coalesce(started_at, p_now), progress = 0
                WHERE id = cand.id AND state = 'Submitted'
                RETURNING *;
            END
            $fn$`,
          ]
        : []),
    ],
  },
  {
    version: 5,
    name: 'multipart_uploads',
    statements: (d) => [
      // COS multipart upload (src/api/multipart.ts): the upload's object settings, and its parts
      // (their bytes live in the object storage's internal multipart bucket, at blob_key).
      `CREATE TABLE multipart_uploads (
        upload_id TEXT${d.byteOrderCollation} PRIMARY KEY,
        bucket TEXT${d.byteOrderCollation} NOT NULL,
        key TEXT${d.byteOrderCollation} NOT NULL,
        appid TEXT${d.byteOrderCollation} NOT NULL,
        initiator TEXT${d.byteOrderCollation} NOT NULL,
        content_type TEXT${d.byteOrderCollation} NOT NULL,
        headers TEXT${d.byteOrderCollation} NOT NULL,
        user_meta TEXT${d.byteOrderCollation} NOT NULL,
        storage_class TEXT${d.byteOrderCollation} NOT NULL,
        initiated_at BIGINT NOT NULL
      )`,
      `CREATE INDEX multipart_uploads_listing ON multipart_uploads (bucket, key, upload_id)`,
      `CREATE TABLE multipart_parts (
        upload_id TEXT${d.byteOrderCollation} NOT NULL,
        part_number INTEGER NOT NULL,
        etag TEXT${d.byteOrderCollation} NOT NULL,
        size BIGINT NOT NULL,
        blob_key TEXT${d.byteOrderCollation} NOT NULL,
        last_modified BIGINT NOT NULL,
        PRIMARY KEY (upload_id, part_number)
      )`,
    ],
  },
];

/**
 * The migrations still to apply, oldest first, given the versions already
 * recorded in `schema_migrations` (both dialects' migrators). A database
 * newer than this build is refused rather than run with a schema it does not know.
 */
export function pendingMigrations(applied: ReadonlySet<number>, migrations: readonly Migration[]): Migration[] {
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known) {
    throw new Error(`The database has schema version ${newest}, newer than this build knows (${known}); refusing to start.`);
  }
  return [...migrations].sort((a, b) => a.version - b.version).filter((m) => !applied.has(m.version));
}
