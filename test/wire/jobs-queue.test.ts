import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { APPID, REGION, call, ciCall, cosClient, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * Submission rules, query/list/cancel and queue semantics with the worker
 * switched off, so jobs stay Submitted (issue #4 §2–3, "Bad input").
 */
const Bucket = `jq-${APPID}`;
const Other = `jq-other-${APPID}`;
const Region = REGION;

describe('jobs: submission, listing, cancel, queue limits', () => {
  let server: TestServer;
  let cos: ReturnType<typeof cosClient>;
  let queueId = '';
  let otherTemplate = '';
  const submit = (request: Record<string, unknown>, bucket = Bucket) => ciCall(cos, { Method: 'POST', Bucket: bucket, Path: 'jobs', Body: { Request: request } });
  const good = (extra: Record<string, unknown> = {}) => ({
    Tag: 'VoiceSeparate',
    Input: { Object: 'in/a.wav' },
    Operation: { VoiceSeparate: { AudioMode: 'IsAudio' }, Output: { Region, Bucket, AuObject: 'out/${jobid}.${ext}' } },
    ...extra,
  });

  before(async () => {
    server = await startTestServer({ 'worker-concurrency': '0', 'queue-max-size': '8' });
    cos = cosClient(server.port, 'ip');
    for (const b of [Bucket, Other]) {
      assert.equal((await call(cos, 'putBucket', { Bucket: b, Region })).err, null);
      assert.equal((await ciCall(cos, { Method: 'POST', Bucket: b, Path: 'asrbucket' })).err, null);
    }
    await call(cos, 'putObject', { Bucket, Region, Key: 'in/a.wav', Body: Buffer.alloc(4096, 1) });
    await call(cos, 'putObject', { Bucket, Region, Key: 'in/empty.wav', Body: Buffer.alloc(0) });
    const q = await ciCall(cos, { Method: 'GET', Bucket, Path: 'asrqueue' });
    queueId = q.data.Response.QueueList.QueueId;
    const t = await ciCall(cos, { Method: 'POST', Bucket: Other, Path: 'template', Body: { Request: { Tag: 'VoiceSeparate', Name: 'other', AudioMode: 'IsAudio' } } });
    otherTemplate = t.data.Response.Template.TemplateId;
  });
  after(() => server.close());

  const bad: Array<[number, string, () => Record<string, unknown>, number, string, RegExp]> = [
    [1, 'missing Tag', () => ({ ...good(), Tag: undefined }), 400, 'InvalidArgument', /Tag/],
    [2, 'unknown Tag', () => good({ Tag: 'Transcode' }), 400, 'InvalidArgument', /Tag.*Transcode/],
    [3, 'missing Input', () => ({ ...good(), Input: undefined }), 400, 'InvalidArgument', /Input\.Object/],
    [4, 'missing Output', () => ({ ...good(), Operation: { VoiceSeparate: { AudioMode: 'IsAudio' } } }), 400, 'InvalidArgument', /Operation\.Output/],
    [5, 'template of another bucket', () => ({ ...good(), Operation: { TemplateId: otherTemplate, Output: { Region, Bucket, AuObject: 'o.mp3' } } }), 400, 'InvalidArgument', /TemplateNotFound/],
    [6, 'inline parameters that break the matrix', () => ({ ...good(), Operation: { VoiceSeparate: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3', Samplerate: '96000' } }, Output: { Region, Bucket, AuObject: 'o.mp3' } } }), 400, 'InvalidArgument', /Samplerate.*96000/],
    [7, 'input object that does not exist', () => good({ Input: { Object: 'in/nope.wav' } }), 400, 'ResourceNotFound', /in\/nope\.wav/],
    [8, '0-byte input', () => good({ Input: { Object: 'in/empty.wav' } }), 400, 'ResourceNotSupported', /empty/],
    [9, 'UserData over 1024 characters', () => ({ ...good(), Operation: { ...(good().Operation as object), UserData: 'x'.repeat(1025) } }), 400, 'InvalidArgument', /UserData/],
    [10, 'JobLevel 7', () => ({ ...good(), Operation: { ...(good().Operation as object), JobLevel: '7' } }), 400, 'InvalidArgument', /JobLevel.*7/],
    [11, 'callback to 127.0.0.1', () => good({ CallBack: 'http://127.0.0.1:9/cb' }), 400, 'InvalidArgument', /loopback/],
    [12, 'callback to 169.254.169.254', () => good({ CallBack: 'http://169.254.169.254/latest/meta-data' }), 400, 'InvalidArgument', /link-local/],
    [13, 'callback to localhost', () => good({ CallBack: 'http://localhost/cb' }), 400, 'InvalidArgument', /loopback/],
    [14, 'callback not http', () => good({ CallBack: 'file:///etc/passwd' }), 400, 'InvalidArgument', /CallBack/],
    [15, 'AudioAndBackground without Object', () => ({ ...good(), Operation: { VoiceSeparate: { AudioMode: 'AudioAndBackground' }, Output: { Region, Bucket, AuObject: 'v.mp3' } } }), 400, 'InvalidArgument', /Object/],
    [16, 'output bucket of another APPID', () => ({ ...good(), Operation: { VoiceSeparate: { AudioMode: 'IsAudio' }, Output: { Region, Bucket: 'x-1300000000', AuObject: 'v.mp3' } } }), 400, 'InvalidArgument', /WriteTargetBucketDenied/],
    [17, 'QueueId of another queue', () => good({ QueueId: 'p00000000000000000000000000000000' }), 400, 'InvalidArgument', /QueueNotFound/],
    [18, 'output key with ..', () => ({ ...good(), Operation: { VoiceSeparate: { AudioMode: 'IsAudio' }, Output: { Region, Bucket, AuObject: '../x.mp3' } } }), 400, 'InvalidArgument', /AuObject/],
    [19, 'SpeechRecognition: no engine installed', () => ({ Tag: 'SpeechRecognition', Input: { Object: 'in/a.wav' }, Operation: { SpeechRecognition: { EngineModelType: '16k_zh', ChannelNum: '1' }, Output: { Region, Bucket, Object: 'a.txt' } } }), 400, 'InvalidArgument', /no speech-recognition engine/],
    [20, 'TDMQ callback without CallBackMqConfig', () => good({ CallBackType: 'TDMQ' }), 400, 'InvalidArgument', /CallBackMqConfig/],
  ];
  for (const [n, what, body, status, code, msg] of bad) {
    test(`${n}. ${what} → ${status} ${code}`, async () => {
      const before = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { states: 'All', size: '100' } });
      const r = await submit(body());
      assert.equal(r.err?.statusCode, status, JSON.stringify(r.err?.error ?? r.data));
      assert.equal(r.err?.code, code);
      assert.match(r.err?.error?.Message ?? '', msg);
      const afterList = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { states: 'All', size: '100' } });
      assert.deepEqual([afterList.data.Response.JobsDetail ?? []].flat().length, [before.data.Response.JobsDetail ?? []].flat().length, 'nothing stored');
    });
  }

  test('21. query several ids with NonExistJobIds; list pages with nextToken without skipping or repeating while jobs arrive', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await submit(good());
      assert.equal(r.err, null, JSON.stringify(r.err?.error));
      ids.push(r.data.Response.JobsDetail.JobId);
    }
    const q = await ciCall(cos, { Method: 'GET', Bucket, Path: `jobs/${ids[0]},${ids[1]},jnotthere` });
    assert.equal(q.err, null);
    assert.deepEqual([q.data.Response.JobsDetail].flat().map((d: { JobId: string }) => d.JobId), [ids[0], ids[1]]);
    assert.equal(q.data.Response.NonExistJobIds, 'jnotthere');
    for (const orderByTime of ['Asc', 'Desc']) {
      const seen: string[] = [];
      let nextToken = '';
      for (let page = 0; page < 10; page++) {
        const r = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { queueId, tag: 'VoiceSeparate', orderByTime, states: 'All', size: '2', nextToken } });
        assert.equal(r.err, null, JSON.stringify(r.err?.error));
        seen.push(...[r.data.Response.JobsDetail ?? []].flat().map((d: { JobId: string }) => d.JobId));
        if (page === 0) {
          const extra = await submit(good()); // arrives while paging
          if (orderByTime === 'Asc') ids.push(extra.data.Response.JobsDetail.JobId);
          else ids.push(extra.data.Response.JobsDetail.JobId);
        }
        nextToken = r.data.Response.NextToken ?? '';
        if (!nextToken) break;
      }
      assert.equal(new Set(seen).size, seen.length, 'no job repeated');
      const expected = orderByTime === 'Asc' ? ids : ids.slice(0, -1);
      for (const id of expected) if (orderByTime === 'Asc' || id !== ids[ids.length - 1]) assert.ok(seen.includes(id), `${orderByTime}: ${id} not skipped`);
    }
  });

  test('22. cancel: Submitted → Cancel; again → 400; unknown → 400 ResourceNotFound; listing by state', async () => {
    const r = await submit(good());
    const id = r.data.Response.JobsDetail.JobId;
    const c = await ciCall(cos, { Method: 'PUT', Bucket, Path: `jobs/${id}`, Action: 'cancel' });
    assert.equal(c.err, null, JSON.stringify(c.err?.error));
    const d = await ciCall(cos, { Method: 'GET', Bucket, Path: `jobs/${id}` });
    assert.equal(d.data.Response.JobsDetail.State, 'Cancel');
    const again = await ciCall(cos, { Method: 'PUT', Bucket, Path: `jobs/${id}`, Action: 'cancel' });
    assert.equal(again.err?.statusCode, 400);
    const unknown = await ciCall(cos, { Method: 'PUT', Bucket, Path: 'jobs/j0000', Action: 'cancel' });
    assert.equal(unknown.err?.statusCode, 400);
    assert.match(unknown.err?.error?.Message, /ResourceNotFound/);
    const list = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { states: 'Cancel', size: '100' } });
    assert.deepEqual([list.data.Response.JobsDetail].flat().map((x: { State: string }) => x.State), ['Cancel']);
  });

  test('23. MaxSize: the queue refuses jobs past its size with 403 QueueSaturated; a paused queue with 403 QueuePaused', async () => {
    let saturated: any;
    for (let i = 0; i < 10 && !saturated; i++) {
      const r = await submit(good());
      if (r.err) saturated = r.err;
    }
    assert.equal(saturated?.statusCode, 403);
    assert.equal(saturated?.code, 'QueueSaturated');
    await ciCall(cos, { Method: 'PUT', Bucket: Other, Path: `asrqueue/${(await ciCall(cos, { Method: 'GET', Bucket: Other, Path: 'asrqueue' })).data.Response.QueueList.QueueId}`, Body: { Request: { Name: 'p', State: 'Paused' } } });
    await call(cos, 'putObject', { Bucket: Other, Region, Key: 'in/a.wav', Body: Buffer.alloc(64, 1) });
    const paused = await submit({ ...good(), Operation: { VoiceSeparate: { AudioMode: 'IsAudio' }, Output: { Region, Bucket: Other, AuObject: 'x.mp3' } } }, Other);
    assert.equal(paused.err?.statusCode, 403);
    assert.equal(paused.err?.code, 'QueuePaused');
  });

  test('24. disabling Smart Audio cancels the queued jobs; nothing is left Submitted', async () => {
    const d = await ciCall(cos, { Method: 'DELETE', Bucket, Path: 'asrbucket' });
    assert.equal(d.err, null);
    await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' });
    const list = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { states: 'Submitted', size: '100' } });
    assert.equal(list.err, null);
    assert.equal([list.data.Response.JobsDetail ?? []].flat().length, 0);
  });
});
