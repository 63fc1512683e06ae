/**
 * Storage suite (issue 8 §2): PUT and GET Object throughput through the whole
 * server with objects on local files vs in an S3-compatible store (an s3rver
 * process on loopback), measured side by side in one run and reported as
 * ratios (S3 / local). Two workloads: many 64 KiB objects from 8 concurrent
 * clients (request rate), and one large object streamed in and out (MiB/s;
 * above one part, so S3 takes the staged multipart + CopyObject path).
 * Rounds alternate local, s3, s3, local so drift in machine load hits both.
 *
 * s3rver is a test server (Koa, files, one metadata JSON per object), not a
 * production store: the ratio bounds what our S3 path costs, it does not
 * predict MinIO or AWS numbers.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { bucketHost, send, sendOk, signedHeaders, type Account } from './lib/cos-client.ts';
import { spawnServer, type ServerChild } from './lib/children.ts';
import { fmt, table } from './lib/markdown.ts';
import type { Suite, SuiteContext, SuiteResult } from './lib/suite.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver } from '../test/helpers/s3rver.ts';

const ACCOUNT: Account = {
  secretId: 'AKIDbenchROOT000000000000000000001',
  secretKey: 'benchSecretKey0000000000000000001',
  appid: '1250000000',
  region: 'ap-guangzhou',
};
const BUCKET = `storage-${ACCOUNT.appid}`;
const HOST = bucketHost(BUCKET, ACCOUNT.region);
const SMALL = 64 * 1024;
const CONCURRENCY = 8;

interface Settings {
  rounds: number;
  smallOps: number;
  largeBytes: number;
}

const settingsFor = (ctx: SuiteContext): Settings =>
  ctx.quick ? { rounds: 1, smallOps: 120, largeBytes: 24 * 1024 * 1024 } : { rounds: 2, smallOps: 600, largeBytes: 128 * 1024 * 1024 };

interface Backend {
  name: 'local' | 's3';
  server: ServerChild;
}

/** Runs `n` requests from CONCURRENCY workers; returns requests per second. */
async function rate(n: number, one: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** A body of `n` bytes generated in 1 MiB chunks (never held whole). */
function generated(n: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= n) return void this.push(null);
      const len = Math.min(1024 * 1024, n - sent);
      sent += len;
      this.push(randomFillSync(Buffer.allocUnsafe(len)));
    },
  });
}

