import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { loadConfig } from '../../src/config/load.ts';
import { dataPaths, startServer, type RunningServer } from '../../src/main.ts';
import { openMetadataStore } from '../../src/store/open.ts';
import type { MetadataStore } from '../../src/store/store.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverProcess } from './s3rver.ts';

export const ROOT_ID = 'AKIDrootTEST0000000000000000000001';
export const ROOT_KEY = 'rootSecretKeyForTests0000000000001';
export const APPID = '1250000000';
export const REGION = 'ap-guangzhou';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** The S3 store process when TEST_STORAGE=s3. */
  s3rver?: S3rverProcess;
  /** The PostgreSQL database when TEST_STORE=postgres. */
  database?: TestDatabase;
}

/**
 * Starts the real server on 127.0.0.1 port 0 with a fresh data directory.
 * The directory is removed on close unless the test failed (kept for debugging)
 * or KEEP_TEST_DATA is set.
 */
export async function startTestServer(extra: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'smart-audio-test-'));
  // TEST_STORAGE=s3: objects go to a real S3-compatible server process (s3rver) started for this server.
  const s3rver = process.env.TEST_STORAGE === 's3' && extra.storage === undefined ? await startS3rver() : undefined;
  const storage: Record<string, string> = s3rver ? { storage: s3rver.storageUrl('objects/') } : {};
  // TEST_STORE=postgres: metadata in a fresh PostgreSQL database (test/helpers/postgres.ts), so the
  // wire suites also run on the scale-out configuration (issue #8).
  const database = process.env.TEST_STORE === 'postgres' && extra.store === undefined ? await createTestDatabase() : undefined;
  if (database) storage.store = database.url;
  const config = loadConfig(
    { port: '0', host: '127.0.0.1', 'data-dir': dataDir, 'log-level': process.env.TEST_LOG_LEVEL ?? 'silent', ...storage, ...extra },
    { SMART_AUDIO_SECRET_ID: ROOT_ID, SMART_AUDIO_SECRET_KEY: ROOT_KEY, SMART_AUDIO_APPID: APPID, SMART_AUDIO_S3_ACCESS_KEY_ID: S3RVER_KEY, SMART_AUDIO_S3_SECRET_ACCESS_KEY: S3RVER_SECRET },
  );
  let server: RunningServer;
  try {
    server = await startServer(config, () => undefined);
  } catch (err) {
    await s3rver?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...server,
    dataDir,
    s3rver,
    database,
    close: async () => {
      await server.close();
      await s3rver?.stop();
      await database?.drop();
      if (!process.env.KEEP_TEST_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens the metadata store `server` uses (its SQLite file, or its TEST_STORE=postgres database). */
export function openServerStore(server: TestServer): Promise<MetadataStore> {
  return openMetadataStore(server.database?.url, dataPaths(server.dataDir).metadata);
}

/** Settings that point another process (a separate worker) at the same object storage as `server`. */
export function sameStorage(server: TestServer): { flags: Record<string, string>; env: Record<string, string> } {
  const flags: Record<string, string> = server.database ? { store: server.database.url } : {};
  if (!server.s3rver) return { flags, env: {} };
  return { flags: { ...flags, storage: server.s3rver.storageUrl('objects/') }, env: { SMART_AUDIO_S3_ACCESS_KEY_ID: S3RVER_KEY, SMART_AUDIO_S3_SECRET_ACCESS_KEY: S3RVER_SECRET } };
}

export type AddressingMode = 'ip' | 'proxy' | 'domain';

/** The official SDK configured as in spec/clients.md, in one of the three Node addressing modes. */
export function cosClient(port: number, mode: AddressingMode, secretId = ROOT_ID, secretKey = ROOT_KEY): COS {
  const base = { SecretId: secretId, SecretKey: secretKey, Protocol: 'http:', AutoSwitchHost: false } as const;
  switch (mode) {
    case 'ip':
      return new COS({ ...base, Ip: `127.0.0.1:${port}` } as COS.COSOptions);
    case 'proxy':
      return new COS({ ...base, Proxy: `http://127.0.0.1:${port}` } as COS.COSOptions);
    case 'domain':
      return new COS({ ...base, Domain: `127.0.0.1:${port}` } as COS.COSOptions);
  }
}

/** Promisified SDK call that resolves to `{err, data}` so tests can assert on either. */
export function call<T = any>(cos: COS, method: string, params: Record<string, unknown>): Promise<{ err: any; data: T }> {
  return new Promise((resolve) => {
    (cos as unknown as Record<string, (p: unknown, cb: (err: unknown, data: T) => void) => void>)[method]!(params, (err, data) =>
      resolve({ err, data }),
    );
  });
}

export interface CiCall {
  Method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Bucket for bucket-scoped APIs; omit for the regional host (GET /asrbucket). */
  Bucket?: string;
  Region?: string;
  /** Path without the leading slash: `template`, `template/t1…`, `asrqueue/p…`. */
  Path: string;
  Query?: Record<string, string>;
  /** `{Request: {...}}`, serialised with the SDK's own json2xml; or a raw string. */
  Body?: Record<string, unknown> | string;
  /** Value-less sub-resource such as `cancel` (`?cancel`). */
  Action?: string;
}

/**
 * A CI call the way spec/clients.md tells users to make one with the Node SDK:
 * `cos.request({Method, Key, Url, Body: COS.util.json2xml(...), ContentType})`.
 * Resolves to `{err, data}` with `data.Response` parsed by the SDK.
 */
export function ciCall(cos: COS, c: CiCall): Promise<{ err: any; data: any }> {
  const region = c.Region ?? REGION;
  const host = c.Bucket ? `${c.Bucket}.ci.${region}.myqcloud.com` : `ci.${region}.myqcloud.com`;
  const body = c.Body === undefined ? undefined : typeof c.Body === 'string' ? c.Body : (COS as any).util.json2xml(c.Body);
  return new Promise((resolve) => {
    (cos as any).request(
      {
        Method: c.Method,
        Key: c.Path,
        Url: `http://${host}/${c.Path}`,
        Query: c.Query,
        Action: c.Action,
        Body: body,
        ContentType: 'application/xml',
        Headers: body !== undefined ? { 'Content-Type': 'application/xml' } : undefined,
      },
      (err: unknown, data: unknown) => resolve({ err, data }),
    );
  });
}
