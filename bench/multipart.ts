/**
 * Multipart suite: one large object uploaded through the official SDK
 * (cos-nodejs-sdk-v5, as an application would) three ways, side by side in
 * one run against one server on local files: `putObject` (one PUT), and
 * `uploadFile` with the SDK's default 1 MiB parts and with 8 MiB parts
 * (Initiate, parallel Upload Part, Complete: the parts are written once as
 * parts, then once more as the object). Reported as MiB/s and as ratios to
 * the single PUT. Rounds rotate the order so drift in machine load hits all.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { spawnServer } from './lib/children.ts';
import { fmt, table } from './lib/markdown.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';

const ACCOUNT = { secretId: 'AKIDbenchROOT000000000000000000001', secretKey: 'benchSecretKey0000000000000000001', appid: '1250000000', region: 'ap-guangzhou' };
const BUCKET = `multipart-${ACCOUNT.appid}`;
const MiB = 1024 * 1024;

type Way = 'putObject' | 'uploadFile 1 MiB parts' | 'uploadFile 8 MiB parts';
const WAYS: Way[] = ['putObject', 'uploadFile 1 MiB parts', 'uploadFile 8 MiB parts'];

function call(cos: COS, method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    (cos as unknown as Record<string, (p: unknown, cb: (err: unknown, data: Record<string, unknown>) => void) => void>)[method]!(params, (err, data) => (err ? reject(new Error(`${method}: ${JSON.stringify(err)}`)) : resolve(data)));
  });
}

export const multipart: Suite = {
  name: 'multipart',
  description: 'A large upload through the SDK: putObject vs uploadFile (multipart, 1 and 8 MiB parts), as ratios',
  approxSeconds: 60,
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const rounds = ctx.quick ? 1 : 3;
    const bytes = (ctx.quick ? 16 : 128) * MiB;
    const server = await spawnServer({
      name: 'ours',
      args: ['ours', '--data-dir', join(ctx.tmpDir, 'data'), '--log-level', 'warn'],
      env: { SMART_AUDIO_SECRET_ID: ACCOUNT.secretId, SMART_AUDIO_SECRET_KEY: ACCOUNT.secretKey, SMART_AUDIO_APPID: ACCOUNT.appid, SMART_AUDIO_WORKER_CONCURRENCY: '0' },
      logDir: ctx.tmpDir,
      cpuProfDir: ctx.cpuProfDir,
    });
    try {
      const cos = new COS({ SecretId: ACCOUNT.secretId, SecretKey: ACCOUNT.secretKey, Protocol: 'http:', Ip: `127.0.0.1:${server.port}`, AutoSwitchHost: false } as COS.COSOptions);
      const base = { Bucket: BUCKET, Region: ACCOUNT.region };
      await call(cos, 'putBucket', base);
      const body = randomFillSync(Buffer.alloc(bytes));
      const md5 = createHash('md5').update(body).digest('hex');
      const file = join(ctx.tmpDir, 'upload.bin');
      writeFileSync(file, body);
      const samples: Record<Way, number[]> = { putObject: [], 'uploadFile 1 MiB parts': [], 'uploadFile 8 MiB parts': [] };
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < WAYS.length; i++) {
          const way = WAYS[(i + round) % WAYS.length]!;
          const Key = `r${round}/${way.replace(/\W+/g, '-')}.bin`;
          const t0 = process.hrtime.bigint();
          if (way === 'putObject') await call(cos, 'putObject', { ...base, Key, Body: body });
          else await call(cos, 'uploadFile', { ...base, Key, FilePath: file, SliceSize: MiB, ChunkSize: way.startsWith('uploadFile 8') ? 8 * MiB : MiB });
          const s = Number(process.hrtime.bigint() - t0) / 1e9;
          const got = await call(cos, 'getObject', { ...base, Key });
          if (createHash('md5').update(got.Body as Buffer).digest('hex') !== md5) throw new Error(`${way}: the object read back differs`);
          samples[way].push(bytes / MiB / s);
          ctx.log(`round ${round} ${way}: ${fmt.fixed(bytes / MiB / s, 1)} MiB/s`);
        }
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const single = median(samples.putObject);
      const results = WAYS.map((w) => ({ way: w, mibPerSecond: median(samples[w]), ratioToPut: median(samples[w]) / single }));
      const markdown = [
        table(['upload', 'MiB/s', '÷ putObject'], results.map((r) => [r.way, fmt.fixed(r.mibPerSecond, 1), fmt.fixed(r.ratioToPut, 2)])),
        '',
        `${bytes / MiB} MiB object, local files, the SDK's default 3 parallel part uploads; medians of ${rounds} rounds (order rotated); every object read back and compared by MD5.`,
      ].join('\n');
      return { json: { settings: { rounds, bytes }, results, samples }, markdown };
    } finally {
      await server.stop();
    }
  },
};