async function smallRound(b: Backend, s: Settings, round: number, body: Buffer, md5: string): Promise<{ put: number; get: number }> {
  const key = (i: number) => `/small/r${round}/${i}.bin`;
  const put = await rate(s.smallOps, async (i) => {
    const r = await sendOk(`${b.name} PUT`, { port: b.server.port, method: 'PUT', path: key(i), headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', key(i)), 'content-length': String(SMALL) }, body });
    if (r.headers.etag !== `"${md5}"`) throw new Error(`${b.name} PUT ${key(i)}: ETag ${String(r.headers.etag)}`);
  });
  const get = await rate(s.smallOps, async (i) => {
    const r = await sendOk(`${b.name} GET`, { port: b.server.port, method: 'GET', path: key(i), headers: signedHeaders(ACCOUNT, HOST, 'GET', key(i)), discardBody: true });
    if (r.bodyBytes !== SMALL) throw new Error(`${b.name} GET ${key(i)}: ${r.bodyBytes} bytes`);
  });
  return { put, get };
}

async function largeRound(b: Backend, s: Settings, round: number): Promise<{ putMiBs: number; getMiBs: number }> {
  const key = `/large/r${round}.bin`;
  const put = await sendOk(`${b.name} PUT large`, {
    port: b.server.port,
    method: 'PUT',
    path: key,
    headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', key), 'content-length': String(s.largeBytes) },
    body: generated(s.largeBytes),
  });
  const get = await send({ port: b.server.port, method: 'GET', path: key, headers: signedHeaders(ACCOUNT, HOST, 'GET', key), discardBody: true });
  if (get.status !== 200 || get.bodyBytes !== s.largeBytes) throw new Error(`${b.name} GET large: HTTP ${get.status}, ${get.bodyBytes} bytes`);
  const mib = s.largeBytes / 1024 / 1024;
  return { putMiBs: mib / put.seconds, getMiBs: mib / get.seconds };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const storage: Suite = {
  name: 'storage',
  description: 'PUT/GET Object throughput: local files vs an S3-compatible store (s3rver on loopback), as ratios',
  approxSeconds: 120,
  async run(ctx: SuiteContext): Promise<SuiteResult> {
    const s = settingsFor(ctx);
    const s3rver = await startS3rver('bench-objects');
    const env = { SMART_AUDIO_SECRET_ID: ACCOUNT.secretId, SMART_AUDIO_SECRET_KEY: ACCOUNT.secretKey, SMART_AUDIO_APPID: ACCOUNT.appid, SMART_AUDIO_WORKER_CONCURRENCY: '0' };
    const backends: Backend[] = [];
    try {
      for (const name of ['local', 's3'] as const) {
        const server = await spawnServer({
          name,
          args: ['ours', '--data-dir', join(ctx.tmpDir, name), '--log-level', 'warn'],
          env: name === 's3' ? { ...env, SMART_AUDIO_STORAGE: s3rver.storageUrl('bench/'), SMART_AUDIO_S3_ACCESS_KEY_ID: S3RVER_KEY, SMART_AUDIO_S3_SECRET_ACCESS_KEY: S3RVER_SECRET } : env,
          logDir: ctx.tmpDir,
          cpuProfDir: ctx.cpuProfDir,
        });
        backends.push({ name, server });
        await sendOk('PUT Bucket', { port: server.port, method: 'PUT', path: '/', headers: { ...signedHeaders(ACCOUNT, HOST, 'PUT', '/'), 'content-length': '0' } });
      }
      const body = randomFillSync(Buffer.alloc(SMALL));
      const md5 = createHash('md5').update(body).digest('hex');
      const samples: Record<string, { put: number[]; get: number[]; putMiBs: number[]; getMiBs: number[] }> = {
        local: { put: [], get: [], putMiBs: [], getMiBs: [] },
        s3: { put: [], get: [], putMiBs: [], getMiBs: [] },
      };
      for (let round = 0; round < s.rounds; round++) {
        // ABBA: local, s3, s3, local.
        for (const b of [backends[0]!, backends[1]!, backends[1]!, backends[0]!]) {
          const tag = `${round}-${samples[b.name]!.put.length}`;
          const small = await smallRound(b, s, samples[b.name]!.put.length + round * 10, body, md5);
          const large = await largeRound(b, s, samples[b.name]!.putMiBs.length + round * 10);
          samples[b.name]!.put.push(small.put);
          samples[b.name]!.get.push(small.get);
          samples[b.name]!.putMiBs.push(large.putMiBs);
          samples[b.name]!.getMiBs.push(large.getMiBs);
          ctx.log(`${b.name} ${tag}: small PUT ${fmt.fixed(small.put, 0)}/s GET ${fmt.fixed(small.get, 0)}/s; large PUT ${fmt.fixed(large.putMiBs, 1)} MiB/s GET ${fmt.fixed(large.getMiBs, 1)} MiB/s`);
        }
      }
      const m = (b: string, k: 'put' | 'get' | 'putMiBs' | 'getMiBs') => median(samples[b]![k]);
      const rows: Array<[string, string, 'put' | 'get' | 'putMiBs' | 'getMiBs']> = [
        [`PUT ${SMALL / 1024} KiB`, 'req/s', 'put'],
        [`GET ${SMALL / 1024} KiB`, 'req/s', 'get'],
        [`PUT ${s.largeBytes / 1024 / 1024} MiB`, 'MiB/s', 'putMiBs'],
        [`GET ${s.largeBytes / 1024 / 1024} MiB`, 'MiB/s', 'getMiBs'],
      ];
      const results = rows.map(([what, unit, k]) => ({ what, unit, local: m('local', k), s3: m('s3', k), ratio: m('s3', k) / m('local', k) }));
      const markdown = [
        table(
          ['operation', 'unit', 'local files', 'S3 (s3rver)', 'S3 / local'],
          results.map((r) => [r.what, r.unit, fmt.fixed(r.local, 1), fmt.fixed(r.s3, 1), fmt.fixed(r.ratio, 2)]),
        ),
        '',
        `${CONCURRENCY} concurrent clients for the ${SMALL / 1024} KiB objects (${s.smallOps} of each per round), one client for the large object; medians of ${s.rounds * 2} rounds per backend (ABBA order). s3rver is a test server, not a production store.`,
      ].join('\n');
      return { json: { settings: { ...s, concurrency: CONCURRENCY, smallBytes: SMALL }, results, samples }, markdown };
    } finally {
      for (const b of backends) await b.server.stop();
      await s3rver.stop();
    }
  },
};
