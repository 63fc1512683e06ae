import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noiseReductionFormatName, resolveNoiseReductionFormat } from '../../../src/audio/denoise-format.ts';
import { checkNoiseReductionInput } from '../../../src/domain/jobs/limits.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

/** NoiseReduction output format and input rules (spec/jobs.md §1.3, spec/templates.md §2, spec/limits.md). */
describe('NoiseReduction output format', () => {
  const cases: Array<[number, { format?: 'mp3' | 'm4a' | 'wav'; samplerate?: number }, string, string, number, string]> = [
    [1, {}, 'out/x.wav', 'wav', 16000, 'pcm_s16le'],
    [2, {}, 'out/x.MP3', 'mp3', 16000, 'libmp3lame'],
    [3, {}, 'out/x.m4a', 'm4a', 16000, 'aac'],
    [4, {}, 'out/x.${ext}', 'wav', 16000, 'pcm_s16le'],
    [5, {}, 'out/x.flac', 'wav', 16000, 'pcm_s16le'],
    [6, { format: 'mp3' }, 'out/x.wav', 'mp3', 16000, 'libmp3lame'],
    [7, { samplerate: 44100 }, 'out/x.m4a', 'm4a', 44100, 'aac'],
    [8, { format: 'wav', samplerate: 8000 }, 'x', 'wav', 8000, 'pcm_s16le'],
    [9, { format: 'mp3', samplerate: 12000 }, 'x', 'mp3', 12000, 'libmp3lame'],
  ];
  for (const [n, p, key, ext, rate, encoder] of cases) {
    it(`${n}. ${JSON.stringify(p)} + ${key} → ${ext} ${rate} Hz mono (${encoder})`, () => {
      assert.equal(noiseReductionFormatName({ tag: 'NoiseReduction', ...p }, key), ext);
      const f = resolveNoiseReductionFormat({ tag: 'NoiseReduction', ...p }, key);
      assert.equal(f.ext, ext);
      assert.equal(f.sampleRate, rate);
      assert.equal(f.channels, 1);
      assert.deepEqual(f.encoderArgs.slice(0, 6), ['-ar', String(rate), '-ac', '1', '-c:a', encoder]);
    });
  }
});

describe('NoiseReduction input rules', () => {
  const MB10 = 10 * 1024 * 1024;
  it('accepts up to the limit, refuses one byte more and M3U8 keys, with InvalidArgument-mapped ValidationErrors', () => {
    checkNoiseReductionInput('a.mp3', MB10, MB10);
    assert.throws(() => checkNoiseReductionInput('a.mp3', MB10 + 1, MB10), (e: unknown) => e instanceof ValidationError && /10485761 bytes.*10485760 bytes \(10 MB\)/.test(e.message));
    assert.throws(() => checkNoiseReductionInput('live/index.M3U8', 100, MB10), (e: unknown) => e instanceof ValidationError && /M3U8/.test(e.message));
  });
});
