import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { ConflictError } from '../../src/domain/errors.ts';
import { newQueueId, newTemplateId } from '../../src/domain/ids.ts';
import { EMPTY_NOTIFY_CONFIG, type Queue } from '../../src/domain/queues.ts';
import type { Template, TemplateParams, TemplateTag } from '../../src/domain/templates/index.ts';
import {
  disableAsrBucket,
  enableAsrBucket,
  findAsrBucket,
  findQueue,
  listAsrBuckets,
  queuesOfBucket,
  updateQueue,
  type AsrBucket,
} from '../../src/store/control-plane.ts';
import { MIGRATIONS, type Migration } from '../../src/store/migrations/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';
import { openPostgresStore } from '../../src/store/postgres/open.ts';
import { PG_ADMIN_URL, adminQuery, createTestDatabase } from '../helpers/postgres.ts';
import type { MetadataStore } from '../../src/store/store.ts';
import { findOrCreateRoot, listCredentials } from '../../src/store/credentials.ts';
import { claimNextJob, extendLease, finishJob, recoverExpiredLeases, releaseJob } from '../../src/store/job-leases.ts';
import { findJob, insertJob, listJobs, type NewJob } from '../../src/store/jobs.ts';
import { newJobId } from '../../src/domain/ids.ts';
import { deleteTemplate, findTemplate, insertTemplate, listTemplates, replaceTemplate } from '../../src/store/templates.ts';

/**
 * The metadata store contract (src/store/store.ts: "Implementations MUST pass
 * test/integration/store.test.ts unchanged"). Every test runs once per dialect
 * in DIALECTS (default `sqlite,postgres`; PostgreSQL gets a fresh database
 * per test, test/helpers/postgres.ts); an unknown dialect is skipped.
 */
const DIALECTS = (process.env.DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim()).filter((d) => d !== '');

interface TestStore {
  dialect: string;
  /** Where the database lives (a file for sqlite). */
  location: string;
  /** The store opened with every migration. */
  store: MetadataStore;
  /** Opens another store on the same database (closed after the test). */
  open(migrations?: readonly Migration[]): Promise<MetadataStore>;
  /** Code for `node --import tsx --input-type=module -e` that opens the store and prints the migration versions. */
  childOpenScript?: (startAt: number) => string;
}

const SQLITE_MODULE = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'store', 'sqlite', 'open.ts')).href;
const POSTGRES_MODULE = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'store', 'postgres', 'open.ts')).href;

/**
 * A fresh, empty database of `dialect`, cleaned up after the test; undefined
 * (and the test skipped) for dialects not implemented yet.
 * `migrations` picks what the first open applies (default: all).
 */
async function openTestStore(dialect: string, t: TestContext, migrations: readonly Migration[] = MIGRATIONS): Promise<TestStore | undefined> {
  switch (dialect) {
    case 'sqlite': {
      const dir = mkdtempSync(join(tmpdir(), 'smart-audio-store-'));
      const file = join(dir, 'metadata.sqlite');
      const opened: MetadataStore[] = [];
      const open = async (m: readonly Migration[] = MIGRATIONS) => {
        const s = openSqliteStore(file, m);
        opened.push(s);
        return s;
      };
      t.after(async () => {
        for (const s of opened) await s.close().catch(() => undefined);
        if (!process.env.KEEP_TEST_DATA) rmSync(dir, { recursive: true, force: true });
      });
      return {
        dialect,
        location: file,
        store: await open(migrations),
        open,
        childOpenScript: (startAt) => `
          const { openSqliteStore } = await import(${JSON.stringify(SQLITE_MODULE)});
          while (Date.now() < ${startAt}) {}
          const s = openSqliteStore(${JSON.stringify(file)});
          const rows = await s.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
          process.stdout.write(JSON.stringify(rows.map((r) => Number(r.version))));
          await s.close();
        `,
      };
    }
    case 'postgres': {
      const database = await createTestDatabase();
      const opened: MetadataStore[] = [];
      const open = async (m: readonly Migration[] = MIGRATIONS) => {
        const s = await openPostgresStore(database.url, m);
        opened.push(s);
        return s;
      };
      t.after(async () => {
        for (const s of opened) await s.close().catch(() => undefined);
        await database.drop();
      });
      return {
        dialect,
        location: database.name,
        store: await open(migrations),
        open,
        childOpenScript: (startAt) => `
          const { openPostgresStore } = await import(${JSON.stringify(POSTGRES_MODULE)});
          while (Date.now() < ${startAt}) {}
          const s = await openPostgresStore(${JSON.stringify(database.url)});
          const rows = await s.db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
          process.stdout.write(JSON.stringify(rows.map((r) => Number(r.version))));
          await s.close();
        `,
      };
    }
    default:
      t.skip(`dialect ${dialect} not implemented`);
      return undefined;
  }
}

