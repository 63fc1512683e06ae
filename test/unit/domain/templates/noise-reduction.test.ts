import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NR_SAMPLE_RATES, validateNoiseReduction } from '../../../../src/domain/templates/noise-reduction.ts';
import type { NoiseReductionParams, RawNoiseReduction } from '../../../../src/domain/templates/types.ts';
import { assertRejects, type AcceptCase, type RejectCase } from './helpers.ts';

// spec/templates.md §2, spec/limits.md "Noise reduction output", spec/jobs.md §1.3.

const nr = (p: Omit<NoiseReductionParams, 'tag'>): NoiseReductionParams => ({ tag: 'NoiseReduction', ...p });

const accepted: AcceptCase<RawNoiseReduction | undefined, NoiseReductionParams>[] = [
  { n: 1, desc: 'spec sample wav/16000', raw: { Format: 'wav', Samplerate: '16000' }, want: nr({ format: 'wav', samplerate: 16000 }) },
  { n: 2, desc: 'mp3', raw: { Format: 'mp3' }, want: nr({ format: 'mp3' }) },
  { n: 3, desc: 'm4a + 48000', raw: { Format: 'm4a', Samplerate: '48000' }, want: nr({ format: 'm4a', samplerate: 48000 }) },
  { n: 4, desc: 'empty container: nothing set (defaults at job time)', raw: {}, want: nr({}) },
  { n: 5, desc: 'empty elements are not set', raw: { Format: '', Samplerate: '' }, want: nr({}) },
  { n: 6, desc: 'job spelling SampleRate', raw: { SampleRate: '8000' }, want: nr({ samplerate: 8000 }) },
  { n: 7, desc: 'both spellings, same value', raw: { Samplerate: '12000', SampleRate: '12000' }, want: nr({ samplerate: 12000 }) },
];

const rejected: RejectCase<RawNoiseReduction | undefined>[] = [
  { n: 1, desc: 'container missing', raw: undefined, field: 'NoiseReduction' },
  { n: 2, desc: 'Format unknown', raw: { Format: 'flac' }, field: 'NoiseReduction.Format', value: 'flac' },
  { n: 3, desc: 'Format case-sensitive', raw: { Format: 'WAV' }, field: 'NoiseReduction.Format', value: 'WAV' },
  { n: 4, desc: 'Samplerate not listed (11025)', raw: { Samplerate: '11025' }, field: 'NoiseReduction.Samplerate', value: '11025' },
  { n: 5, desc: 'Samplerate not listed (96000)', raw: { Samplerate: '96000' }, field: 'NoiseReduction.Samplerate', value: '96000' },
  { n: 6, desc: 'Samplerate not a number', raw: { Samplerate: 'abc' }, field: 'NoiseReduction.Samplerate', value: 'abc' },
  { n: 7, desc: 'Samplerate fraction', raw: { Samplerate: '16000.0' }, field: 'NoiseReduction.Samplerate', value: '16000.0' },
  { n: 8, desc: 'SampleRate spelling also validated', raw: { SampleRate: '22050' }, field: 'NoiseReduction.SampleRate', value: '22050' },
  { n: 9, desc: 'both spellings disagree', raw: { Samplerate: '16000', SampleRate: '8000' }, field: 'NoiseReduction.SampleRate', value: '8000' },
  { n: 10, desc: 'leading zero', raw: { Samplerate: '016000' }, field: 'NoiseReduction.Samplerate', value: '016000' },
];

describe('validateNoiseReduction — accepted', () => {
  for (const c of accepted) it(`A${c.n}: ${c.desc}`, () => assert.deepEqual(validateNoiseReduction(c.raw), c.want));
  it('A8: every listed sample rate', () => {
    for (const sr of NR_SAMPLE_RATES) assert.equal(validateNoiseReduction({ Samplerate: String(sr) }).samplerate, sr);
  });
});

describe('validateNoiseReduction — rejected', () => {
  for (const c of rejected) it(`R${c.n}: ${c.desc}`, () => assertRejects(() => validateNoiseReduction(c.raw), c.field, c.value));
  it('R11: opts.path for the job form', () => {
    assertRejects(() => validateNoiseReduction({ Format: 'ogg' }, { path: 'Operation.NoiseReduction' }), 'Operation.NoiseReduction.Format', 'ogg');
  });
});
