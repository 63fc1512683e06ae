import { join, resolve } from 'node:path';
import type { Config } from '../config/load.ts';
import { LocalFsStorage } from './local-fs.ts';
import { S3Storage } from './s3.ts';
import type { ObjectStorage } from './storage.ts';
import { parseStorageUrl, redactStorageUrl } from './storage-url.ts';

/** Opens the object storage `--storage` names (storage-url.ts); local files under `<data-dir>/objects` by default. */
export function openStorage(config: Config): ObjectStorage {
  const loc = parseStorageUrl(config.storage);
  if (loc.kind === 'local') return new LocalFsStorage(join(resolve(config.dataDir), 'objects'));
  return new S3Storage({
    ...loc,
    // Settings beat the URL, so the secret need not be written into it.
    accessKeyId: config.s3AccessKeyId ?? loc.accessKeyId,
    secretAccessKey: config.s3SecretAccessKey ?? loc.secretAccessKey,
    timeoutMs: config.s3TimeoutMs,
  });
}

/** A line for startup output that names the storage without its credentials. */
export function describeStorage(config: Config): string {
  const loc = parseStorageUrl(config.storage);
  return loc.kind === 'local' ? join(resolve(config.dataDir), 'objects') : redactStorageUrl(config.storage.trim());
}