const migrationRows = async (s: MetadataStore) =>
  (await s.db.selectFrom('schema_migrations').selectAll().orderBy('version').execute()).map((r) => ({ version: Number(r.version), name: r.name, appliedAt: Number(r.applied_at) }));

function runChild(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..', '..') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// ---------------------------------------------------------------- fixtures

let clock = 1_700_000_000_000;
const tick = () => (clock += 1000);

function asrBucket(bucket: string, over: Partial<AsrBucket> = {}): { b: AsrBucket; q: Queue } {
  const createdAt = tick();
  const queueId = over.queueId ?? newQueueId();
  const b: AsrBucket = { bucket, appid: bucket.replace(/^.*-/, ''), region: 'ap-guangzhou', queueId, createdAt, ...over };
  const q: Queue = {
    id: queueId, bucket, name: `q-${bucket}`, state: 'Active', maxSize: 10000, maxConcurrent: 10,
    notifyConfig: { ...EMPTY_NOTIFY_CONFIG }, createdAt, updatedAt: createdAt,
  };
  return { b, q };
}

const PARAMS: Record<TemplateTag, TemplateParams> = {
  VoiceSeparate: { tag: 'VoiceSeparate', audioMode: 'IsAudio', audioConfig: { codec: 'aac', samplerate: 44100 } },
  NoiseReduction: { tag: 'NoiseReduction', format: 'wav', samplerate: 16000 },
  Tts: { tag: 'Tts', mode: 'Sync', codec: 'mp3', voiceType: 'ruxue' },
  SpeechRecognition: { tag: 'SpeechRecognition', engineModelType: '16k_zh', channelNum: 1 },
};

function template(bucket: string, tag: TemplateTag, name: string, createdAt = tick(), id = newTemplateId()): Template {
  return { id, bucket, tag, name, category: 'Custom', state: 'Normal', params: PARAMS[tag], createdAt, updatedAt: createdAt } as Template;
}

function newJob(b: AsrBucket, jobLevel = 0, object = 'in/a.wav'): NewJob {
  return {
    id: newJobId(), bucket: b.bucket, appid: b.appid, region: b.region, queueId: b.queueId, maxAttempts: 2, createdAt: tick(),
    spec: {
      tag: 'NoiseReduction', input: { bucket: b.bucket, region: b.region, object }, params: PARAMS.NoiseReduction, inline: true,
      output: { region: b.region, bucket: b.bucket, object: 'out/${jobid}.wav' }, jobLevel, callback: {},
    },
  };
}

/**
 * Another connection to the same database, as a second API server or worker
 * would have. On SQLite that is the same handle: better-sqlite3 waits for a
 * lock synchronously, so two handles in one process would block each other's
 * event loop; processes sharing a file are tested in worker-processes.test.ts.
 */
const secondConnection = async (ts: TestStore) => (ts.store.capabilities.concurrentWriters ? ts.open() : ts.store);

const expectConflict = async (p: Promise<unknown>, what: string) => {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ConflictError, String(err));
    assert.equal(err.what, what);
    return true;
  });
};

// ---------------------------------------------------------------- tests

