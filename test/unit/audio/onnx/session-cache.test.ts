import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OnnxModelError, cachedSessionCount, defaultIntraOpThreads, getSession, releaseSessions } from '../../../../src/audio/onnx/session-cache.ts';
import { makeTempDir } from '../helpers/media.ts';
import { gainModel } from './build-model.ts';

let dir: string;
let remove: () => Promise<void>;
before(async () => ({ dir, remove } = await makeTempDir()));
after(async () => {
  await releaseSessions();
  await remove();
});

async function rejectsModel(path: string, pattern: RegExp): Promise<void> {
  const err = await getSession(path).then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  assert.ok(err instanceof OnnxModelError, `not an OnnxModelError: ${String(err)}`);
  assert.equal(err.modelPath, path);
  assert.match(err.message, pattern);
  assert.ok(err.message.includes(path), err.message);
}

describe('onnx session cache', () => {
  it('1: loads a model built by the test and runs it', async () => {
    const path = join(dir, 'half.onnx');
    await writeFile(path, gainModel({ out: 0.5 }));
    const session = await getSession(path);
    assert.deepEqual([session.inputNames, session.outputNames], [['input'], ['out']]);
    const { Tensor } = await import('onnxruntime-node');
    const res = await session.run({ input: new Tensor('float32', Float32Array.of(1, -2, 3, 0.25), [1, 1, 4]) });
    assert.deepEqual([...(res.out!.data as Float32Array)], [0.5, -1, 1.5, 0.125]);
  });

  it('2: one session per file: same object on later calls, relative or absolute path, concurrent or not', async () => {
    const path = join(dir, 'cached.onnx');
    await writeFile(path, gainModel({ out: 2 }));
    const before = cachedSessionCount();
    const [a, b] = await Promise.all([getSession(path), getSession(path)]);
    const c = await getSession(relative(process.cwd(), path), { intraOpThreads: 1 });
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(cachedSessionCount(), before + 1);
  });

  it('3: a missing file, a directory and a non-ONNX file reject with OnnxModelError naming the path', async () => {
    await rejectsModel(join(dir, 'absent.onnx'), /not found.*ENOENT/);
    const sub = join(dir, 'a-directory.onnx');
    await mkdir(sub);
    await rejectsModel(sub, /not a file/);
    const junk = join(dir, 'junk.onnx');
    await writeFile(junk, 'this is not a protobuf');
    await rejectsModel(junk, /cannot load ONNX model/);
    const empty = join(dir, 'empty.onnx');
    await writeFile(empty, '');
    await rejectsModel(empty, /cannot load ONNX model/);
  });

  it('4: a failed load is not cached: the model can be installed afterwards', async () => {
    const path = join(dir, 'later.onnx');
    await rejectsModel(path, /not found/);
    await writeFile(path, gainModel({ out: 1 }));
    const s = await getSession(path);
    assert.deepEqual(s.outputNames, ['out']);
  });

  it('5: bad thread counts are caller bugs; the default suits a 2-core box', async () => {
    const path = join(dir, 'threads.onnx');
    await writeFile(path, gainModel({ out: 1 }));
    await assert.rejects(getSession(path, { intraOpThreads: 0 }), RangeError);
    const d = defaultIntraOpThreads();
    assert.ok(d === 1 || d === 2, String(d));
  });

  it('6: releaseSessions empties the cache; the next call loads a new session', async () => {
    const path = join(dir, 'released.onnx');
    await writeFile(path, gainModel({ out: 1 }));
    const first = await getSession(path);
    await releaseSessions();
    assert.equal(cachedSessionCount(), 0);
    const second = await getSession(path);
    assert.notEqual(first, second);
  });
});
