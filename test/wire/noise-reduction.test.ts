import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { decodeStream } from '../../src/eval/datasets/decode.ts';
import { siSdr } from '../../src/eval/metrics/simple.ts';
import { startWorker } from '../../src/main.ts';
import { findJobs } from '../../src/store/jobs.ts';
import { makeMedia, probeBuffer, silentVideoMp4, songMp3, videoMp4 } from '../helpers/media.ts';
import { APPID, REGION, ROOT_ID, ROOT_KEY, call, ciCall, cosClient, openServerStore, sameStorage, startTestServer, type TestServer } from '../helpers/server.ts';
import { downloadObject, submitJob, waitJobEnd } from '../helpers/jobs.ts';

/**
 * NoiseReduction jobs end to end through cos-nodejs-sdk-v5 (issue 7,
 * spec/jobs.md §1.3): template and inline jobs, mp3/m4a/wav at the requested
 * rate, mono; video input; the 10 MB limit at submit and at run; video
 * without audio; M3U8; callbacks; denoising quality on a real DNS3 pair
 * with each engine. No 5xx anywhere.
 */
const Bucket = `nr-${APPID}`;
const Region = REGION;
const DNS3 = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'speech', 'dns3-pairs');
const HAVE_DNS3 = existsSync(join(DNS3, '0016_noisy.wav'));
const NO_DNS3 = 'skipped: ../shared/data/speech/dns3-pairs is absent';

type Cos = ReturnType<typeof cosClient>;
const output = (extra: Record<string, string>) => ({ Region, Bucket, ...extra });

function submit(cos: Cos, request: Record<string, unknown>) {
  return submitJob(cos, Bucket, request);
}

function waitJob(cos: Cos, jobId: string, timeoutMs = 120_000): Promise<any> {
  return waitJobEnd(cos, Bucket, jobId, timeoutMs);
}

function download(cos: Cos, key: string): Promise<Buffer> {
  return downloadObject(cos, Bucket, Region, key);
}

async function setUpBucket(cos: Cos): Promise<void> {
  assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
  assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
}

async function put(cos: Cos, Key: string, Body: Buffer): Promise<void> {
  assert.equal((await call(cos, 'putObject', { Bucket, Region, Key, Body })).err, null, Key);
}

/** SI-SDR (dB) of a downloaded output against the DNS3 clean reference, at 16 kHz. */
async function scoreAgainstClean(bytes: Buffer, name: string, dir: string): Promise<{ output: number; noisy: number }> {
  const { writeFileSync } = await import('node:fs');
  const path = join(dir, `scored-${name}`);
  writeFileSync(path, bytes);
  const [est] = await decodeStream(path, 0, 16000, 1);
  const [clean] = await decodeStream(join(DNS3, '0016_clean.wav'), 0, 16000, 1);
  const [noisy] = await decodeStream(join(DNS3, '0016_noisy.wav'), 0, 16000, 1);
  const n = Math.min(est!.length, clean!.length, noisy!.length);
  return { output: siSdr(clean!.subarray(0, n), est!.subarray(0, n)), noisy: siSdr(clean!.subarray(0, n), noisy!.subarray(0, n)) };
}

/** A 3-s "noisy speech" stand-in when DNS3 is absent: a vibrato tone in pink noise. */
function noisyToneWav(): Buffer {
  return makeMedia('noisy-tone.wav', [
    '-f', 'lavfi', '-i', 'sine=frequency=220:duration=3:sample_rate=16000',
    '-f', 'lavfi', '-i', 'anoisesrc=color=pink:duration=3:sample_rate=16000:amplitude=0.1',
    '-filter_complex', '[0]vibrato=f=5:d=0.4[v];[v][1]amix=inputs=2[m]', '-map', '[m]', '-ac', '1',
  ]);
}

