import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { APPID, REGION, call, ciCall, cosClient, startTestServer, type TestServer } from '../helpers/server.ts';
import { downloadObject, submitJob, waitJobEnd } from '../helpers/jobs.ts';
import { makeMedia, probeBuffer, silentVideoMp4, songMp3, videoMp4 } from '../helpers/media.ts';

/**
 * VoiceSeparate jobs end to end through cos-nodejs-sdk-v5 (issue #4):
 * upload → template → job → poll to Success → download each output and check
 * codec, rate, channels and duration with ffprobe; callbacks; bad input.
 */
const Bucket = `jobs-${APPID}`;
const Region = REGION;

type Cos = ReturnType<typeof cosClient>;

function submit(cos: Cos, request: Record<string, unknown>) {
  return submitJob(cos, Bucket, request);
}

function waitJob(cos: Cos, jobId: string, timeoutMs = 60_000): Promise<any> {
  return waitJobEnd(cos, Bucket, jobId, timeoutMs);
}

function download(cos: Cos, key: string): Promise<Buffer> {
  return downloadObject(cos, Bucket, Region, key);
}

const output = (extra: Record<string, string>) => ({ Region, Bucket, ...extra });

describe('VoiceSeparate jobs', () => {
  let server: TestServer;
  let cos: Cos;
  let receiver: Server;
  let receiverUrl = '';
  const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  let failFirst = 0;

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (failFirst > 0) {
          failFirst--;
          res.writeHead(500).end('try again');
        } else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const addr = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/cb`;
    server = await startTestServer({ 'callback-allow': 'loopback', 'max-duration-sec': '30' });
    cos = cosClient(server.port, 'ip');
    assert.equal((await call(cos, 'putBucket', { Bucket, Region })).err, null);
    assert.equal((await ciCall(cos, { Method: 'POST', Bucket, Path: 'asrbucket' })).err, null);
    for (const [Key, Body] of [
      ['in/song.mp3', songMp3(4)],
      ['in/clip.mp4', videoMp4(2)],
      ['in/silent.mp4', silentVideoMp4(1)],
      ['in/long.mp3', songMp3(35)],
      ['in/corrupt.mp3', Buffer.from('this is not audio at all '.repeat(100))],
      ['in/empty.wav', Buffer.alloc(0)],
      ['in/mono-8k.wav', makeMedia('mono8k.wav', ['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1:sample_rate=8000', '-ac', '1'])],
    ] as const) {
      assert.equal((await call(cos, 'putObject', { Bucket, Region, Key, Body })).err, null, Key);
    }
  });
  after(async () => {
    await server.close();
    await new Promise((r) => receiver.close(r));
  });

  test('1. template + AudioAndBackground mp3: both stems, right format, MediaResult with MD5s, ${jobid}/${ext} expanded', async () => {
    const t = await ciCall(cos, {
      Method: 'POST', Bucket, Path: 'template',
      Body: { Request: { Tag: 'VoiceSeparate', Name: 'vs-mp3', AudioMode: 'AudioAndBackground', AudioConfig: { Codec: 'mp3', Samplerate: '44100', Bitrate: '128', Channels: '2' } } },
    });
    assert.equal(t.err, null);
    const templateId = t.data.Response.Template.TemplateId;
    const s = await submit(cos, {
      Tag: 'VoiceSeparate', Input: { Object: 'in/song.mp3' },
      Operation: { TemplateId: templateId, Output: output({ Object: 'out/${jobid}/bg.${ext}', AuObject: 'out/${jobid}/voice.${ext}' }), UserData: 'hello', JobLevel: '1' },
    });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const d0 = s.data.Response.JobsDetail;
    assert.match(d0.JobId, /^j[0-9a-f]{32}$/);
    assert.equal(d0.State, 'Submitted');
    assert.equal(d0.StartTime, '-');
    assert.equal(d0.Operation.TemplateName, 'vs-mp3');
    assert.equal(d0.Operation.Output.Object, 'out/${jobid}/bg.${ext}', 'submit echoes Output unexpanded');
    const d = await waitJob(cos, d0.JobId);
    assert.equal(d.State, 'Success', JSON.stringify(d));
    assert.match(d.StartTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$/);
    const files = d.Operation.MediaResult.OutputFile;
    assert.deepEqual(files.ObjectName, [`out/${d0.JobId}/voice.mp3`, `out/${d0.JobId}/bg.mp3`]);
    for (const info of files.Md5Info) {
      const bytes = await download(cos, info.ObjectName);
      const { createHash } = await import('node:crypto');
      assert.equal(info.Md5, createHash('md5').update(bytes).digest('hex'));
      const p = probeBuffer('x.mp3', bytes);
      assert.equal(p.codec, 'mp3');
      assert.equal(p.sampleRate, 44100);
      assert.equal(p.channels, 2);
      assert.ok(Math.abs(p.duration - 4) < 0.2, `duration ${p.duration}`);
    }
    const audio = d.Operation.MediaInfo.Stream.Audio;
    assert.equal(Array.isArray(audio) ? audio.length : 1, 2, 'one Audio stream per output file');
    assert.equal(d.Operation.UserData, 'hello');
    assert.equal(d.Operation.JobLevel, '1');
  });

  const inlineCases: Array<{ n: number; mode: string; cfg: Record<string, string>; out: Record<string, string>; expect: Array<{ key: string; codec: string; rate: number; ch: number; fmt?: RegExp }> }> = [
    { n: 2, mode: 'IsAudio', cfg: { Codec: 'wav', Samplerate: '22050', Channels: '1' }, out: { AuObject: 'o2/voice.${ext}' }, expect: [{ key: 'o2/voice.wav', codec: 'pcm_s16le', rate: 22050, ch: 1 }] },
    { n: 3, mode: 'IsBackground', cfg: { Codec: 'flac', Samplerate: '48000', Channels: '1' }, out: { Object: 'o3/bg.${ext}' }, expect: [{ key: 'o3/bg.flac', codec: 'flac', rate: 48000, ch: 1 }] },
    { n: 4, mode: 'AudioAndBackground', cfg: { Codec: 'amr', Samplerate: '8000', Channels: '1', Bitrate: '12' }, out: { Object: 'o4/bg.${ext}', AuObject: 'o4/v.${ext}' }, expect: [{ key: 'o4/v.amr', codec: 'amr_nb', rate: 8000, ch: 1 }, { key: 'o4/bg.amr', codec: 'amr_nb', rate: 8000, ch: 1 }] },
    { n: 5, mode: 'AudioAndBackground', cfg: { Codec: 'aac', Samplerate: '32000', Channels: '2', Bitrate: '96' }, out: { Object: 'o5/bg.${ext}', AuObject: 'o5/v.${ext}' }, expect: [{ key: 'o5/v.aac', codec: 'aac', rate: 32000, ch: 2 }, { key: 'o5/bg.aac', codec: 'aac', rate: 32000, ch: 2 }] },
    {
      n: 6, mode: 'MusicMode', cfg: { Codec: 'mp3' }, out: { Object: 'o6/bg.${ext}', AuObject: 'o6/v.${ext}', BassObject: 'o6/bass.${ext}', DrumObject: 'o6/drums.${ext}' },
      expect: ['v', 'bg', 'bass', 'drums'].map((k) => ({ key: `o6/${k}.mp3`, codec: 'mp3', rate: 44100, ch: 2 })),
    },
  ];
  for (const c of inlineCases) {
    test(`${c.n}. inline ${c.mode} ${c.cfg.Codec}: outputs ${c.expect.map((e) => e.key).join(', ')}`, async () => {
      const s = await submit(cos, { Tag: 'VoiceSeparate', Input: { Object: 'in/song.mp3' }, Operation: { VoiceSeparate: { AudioMode: c.mode, AudioConfig: c.cfg }, Output: output(c.out) } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      assert.equal(s.data.Response.JobsDetail.Operation.VoiceSeparate.AudioMode, c.mode, 'inline parameters are echoed');
      const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
      assert.equal(d.State, 'Success', JSON.stringify({ code: d.Code, message: d.Message }));
      const names = [d.Operation.MediaResult.OutputFile.ObjectName].flat();
      assert.deepEqual(names, c.expect.map((e) => e.key));
      for (const e of c.expect) {
        const p = probeBuffer(e.key.split('/').pop()!, await download(cos, e.key));
        assert.equal(p.codec, e.codec, e.key);
        assert.equal(p.sampleRate, e.rate, e.key);
        assert.equal(p.channels, e.ch, e.key);
        assert.ok(Math.abs(p.duration - 4) < 0.3, `${e.key} duration ${p.duration}`);
      }
    });
  }

  test('7. a video input is separated from its audio track', async () => {
    const s = await submit(cos, { Tag: 'VoiceSeparate', Input: { Object: 'in/clip.mp4' }, Operation: { VoiceSeparate: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'mp3' } }, Output: output({ AuObject: 'o7/${jobid}.${ext}' }) } });
    assert.equal(s.err, null);
    const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
    assert.equal(d.State, 'Success', d.Message);
    const p = probeBuffer('v.mp3', await download(cos, [d.Operation.MediaResult.OutputFile.ObjectName].flat()[0]));
    assert.ok(Math.abs(p.duration - 2) < 0.3);
  });

  const failing: Array<[number, string, string, RegExp]> = [
    [8, 'in/corrupt.mp3', 'ResourceNotSupported', /could not be decoded|not supported|decode/i],
    [9, 'in/silent.mp4', 'ResourceNotSupported', /no audio stream/],
    [10, 'in/long.mp3', 'InvalidArgument', /30/],
  ];
  for (const [n, key, code, msg] of failing) {
    test(`${n}. ${key} → job Failed with ${code}`, async () => {
      const s = await submit(cos, { Tag: 'VoiceSeparate', Input: { Object: key }, Operation: { VoiceSeparate: { AudioMode: 'IsAudio' }, Output: output({ AuObject: `f${n}.\${ext}` }) } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      const d = await waitJob(cos, s.data.Response.JobsDetail.JobId);
      assert.equal(d.State, 'Failed');
      assert.equal(d.Code, code);
      assert.match(d.Message, msg);
      assert.equal(d.EndTime === '-', false);
      const { err } = await call(cos, 'headObject', { Bucket, Region, Key: `f${n}.aac` });
      assert.equal(err?.statusCode, 404, 'a failed job publishes nothing');
    });
  }

  test('11. callbacks: job-level JSON to a loopback receiver, retried after a 500, with a stable notification id', async () => {
    received.length = 0;
    failFirst = 1;
    const s = await submit(cos, {
      Tag: 'VoiceSeparate', Input: { Object: 'in/mono-8k.wav' },
      Operation: { VoiceSeparate: { AudioMode: 'IsBackground', AudioConfig: { Codec: 'wav' } }, Output: output({ Object: 'cb/${jobid}.${ext}' }), UserData: 'cb-test' },
      CallBack: receiverUrl, CallBackFormat: 'JSON',
    });
    assert.equal(s.err, null, JSON.stringify(s.err?.error));
    const jobId = s.data.Response.JobsDetail.JobId;
    await waitJob(cos, jobId);
    const end = Date.now() + 15_000;
    while (received.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(received.length, 2, 'one failed delivery, one retry');
    assert.equal(received[0]!.headers['x-ci-notification-id'], received[1]!.headers['x-ci-notification-id']);
    assert.equal(received[1]!.headers['content-type'], 'application/json');
    const body = JSON.parse(received[1]!.body);
    assert.equal(body.EventName, 'TaskFinish');
    assert.ok(Array.isArray(body.JobsDetail));
    assert.equal(body.JobsDetail[0].JobId, jobId);
    assert.equal(body.JobsDetail[0].State, 'Success');
    assert.equal(body.JobsDetail[0].Operation.UserData, 'cb-test');
    assert.ok(Array.isArray(body.JobsDetail[0].Operation.MediaResult.OutputFile.ObjectName));
  });

  test('12. callbacks: the queue NotifyConfig (XML) is used when the job has none; CallBack=no suppresses it', async () => {
    const q = await ciCall(cos, { Method: 'GET', Bucket, Path: 'asrqueue' });
    const queueId = q.data.Response.QueueList.QueueId;
    const u = await ciCall(cos, { Method: 'PUT', Bucket, Path: `asrqueue/${queueId}`, Body: { Request: { Name: 'q', State: 'Active', NotifyConfig: { State: 'On', Type: 'Url', Url: receiverUrl, Event: 'TaskFinish', ResultFormat: 'XML' } } } });
    assert.equal(u.err, null);
    received.length = 0;
    failFirst = 0;
    const a = await submit(cos, { Tag: 'VoiceSeparate', Input: { Object: 'in/mono-8k.wav' }, Operation: { VoiceSeparate: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'wav' } }, Output: output({ AuObject: 'q/${jobid}.${ext}' }) } });
    const b = await submit(cos, { Tag: 'VoiceSeparate', Input: { Object: 'in/mono-8k.wav' }, Operation: { VoiceSeparate: { AudioMode: 'IsAudio', AudioConfig: { Codec: 'wav' } }, Output: output({ AuObject: 'q/${jobid}.${ext}' }) }, CallBack: 'no' });
    await waitJob(cos, a.data.Response.JobsDetail.JobId);
    await waitJob(cos, b.data.Response.JobsDetail.JobId);
    const end = Date.now() + 5000;
    while (received.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(received.length, 1);
    assert.match(received[0]!.body, /^<\?xml[^>]*>\s*<Response><EventName>TaskFinish<\/EventName><JobsDetail>/);
    assert.ok(received[0]!.body.includes(a.data.Response.JobsDetail.JobId));
    await ciCall(cos, { Method: 'PUT', Bucket, Path: `asrqueue/${queueId}`, Body: { Request: { Name: 'q', State: 'Active', NotifyConfig: { State: 'Off' } } } });
  });

  test('13. every input format ffmpeg reads: m4a, flac, ogg/opus, amr, mov, mkv, avi', async () => {
    const tone = (rate: number) => ['-f', 'lavfi', '-i', `sine=frequency=330:duration=2:sample_rate=${rate}`];
    const video = ['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5:duration=2'];
    const inputs: Array<[string, string[]]> = [
      ['a.m4a', [...tone(44100), '-c:a', 'aac']],
      ['a.flac', [...tone(44100), '-c:a', 'flac']],
      ['a.ogg', [...tone(48000), '-c:a', 'libopus']],
      ['a.amr', [...tone(8000), '-ac', '1', '-c:a', 'libopencore_amrnb', '-b:a', '12.2k']],
      ['a.mov', [...video, ...tone(44100), '-c:v', 'mpeg4', '-c:a', 'aac', '-shortest']],
      ['a.mkv', [...video, ...tone(44100), '-c:v', 'mpeg4', '-c:a', 'libmp3lame', '-shortest']],
      ['a.avi', [...video, ...tone(22050), '-c:v', 'mpeg4', '-c:a', 'libmp3lame', '-shortest']],
    ];
    const ids: Array<[string, string]> = [];
    for (const [name, args] of inputs) {
      assert.equal((await call(cos, 'putObject', { Bucket, Region, Key: `fmt/${name}`, Body: makeMedia(name, args) })).err, null);
      const s = await submit(cos, { Tag: 'VoiceSeparate', Input: { Object: `fmt/${name}` }, Operation: { VoiceSeparate: { AudioMode: 'IsBackground', AudioConfig: { Codec: 'mp3', Channels: '1' } }, Output: output({ Object: `fmt-out/${name}.\${ext}` }) } });
      assert.equal(s.err, null, JSON.stringify(s.err?.error));
      ids.push([name, s.data.Response.JobsDetail.JobId]);
    }
    for (const [name, id] of ids) {
      const d = await waitJob(cos, id);
      assert.equal(d.State, 'Success', `${name}: ${d.Code} ${d.Message}`);
      const p = probeBuffer(`${name}.mp3`, await download(cos, `fmt-out/${name}.mp3`));
      assert.equal(p.channels, 1);
      assert.ok(Math.abs(p.duration - 2) < 0.35, `${name}: duration ${p.duration}`);
    }
  });
});
