import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ChunkAssembler, CrossfadeJoiner } from '../../../../src/audio/chunking.ts';
import { buildOutputFormat } from '../../../../src/audio/codecs.ts';
import { GtcrnSeparator } from '../../../../src/audio/engines/gtcrn/engine.ts';
import { enhanceSpeech } from '../../../../src/audio/engines/gtcrn/enhance.ts';
import { separateFile } from '../../../../src/audio/separate-file.ts';
import { DNS3_DIR, DNS3_IDS, bestLag, dns3SkipReason, maxAbsDiff, readWav, siSdr } from './helpers.ts';

/**
 * GTCRN on the 5 DNS Challenge 3 pairs of ../shared/data/speech/dns3-pairs
 * (16 kHz, 5 s), against the clean references and against the GTCRN authors'
 * own outputs (`*_GTCRN.wav`, offline PyTorch inference; 128 samples shorter
 * than the input: torch.istft without `length`; aligned at lag 0).
 */

const SR = 16000;
const skip = dns3SkipReason();

interface Clip {
  id: string;
  noisy: Float32Array;
  clean: Float32Array;
  authors: Float32Array;
  ours: Float32Array;
}

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

describe('gtcrn on DNS3 pairs', { skip }, () => {
  const clips: Clip[] = [];
  let enhanceMs = 0;
  before(async () => {
    for (const id of DNS3_IDS) {
      const [noisy, clean, authors] = await Promise.all(['noisy', 'clean', 'GTCRN'].map((k) => readWav(join(DNS3_DIR, `${id}_${k}.wav`))));
      for (const w of [noisy!, clean!, authors!]) assert.equal(w.sampleRate, SR);
      const t0 = performance.now();
      const ours = await enhanceSpeech(noisy!.samples);
      enhanceMs += performance.now() - t0;
      clips.push({ id, noisy: noisy!.samples, clean: clean!.samples, authors: authors!.samples, ours });
    }
  });

  it('SI-SDR: as good as the authors (±1 dB on average), well above the noisy input', (t) => {
    const rows = clips.map((c) => ({
      id: c.id,
      noisy: siSdr(c.noisy, c.clean),
      ours: siSdr(c.ours, c.clean),
      authors: siSdr(c.authors, c.clean),
      oursVsAuthors: siSdr(c.ours, c.authors),
    }));
    t.diagnostic('clip   noisy   ours  authors  ours-vs-authors (SI-SDR dB)');
    for (const r of rows) t.diagnostic(`${r.id}  ${[r.noisy, r.ours, r.authors, r.oursVsAuthors].map((v) => v.toFixed(2).padStart(6)).join('  ')}`);
    const m = (k: 'noisy' | 'ours' | 'authors' | 'oursVsAuthors') => mean(rows.map((r) => r[k]));
    t.diagnostic(`mean  ${[m('noisy'), m('ours'), m('authors'), m('oursVsAuthors')].map((v) => v.toFixed(2).padStart(6)).join('  ')}`);
    const seconds = clips.reduce((s, c) => s + c.noisy.length, 0) / SR;
    t.diagnostic(`real-time factor on the clips: ${(enhanceMs / 1000 / seconds).toFixed(3)} (${seconds} s of audio, first use of the wasm included)`);

    assert.ok(Math.abs(m('ours') - m('authors')) <= 1, `mean ${m('ours').toFixed(2)} dB vs the authors' ${m('authors').toFixed(2)} dB`);
    assert.ok(m('ours') - m('noisy') >= 4, `mean gain ${(m('ours') - m('noisy')).toFixed(2)} dB`);
    for (const r of rows) {
      assert.ok(Math.abs(r.ours - r.authors) <= 2, `${r.id}: ${r.ours.toFixed(2)} vs ${r.authors.toFixed(2)} dB`);
      assert.ok(r.ours - r.noisy >= 2, `${r.id}: gain ${(r.ours - r.noisy).toFixed(2)} dB`);
      // Same network, not bit-identical (see the engine's notes): far closer to the authors' output than to anything else.
      assert.ok(r.oursVsAuthors >= 12, `${r.id}: ours vs authors ${r.oursVsAuthors.toFixed(2)} dB`);
    }
  });

  it('is time-aligned: cross-correlation peaks at lag 0 (±1) vs the clean speech and vs the authors', () => {
    for (const c of clips) {
      const vsClean = bestLag(c.clean, c.ours, 300);
      const vsAuthors = bestLag(c.authors, c.ours, 300);
      assert.ok(Math.abs(vsClean) <= 1, `${c.id}: lag vs clean ${vsClean}`);
      assert.ok(Math.abs(vsAuthors) <= 1, `${c.id}: lag vs authors ${vsAuthors}`);
    }
  });

  it('engine stems: background + vocals = input, deterministic', async () => {
    const engine = new GtcrnSeparator();
    for (const c of clips.slice(0, 2)) {
      const out = await engine.separateChunk({ channels: [c.noisy], sampleRate: SR }, 'two');
      const v = out.vocals![0]!;
      const b = out.background![0]!;
      assert.equal(maxAbsDiff(v, c.ours), 0);
      assert.ok(maxAbsDiff(Float32Array.from(v, (s, i) => s + b[i]!), c.noisy) < 1e-7);
      // The background is the noise estimate: close to noisy − clean.
      const trueNoise = Float32Array.from(c.noisy, (s, i) => s - c.clean[i]!);
      assert.ok(siSdr(b, trueNoise) > siSdr(c.noisy, trueNoise) + 2, `${c.id}: background vs true noise`);
    }
  });

  it('chunk-size independence: chunked + crossfaded ≈ whole-signal quality', async (t) => {
    // The 5 clips back to back (25 s): long enough for several chunks.
    const total = clips.reduce((s, c) => s + c.noisy.length, 0);
    const noisy = new Float32Array(total);
    const clean = new Float32Array(total);
    let at = 0;
    for (const c of clips) {
      noisy.set(c.noisy, at);
      clean.set(c.clean, at);
      at += c.noisy.length;
    }
    const whole = await enhanceSpeech(noisy);
    const wholeQ = siSdr(whole, clean);
    const engine = new GtcrnSeparator();
    for (const [chunkSec, overlapSec] of [[4, 1], [20, 2]] as const) {
      const chunked = await runChunked(engine, noisy, chunkSec, overlapSec);
      assert.equal(chunked.length, total);
      const q = siSdr(chunked, clean);
      const agreement = siSdr(chunked, whole);
      t.diagnostic(`chunks ${chunkSec} s / overlap ${overlapSec} s: SI-SDR ${q.toFixed(2)} dB (whole ${wholeQ.toFixed(2)} dB), vs whole ${agreement.toFixed(1)} dB`);
      assert.ok(Math.abs(q - wholeQ) <= 0.5, `quality ${q.toFixed(2)} vs ${wholeQ.toFixed(2)} dB`);
      assert.ok(agreement >= 15, `agreement with the whole-signal output ${agreement.toFixed(1)} dB`);
    }
  });

  it('through separateFile (decode, 2 s chunks, crossfade, encode) like the whole clip', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smart-audio-gtcrn-'));
    try {
      const wav = buildOutputFormat('wav', { sampleRate: SR, channels: 1 });
      const c = clips[2]!;
      const outputs = { vocals: { path: join(dir, 'vocals.wav'), format: wav }, background: { path: join(dir, 'background.wav'), format: wav } };
      await separateFile({ inputPath: join(DNS3_DIR, `${c.id}_noisy.wav`), engine: 'gtcrn', mode: 'two', outputs, chunkSec: 2, overlapSec: 0.5 });
      const vocals = (await readWav(outputs.vocals.path)).samples;
      const background = (await readWav(outputs.background.path)).samples;
      assert.equal(vocals.length, c.noisy.length);
      assert.equal(bestLag(c.clean, vocals, 300), 0);
      assert.ok(Math.abs(siSdr(vocals, c.clean) - siSdr(c.ours, c.clean)) <= 1);
      assert.ok(maxAbsDiff(Float32Array.from(vocals, (s, i) => s + background[i]!), c.noisy) < 3 / 32768); // 16-bit rounding of each stem
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** Runs `engine` over `x` the way separate-file.ts does (ChunkAssembler → engine → CrossfadeJoiner). */
async function runChunked(engine: GtcrnSeparator, x: Float32Array, chunkSec: number, overlapSec: number): Promise<Float32Array> {
  const overlapFrames = Math.round(overlapSec * SR);
  const assembler = new ChunkAssembler(1, { chunkFrames: Math.round(chunkSec * SR), overlapFrames });
  const joiner = new CrossfadeJoiner(overlapFrames);
  const parts: Float32Array[] = [];
  const run = async (chunk: Float32Array[], last: boolean) => {
    const out = await engine.separateChunk({ channels: chunk, sampleRate: SR }, 'two');
    parts.push(joiner.push({ vocals: out.vocals! }, last).vocals![0]!);
  };
  for (let i = 0; i < x.length; i += 3000) {
    const piece = x.subarray(i, Math.min(x.length, i + 3000));
    for (const chunk of assembler.push(piece, piece.length)) await run(chunk, false);
  }
  const last = assembler.finish();
  if (last) await run(last, true);
  else {
    const tail = joiner.finish();
    if (tail) parts.push(tail.vocals![0]!);
  }
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
