import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { probeBuffer } from '../helpers/media.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startWorker } from '../../src/main.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, ciCall, cosClient, sameStorage, startTestServer, type TestServer } from '../helpers/server.ts';
import { downloadObject, waitJobEnd } from '../helpers/jobs.ts';

/**
 * Tts jobs end to end through cos-nodejs-sdk-v5 (issue 7, spec/jobs.md §1.4,
 * spec/templates.md §3): Sync and Asyc, inline text, text objects (bare key
 * and COS URL) and http URLs, every codec, templates, callbacks; the bad
 * inputs of the issue refused with documented errors and no 5xx; and the
 * SpeechRecognition refusal on /jobs and /asr_jobs.
 */
const Bucket = `tts-${APPID}`;
const Region = REGION;
type Cos = ReturnType<typeof cosClient>;
const output = (Object: string) => ({ Region, Bucket, Object });
const EN = 'Abed, I see a silver light. I wonder if it is frost around.';
const ZH = '床前明月光，疑是地上霜。举头望明月，低头思故乡。';

function submit(cos: Cos, request: Record<string, unknown>, path = 'jobs') {
  return ciCall(cos, { Method: 'POST', Bucket, Path: path, Body: { Request: request } });
}

function waitJob(cos: Cos, jobId: string, timeoutMs = 60_000): Promise<any> {
  return waitJobEnd(cos, Bucket, jobId, timeoutMs, 150);
}

function download(cos: Cos, key: string): Promise<Buffer> {
  return downloadObject(cos, Bucket, Region, key);
}

async function put(cos: Cos, Key: string, Body: Buffer | string): Promise<void> {
  assert.equal((await call(cos, 'putObject', { Bucket, Region, Key, Body: Buffer.from(Body) })).err, null, Key);
}

async function jobCount(cos: Cos): Promise<number> {
  const r = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { states: 'All', size: '100' } });
  return [r.data.Response.JobsDetail ?? []].flat().length;
}

/** Submits, waits for Success, downloads the one output; checks MediaResult's MD5 against the bytes. */
async function runOk(cos: Cos, request: Record<string, unknown>): Promise<{ detail: any; key: string; bytes: Buffer }> {
  const s = await submit(cos, request);
  assert.equal(s.err, null, JSON.stringify(s.err?.error));
  const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
  assert.equal(d.State, 'Success', `${d.Code}: ${d.Message}`);
  const file = d.Operation.MediaResult.OutputFile;
  const key = [file.ObjectName].flat()[0] as string;
  const bytes = await download(cos, key);
  assert.equal([file.Md5Info].flat()[0].Md5, createHash('md5').update(bytes).digest('hex'));
  return { detail: d, key, bytes };
}

