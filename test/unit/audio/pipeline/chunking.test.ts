import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkAssembler, CrossfadeJoiner, type Stems } from '../../../../src/audio/chunking.ts';

/** Runs frames 0..n-1 (channel 0 = index, channel 1 = -(index + 1)) through assembler + joiner with a processor. */
function roundTrip(n: number, chunkFrames: number, overlapFrames: number, pushSize: number, process: (chunk: Float32Array[]) => Stems) {
  const asm = new ChunkAssembler(2, { chunkFrames, overlapFrames });
  const joiner = new CrossfadeJoiner(overlapFrames);
  const out: Stems[] = [];
  let chunks = 0;
  for (let start = 0; start < n; start += pushSize) {
    const frames = Math.min(pushSize, n - start);
    const inter = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) {
      inter[2 * i] = start + i;
      inter[2 * i + 1] = -(start + i) - 1;
    }
    for (const chunk of asm.push(inter, frames)) {
      chunks++;
      out.push(joiner.push(process(chunk), false));
    }
  }
  const last = asm.finish();
  if (last) {
    chunks++;
    out.push(joiner.push(process(last), true));
  } else {
    const tail = joiner.finish();
    if (tail) out.push(tail);
  }
  const concat = (name: string, c: number) => out.flatMap((s) => [...s[name]![c]!]);
  return { chunks, concat };
}

describe('ChunkAssembler + CrossfadeJoiner', () => {
  const cases: [number, number, number, number][] = [
    // [frames, chunk, overlap, push size]
    [1000, 100, 20, 37], // many chunks, ragged pushes
    [160, 100, 20, 1000], // input ends exactly on a chunk boundary (100 + 60)
    [100, 100, 20, 7], // exactly one chunk
    [50, 100, 20, 50], // shorter than one chunk
    [1, 100, 20, 1], // a single frame
    [500, 100, 0, 64], // no overlap
  ];
  for (const [n, c, o, p] of cases) {
    it(`identity processing returns the input exactly: ${n} frames, chunk ${c}, overlap ${o}`, () => {
      const { concat } = roundTrip(n, c, o, p, (chunk) => ({ x: chunk }));
      assert.deepEqual(concat('x', 0), Array.from({ length: n }, (_, i) => i));
      assert.deepEqual(concat('x', 1), Array.from({ length: n }, (_, i) => -i - 1));
    });
  }

  it('crossfade: a per-chunk constant becomes a linear ramp over the overlap', () => {
    let k = 0;
    const { concat } = roundTrip(180, 100, 20, 180, (chunk) => {
      const v = k++;
      return { x: chunk.map((ch) => new Float32Array(ch.length).fill(v)) };
    });
    const y = concat('x', 0);
    assert.equal(y.length, 180);
    assert.deepEqual(y.slice(0, 80), new Array(80).fill(0));
    for (let i = 0; i < 20; i++) assert.ok(Math.abs(y[80 + i]! - (i + 0.5) / 20) < 1e-6, `ramp at ${i}`);
    assert.deepEqual(y.slice(100), new Array(80).fill(1));
  });

  it('rejects a plan whose chunk is not longer than two overlaps', () => {
    assert.throws(() => new ChunkAssembler(1, { chunkFrames: 40, overlapFrames: 20 }), RangeError);
  });
});
