import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { open, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3 from 'better-sqlite3';
import { Crc64 } from './crc64.ts';
import { prefixSuccessor } from '../domain/strings.ts';
import { StorageError, type ListInput, type ListResult, type ObjectMeta, type ObjectStorage, type PutInput } from './storage.ts';

/**
 * Objects on the local disk under `<root>`: bodies are files named by random
 * ids (`blobs/ab/<uuid>`), never by object key, so no key can reach outside the
 * directory; an index (`index.db`, SQLite) maps (bucket, key) to the blob and
 * its metadata and gives ordered listing. A body is written to `tmp/`, checked,
 * fsync'd and renamed into `blobs/` before the index row points at it, so a
 * reader sees the old object or the new one, never a part.
 */
interface Row {
  bucket: string;
  key: string;
  blob: string;
  size: number;
  etag: string;
  crc64: string;
  last_modified: number;
  content_type: string;
  headers: string;
  user_meta: string;
  storage_class: string;
}

const toMeta = (r: Row): ObjectMeta => ({
  bucket: r.bucket,
  key: r.key,
  size: r.size,
  etag: r.etag,
  crc64: r.crc64,
  lastModified: r.last_modified,
  contentType: r.content_type,
  headers: JSON.parse(r.headers) as Record<string, string>,
  userMeta: JSON.parse(r.user_meta) as Record<string, string>,
  storageClass: r.storage_class,
});

export class LocalFsStorage implements ObjectStorage {
  private readonly db: BetterSqlite3.Database;
  /** Prepared once: preparing per request was ~12% of a HEAD's CPU time (bench/results/front-door.json). */
  private readonly q: Record<'blobOf' | 'row' | 'upsert' | 'remove' | 'any', BetterSqlite3.Statement>;
  private readonly blobsDir: string;
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.blobsDir = join(root, 'blobs');
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.blobsDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
    this.db = new BetterSqlite3(join(root, 'index.db'));
    this.db.pragma('busy_timeout = 15000');
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS objects (
      bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
      etag TEXT NOT NULL, crc64 TEXT NOT NULL, last_modified INTEGER NOT NULL,
      content_type TEXT NOT NULL, headers TEXT NOT NULL, user_meta TEXT NOT NULL,
      storage_class TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID`);
    this.q = {
      blobOf: this.db.prepare('SELECT blob FROM objects WHERE bucket = ? AND key = ?'),
      row: this.db.prepare('SELECT * FROM objects WHERE bucket = ? AND key = ?'),
      upsert: this.db.prepare(
        `INSERT OR REPLACE INTO objects (bucket, key, blob, size, etag, crc64, last_modified, content_type, headers, user_meta, storage_class)
         VALUES (@bucket, @key, @blob, @size, @etag, @crc64, @last_modified, @content_type, @headers, @user_meta, @storage_class)`,
      ),
      remove: this.db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?'),
      any: this.db.prepare('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1'),
    };
  }

  async put(input: PutInput): Promise<ObjectMeta> {
    if (input.contentLength !== undefined && input.contentLength > input.maxSize) {
      input.body.resume();
      throw new StorageError('EntityTooLarge', `Content-Length ${input.contentLength} exceeds the maximum object size ${input.maxSize}.`);
    }
    const id = randomUUID();
    const tmpPath = join(this.tmpDir, id);
    const md5 = createHash('md5');
    const crc = new Crc64();
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > input.maxSize) {
          cb(new StorageError('EntityTooLarge', `The body exceeds the maximum object size ${input.maxSize}.`));
          return;
        }
        md5.update(chunk);
        crc.update(chunk);
        cb(null, chunk);
      },
    });
    const out = createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(input.body, meter, out);
      if (input.contentLength !== undefined && size !== input.contentLength) {
        throw new StorageError('EntitySizeNotMatch', `Received ${size} bytes but Content-Length is ${input.contentLength}.`);
      }
      const digest = md5.digest();
      if (input.contentMd5 !== undefined && digest.toString('base64') !== input.contentMd5) {
        throw new StorageError('BadDigest', `Content-MD5 ${input.contentMd5} does not match the body (${digest.toString('base64')}).`);
      }
      const fh = await open(tmpPath, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const blob = join(id.slice(0, 2), id);
      mkdirSync(join(this.blobsDir, id.slice(0, 2)), { recursive: true });
      await rename(tmpPath, join(this.blobsDir, blob));
      const row: Row = {
        bucket: input.bucket,
        key: input.key,
        blob,
        size,
        etag: input.etag ?? digest.toString('hex'),
        crc64: crc.digestDecimal(),
        last_modified: Date.now(),
        content_type: input.contentType,
        headers: JSON.stringify(input.headers),
        user_meta: JSON.stringify(input.userMeta),
        storage_class: input.storageClass,
      };
      const previous = this.swapRow(row);
      if (previous) await unlink(join(this.blobsDir, previous)).catch(() => undefined);
      return toMeta(row);
    } catch (err) {
      await rm(tmpPath, { force: true });
      if (err instanceof StorageError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || (err as Error).message === 'aborted') {
        throw new StorageError('BodyAborted', 'The client closed the connection before the body was complete.', { cause: err });
      }
      throw err;
    }
  }

  /** Points (bucket, key) at the new blob in one transaction; returns the blob it replaced. */
  private swapRow(row: Row): string | undefined {
    const tx = this.db.transaction((r: Row) => {
      const old = this.q.blobOf.get(r.bucket, r.key) as { blob: string } | undefined;
      this.q.upsert.run(r);
      return old?.blob;
    });
    return tx.immediate(row);
  }

  private row(bucket: string, key: string): Row | undefined {
    return this.q.row.get(bucket, key) as Row | undefined;
  }

  async head(bucket: string, key: string): Promise<ObjectMeta | undefined> {
    const r = this.row(bucket, key);
    return r ? toMeta(r) : undefined;
  }

  async get(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ meta: ObjectMeta; body: Readable } | undefined> {
    // The blob may be replaced between the lookup and the open; the fd keeps
    // the blob we found readable even if it is unlinked, so retry only ENOENT.
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = this.row(bucket, key);
      if (!r) return undefined;
      try {
        const fh = await open(join(this.blobsDir, r.blob), 'r');
        const body = fh.createReadStream(range ? { start: range.start, end: range.end } : {});
        return { meta: toMeta(r), body };
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOENT') throw err;
      }
    }
    throw new Error(`Object ${bucket}/${key} kept changing while being opened.`);
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const tx = this.db.transaction(() => {
      const old = this.q.blobOf.get(bucket, key) as { blob: string } | undefined;
      if (old) this.q.remove.run(bucket, key);
      return old?.blob;
    });
    const blob = tx.immediate();
    if (blob) await unlink(join(this.blobsDir, blob)).catch(() => undefined);
    return blob !== undefined;
  }

  async hasObjects(bucket: string): Promise<boolean> {
    return this.q.any.get(bucket) !== undefined;
  }

  async list(input: ListInput): Promise<ListResult> {
    const contents: ObjectMeta[] = [];
    const commonPrefixes: string[] = [];
    const upper = input.prefix === '' ? undefined : prefixSuccessor(input.prefix);
    let from = input.marker > input.prefix ? input.marker : input.prefix;
    let inclusive = !(input.marker > input.prefix) && input.marker !== input.prefix;
    if (input.marker === '' && input.prefix === '') inclusive = true;
    // A marker inside a common prefix (e.g. the NextMarker "a/" of the last page)
    // means that whole prefix was already returned: resume after it.
    if (input.delimiter !== '' && input.marker.startsWith(input.prefix) && input.marker > input.prefix) {
      const rest = input.marker.slice(input.prefix.length);
      const cut = rest.indexOf(input.delimiter);
      if (cut >= 0) {
        const after = prefixSuccessor(input.prefix + rest.slice(0, cut + input.delimiter.length));
        if (after === undefined) return { contents, commonPrefixes, isTruncated: false, nextMarker: undefined };
        from = after;
        inclusive = true;
      }
    }
    let last: string | undefined;
    const batch = Math.min(1000, input.maxKeys + 1);
    for (;;) {
      const rows = this.db
        .prepare(
          `SELECT * FROM objects WHERE bucket = ? AND key ${inclusive ? '>=' : '>'} ? ${upper !== undefined ? 'AND key < ?' : ''}
           ORDER BY key LIMIT ?`,
        )
        .all(...(upper !== undefined ? [input.bucket, from, upper, batch] : [input.bucket, from, batch])) as Row[];
      if (rows.length === 0) return { contents, commonPrefixes, isTruncated: false, nextMarker: undefined };
      for (const r of rows) {
        if (contents.length + commonPrefixes.length >= input.maxKeys) {
          return { contents, commonPrefixes, isTruncated: true, nextMarker: last };
        }
        const rest = r.key.slice(input.prefix.length);
        const cut = input.delimiter === '' ? -1 : rest.indexOf(input.delimiter);
        if (cut >= 0) {
          const cp = input.prefix + rest.slice(0, cut + input.delimiter.length);
          commonPrefixes.push(cp);
          last = cp;
          const next = prefixSuccessor(cp);
          if (next === undefined) return { contents, commonPrefixes, isTruncated: false, nextMarker: undefined };
          from = next;
          inclusive = true;
          break; // re-query past everything under this common prefix
        }
        contents.push(toMeta(r));
        last = r.key;
        from = r.key;
        inclusive = false;
      }
    }
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