for (const dialect of DIALECTS) {
  describe(`metadata store (${dialect})`, () => {
    describe('1. migrations', () => {
      test('1.1 a fresh database gets every migration once, recorded in schema_migrations', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const rows = await migrationRows(ts.store);
        assert.deepEqual(rows.map((r) => [r.version, r.name]), MIGRATIONS.map((m) => [m.version, m.name]));
        for (const r of rows) assert.ok(r.appliedAt > 0);
        // The tables the migrations create exist and are empty.
        for (const table of ['credentials', 'buckets', 'asr_buckets', 'queues', 'templates'] as const) {
          const { n } = await ts.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
          assert.equal(Number(n), 0, table);
        }
      });

      test('1.2 reopening applies nothing; a later build applies only the new migrations', async (t) => {
        const ts = await openTestStore(dialect, t, MIGRATIONS.slice(0, 1));
        if (!ts) return;
        const first = await migrationRows(ts.store);
        assert.deepEqual(first.map((r) => r.version), [MIGRATIONS[0]!.version]);
        await assert.rejects(ts.store.db.selectFrom('templates').selectAll().execute(), 'templates does not exist before migration 2');
        await new Promise((r) => setTimeout(r, 5));
        const full = await ts.open();
        const rows = await migrationRows(full);
        assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
        assert.deepEqual(rows[0], first[0], 'migration 1 was not re-applied');
        const again = await ts.open();
        assert.deepEqual(await migrationRows(again), rows);
      });

      test('1.3 two processes opening the same fresh database at the same moment both succeed; no duplicate rows', async (t) => {
        for (let round = 1; round <= 4; round++) {
          const ts = await openTestStore(dialect, t, []);
          if (!ts) return;
          if (!ts.childOpenScript) return t.skip(`no child-process opener for ${dialect}`);
          await ts.store.close(); // an empty database file exists; nothing migrated yet
          const startAt = Date.now() + 1200; // both children are loaded by then (~0.8 s)
          const [a, b] = await Promise.all([runChild(ts.childOpenScript(startAt)), runChild(ts.childOpenScript(startAt))]);
          const want = MIGRATIONS.map((m) => m.version);
          for (const [who, r] of [['first', a], ['second', b]] as const) {
            assert.equal(r.code, 0, `round ${round}, ${who} child: ${r.stderr}`);
            assert.deepEqual(JSON.parse(r.stdout), want, `round ${round}, ${who} child sees every migration`);
          }
          const rows = await migrationRows(await ts.open());
          assert.deepEqual(rows.map((r) => r.version), want, `round ${round}: one row per migration`);
        }
      });

      test('1.4 a database with a newer schema version is refused, untouched, and not left open', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        await sql`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${9999}, ${'from_the_future'}, ${1})`.execute(ts.store.db);
        const before = await migrationRows(ts.store);
        await ts.store.close();
        await assert.rejects(ts.open(), /schema version 9999, newer than this build knows/);
        if (dialect === 'sqlite') {
          // Closing the last connection removes the WAL files: a leaked handle would keep them.
          assert.equal(existsSync(`${ts.location}-wal`), false, 'the refused handle was closed');
          const raw = new BetterSqlite3(ts.location, { readonly: true });
          try {
            const rows = raw.prepare('SELECT version, name, applied_at AS appliedAt FROM schema_migrations ORDER BY version').all() as typeof before;
            assert.deepEqual(rows.map((r) => ({ ...r, version: Number(r.version), appliedAt: Number(r.appliedAt) })), before);
          } finally {
            raw.close();
          }
        }
        if (dialect === 'postgres') {
          // The refused pool was ended: no connection of ours to the database remains.
          const conns = await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'smart-audio'`, [ts.location]);
          assert.equal(conns[0]!.n, 0, 'the refused pool was closed');
          const url = new URL(PG_ADMIN_URL);
          url.pathname = `/${ts.location}`;
          const rows = await adminQuery<{ version: number; name: string; appliedat: string }>('SELECT version, name, applied_at AS appliedat FROM schema_migrations ORDER BY version', [], url.toString());
          assert.deepEqual(rows.map((r) => ({ version: Number(r.version), name: r.name, appliedAt: Number(r.appliedat) })), before, 'untouched');
        }
        // Also refused by a build that knows fewer migrations than were applied.
        await assert.rejects(ts.open(MIGRATIONS.slice(0, 1)), /newer than this build knows/);
      });
    });

    describe('2. Smart Audio enablement is all-or-nothing', () => {
      test('2.1 enable writes the enablement and the queue; enabling twice returns undefined and adds nothing', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('one-1250000000');
        assert.deepEqual(await enableAsrBucket(s, b, q), b);
        assert.deepEqual(await findAsrBucket(s.db, b.bucket), b);
        assert.deepEqual(await findQueue(s.db, q.id), q);
        const second = asrBucket('one-1250000000');
        assert.equal(await enableAsrBucket(s, second.b, second.q), undefined);
        assert.equal(await findQueue(s.db, second.q.id), undefined, 'the second queue was not created');
        assert.deepEqual(await findAsrBucket(s.db, b.bucket), b, 'the first enablement is unchanged');
        assert.deepEqual(await queuesOfBucket(s, b.bucket), [q]);
      });

      test('2.2 a failing queue insert leaves no enablement behind', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const first = asrBucket('first-1250000000');
        await enableAsrBucket(s, first.b, first.q);
        // Same queue id as an existing queue: the queue insert fails after the enablement insert.
        const clash = asrBucket('clash-1250000000', { queueId: first.q.id });
        await assert.rejects(enableAsrBucket(s, clash.b, clash.q));
        assert.equal(await findAsrBucket(s.db, 'clash-1250000000'), undefined, 'rolled back');
        assert.deepEqual(await queuesOfBucket(s, 'clash-1250000000'), []);
        assert.deepEqual(await findQueue(s.db, first.q.id), first.q, 'the existing queue is untouched');
        // The store is still usable after the rollback.
        const ok = asrBucket('clash-1250000000');
        assert.deepEqual(await enableAsrBucket(s, ok.b, ok.q), ok.b);
      });

      test('2.3 disable removes queue and enablement together; twice returns false; templates stay', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('gone-1250000000');
        await enableAsrBucket(s, b, q);
        const kept = template(b.bucket, 'Tts', 'kept');
        await insertTemplate(s, kept, 100);
        const seen: string[] = [];
        assert.equal(await disableAsrBucket(s, b.bucket, async (tx, queueId) => {
          seen.push(queueId);
          // Runs inside the transaction: the queue is still there.
          assert.ok(await findQueue(tx, queueId));
        }), true);
        assert.deepEqual(seen, [q.id]);
        assert.equal(await findAsrBucket(s.db, b.bucket), undefined);
        assert.equal(await findQueue(s.db, q.id), undefined);
        assert.equal(await disableAsrBucket(s, b.bucket), false);
        assert.deepEqual(await findTemplate(s, b.bucket, kept.id), kept);
      });

      test('2.4 a failing beforeDelete hook rolls the disable back', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('stays-1250000000');
        await enableAsrBucket(s, b, q);
        await assert.rejects(
          disableAsrBucket(s, b.bucket, async (tx) => {
            await tx.deleteFrom('queues').where('id', '=', q.id).execute();
            throw new Error('cancel failed');
          }),
          /cancel failed/,
        );
        assert.deepEqual(await findAsrBucket(s.db, b.bucket), b);
        assert.deepEqual(await findQueue(s.db, q.id), q);
      });

      test('2.5 listAsrBuckets: APPID boundary, regions, exact names, prefix; oldest first', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const specs: Array<[string, string]> = [['a-one-1250000000', 'ap-guangzhou'], ['a-two-1250000000', 'ap-shanghai'], ['b-one-1250000000', 'ap-guangzhou'], ['a-one-1300000000', 'ap-guangzhou']];
        for (const [bucket, region] of specs) {
          const { b, q } = asrBucket(bucket, { region });
          await enableAsrBucket(s, b, q);
        }
        const names = async (f: Omit<Parameters<typeof listAsrBuckets>[1], 'appid'>, appid = '1250000000') => (await listAsrBuckets(s, { appid, ...f })).map((x) => x.bucket);
        assert.deepEqual(await names({}), ['a-one-1250000000', 'a-two-1250000000', 'b-one-1250000000']);
        assert.deepEqual(await names({}, '1300000000'), ['a-one-1300000000']);
        assert.deepEqual(await names({}, '1399999999'), []);
        assert.deepEqual(await names({ regions: ['ap-shanghai'] }), ['a-two-1250000000']);
        assert.deepEqual(await names({ regions: [] }), ['a-one-1250000000', 'a-two-1250000000', 'b-one-1250000000']);
        assert.deepEqual(await names({ bucketNames: ['b-one-1250000000', 'a-one-1300000000'] }), ['b-one-1250000000']);
        assert.deepEqual(await names({ bucketPrefix: 'a-' }), ['a-one-1250000000', 'a-two-1250000000']);
        assert.deepEqual(await names({ bucketPrefix: 'a-', regions: ['ap-guangzhou'] }), ['a-one-1250000000']);
        assert.deepEqual(await names({ bucketPrefix: 'a_' }), [], 'the prefix is literal');
      });

      test('2.6 updateQueue replaces name/state/NotifyConfig of the bucket\'s own queue only', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('upd-1250000000');
        await enableAsrBucket(s, b, q);
        const notify = { ...EMPTY_NOTIFY_CONFIG, state: 'On' as const, type: 'TDMQ' as const, event: 'TaskFinish', mqMode: 'Topic' as const, mqRegion: 'sh', mqName: '队列' };
        const u = await updateQueue(s, q.id, b.bucket, { name: '新名字', state: 'Paused', notifyConfig: notify }, q.createdAt + 5);
        assert.deepEqual(u, { ...q, name: '新名字', state: 'Paused', notifyConfig: notify, updatedAt: q.createdAt + 5 });
        assert.deepEqual(await findQueue(s.db, q.id), u);
        assert.equal(await updateQueue(s, q.id, 'other-1250000000', { name: 'x', state: 'Active', notifyConfig: EMPTY_NOTIFY_CONFIG }, 1), undefined);
        assert.equal(await updateQueue(s, newQueueId(), b.bucket, { name: 'x', state: 'Active', notifyConfig: EMPTY_NOTIFY_CONFIG }, 1), undefined);
        assert.deepEqual(await findQueue(s.db, q.id), u, 'unchanged by the refused updates');
      });
    });

    describe('4. jobs: seq, claims, leases', () => {
      test('4.1 seq grows with every insert; keyset paging sees each job once in both orders; MaxSize refuses more', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('seq-1250000000');
        await enableAsrBucket(s, b, q);
        // Two stores (two API servers) inserting at the same time.
        const other = await secondConnection(ts);
        // 26 at once against MaxSize 20: exactly 20 get in, however the inserts interleave.
        const settled = await Promise.allSettled(Array.from({ length: 26 }, (_, i) => insertJob(i % 2 ? s : other, newJob(b), 20)));
        const made = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        assert.equal(made.length, 20, 'MaxSize holds across connections');
        for (const r of settled) if (r.status === 'rejected') assert.equal((r.reason as ConflictError).what, 'QueueSaturated');
        const seqs = made.map((j) => j.seq).sort((x, y) => x - y);
        assert.equal(new Set(seqs).size, 20, 'every seq is unique');
        await expectConflict(insertJob(s, newJob(b), 20), 'QueueSaturated');
        for (const order of ['Asc', 'Desc'] as const) {
          const seen: number[] = [];
          let afterSeq: number | undefined;
          for (;;) {
            const page = await listJobs(s, { bucket: b.bucket, order, afterSeq, limit: 7 });
            if (page.length === 0) break;
            seen.push(...page.map((j) => j.seq));
            afterSeq = page.at(-1)!.seq;
          }
          assert.deepEqual(seen, order === 'Asc' ? seqs : [...seqs].reverse(), order);
        }
      });

      test('4.2 MaxConcurrent holds when many workers on two connections claim at once; JobLevel then FIFO', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('conc-1250000000');
        await enableAsrBucket(s, b, { ...q, maxConcurrent: 3 });
        const low = await insertJob(s, newJob(b, 0), 100);
        for (let i = 0; i < 8; i++) await insertJob(s, newJob(b, 0), 100);
        const high = await insertJob(s, newJob(b, 2), 100);
        const other = await secondConnection(ts);
        const now = Date.now();
        const claims = await Promise.all(Array.from({ length: 12 }, (_, i) => claimNextJob(i % 2 ? s : other, `w${i}`, 60_000, now)));
        const got = claims.filter((j) => j !== undefined);
        assert.equal(got.length, 3, 'exactly MaxConcurrent jobs run');
        assert.equal(new Set(got.map((j) => j.id)).size, 3, 'no job claimed twice');
        assert.ok(got.some((j) => j.id === high.id), 'the higher JobLevel goes first');
        assert.ok(got.some((j) => j.id === low.id), 'then the oldest');
        const running = await listJobs(s, { bucket: b.bucket, states: ['Running'], order: 'Asc', limit: 100 });
        assert.equal(running.length, 3);
        assert.equal(await claimNextJob(s, 'late', 60_000, now), undefined, 'the queue is full');
        // Finishing one frees one slot.
        const i0 = claims.findIndex((j) => j !== undefined);
        assert.equal(await finishJob(s, claims[i0]!.id, `w${i0}`, { state: 'Success', code: 'Success', message: '', callbacks: [] }, now + 1), true);
        assert.ok(await claimNextJob(other, 'next', 60_000, now + 2));
        assert.equal(await claimNextJob(s, 'late', 60_000, now + 3), undefined);
      });

      test('4.3 an expired lease is recovered once; the old holder can neither extend nor finish; the job ends Success exactly once', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('lease-1250000000');
        await enableAsrBucket(s, b, q);
        const job = await insertJob(s, newJob(b), 100);
        const now = Date.now();
        const a = await claimNextJob(s, 'dead', 1000, now);
        assert.equal(a?.id, job.id);
        assert.equal(a?.attempts, 1);
        const other = await secondConnection(ts);
        const results = await Promise.all([s, other].map((x) => recoverExpiredLeases(x, now + 5000, () => [])));
        assert.equal(results.reduce((n, r) => n + r.requeued, 0), 1, 'requeued by one recoverer only');
        assert.equal(await extendLease(s, job.id, 'dead', 1000, now + 5001), false);
        const again = await claimNextJob(other, 'alive', 60_000, now + 5002);
        assert.equal(again?.id, job.id);
        assert.equal(again?.attempts, 2);
        const fin = { state: 'Success' as const, code: 'Success', message: '', callbacks: [] };
        assert.equal(await finishJob(s, job.id, 'dead', fin, now + 6000), false, 'the dead worker lost it');
        assert.equal(await releaseJob(s, job.id, 'dead', 0), false);
        const [x, y] = await Promise.all([finishJob(s, job.id, 'alive', fin, now + 6001), finishJob(other, job.id, 'alive', fin, now + 6002)]);
        assert.equal(Number(x) + Number(y), 1, 'finished exactly once');
        const stored = await findJob(s.db, job.id);
        assert.equal(stored?.state, 'Success');
        assert.equal(stored?.attempts, 2);
        // Out of attempts: recovery fails it (maxAttempts 2) and enqueues its notification once.
        const j2 = await insertJob(s, newJob(b), 100);
        await claimNextJob(s, 'd1', 1, now);
        await recoverExpiredLeases(s, now + 10, () => []);
        await claimNextJob(s, 'd2', 1, now + 20);
        const failed = await Promise.all([s, other].map((x) => recoverExpiredLeases(x, now + 100, (jj) => [{ id: `cb-${jj.id}`, url: 'http://example.com/', content_type: 'application/json', body: '{}', next_at: 0, created_at: now }])));
        assert.deepEqual(failed.flatMap((r) => r.failed), [j2.id]);
        assert.equal((await findJob(s.db, j2.id))?.state, 'Failed');
        const cbs = await s.db.selectFrom('callbacks').selectAll().where('job_id', '=', j2.id).execute();
        assert.equal(cbs.length, 1, 'one notification');
      });
      test('4.4 a release after a retryable failure keeps the attempt; a release at shutdown gives it back', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const { b, q } = asrBucket('release-1250000000');
        await enableAsrBucket(s, b, q);
        const job = await insertJob(s, newJob(b), 100);
        const now = Date.now();
        assert.equal((await claimNextJob(s, 'w', 60_000, now))?.attempts, 1);
        assert.equal(await releaseJob(s, job.id, 'w', now + 1000), true);
        let stored = await findJob(s.db, job.id);
        assert.equal(stored?.state, 'Submitted');
        assert.equal(stored?.attempts, 1, 'a retryable failure used an attempt');
        assert.equal(await claimNextJob(s, 'w', 60_000, now + 500), undefined, 'not before its run_after');
        assert.equal((await claimNextJob(s, 'w', 60_000, now + 1000))?.attempts, 2);
        assert.equal(await releaseJob(s, job.id, 'someone-else', now, { refundAttempt: true }), false, 'only the holder releases');
        assert.equal(await releaseJob(s, job.id, 'w', now, { refundAttempt: true }), true);
        stored = await findJob(s.db, job.id);
        assert.equal(stored?.attempts, 1, 'the shutdown gave the attempt back');
        // Many graceful restarts in a row never exhaust the job's attempts.
        for (let i = 0; i < 5; i++) {
          assert.equal((await claimNextJob(s, 'w', 60_000, now + 2000 + i))?.attempts, 2);
          assert.equal(await releaseJob(s, job.id, 'w', now, { refundAttempt: true }), true);
        }
        assert.equal((await findJob(s.db, job.id))?.attempts, 1);
      });
    });

    describe('6. credentials', () => {
      test('6.1 processes starting at once on an empty store create one root key between them', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const conns = [ts.store, ...(await Promise.all([1, 2, 3].map(() => secondConnection(ts))))];
        let made = 0;
        const results = await Promise.all(conns.map((c, i) => findOrCreateRoot(c, undefined, () => {
          made++;
          return { secretId: `AKIDroot${i}`, secretKey: `key${i}`, appid: '1250000000', kind: 'root', name: 'root', policy: null, createdAt: Date.now() };
        })));
        assert.equal(results.filter((r) => r.created).length, 1, 'created once');
        assert.equal(made, 1, 'the key maker ran once');
        assert.equal(new Set(results.map((r) => r.record.secretId)).size, 1, 'every process got the same key');
        const roots = (await listCredentials(ts.store)).filter((c) => c.kind === 'root');
        assert.equal(roots.length, 1);
        // Another APPID gets its own root; the first stays.
        const other = await findOrCreateRoot(ts.store, '1250000001', () => ({ secretId: 'AKIDother', secretKey: 'k', appid: '1250000001', kind: 'root', name: 'root', policy: null, createdAt: Date.now() }));
        assert.equal(other.created, true);
        assert.equal((await findOrCreateRoot(ts.store, '1250000000', () => assert.fail('must not create'))).record.secretId, roots[0]!.secretId);
      });
    });

    describe('5. cross-process wake-ups', () => {
      test('5.1 an announcement on one connection reaches subscribers on another (dialects with notifications)', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        if (!ts.store.capabilities.notifications) {
          assert.equal(ts.store.work, undefined, 'no work signal without the capability: workers poll');
          return;
        }
        const listener = await ts.open();
        let woken = 0;
        const unsubscribe = listener.work!.subscribe(() => woken++);
        // The subscriber fires once when its listening connection is up.
        for (let i = 0; i < 100 && woken === 0; i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(woken >= 1, 'listening');
        const before = woken;
        await ts.store.work!.announce();
        for (let i = 0; i < 100 && woken === before; i++) await new Promise((r) => setTimeout(r, 50));
        assert.equal(woken, before + 1, 'woken by the other connection');
        unsubscribe();
        await ts.store.work!.announce();
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(woken, before + 1, 'not after unsubscribing');
      });
    });

    describe('3. templates', () => {
      test('3.1 names are unique per bucket and tag', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const a = template('a-1250000000', 'Tts', 'same');
        await insertTemplate(s, a, 100);
        await expectConflict(insertTemplate(s, template('a-1250000000', 'Tts', 'same'), 100), 'TemplateNameDuplicate');
        await insertTemplate(s, template('a-1250000000', 'NoiseReduction', 'same'), 100);
        await insertTemplate(s, template('b-1250000000', 'Tts', 'same'), 100);
        await insertTemplate(s, template('a-1250000000', 'Tts', 'Same'), 100); // case matters
        assert.equal((await listTemplates(s, { bucket: 'a-1250000000', offset: 0, limit: 100 })).total, 3);
        // Renaming onto a taken name is refused; keeping one's own name is not a clash.
        const other = template('a-1250000000', 'Tts', 'other');
        await insertTemplate(s, other, 100);
        await expectConflict(replaceTemplate(s, { ...other, name: 'same', updatedAt: tick() }), 'TemplateNameDuplicate');
        assert.equal((await findTemplate(s, other.bucket, other.id))!.name, 'other');
        assert.equal(await replaceTemplate(s, { ...a, params: { tag: 'Tts', mode: 'Asyc', codec: 'pcm' }, updatedAt: tick() } as Template), true);
        assert.deepEqual((await findTemplate(s, a.bucket, a.id))!.params, { tag: 'Tts', mode: 'Asyc', codec: 'pcm' });
        assert.equal(await replaceTemplate(s, template('a-1250000000', 'Tts', 'ghost')), false, 'unknown id');
        assert.equal(await replaceTemplate(s, { ...a, bucket: 'b-1250000000', name: 'moved' }), false, 'another bucket\'s id');
      });

      test('3.2 the per-bucket limit counts every tag and only that bucket', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        await insertTemplate(s, template('full-1250000000', 'Tts', 'one'), 3);
        await insertTemplate(s, template('full-1250000000', 'NoiseReduction', 'two'), 3);
        const third = template('full-1250000000', 'SpeechRecognition', 'three');
        await insertTemplate(s, third, 3);
        await expectConflict(insertTemplate(s, template('full-1250000000', 'VoiceSeparate', 'four'), 3), 'CreatedTemplateNumLimit');
        await insertTemplate(s, template('empty-1250000000', 'VoiceSeparate', 'four'), 3);
        assert.equal((await listTemplates(s, { bucket: 'full-1250000000', offset: 0, limit: 100 })).total, 3, 'nothing stored past the limit');
        assert.equal(await deleteTemplate(s, 'full-1250000000', third.id), true);
        await insertTemplate(s, template('full-1250000000', 'VoiceSeparate', 'four'), 3);
      });

      test('3.3 find/delete are scoped to the bucket', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const a = template('a-1250000000', 'SpeechRecognition', 'mine');
        await insertTemplate(s, a, 100);
        assert.deepEqual(await findTemplate(s, 'a-1250000000', a.id), a, 'round trip of every field');
        assert.equal(await findTemplate(s, 'b-1250000000', a.id), undefined);
        assert.equal(await deleteTemplate(s, 'b-1250000000', a.id), false);
        assert.equal(await deleteTemplate(s, 'a-1250000000', a.id), true);
        assert.equal(await deleteTemplate(s, 'a-1250000000', a.id), false);
        assert.equal(await findTemplate(s, 'a-1250000000', a.id), undefined);
      });

      test('3.4 listTemplates: newest first, paging, tags, ids, literal Unicode prefix, totals', async (t) => {
        const ts = await openTestStore(dialect, t);
        if (!ts) return;
        const s = ts.store;
        const B = 'list-1250000000';
        const plan: Array<[TemplateTag, string]> = [
          ['VoiceSeparate', 'vs_1'], ['VoiceSeparate', 'vsX1'], ['NoiseReduction', '降噪-1'], ['Tts', '𠀀合成'],
          ['Tts', '𠀀𠀁'], ['SpeechRecognition', 'asr*1'], ['Tts', 'tts-1'],
        ];
        const made: Template[] = [];
        for (const [tag, name] of plan) {
          const tpl = template(B, tag, name);
          await insertTemplate(s, tpl, 100);
          made.push(tpl);
        }
        // Same CreateTime: ordered by id, descending, so paging is stable.
        const tieAt = tick();
        const ties = [template(B, 'Tts', 'tie-a', tieAt, 't1' + '0'.repeat(31) + '1'), template(B, 'Tts', 'tie-b', tieAt, 't1' + '0'.repeat(31) + '2')];
        for (const x of ties) await insertTemplate(s, x, 100);
        await insertTemplate(s, template('elsewhere-1250000000', 'Tts', 'vs_1'), 100);
        const newest = [ties[1]!, ties[0]!, ...[...made].reverse()];
        const idsOf = (r: { items: Template[] }) => r.items.map((x) => x.id);
        const byName = (...ns: string[]) => newest.filter((x) => ns.includes(x.name)).map((x) => x.id);

        const all = await listTemplates(s, { bucket: B, offset: 0, limit: 100 });
        assert.equal(all.total, 9);
        assert.deepEqual(idsOf(all), newest.map((x) => x.id));
        assert.deepEqual(all.items[2], made[6], 'items are whole templates');
        const pages: string[] = [];
        for (let offset = 0; offset < 12; offset += 4) {
          const p = await listTemplates(s, { bucket: B, offset, limit: 4 });
          assert.equal(p.total, 9, 'total ignores paging');
          pages.push(...idsOf(p));
        }
        assert.deepEqual(pages, newest.map((x) => x.id));

        const cases: Array<[string, Partial<Parameters<typeof listTemplates>[1]>, string[]]> = [
          ['tag', { tags: ['VoiceSeparate'] }, byName('vs_1', 'vsX1')],
          ['two tags', { tags: ['NoiseReduction', 'SpeechRecognition'] }, byName('降噪-1', 'asr*1')],
          ['empty tag list', { tags: [] }, []],
          ['ids', { ids: [made[0]!.id, made[3]!.id, 't1nope'] }, [made[3]!.id, made[0]!.id]],
          ['empty id list', { ids: [] }, []],
          ['prefix with _ is literal', { namePrefix: 'vs_' }, byName('vs_1')],
          ['prefix', { namePrefix: 'vs' }, byName('vs_1', 'vsX1')],
          ['prefix with *', { namePrefix: 'asr*' }, byName('asr*1')],
          ['BMP Han prefix', { namePrefix: '降噪' }, byName('降噪-1')],
          ['astral Han prefix', { namePrefix: '𠀀' }, byName('𠀀合成', '𠀀𠀁')],
          ['two astral characters', { namePrefix: '𠀀𠀁' }, byName('𠀀𠀁')],
          ['prefix longer than any name', { namePrefix: 'tts-1-and-more' }, []],
          ['case-sensitive prefix', { namePrefix: 'VS' }, []],
          ['tag + prefix', { tags: ['Tts'], namePrefix: 'tie' }, byName('tie-a', 'tie-b')],
          ['ids + tag', { ids: [made[0]!.id, made[6]!.id], tags: ['Tts'] }, [made[6]!.id]],
        ];
        for (const [what, f, want] of cases) {
          const r = await listTemplates(s, { bucket: B, offset: 0, limit: 100, ...f });
          assert.deepEqual(idsOf(r), want, what);
          assert.equal(r.total, want.length, `${what}: total`);
        }
        const limited = await listTemplates(s, { bucket: B, tags: ['Tts'], offset: 1, limit: 2 });
        assert.equal(limited.total, 5);
        assert.deepEqual(idsOf(limited), newest.filter((x) => x.tag === 'Tts').slice(1, 3).map((x) => x.id));
      });
    });
  });
}
