import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeMedia } from '../../helpers/media.ts';
import { APPID, REGION, call, ciCall, cosClient } from '../../helpers/server.ts';
import { Cluster, dbRows } from './cluster.ts';

/**
 * Issue 8 §3: several API servers (`serve --no-worker`) on one PostgreSQL.
 * Jobs submitted through both at once get distinct, ordered `seq` values, and
 * `GET /jobs` paged with `nextToken` — each page asked of a different server,
 * while more jobs are submitted — returns every job exactly once, in order.
 */
const Bucket = `apis-${APPID}`;
const Region = REGION;

describe('scale-out: two API servers, one PostgreSQL', { timeout: 180_000 }, () => {
  const cluster = new Cluster();
  before(() => cluster.init());
  after(() => cluster.close());

  test('submissions through both servers; nextToken paging across servers sees every job once, in order', async () => {
    const a = cluster.start(['serve', '--port', '0', '--no-worker']);
    const b = cluster.start(['serve', '--port', '0', '--no-worker']);
    const servers = [cosClient(await a.ready, 'ip'), cosClient(await b.ready, 'ip')];
    assert.equal((await call(servers[0]!, 'putBucket', { Bucket, Region })).err, null);
    // Enabled through one server, visible through the other.
    assert.equal((await ciCall(servers[0]!, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    const wav = makeMedia('apis.wav', ['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1:sample_rate=16000', '-c:a', 'pcm_s16le']);
    assert.equal((await call(servers[1]!, 'putObject', { Bucket, Region, Key: 'in/a.wav', Body: wav })).err, null);

    const submit = async (i: number) => {
      const r = await ciCall(servers[i % 2]!, {
        Method: 'POST', Bucket, Path: 'jobs',
        Body: { Request: { Tag: 'NoiseReduction', Input: { Object: 'in/a.wav' }, Operation: { NoiseReduction: { Format: 'wav' }, Output: { Region, Bucket, Object: 'nr/${jobid}.${ext}' } } } },
      });
      assert.equal(r.err, null, JSON.stringify(r.err?.error));
      return r.data.Response.JobsDetail.JobId as string;
    };
    const first = await Promise.all(Array.from({ length: 30 }, (_, i) => submit(i)));
    const seqs = await dbRows<{ id: string; seq: number }>(cluster.db, 'SELECT id, seq FROM jobs ORDER BY seq');
    assert.equal(new Set(seqs.map((r) => Number(r.seq))).size, 30, 'distinct seq values');

    for (const order of ['Asc', 'Desc'] as const) {
      const seen: string[] = [];
      let token = '';
      const extra: string[] = [];
      for (let page = 0; page < 50; page++) {
        const r = await ciCall(servers[page % 2]!, { Method: 'GET', Bucket, Path: 'jobs', Query: { size: '7', orderByTime: order, tag: 'NoiseReduction', ...(token ? { nextToken: token } : {}) } });
        assert.equal(r.err, null, JSON.stringify(r.err?.error));
        const detail = r.data.Response.JobsDetail;
        seen.push(...(detail === undefined ? [] : [detail].flat()).map((d: { JobId: string }) => d.JobId));
        // Jobs keep arriving while the client pages.
        if (page < 2) extra.push(await submit(page));
        token = r.data.Response.NextToken ?? '';
        if (!token) break;
      }
      assert.equal(new Set(seen).size, seen.length, `${order}: no job twice`);
      for (const id of first) assert.ok(seen.includes(id), `${order}: ${id} was listed`);
      const all = (await dbRows<{ id: string; seq: number }>(cluster.db, 'SELECT id, seq FROM jobs ORDER BY seq')).map((r) => r.id);
      const expected = order === 'Asc' ? all : [...all].reverse();
      // Listed in seq order; Asc also reaches the jobs submitted meanwhile.
      assert.deepEqual(seen, expected.filter((id) => seen.includes(id)), `${order}: in order`);
      if (order === 'Asc') for (const id of extra) assert.ok(seen.includes(id), `Asc paging reaches ${id}, submitted during paging`);
    }
  });
});