describe('Tts jobs', () => {
  let server: TestServer;
  let cos: Cos;
  let textServer: Server;
  let textBase = '';
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

  before(async () => {
    textServer = createServer((req, res) => {
      if (req.url === '/poem.txt') return res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(ZH);
      if (req.url === '/moved') return res.writeHead(301, { location: '/poem.txt' }).end();
      if (req.url === '/cb') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(200).end('ok');
        });
        return;
      }
      res.writeHead(404).end('not here');
    });
    await new Promise<void>((r) => textServer.listen(0, '127.0.0.1', r));
    const a = textServer.address();
    textBase = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    // The same allow setting the callback tests use: loopback targets may be reached.
    server = await startTestServer({ 'callback-allow': 'loopback' });
    cos = cosClient(server.port, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    await put(cos, 'text/poem.txt', ZH);
    await put(cos, 'text/bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EN)]));
    await put(cos, 'text/long-en.txt', `${EN} `.repeat(8)); // 480 characters: only Asyc allows it
    await put(cos, 'text/over-10000.txt', 'a'.repeat(10_001));
    await put(cos, 'text/binary.bin', randomBytes(2048));
    await put(cos, 'text/latin1.txt', Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e', 'latin1'));
    await put(cos, 'text/utf16.txt', Buffer.from('\ufeffhello world', 'utf16le'));
    await put(cos, 'text/punct.txt', '。。。！？…… --- !!!');
    await put(cos, 'text/empty-lines.txt', '\n\n  \n');
    await put(cos, 'text/control.txt', 'hello\u0007world');
    await put(cos, 'text/big.txt', Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
  });
  after(async () => {
    await server.close();
    await new Promise((r) => textServer.close(r));
  });

  test('1. the spec sample (Sync, mp3, aixiaonan, inline text): submit answers JobsDetail State=Submitted, then Success with a 16 kHz mono mp3', async () => {
    const request = {
      Tag: 'Tts',
      Operation: {
        TtsTpl: { Codec: 'mp3', Mode: 'Sync', Speed: '100', VoiceType: 'aixiaonan', Volume: '0' },
        TtsConfig: { Input: EN, InputType: 'Text' },
        Output: output('demo.mp3'),
        UserData: 'This is my data.',
        JobLevel: '0',
      },
    };
    const s = await submit(cos, request);
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const sub = s.data.Response.JobsDetail;
    // spec/jobs.md §1.4: Sync and Asyc are both asynchronous jobs; §1.8: the submit answer is the JobsDetail.
    assert.equal(sub.State, 'Submitted');
    assert.equal(sub.Tag, 'Tts');
    assert.equal(sub.Code, 'Success');
    assert.equal(sub.Input, undefined, 'Tts jobs have no Input');
    assert.deepEqual(sub.Operation.TtsTpl, { Mode: 'Sync', Codec: 'mp3', VoiceType: 'aixiaonan', Volume: '0', Speed: '100' });
    assert.deepEqual(sub.Operation.TtsConfig, { InputType: 'Text', Input: EN });
    assert.equal(sub.Operation.Output.Object, 'demo.mp3');
    const d = await waitJob(cos, sub.JobId);
    assert.equal(d.State, 'Success', d.Message);
    assert.equal(d.Operation.MediaInfo.Stream.Audio.CodecName, 'mp3');
    assert.equal(d.Operation.MediaInfo.Stream.Audio.SampleRate, '16000');
    const bytes = await download(cos, 'demo.mp3');
    const p = probeBuffer('demo.mp3', bytes);
    assert.equal(p.codec, 'mp3');
    assert.equal(p.sampleRate, 16000);
    assert.equal(p.channels, 1);
    assert.ok(p.duration > 2 && p.duration < 8, `duration ${p.duration}`);
  });

  test('2. a template with no Mode/Codec (Asyc → pcm) and ${jobid}.${ext}: headerless 16-bit PCM whose length matches MediaInfo', async () => {
    const t = await ciCall(cos, { Method: 'POST', Bucket, Path: 'template', Body: { Request: { Tag: 'Tts', Name: 'tts-default', VoiceType: 'aixiaodong' } } });
    assert.equal(t.err, null, JSON.stringify(t.err?.error));
    const templateId = t.data.Response.Template.TemplateId;
    const r = await runOk(cos, { Tag: 'Tts', Operation: { TemplateId: templateId, TtsConfig: { InputType: 'Text', Input: ZH }, Output: output('t2/${jobid}.${ext}') } });
    assert.equal(r.key, `t2/${r.detail.JobId}.pcm`);
    assert.equal(r.detail.Operation.TemplateName, 'tts-default');
    assert.equal(r.bytes.length % 2, 0);
    const seconds = r.bytes.length / 2 / 16000;
    assert.ok(Math.abs(seconds - Number(r.detail.Operation.MediaInfo.Format.Duration)) < 0.05, `${seconds} vs ${r.detail.Operation.MediaInfo.Format.Duration}`);
    assert.ok(seconds > 2 && seconds < 12, `${seconds} s for ${ZH.length} characters`);
    assert.equal(r.detail.Operation.MediaInfo.Stream.Audio.CodecName, 'pcm_s16le');
  });

  test('3. alice (English) as Sync wav; every documented VoiceType synthesizes', async () => {
    const voices = ['ruxue', 'aixiaonan', 'aixiaoxing', 'aixiaocheng', 'aixiaoxue', 'aixiaolu', 'aixiaodong', 'aixiaoliao', 'aixiaoqian', 'aixiaoyang', 'alice'];
    for (const VoiceType of voices) {
      const r = await runOk(cos, { Tag: 'Tts', Operation: { TtsTpl: { Mode: 'Sync', Codec: 'wav', VoiceType }, TtsConfig: { InputType: 'Text', Input: VoiceType === 'alice' ? EN : ZH }, Output: output(`t3/${VoiceType}.\${ext}`) } });
      assert.equal(r.key, `t3/${VoiceType}.wav`);
      assert.equal(r.bytes.subarray(0, 4).toString('latin1'), 'RIFF');
      const p = probeBuffer(`${VoiceType}.wav`, r.bytes);
      assert.equal(p.sampleRate, 16000);
      assert.ok(p.duration > 2, `${VoiceType}: ${p.duration} s`);
    }
  });

  test('4. text objects: a bare key, a COS object URL, a BOM; Asyc allows 480 characters that Sync refuses', async () => {
    const bare = await runOk(cos, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: 'text/poem.txt' }, Output: output('t4/bare.pcm') } });
    const cosUrl = `http://${Bucket}.cos.${Region}.myqcloud.com/text/poem.txt`;
    const viaUrl = await runOk(cos, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: cosUrl }, Output: output('t4/url.pcm') } });
    // eSpeak's aspiration noise is random, so the same text gives the same length, not the same bytes.
    assert.ok(Math.abs(viaUrl.bytes.length - bare.bytes.length) < bare.bytes.length * 0.005, `same text, same length: ${viaUrl.bytes.length} vs ${bare.bytes.length}`);
    await runOk(cos, { Tag: 'Tts', Operation: { TtsTpl: { Mode: 'Sync', VoiceType: 'alice' }, TtsConfig: { InputType: 'Url', Input: 'text/bom.txt' }, Output: output('t4/bom.wav') } });
    const long = await runOk(cos, { Tag: 'Tts', Operation: { TtsTpl: { VoiceType: 'alice' }, TtsConfig: { InputType: 'Url', Input: 'text/long-en.txt' }, Output: output('t4/long.pcm') } });
    assert.ok(long.bytes.length / 32000 > 20, `480 characters → ${long.bytes.length / 32000} s`);
    const sync = await submit(cos, { Tag: 'Tts', Operation: { TtsTpl: { Mode: 'Sync' }, TtsConfig: { InputType: 'Url', Input: 'text/long-en.txt' }, Output: output('t4/no.wav') } });
    assert.equal(sync.err?.statusCode, 400);
    assert.equal(sync.err?.code, 'InvalidArgument');
    assert.match(sync.err?.error?.Message, /480 characters.*Mode Sync.*300/);
  });

  test('5. an http URL (127.0.0.1 allowed by callback-allow, through a redirect) is fetched when the job runs', async () => {
    const r = await runOk(cos, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: `${textBase}/moved` }, Output: output('t5/fetched.pcm') } });
    const bare = await download(cos, 't4/bare.pcm');
    assert.ok(Math.abs(r.bytes.length - bare.length) < bare.length * 0.005, `the fetched text is the same poem: ${r.bytes.length} vs ${bare.length} bytes`);
    const missing = await submit(cos, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: `${textBase}/gone.txt?q-signature=s3cr3t` }, Output: output('t5/gone.pcm') } });
    assert.equal(missing.err, null);
    const d = await waitJob(cos, missing.data.Response.JobsDetail.JobId);
    assert.equal(d.State, 'Failed');
    assert.equal(d.Code, 'ResourceDownloadFailed');
    assert.match(d.Message, /404/);
    assert.doesNotMatch(d.Message, /s3cr3t/, 'the query of a URL (it may carry a signature) is not repeated in messages');
  });

  const bad: Array<[number, string, Record<string, unknown>, string, RegExp]> = [
    [6, 'empty text (whitespace only)', { TtsConfig: { InputType: 'Text', Input: '   ' } }, 'InvalidArgument', /is required|empty/],
    [7, 'inline text over 300 characters', { TtsConfig: { InputType: 'Text', Input: 'x'.repeat(301) } }, 'InvalidArgument', /301 characters.*300/],
    [8, 'a control character', { TtsConfig: { InputType: 'Text', Input: 'hello\u0007world' } }, 'InvalidArgument', /U\+0007.*control/],
    [9, 'a lone surrogate (arrives as U+FFFD)', { TtsConfig: { InputType: 'Text', Input: 'hello \ud800 world' } }, 'InvalidArgument', /U\+FFFD/],
    [10, 'nothing to speak', { TtsConfig: { InputType: 'Text', Input: '!!! ??? ...' } }, 'InvalidArgument', /nothing to speak/],
    [11, 'a binary text object', { TtsConfig: { InputType: 'Url', Input: 'text/binary.bin' } }, 'ResourceNotSupported', /binary|UTF-8/],
    [12, 'a Latin-1 text object (not UTF-8)', { TtsConfig: { InputType: 'Url', Input: 'text/latin1.txt' } }, 'ResourceNotSupported', /not valid UTF-8/],
    [13, 'a UTF-16 text object', { TtsConfig: { InputType: 'Url', Input: 'text/utf16.txt' } }, 'ResourceNotSupported', /binary/],
    [14, 'a text object over 10,000 characters (Asyc)', { TtsConfig: { InputType: 'Url', Input: 'text/over-10000.txt' } }, 'InvalidArgument', /10001 characters.*10000/],
    [15, 'a text object over 10 MB', { TtsConfig: { InputType: 'Url', Input: 'text/big.txt' } }, 'InvalidArgument', /10485761 bytes/],
    [16, 'a text object that does not exist', { TtsConfig: { InputType: 'Url', Input: 'text/nope.txt' } }, 'ResourceNotFound', /text\/nope\.txt/],
    [17, 'a text object of punctuation only', { TtsConfig: { InputType: 'Url', Input: 'text/punct.txt' } }, 'InvalidArgument', /nothing to speak/],
    [18, 'a text object of blank lines', { TtsConfig: { InputType: 'Url', Input: 'text/empty-lines.txt' } }, 'InvalidArgument', /empty/],
    [19, 'a text object with a control character', { TtsConfig: { InputType: 'Url', Input: 'text/control.txt' } }, 'InvalidArgument', /U\+0007/],
    [20, 'unknown VoiceType', { TtsTpl: { VoiceType: 'xiaoming' }, TtsConfig: { InputType: 'Text', Input: 'hi' } }, 'InvalidArgument', /VoiceType.*xiaoming/],
    [21, 'Mode Asyc with Codec mp3', { TtsTpl: { Mode: 'Asyc', Codec: 'mp3' }, TtsConfig: { InputType: 'Text', Input: 'hi' } }, 'InvalidArgument', /Codec.*pcm/],
    [22, 'Speed 300', { TtsTpl: { Speed: '300' }, TtsConfig: { InputType: 'Text', Input: 'hi' } }, 'InvalidArgument', /Speed/],
    [23, 'Volume 11', { TtsTpl: { Volume: '11' }, TtsConfig: { InputType: 'Text', Input: 'hi' } }, 'InvalidArgument', /Volume/],
    [24, 'no TtsConfig', {}, 'InvalidArgument', /TtsConfig/],
    [25, 'InputType File', { TtsConfig: { InputType: 'File', Input: 'hi' } }, 'InvalidArgument', /InputType/],
    [26, 'a URL to the metadata service', { TtsConfig: { InputType: 'Url', Input: 'http://169.254.169.254/latest/meta-data' } }, 'InvalidArgument', /link-local/],
    [27, 'a file: URL', { TtsConfig: { InputType: 'Url', Input: 'file:///etc/passwd' } }, 'InvalidArgument', /not an http\(s\) URL/],
    [28, 'a COS URL of another account\'s bucket', { TtsConfig: { InputType: 'Url', Input: `http://other-1300000000.cos.${Region}.myqcloud.com/a.txt` } }, 'ResourceAccessDenied', /1300000000/],
  ];
  for (const [n, what, op, code, msg] of bad) {
    test(`${n}. ${what} → 400 ${code}, no job stored`, async () => {
      const before = await jobCount(cos);
      const r = await submit(cos, { Tag: 'Tts', Operation: { ...op, Output: output(`bad/${n}.pcm`) } });
      assert.equal(r.err?.statusCode, 400, JSON.stringify(r.err?.error ?? r.data));
      assert.equal(r.err?.code, code);
      assert.match(r.err?.error?.Message ?? '', msg);
      assert.equal(await jobCount(cos), before, 'nothing stored');
    });
  }

  test('29. an unknown VoiceType is also refused in a template', async () => {
    const t = await ciCall(cos, { Method: 'POST', Bucket, Path: 'template', Body: { Request: { Tag: 'Tts', Name: 'bad-voice', VoiceType: 'xiaoming' } } });
    assert.equal(t.err?.statusCode, 400);
    assert.equal(t.err?.code, 'InvalidArgument');
    assert.match(t.err?.error?.Message ?? '', /VoiceType.*xiaoming/);
  });

  test('31. the JSON callback of a Tts job: no Input, TtsConfig, MediaInfo and MediaResult', async () => {
    received.length = 0;
    const s = await submit(cos, { Tag: 'Tts', Operation: { TtsTpl: { Mode: 'Sync', Codec: 'mp3' }, TtsConfig: { InputType: 'Text', Input: ZH }, Output: output('t31/${jobid}.${ext}') }, CallBack: `${textBase}/cb`, CallBackFormat: 'JSON' });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const jobId = s.data.Response.JobsDetail.JobId;
    await waitJob(cos, jobId);
    const end = Date.now() + 15_000;
    while (received.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(received.length, 1);
    const j = JSON.parse(received[0]!.body).JobsDetail[0];
    assert.equal(j.Tag, 'Tts');
    assert.equal(j.State, 'Success');
    assert.equal(j.Input, undefined);
    assert.equal(j.Operation.TtsConfig.InputType, 'Text');
    assert.deepEqual(j.Operation.MediaResult.OutputFile.ObjectName, [`t31/${jobId}.mp3`]);
    assert.equal(j.Operation.MediaInfo.Stream.Audio.SampleRate, '16000');
  });

  test('33. a sub-account needs cos:GetObject to speak a text object of another bucket (403 AccessDenied without it)', async () => {
    const Other = `tts-other-${APPID}`;
    assert.equal((await call(cos, 'putBucket', { Bucket: Other, Region })).err, null);
    assert.equal((await call(cos, 'putObject', { Bucket: Other, Region, Key: 'secret.txt', Body: Buffer.from('the secret text') })).err, null);
    const policy = join(server.dataDir, 'tts-sub.json');
    writeFileSync(policy, JSON.stringify({ version: '2.0', statement: [
      { effect: 'allow', action: ['cos:*', 'ci:*'], resource: [`qcs::cos::uid/${APPID}:${Bucket}/*`, `qcs::ci::uid/${APPID}:bucket/${Bucket}/*`] },
      { effect: 'allow', action: ['cam:PassRole'], resource: [`qcs::cam::uid/${APPID}:roleName/CI_QCSRole`] },
    ] }));
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'keys', 'create', '--policy', policy, '--name', 'tts-sub', '--data-dir', server.dataDir, ...(server.database ? ['--store', server.database.url] : [])], { env: { ...process.env, SMART_AUDIO_SECRET_ID: '', SMART_AUDIO_SECRET_KEY: '' } });
    const id = /SecretId=(\S+)/.exec(stdout)?.[1];
    const key = /SecretKey=(\S+)/.exec(stdout)?.[1];
    assert.ok(id && key, stdout);
    const sub = cosClient(server.port, 'ip', id, key);
    const denied = await submit(sub, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: `http://${Other}.cos.${Region}.myqcloud.com/secret.txt` }, Output: output('t33/x.pcm') } });
    assert.equal(denied.err?.statusCode, 403, JSON.stringify(denied.err?.error ?? denied.data));
    assert.equal(denied.err?.code, 'AccessDenied');
    assert.match(denied.err?.error?.Message ?? '', /cos:GetObject/);
    const own = await submit(sub, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: `http://${Bucket}.cos.${Region}.myqcloud.com/text/poem.txt` }, Output: output('t33/own.pcm') } });
    assert.equal(own.err, null, JSON.stringify(own.err?.error));
    assert.equal((await waitJob(cos, own.data.Response.JobsDetail.JobId)).State, 'Success');
  });

  test('32. SpeechRecognition: refused on /jobs and /asr_jobs (no engine installed), its templates still stored', async () => {
    const t = await ciCall(cos, { Method: 'POST', Bucket, Path: 'template', Body: { Request: { Tag: 'SpeechRecognition', Name: 'asr', SpeechRecognition: { EngineModelType: '16k_zh', ChannelNum: '1' } } } });
    assert.equal(t.err, null, JSON.stringify(t.err?.error));
    await put(cos, 'in/a.wav', Buffer.from('RIFF'));
    for (const path of ['jobs', 'asr_jobs']) {
      const before = await jobCount(cos);
      const r = await submit(cos, { Tag: 'SpeechRecognition', Input: { Object: 'in/a.wav' }, Operation: { TemplateId: t.data.Response.Template.TemplateId, Output: output('asr.txt') } }, path);
      assert.equal(r.err?.statusCode, 400, path);
      assert.equal(r.err?.code, 'InvalidArgument');
      assert.match(r.err?.error?.Message ?? '', /no speech-recognition engine is installed/);
      assert.equal(await jobCount(cos), before);
    }
  });
});

