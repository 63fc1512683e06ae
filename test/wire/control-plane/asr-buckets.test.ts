import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCiTime } from '../../../src/domain/time.ts';
import { APPID, REGION, call, cosClient, type AddressingMode, type TestServer, startTestServer } from '../../helpers/server.ts';
import { CI_TIME_RE, QUEUE_ID_RE, cli, fails, keyFrom, list, ok, rawCi, xmlTree, names } from './helpers.ts';

/**
 * Enable / list / disable Smart Audio (spec/buckets-queues.md §1–3) through
 * cos-nodejs-sdk-v5, in the two addressing modes that reach the regional
 * host `ci.<region>.myqcloud.com` (spec/clients.md §1).
 */
const MODES: AddressingMode[] = ['ip', 'proxy'];
const OTHER_APPID = '1300000000';
const SHANGHAI = 'ap-shanghai';

for (const mode of MODES) {
  describe(`asrbucket via cos-nodejs-sdk-v5 (${mode} addressing)`, () => {
    let server: TestServer;
    let cos: ReturnType<typeof cosClient>;
    const b = (name: string) => `${name}-${APPID}`;
    const ONE = b('sa-one');
    const TWO = b('sa-two');
    const THREE = b('sb-three');
    const SH = b('sa-sh');
    const CYCLE = b('cycle');
    const NOT_ENABLED = b('plain');

    const enable = (Bucket: string, Region = REGION) => ok(cos, { Method: 'POST', Bucket, Region, Path: 'asrbucket' });
    const disable = (Bucket: string) => ok(cos, { Method: 'DELETE', Bucket, Path: 'asrbucket' });
    const describeBuckets = (Query: Record<string, string> = {}, client = cos) => ok(client, { Method: 'GET', Path: 'asrbucket', Query });
    const queues = (Bucket: string) => ok(cos, { Method: 'GET', Bucket, Path: 'asrqueue' });

    before(async () => {
      server = await startTestServer({ 'credential-cache-ms': '0' });
      cos = cosClient(server.port, mode);
      for (const Bucket of [ONE, TWO, THREE, CYCLE, NOT_ENABLED]) assert.equal((await call(cos, 'putBucket', { Bucket, Region: REGION })).err, null);
      assert.equal((await call(cos, 'putBucket', { Bucket: SH, Region: SHANGHAI })).err, null);
    });
    after(() => server.close());

    test('1. POST /asrbucket enables Smart Audio; the response has the documented shape', async () => {
      const before = Date.now();
      const r = await enable(ONE);
      assert.deepEqual(Object.keys(r).sort(), ['AsrBucket', 'RequestId']);
      assert.deepEqual(Object.keys(r.AsrBucket), ['BucketId', 'Name', 'Region', 'CreateTime']);
      assert.equal(r.AsrBucket.BucketId, ONE);
      assert.equal(r.AsrBucket.Name, ONE);
      assert.equal(r.AsrBucket.Region, REGION);
      assert.match(r.AsrBucket.CreateTime, CI_TIME_RE);
      const t = parseCiTime(r.AsrBucket.CreateTime)!;
      assert.ok(t >= Math.floor(before / 1000) * 1000 && t <= Date.now(), `CreateTime ${r.AsrBucket.CreateTime} is now`);
    });

    test('2. enabling creates the queue: p+32 hex, Active, MaxSize 10000, MaxConcurrent 10, notifications off', async () => {
      const r = await queues(ONE);
      assert.equal(r.TotalCount, '1');
      const [q, ...rest] = list(r.QueueList);
      assert.equal(rest.length, 0);
      assert.match(q.QueueId, QUEUE_ID_RE);
      assert.equal(q.State, 'Active');
      assert.equal(q.MaxSize, '10000');
      assert.equal(q.MaxConcurrent, '10');
      assert.equal(q.NotifyConfig.State, 'Off');
      assert.match(q.CreateTime, CI_TIME_RE);
      assert.match(q.UpdateTime, CI_TIME_RE);
      assert.ok(q.Name.length > 0 && q.Name.length <= 128);
    });

    test('3. enabling twice → 403 MediaBucketAlreadyBinded; the queue is untouched', async () => {
      const before = list((await queues(ONE)).QueueList)[0].QueueId;
      await fails(cos, { Method: 'POST', Bucket: ONE, Path: 'asrbucket' }, 403, 'MediaBucketAlreadyBinded', new RegExp(ONE));
      const afterQ = list((await queues(ONE)).QueueList);
      assert.equal(afterQ.length, 1);
      assert.equal(afterQ[0].QueueId, before);
    });

    test('4. enabling a bucket that does not exist in COS → 404 NoSuchBucket; nothing is listed', async () => {
      const ghost = b('ghost');
      await fails(cos, { Method: 'POST', Bucket: ghost, Path: 'asrbucket' }, 404, 'NoSuchBucket', new RegExp(ghost));
      const r = await describeBuckets({ bucketNames: ghost });
      assert.equal(r.TotalCount, '0');
      assert.deepEqual(list(r.AsrBucketList), []);
      await fails(cos, { Method: 'GET', Bucket: ghost, Path: 'asrqueue' }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
    });

    test('5. DELETE /asrbucket disables: BucketName in the response, queue gone, idempotent', async () => {
      await enable(TWO);
      const d = await disable(TWO);
      assert.deepEqual(Object.keys(d).sort(), ['BucketName', 'RequestId']);
      assert.equal(d.BucketName, TWO);
      await fails(cos, { Method: 'GET', Bucket: TWO, Path: 'asrqueue' }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
      assert.equal((await describeBuckets({ bucketNames: TWO })).TotalCount, '0');
      const again = await disable(TWO);
      assert.equal(again.BucketName, TWO);
      const never = await disable(NOT_ENABLED);
      assert.equal(never.BucketName, NOT_ENABLED);
    });

    test('6. templates survive a disable and are visible again after re-enabling, which makes a new queue', async () => {
      await enable(CYCLE);
      const q1 = list((await queues(CYCLE)).QueueList)[0].QueueId;
      const created = await ok(cos, {
        Method: 'POST', Bucket: CYCLE, Path: 'template',
        Body: { Request: { Tag: 'NoiseReduction', Name: 'kept', NoiseReduction: { Format: 'mp3', Samplerate: '48000' } } },
      });
      const tid = created.Template.TemplateId;
      await disable(CYCLE);
      await fails(cos, { Method: 'GET', Bucket: CYCLE, Path: 'template' }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
      await fails(cos, { Method: 'PUT', Bucket: CYCLE, Path: `asrqueue/${q1}`, Body: { Request: { Name: 'x', State: 'Active' } } }, 400, 'InvalidArgument', /MediaBucketUnBinded/);
      await enable(CYCLE);
      const q2 = list((await queues(CYCLE)).QueueList);
      assert.equal(q2.length, 1);
      assert.match(q2[0].QueueId, QUEUE_ID_RE);
      assert.notEqual(q2[0].QueueId, q1, 'a new queue id after re-enabling');
      const ts = list((await ok(cos, { Method: 'GET', Bucket: CYCLE, Path: 'template', Query: { ids: tid } })).TemplateList);
      assert.equal(ts.length, 1);
      assert.equal(ts[0].Name, 'kept');
      assert.deepEqual(ts[0].NoiseReduction, { Format: 'mp3', Samplerate: '48000' });
      // The old queue id is gone for good.
      await fails(cos, { Method: 'PUT', Bucket: CYCLE, Path: `asrqueue/${q1}`, Body: { Request: { Name: 'x', State: 'Active' } } }, 400, 'InvalidArgument', /QueueNotFound/);
    });

    test('7. GET /asrbucket filters: regions, bucketNames (exact), bucketName (prefix), paging', async () => {
      await enable(THREE);
      await enable(SH, SHANGHAI);
      // Enabled now: ONE, THREE, CYCLE (ap-guangzhou), SH (ap-shanghai).
      const all = [ONE, CYCLE, THREE, SH].sort();
      const cases: Array<{ n: string; q: Record<string, string>; want: string[]; total?: number }> = [
        { n: '7.1 no filter', q: {}, want: all },
        { n: '7.2 SDK-style empty values', q: { regions: '', bucketNames: '', bucketName: '', pageNumber: '', pageSize: '' }, want: all },
        { n: '7.3 one region', q: { regions: SHANGHAI }, want: [SH] },
        { n: '7.4 two regions', q: { regions: `${SHANGHAI},${REGION}` }, want: all },
        { n: '7.5 regions=All', q: { regions: 'All' }, want: all },
        { n: '7.6 region without buckets', q: { regions: 'ap-beijing' }, want: [] },
        { n: '7.7 bucketNames exact', q: { bucketNames: `${ONE},${SH}` }, want: [ONE, SH].sort() },
        { n: '7.8 bucketNames is not a prefix', q: { bucketNames: 'sa-one' }, want: [] },
        { n: '7.9 bucketNames of a disabled bucket', q: { bucketNames: TWO }, want: [] },
        { n: '7.10 bucketName prefix', q: { bucketName: 'sa-' }, want: [ONE, SH].sort() },
        { n: '7.11 prefix + region', q: { bucketName: 'sa-', regions: REGION }, want: [ONE] },
        { n: '7.12 full name as prefix', q: { bucketName: THREE }, want: [THREE] },
        { n: '7.13 prefix matching nothing', q: { bucketName: 'zz' }, want: [] },
      ];
      for (const c of cases) {
        const r = await describeBuckets(c.q);
        const got = list(r.AsrBucketList);
        assert.deepEqual(got.map((x: any) => x.BucketId).sort(), c.want, c.n);
        assert.equal(r.TotalCount, String(c.want.length), c.n);
        assert.equal(r.PageNumber, '1', c.n);
        assert.equal(r.PageSize, '10', c.n);
        for (const x of got) {
          assert.equal(x.Name, x.BucketId, c.n);
          assert.equal(x.Region, x.BucketId === SH ? SHANGHAI : REGION, c.n);
          assert.match(x.CreateTime, CI_TIME_RE, c.n);
          assert.equal(x.AliasBucketId, '', `${c.n}: AliasBucketId is an empty element`);
        }
      }
      // Paging walks every bucket exactly once; TotalCount is the whole match.
      const seen: string[] = [];
      for (let pageNumber = 1; pageNumber <= 5; pageNumber++) {
        const r = await describeBuckets({ pageNumber: String(pageNumber), pageSize: '1' });
        assert.equal(r.TotalCount, '4');
        assert.equal(r.PageNumber, String(pageNumber));
        assert.equal(r.PageSize, '1');
        const page = list(r.AsrBucketList);
        assert.equal(page.length, pageNumber <= 4 ? 1 : 0, `page ${pageNumber}`);
        seen.push(...page.map((x: any) => x.BucketId));
      }
      assert.deepEqual(seen.sort(), all);
      const big = await describeBuckets({ pageSize: '100' });
      assert.equal(list(big.AsrBucketList).length, 4);
    });

    test('8. GET /asrbucket raw XML: AsrBucketList elements in the documented order', async () => {
      const res = await rawCi(server.port, 'GET', undefined, '/asrbucket', { rawQuery: `bucketNames=${ONE}` });
      assert.equal(res.status, 200, res.body);
      const root = xmlTree(res.body);
      assert.equal(root.name, 'Response');
      assert.deepEqual(names(root), ['TotalCount', 'RequestId', 'PageNumber', 'PageSize', 'AsrBucketList']);
      assert.deepEqual(names(root.children[4]), ['Name', 'CreateTime', 'Region', 'AliasBucketId', 'BucketId']);
    });

    test('9. bad paging → 400 InvalidArgument naming the parameter and value', async () => {
      const cases: Array<[string, Record<string, string>, RegExp]> = [
        ['9.1 pageSize 0', { pageSize: '0' }, /pageSize: 0/],
        ['9.2 pageSize 101', { pageSize: '101' }, /pageSize: 101/],
        ['9.3 pageSize -1', { pageSize: '-1' }, /pageSize: "-1"/],
        ['9.4 pageSize abc', { pageSize: 'abc' }, /pageSize: "abc"/],
        ['9.5 pageSize 1.5', { pageSize: '1.5' }, /pageSize: "1.5"/],
        ['9.6 pageNumber 0', { pageNumber: '0' }, /pageNumber: 0/],
        ['9.7 pageNumber abc', { pageNumber: 'abc' }, /pageNumber: "abc"/],
        ['9.8 pageNumber -2', { pageNumber: '-2' }, /pageNumber: "-2"/],
      ];
      for (const [n, Query, re] of cases) {
        await fails(cos, { Method: 'GET', Path: 'asrbucket', Query }, 400, 'InvalidArgument', re).catch((e) => {
          throw new Error(`${n}: ${(e as Error).message}`);
        });
      }
    });

    test('10. only the caller\'s APPID is listed; another tenant cannot touch our buckets', async () => {
      const created = await cli(server.dataDir, 'keys', 'create', '--root', '--appid', OTHER_APPID);
      assert.equal(created.code, 0, created.stderr);
      const k = keyFrom(created.stdout);
      const other = cosClient(server.port, mode, k.id, k.key);
      const THEIRS = `theirs-${OTHER_APPID}`;
      assert.equal((await call(other, 'putBucket', { Bucket: THEIRS, Region: REGION })).err, null);
      await ok(other, { Method: 'POST', Bucket: THEIRS, Path: 'asrbucket' });
      const mine = await describeBuckets();
      assert.equal(mine.TotalCount, '4');
      assert.ok(!list(mine.AsrBucketList).some((x: any) => x.BucketId === THEIRS));
      assert.equal((await describeBuckets({ bucketNames: THEIRS })).TotalCount, '0');
      const theirs = await describeBuckets({}, other);
      assert.deepEqual(list(theirs.AsrBucketList).map((x: any) => x.BucketId), [THEIRS]);
      assert.equal(theirs.TotalCount, '1');
      // Across the account boundary: 403 AccessDenied, in both directions.
      await fails(other, { Method: 'POST', Bucket: ONE, Path: 'asrbucket' }, 403, 'AccessDenied');
      await fails(other, { Method: 'DELETE', Bucket: ONE, Path: 'asrbucket' }, 403, 'AccessDenied');
      await fails(cos, { Method: 'DELETE', Bucket: THEIRS, Path: 'asrbucket' }, 403, 'AccessDenied');
      assert.equal((await describeBuckets({ bucketNames: ONE })).TotalCount, '1', 'ours still enabled');
      assert.equal((await describeBuckets({}, other)).TotalCount, '1', 'theirs still enabled');
    });

    test('11. a sub-account allowed ci:DescribeAsrBuckets on one bucket sees only that bucket', async () => {
      const policy = join(server.dataDir, `describe-one-${mode}.json`);
      writeFileSync(policy, JSON.stringify({
        version: '2.0',
        statement: [{ effect: 'allow', action: ['ci:DescribeAsrBuckets'], resource: [`qcs::ci::uid/${APPID}:bucket/${ONE}/*`] }],
      }));
      const created = await cli(server.dataDir, 'keys', 'create', '--policy', policy, '--appid', APPID, '--name', 'describe-one');
      assert.equal(created.code, 0, created.stderr);
      const k = keyFrom(created.stdout);
      const sub = cosClient(server.port, mode, k.id, k.key);
      const r = await describeBuckets({}, sub);
      assert.deepEqual(list(r.AsrBucketList).map((x: any) => x.BucketId), [ONE]);
      assert.equal(r.TotalCount, '1');
      assert.equal((await describeBuckets({ bucketName: 'sb-' }, sub)).TotalCount, '0');
      // The policy grants nothing else: enabling or disabling is refused.
      await fails(sub, { Method: 'DELETE', Bucket: ONE, Path: 'asrbucket' }, 403, 'AccessDenied');
      await fails(sub, { Method: 'POST', Bucket: TWO, Path: 'asrbucket' }, 403, 'AccessDenied');
    });

    test('12. a sub-account whose policy never names ci:DescribeAsrBuckets → 403 AccessDenied', async () => {
      const policy = join(server.dataDir, `objects-only-${mode}.json`);
      writeFileSync(policy, JSON.stringify({ statement: [{ effect: 'allow', action: 'cos:GetObject', resource: '*' }] }));
      const created = await cli(server.dataDir, 'keys', 'create', '--policy', policy, '--appid', APPID);
      assert.equal(created.code, 0, created.stderr);
      const k = keyFrom(created.stdout);
      const sub = cosClient(server.port, mode, k.id, k.key);
      await fails(sub, { Method: 'GET', Path: 'asrbucket' }, 403, 'AccessDenied', /ci:DescribeAsrBuckets/);
    });

    test('13. /asrbucket answers only the documented methods on each host', async () => {
      await fails(cos, { Method: 'GET', Bucket: ONE, Path: 'asrbucket' }, 404, 'InvalidUrl');
      await fails(cos, { Method: 'POST', Path: 'asrbucket' }, 404, 'InvalidUrl');
      await fails(cos, { Method: 'DELETE', Path: 'asrbucket' }, 404, 'InvalidUrl');
    });
  });
}