describe('NoiseReduction jobs', () => {
  let server: TestServer;
  let cos: Cos;
  let receiver: Server;
  let receiverUrl = '';
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const addr = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/cb`;
    server = await startTestServer({ 'callback-allow': 'loopback' });
    cos = cosClient(server.port, 'ip');
    await setUpBucket(cos);
    const inputs: Array<[string, Buffer]> = [
      ['in/song.mp3', songMp3(3)],
      ['in/clip.mp4', videoMp4(2)],
      ['in/silent.mp4', silentVideoMp4(1)],
      ['in/corrupt.mp3', Buffer.from('this is not audio at all '.repeat(100))],
      // 12 MB (> 10 MiB) of an mp3-looking body: refused on its size alone.
      ['in/big.mp3', Buffer.concat([songMp3(3), randomBytes(12 * 1000 * 1000)])],
      ['in/list.m3u8', Buffer.from('#EXTM3U\n#EXTINF:10,\nhttp://127.0.0.1:9/seg0.ts\n')],
      ['in/playlist.mp3', Buffer.from('#EXTM3U\n#EXTINF:10,\nhttp://127.0.0.1:9/seg0.ts\n')],
      ['in/noisy.wav', HAVE_DNS3 ? readFileSync(join(DNS3, '0016_noisy.wav')) : noisyToneWav()],
    ];
    for (const [key, body] of inputs) await put(cos, key, body);
  });
  after(async () => {
    await server.close();
    await new Promise((r) => receiver.close(r));
  });

  test('1. template (mp3, 24000): Success, mono mp3 at 24 kHz, MediaResult + MD5 + MediaInfo, query and list show it', async () => {
    const t = await ciCall(cos, { Method: 'POST', Bucket, Path: 'template', Body: { Request: { Tag: 'NoiseReduction', Name: 'nr-mp3', NoiseReduction: { Format: 'mp3', Samplerate: '24000' } } } });
    assert.equal(t.err, null, JSON.stringify(t.err?.error));
    const templateId = t.data.Response.Template.TemplateId;
    const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/song.mp3' }, Operation: { TemplateId: templateId, Output: output({ Object: 'nr/${jobid}.${ext}' }), UserData: 'nr-data' } });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const d0 = s.data.Response.JobsDetail;
    assert.match(d0.JobId, /^j[0-9a-f]{32}$/);
    assert.equal(d0.Tag, 'NoiseReduction');
    assert.equal(d0.State, 'Submitted');
    assert.equal(d0.Operation.TemplateName, 'nr-mp3');
    assert.equal(d0.Operation.Output.Object, 'nr/${jobid}.${ext}');
    const d = await waitJob(cos, d0.JobId);
    assert.equal(d.State, 'Success', JSON.stringify({ code: d.Code, message: d.Message }));
    const file = d.Operation.MediaResult.OutputFile;
    assert.equal(file.Bucket, Bucket);
    assert.equal(file.Region, Region);
    const key = `nr/${d0.JobId}.mp3`;
    assert.deepEqual([file.ObjectName].flat(), [key]);
    const bytes = await download(cos, key);
    const md5 = [file.Md5Info].flat()[0];
    assert.equal(md5.ObjectName, key);
    assert.equal(md5.Md5, createHash('md5').update(bytes).digest('hex'));
    const p = probeBuffer('t.mp3', bytes);
    assert.equal(p.codec, 'mp3');
    assert.equal(p.sampleRate, 24000);
    assert.equal(p.channels, 1, 'a stereo input keeps one mono stream (spec/jobs.md §1.3)');
    assert.ok(Math.abs(p.duration - 3) < 0.2, `duration ${p.duration}`);
    const audio = d.Operation.MediaInfo.Stream.Audio;
    assert.equal(audio.SampleRate, '24000');
    assert.equal(audio.Channel, '1');
    assert.equal(audio.CodecName, 'mp3');
    assert.equal(d.Operation.MediaInfo.Format.FormatName, 'mp3');
    assert.equal(d.Operation.UserData, 'nr-data');
    const list = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { tag: 'NoiseReduction', size: '100' } });
    assert.equal(list.err, null);
    const listed = [list.data.Response.JobsDetail].flat().find((j: any) => j.JobId === d0.JobId);
    assert.ok(listed, 'the job is listed under tag=NoiseReduction');
    assert.equal(listed.State, 'Success');
    assert.equal([listed.Operation.MediaResult.OutputFile.ObjectName].flat()[0], key);
  });

  const inline: Array<{ n: number; params: Record<string, string> | undefined; object: string; key: string; codec: string; rate: number; fmt: RegExp; echo?: Record<string, string> }> = [
    { n: 2, params: { Format: 'm4a', SampleRate: '44100' }, object: 'nr2/out.${ext}', key: 'nr2/out.m4a', codec: 'aac', rate: 44100, fmt: /mp4|m4a/, echo: { Format: 'm4a', SampleRate: '44100' } },
    { n: 3, params: { Format: 'wav', Samplerate: '8000' }, object: 'nr3/out.${ext}', key: 'nr3/out.wav', codec: 'pcm_s16le', rate: 8000, fmt: /wav/, echo: { Format: 'wav', Samplerate: '8000' } },
    { n: 4, params: { Format: 'mp3', SampleRate: '12000' }, object: 'nr4/out.${ext}', key: 'nr4/out.mp3', codec: 'mp3', rate: 12000, fmt: /mp3/ },
    { n: 5, params: { Format: 'wav', SampleRate: '48000' }, object: 'nr5/out.wav', key: 'nr5/out.wav', codec: 'pcm_s16le', rate: 48000, fmt: /wav/ },
    { n: 6, params: { Format: 'm4a', SampleRate: '32000' }, object: 'nr6/out.${ext}', key: 'nr6/out.m4a', codec: 'aac', rate: 32000, fmt: /mp4|m4a/ },
    // Neither TemplateId nor inline parameters (the ≤ 2024 form): Format from the key's extension, 16000 Hz (spec/jobs.md §1.3 → Impl).
    { n: 7, params: undefined, object: 'nr7/out.mp3', key: 'nr7/out.mp3', codec: 'mp3', rate: 16000, fmt: /mp3/ },
    { n: 8, params: {}, object: 'nr8/${jobid}', key: 'nr8/', codec: 'pcm_s16le', rate: 16000, fmt: /wav/ },
  ];
  for (const c of inline) {
    test(`${c.n}. inline ${JSON.stringify(c.params ?? 'no parameters')} → ${c.codec} ${c.rate} Hz mono`, async () => {
      const operation: Record<string, unknown> = { Output: output({ Object: c.object }) };
      if (c.params) operation.NoiseReduction = c.params;
      const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/noisy.wav' }, Operation: operation });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      if (c.echo) assert.deepEqual(s.data.Response.JobsDetail.Operation.NoiseReduction, c.echo, 'inline parameters echoed with the job\'s own spelling');
      const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
      assert.equal(d.State, 'Success', JSON.stringify({ code: d.Code, message: d.Message }));
      const key = c.key.endsWith('/') ? c.key + d.JobId : c.key;
      assert.deepEqual([d.Operation.MediaResult.OutputFile.ObjectName].flat(), [key]);
      const p = probeBuffer(key.split('/').pop()!, await download(cos, key));
      assert.equal(p.codec, c.codec);
      assert.equal(p.sampleRate, c.rate);
      assert.equal(p.channels, 1);
      assert.match(p.formatName, c.fmt);
      const expected = HAVE_DNS3 ? 5 : 3;
      assert.ok(Math.abs(p.duration - expected) < 0.2, `duration ${p.duration}`);
    });
  }

  test('9. a video input: its audio track is denoised (wav, default 16 kHz)', async () => {
    const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/clip.mp4' }, Operation: { NoiseReduction: { Format: 'wav' }, Output: output({ Object: 'nr9/${jobid}.${ext}' }) } });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
    assert.equal(d.State, 'Success', d.Message);
    const p = probeBuffer('v.wav', await download(cos, `nr9/${d.JobId}.wav`));
    assert.equal(p.sampleRate, 16000);
    assert.equal(p.channels, 1);
    assert.ok(Math.abs(p.duration - 2) < 0.3, `duration ${p.duration}`);
  });

  test('10. a 12 MB input is refused at submit: 400 InvalidArgument naming the limit, no job created', async () => {
    const before = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { tag: 'NoiseReduction', size: '100', inputObject: 'in/big.mp3' } });
    assert.equal(before.err, null);
    const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/big.mp3' }, Operation: { NoiseReduction: { Format: 'mp3' }, Output: output({ Object: 'nr10/out.mp3' }) } });
    assert.equal(s.err?.statusCode, 400, JSON.stringify(s.err));
    assert.equal(s.err?.code, 'InvalidArgument');
    assert.match(s.err?.message ?? JSON.stringify(s.err), /10485760 bytes|10 MB/);
    const list = await ciCall(cos, { Method: 'GET', Bucket, Path: 'jobs', Query: { tag: 'NoiseReduction', size: '100', inputObject: 'in/big.mp3' } });
    assert.equal(list.err, null);
    assert.equal([list.data.Response.JobsDetail ?? []].flat().length, 0);
  });

  test('11. an M3U8 input is refused at submit with 400 InvalidArgument', async () => {
    const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/list.m3u8' }, Operation: { Output: output({ Object: 'nr11/out.wav' }) } });
    assert.equal(s.err?.statusCode, 400, JSON.stringify(s.err));
    assert.equal(s.err?.code, 'InvalidArgument');
  });

  const failing: Array<[number, string, string, RegExp]> = [
    [12, 'in/silent.mp4', 'ResourceNotSupported', /no audio stream/],
    [13, 'in/corrupt.mp3', 'ResourceNotSupported', /could not be decoded|decode/i],
    [19, 'in/playlist.mp3', 'ResourceNotSupported', /M3U8/],
  ];
  for (const [n, key, code, msg] of failing) {
    test(`${n}. ${key} → job Failed with ${code}, nothing published`, async () => {
      const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: key }, Operation: { NoiseReduction: { Format: 'wav' }, Output: output({ Object: `nr${n}/out.wav` }) } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
      assert.equal(d.State, 'Failed');
      assert.equal(d.Code, code);
      assert.match(d.Message, msg);
      assert.doesNotMatch(d.Message, /file:|\/work\/|\/tmp\//, 'the message does not disclose the server\'s work directory');
      const { err } = await call(cos, 'headObject', { Bucket, Region, Key: `nr${n}/out.wav` });
      assert.equal(err?.statusCode, 404, 'a failed job publishes nothing');
    });
  }

  test('14. bad parameters are refused at submit with 400 InvalidArgument', async () => {
    for (const params of [{ Format: 'flac' }, { SampleRate: '22050' }, { Samplerate: '16000', SampleRate: '8000' }]) {
      const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/song.mp3' }, Operation: { NoiseReduction: params, Output: output({ Object: 'nr14/out.wav' }) } });
      assert.equal(s.err?.statusCode, 400, JSON.stringify(params));
      assert.equal(s.err?.code, 'InvalidArgument', JSON.stringify(params));
    }
    const noObject = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/song.mp3' }, Operation: { Output: output({}) } });
    assert.equal(noObject.err?.statusCode, 400);
    assert.equal(noObject.err?.code, 'InvalidArgument');
  });

  test('15. the callback (JSON) carries MediaResult and MediaInfo', async () => {
    received.length = 0;
    const s = await submit(cos, {
      Tag: 'NoiseReduction', Input: { Object: 'in/noisy.wav' },
      Operation: { NoiseReduction: { Format: 'wav', SampleRate: '16000' }, Output: output({ Object: 'nr15/${jobid}.${ext}' }) },
      CallBack: receiverUrl, CallBackFormat: 'JSON',
    });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const jobId = s.data.Response.JobsDetail.JobId;
    await waitJob(cos, jobId);
    const end = Date.now() + 15_000;
    while (received.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(received.length, 1);
    const body = JSON.parse(received[0]!.body);
    const j = body.JobsDetail[0];
    assert.equal(j.JobId, jobId);
    assert.equal(j.Tag, 'NoiseReduction');
    assert.equal(j.State, 'Success');
    assert.deepEqual(j.Operation.MediaResult.OutputFile.ObjectName, [`nr15/${jobId}.wav`]);
    assert.equal(j.Operation.MediaInfo.Stream.Audio.SampleRate, '16000');
  });

  test('16. GTCRN (default engine) improves SI-SDR on a real DNS3 pair', { skip: HAVE_DNS3 ? false : NO_DNS3 }, async () => {
    const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/noisy.wav' }, Operation: { NoiseReduction: { Format: 'wav', SampleRate: '16000' }, Output: output({ Object: 'nr16/out.wav' }) } });
    assert.equal(s.err, null);
    const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
    assert.equal(d.State, 'Success', d.Message);
    const score = await scoreAgainstClean(await download(cos, 'nr16/out.wav'), 'gtcrn.wav', server.dataDir);
    // Measured: 5.34 → 13.4 dB on this pair; GTCRN's authors' output reaches 13.4 too.
    assert.ok(score.output > score.noisy + 5, `SI-SDR ${score.noisy.toFixed(2)} → ${score.output.toFixed(2)} dB`);
  });
});

describe('NoiseReduction jobs with the rnnoise engine, and the size limit at run time', () => {
  test('17. noiseReductionEngine=rnnoise: the job runs on RNNoise (48 kHz output, SI-SDR improves on a DNS3 pair)', async (t) => {
    const server = await startTestServer({ 'noise-reduction-engine': 'rnnoise' });
    try {
      const cos = cosClient(server.port, 'ip');
      await setUpBucket(cos);
      await put(cos, 'in/noisy.wav', HAVE_DNS3 ? readFileSync(join(DNS3, '0016_noisy.wav')) : noisyToneWav());
      const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/noisy.wav' }, Operation: { NoiseReduction: { Format: 'wav', SampleRate: '48000' }, Output: output({ Object: 'rn/out.${ext}' }) } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      const jobId = s.data.Response.JobsDetail.JobId;
      const d = await waitJob(cos, jobId);
      assert.equal(d.State, 'Success', d.Message);
      const bytes = await download(cos, 'rn/out.wav');
      const p = probeBuffer('rn.wav', bytes);
      assert.equal(p.sampleRate, 48000);
      assert.equal(p.channels, 1);
      const store = await openServerStore(server);
      try {
        const [job] = await findJobs(store, Bucket, [jobId]);
        assert.equal(job?.result?.engine, 'rnnoise');
      } finally {
        await store.close();
      }
      if (HAVE_DNS3) {
        const score = await scoreAgainstClean(bytes, 'rnnoise.wav', server.dataDir);
        // Measured: 5.34 → 7.7 dB on this pair (the RNNoise reference output: 7.64).
        assert.ok(score.output > score.noisy + 1, `SI-SDR ${score.noisy.toFixed(2)} → ${score.output.toFixed(2)} dB`);
      } else t.diagnostic(NO_DNS3);
    } finally {
      await server.close();
    }
  });

  test('18. an input that grew past the limit after submit: the job fails with InvalidArgument', async () => {
    // API only: the job stays queued while the object is replaced; then a worker runs it.
    const server = await startTestServer({ 'worker-concurrency': '0', 'noise-reduction-max-input-bytes': '200000' });
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      const cos = cosClient(server.port, 'ip');
      await setUpBucket(cos);
      await put(cos, 'in/grow.wav', noisyToneWav()); // ~96 KB
      const s = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/grow.wav' }, Operation: { Output: output({ Object: 'grow/out.wav' }) } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      await put(cos, 'in/grow.wav', Buffer.concat([noisyToneWav(), randomBytes(300_000)]));
      const big = await submit(cos, { Tag: 'NoiseReduction', Input: { Object: 'in/grow.wav' }, Operation: { Output: output({ Object: 'grow/out2.wav' }) } });
      assert.equal(big.err?.statusCode, 400, 'now refused at submit');
      assert.equal(big.err?.code, 'InvalidArgument');
      worker = await startWorker(loadConfig(
        { 'data-dir': server.dataDir, 'log-level': 'silent', 'noise-reduction-max-input-bytes': '200000', ...sameStorage(server).flags },
        { SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID, ...sameStorage(server).env },
      ));
      const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
      assert.equal(d.State, 'Failed');
      assert.equal(d.Code, 'InvalidArgument');
      assert.match(d.Message, /200000 bytes/);
      const { err } = await call(cos, 'headObject', { Bucket, Region, Key: 'grow/out.wav' });
      assert.equal(err?.statusCode, 404);
    } finally {
      await worker?.close();
      await server.close();
    }
  });
});