describe('Tts jobs: the text is checked again when the job runs', () => {
  test('30. a text object replaced by binary bytes after submit: the job fails with ResourceNotSupported, nothing published', async () => {
    // API only: the job stays queued while the object is replaced; then a worker runs it.
    const server = await startTestServer({ 'worker-concurrency': '0' });
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      const cos = cosClient(server.port, 'ip');
      assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
      assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
      await put(cos, 'text/changing.txt', 'hello there');
      const s = await submit(cos, { Tag: 'Tts', Operation: { TtsConfig: { InputType: 'Url', Input: 'text/changing.txt' }, Output: output('t30/out.pcm') } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      await put(cos, 'text/changing.txt', Buffer.concat([Buffer.from('hello'), Buffer.alloc(16), randomBytes(512)]));
      const same = sameStorage(server);
      worker = await startWorker(loadConfig({ 'data-dir': server.dataDir, 'log-level': 'silent', ...same.flags }, { SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID, ...same.env }));
      const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
      assert.equal(d.State, 'Failed');
      assert.equal(d.Code, 'ResourceNotSupported');
      assert.match(d.Message, /binary/);
      const { err } = await call(cos, 'headObject', { Bucket, Region, Key: 't30/out.pcm' });
      assert.equal(err?.statusCode, 404, 'a failed job publishes nothing');
    } finally {
      await worker?.close();
      await server.close();
    }
  });
});
