import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Config } from './config/load.ts';
import { buildApp } from './http/app.ts';
import { PrincipalResolver } from './http/auth/principals.ts';
import type { AppDeps } from './http/context.ts';
import { LocalFsStorage } from './storage/local-fs.ts';
import { findActiveRoot, insertCredential, upsertRootCredential } from './store/credentials.ts';
import { openSqliteStore } from './store/sqlite/open.ts';
import type { MetadataStore } from './store/store.ts';

/** Where the embedded defaults keep their files under `--data-dir`. */
export const dataPaths = (dataDir: string) => ({
  metadata: join(resolve(dataDir), 'metadata.sqlite'),
  objects: join(resolve(dataDir), 'objects'),
});

export const DEFAULT_APPID = '1250000000';

export function openStore(config: Config): MetadataStore {
  return openSqliteStore(dataPaths(config.dataDir).metadata);
}

export function openDeps(config: Config): AppDeps {
  const store = openStore(config);
  const storage = new LocalFsStorage(dataPaths(config.dataDir).objects);
  return { config, store, storage, principals: new PrincipalResolver(store, config.credentialCacheMs) };
}

export function randomSecretId(): string {
  return 'AKID' + randomBytes(24).toString('base64url').replace(/[-_]/g, '').slice(0, 32);
}

export function randomSecretKey(): string {
  return randomBytes(24).toString('base64url').replace(/[-_]/g, 'x').slice(0, 32);
}

/**
 * The root credential (issue #2 §2): the environment's when given, else the
 * stored one, else a new one that is stored and printed once.
 */
export async function ensureRootCredential(store: MetadataStore, config: Config, print: (line: string) => void): Promise<string> {
  if (config.secretId && config.secretKey) {
    const appid = config.appid ?? DEFAULT_APPID;
    await upsertRootCredential(store, config.secretId, config.secretKey, appid);
    return appid;
  }
  const existing = await findActiveRoot(store, config.appid);
  if (existing) return existing.appid;
  const appid = config.appid ?? DEFAULT_APPID;
  const secretId = randomSecretId();
  const secretKey = randomSecretKey();
  await insertCredential(store, { secretId, secretKey, appid, kind: 'root', name: 'root', policy: null, createdAt: Date.now() });
  print(`Created the root credential for APPID ${appid} (shown once; it is stored in the data directory):`);
  print(`  SecretId:  ${secretId}`);
  print(`  SecretKey: ${secretKey}`);
  return appid;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTP server; `close()` stops accepting, finishes in-flight requests, then closes the store. */
export async function startServer(config: Config, print: (line: string) => void = console.log): Promise<RunningServer> {
  const deps = openDeps(config);
  await ensureRootCredential(deps.store, config, print);
  const app = buildApp(deps);
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    port,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await deps.storage.close();
        await deps.store.close();
      })()),
  };
}
