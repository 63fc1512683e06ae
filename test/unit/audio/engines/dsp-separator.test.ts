import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DspSeparator } from '../../../../src/audio/engines/dsp-separator.ts';
import { ENGINE_STEMS, type StemAudio } from '../../../../src/audio/engines/engine.ts';
import { UnknownEngineError, engineIds, getEngine } from '../../../../src/audio/engines/registry.ts';
import { maxAbsDiff, pearson } from '../helpers/media.ts';

const SR = 44100;

/**
 * A synthetic "song", 4 s:
 * - voice: centred (same in L and R), harmonic (12 partials), F0 220 Hz with 5.5 Hz vibrato;
 * - drum: noise bursts every 0.5 s with a fast decay, hard-panned left;
 * - bass: a 55 Hz sine, centred.
 */
function song(seconds = 4) {
  const n = SR * seconds;
  const voice = new Float32Array(n);
  const drum = new Float32Array(n);
  const bass = new Float32Array(n);
  let phase = 0;
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    phase += (2 * Math.PI * 220 * (1 + 0.02 * Math.sin(2 * Math.PI * 5.5 * t))) / SR;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / h;
    voice[i] = 0.15 * v;
    seed = (seed * 1103515245 + 12345) >>> 0;
    drum[i] = 0.5 * ((seed / 2 ** 32) * 2 - 1) * Math.exp(-((i % (SR / 2)) / SR) * 30);
    bass[i] = 0.3 * Math.sin(2 * Math.PI * 55 * t);
  }
  const left = Float32Array.from(voice, (v, i) => v + drum[i]! + bass[i]!);
  const right = Float32Array.from(voice, (v, i) => v + bass[i]!);
  return { voice, drum, bass, left, right };
}

function sumOf(stems: StemAudio, names: readonly string[], c: number): Float32Array {
  const first = stems[names[0] as keyof StemAudio]![c]!;
  const out = new Float32Array(first.length);
  for (const name of names) {
    const ch = stems[name as keyof StemAudio]![c]!;
    for (let i = 0; i < out.length; i++) out[i]! += ch[i]!;
  }
  return out;
}

describe('dsp engine on a synthetic song', () => {
  const engine = new DspSeparator();
  const s = song();
  let two: StemAudio;
  let four: StemAudio;
  before(async () => {
    two = await engine.separateChunk({ channels: [s.left, s.right], sampleRate: SR }, 'two');
    four = await engine.separateChunk({ channels: [s.left, s.right], sampleRate: SR }, 'four');
  });

  it('1: returns the declared stems, stereo, of the chunk length', () => {
    for (const [mode, out] of [['two', two], ['four', four]] as const) {
      assert.deepEqual(Object.keys(out).sort(), [...ENGINE_STEMS[mode]].sort());
      for (const chs of Object.values(out)) {
        assert.equal(chs.length, 2);
        for (const ch of chs) assert.equal(ch.length, s.left.length);
      }
    }
  });

  it('2: stems sum to the mixture (two and four stems)', () => {
    for (let c = 0; c < 2; c++) {
      const mix = c === 0 ? s.left : s.right;
      assert.ok(maxAbsDiff(sumOf(two, ENGINE_STEMS.two, c), mix) < 1e-5);
      assert.ok(maxAbsDiff(sumOf(four, ENGINE_STEMS.four, c), mix) < 1e-5);
    }
  });

  it('3: vocals follow the voice, not the drum or the bass', () => {
    const rest = Float32Array.from(s.drum, (d, i) => d + s.bass[i]!);
    for (const c of [0, 1]) {
      const vocals = two.vocals![c]!;
      assert.ok(pearson(vocals, s.voice) > 0.95, `corr(vocals, voice) = ${pearson(vocals, s.voice)}`);
      assert.ok(Math.abs(pearson(vocals, rest)) < 0.1, `corr(vocals, rest) = ${pearson(vocals, rest)}`);
    }
    const background = two.background![0]!;
    assert.ok(pearson(background, s.voice) < 0.3, `corr(background, voice) = ${pearson(background, s.voice)}`);
    // the vocal mask is the same in 'two' and 'four' modes
    assert.ok(maxAbsDiff(two.vocals![0]!, four.vocals![0]!) < 1e-6);
  });

  it('4: four stems: drums follow the drum, bass the bass', () => {
    const drums = four.drums![0]!;
    const bass = four.bass![1]!;
    assert.ok(pearson(drums, s.drum) > 0.9, `corr(drums, drum) = ${pearson(drums, s.drum)}`);
    assert.ok(pearson(bass, s.bass) > 0.95, `corr(bass, bass) = ${pearson(bass, s.bass)}`);
    assert.ok(Math.abs(pearson(bass, s.voice)) < 0.1);
  });

  it('5: deterministic', async () => {
    const again = await engine.separateChunk({ channels: [s.left, s.right], sampleRate: SR }, 'two');
    assert.deepEqual(again.vocals![0], two.vocals![0]);
  });
});

describe('dsp engine edge cases', () => {
  const engine = new DspSeparator();

  it('R1: rejects a wrong rate or channel count, naming the value given', async () => {
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10), new Float32Array(10)], sampleRate: 48000 }, 'two'), /44100 Hz sample rate \(48000 Hz given\)/);
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(10)], sampleRate: SR }, 'two'), /2 channel\(s\) \(1 given\)/);
  });

  it('6: silence in, silence out; NaN/Inf in, finite out; 1 and 100 frames', async () => {
    for (const n of [1, 100, 5000]) {
      const silent = await engine.separateChunk({ channels: [new Float32Array(n), new Float32Array(n)], sampleRate: SR }, 'four');
      for (const chs of Object.values(silent)) for (const ch of chs) assert.ok(ch.length === n && ch.every((v) => v === 0));
    }
    const bad = Float32Array.from({ length: 3000 }, (_, i) => (i % 100 === 0 ? NaN : i % 77 === 0 ? Infinity : Math.sin(i / 10)));
    const input = bad.slice();
    const out = await engine.separateChunk({ channels: [bad, bad.slice()], sampleRate: SR }, 'two');
    for (const chs of Object.values(out)) for (const ch of chs) assert.ok(ch.every(Number.isFinite));
    assert.deepEqual([...bad].map(String), [...input].map(String), 'the caller\'s chunk is not modified');
  });

  it('7: mono content (L = R) still sums exactly', async () => {
    const x = Float32Array.from({ length: 20000 }, (_, i) => 0.3 * Math.sin(i / 7) + 0.1 * Math.sin(i / 300));
    const out = await engine.separateChunk({ channels: [x, x.slice()], sampleRate: SR }, 'two');
    assert.ok(maxAbsDiff(sumOf(out, ENGINE_STEMS.two, 0), x) < 1e-5);
  });

  it('8: an aborted signal rejects with its reason', async () => {
    const ac = new AbortController();
    const reason = new Error('stop');
    ac.abort(reason);
    const n = SR * 2;
    await assert.rejects(engine.separateChunk({ channels: [new Float32Array(n), new Float32Array(n)], sampleRate: SR }, 'two', ac.signal), (e) => e === reason);
  });
});

describe('engine registry', () => {
  it('lists dsp, loads it once, rejects unknown ids', async () => {
    assert.ok(engineIds().includes('dsp'));
    const a = await getEngine('dsp');
    assert.equal(a.id, 'dsp');
    assert.deepEqual(a.requires, { sampleRate: 44100, channels: 2 });
    assert.equal(await getEngine('dsp'), a);
    await assert.rejects(getEngine('nope'), UnknownEngineError);
    await assert.rejects(getEngine('toString'), UnknownEngineError);
  });
});
