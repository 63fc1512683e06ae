import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { PARTS_BUCKET, sweepExpiredUploads, sweepOrphanParts } from '../../src/api/multipart.ts';
import { loadConfig } from '../../src/config/load.ts';
import { LocalFsStorage } from '../../src/storage/local-fs.ts';
import { findUpload, insertUpload, listParts, putPart } from '../../src/store/multipart.ts';
import { openSqliteStore } from '../../src/store/sqlite/open.ts';

/**
 * Abandoned multipart uploads are aborted after --multipart-expire-hours
 * (src/api/multipart.ts sweepExpiredUploads): rows and part bodies go; a
 * younger upload stays whole. Part bodies of no upload are swept as well.
 */
test('uploads older than the limit are aborted with their parts; younger ones stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smart-audio-sweep-'));
  const store = openSqliteStore(join(dir, 'metadata.sqlite'));
  const storage = new LocalFsStorage(join(dir, 'objects'));
  try {
    const now = Date.now();
    const base = { bucket: 'b-1250000000', appid: '1250000000', initiator: '1250000000', contentType: 'audio/wav', headers: {}, userMeta: {}, storageClass: 'STANDARD' };
    await insertUpload(store, { ...base, uploadId: 'old', key: 'a.wav', initiatedAt: now - 10 * 3600_000 });
    await insertUpload(store, { ...base, uploadId: 'young', key: 'b.wav', initiatedAt: now - 3600_000 });
    for (const id of ['old', 'young']) {
      const meta = await storage.put({ bucket: PARTS_BUCKET, key: `${id}/1/x`, body: Readable.from([Buffer.from(id)]), maxSize: 100, contentType: 'application/octet-stream', headers: {}, userMeta: {}, storageClass: 'STANDARD' });
      assert.ok(await putPart(store, id, { partNumber: 1, etag: meta.etag, size: meta.size, blobKey: `${id}/1/x`, lastModified: now }));
    }
    assert.equal(await sweepExpiredUploads(store, storage, 5 * 3600_000, now), 1);
    assert.equal(await findUpload(store.db, base.bucket, 'a.wav', 'old'), undefined);
    assert.deepEqual(await listParts(store.db, 'old'), []);
    assert.equal(await storage.head(PARTS_BUCKET, 'old/1/x'), undefined, 'the part body is deleted');
    assert.ok(await findUpload(store.db, base.bucket, 'b.wav', 'young'));
    assert.ok(await storage.head(PARTS_BUCKET, 'young/1/x'));
    assert.equal(await sweepExpiredUploads(store, storage, 5 * 3600_000, now), 0, 'nothing left to sweep');
    // A part body nobody recorded (its process stopped before the row was written): swept too.
    for (const key of ['ghost/1/a', 'ghost/2/b']) {
      await storage.put({ bucket: PARTS_BUCKET, key, body: Readable.from([Buffer.from(key)]), maxSize: 100, contentType: 'application/octet-stream', headers: {}, userMeta: {}, storageClass: 'STANDARD' });
    }
    assert.equal(await sweepOrphanParts(store, storage), 2);
    assert.equal(await storage.head(PARTS_BUCKET, 'ghost/1/a'), undefined);
    assert.ok(await storage.head(PARTS_BUCKET, 'young/1/x'), 'a live upload keeps its parts');
    assert.equal(await sweepOrphanParts(store, storage), 0);
    // The setting: hours, 0 = never; negative refused.
    assert.equal(loadConfig({}, {}).multipartExpireHours, 168);
    assert.throws(() => loadConfig({ 'multipart-expire-hours': '-1' }, {}), /--multipart-expire-hours: at least 0/);
  } finally {
    await store.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
