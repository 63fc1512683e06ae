import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { EspeakClient } from '../../../../src/audio/tts/espeak-client.ts';
import { espeakRate, espeakVoiceName, TTS_VOICE_TABLE, voiceFor, volumeGain } from '../../../../src/audio/tts/voices.ts';
import { TTS_VOICES } from '../../../../src/domain/templates/types.ts';

/** The VoiceType table (spec/templates.md §3 "Voices") and the Speed/Volume mappings. */
const client = new EspeakClient();
after(() => client.close());

describe('TTS voices', () => {
  test('1. every documented VoiceType has a voice, and the table has no others', () => {
    assert.deepEqual(Object.keys(TTS_VOICE_TABLE).sort(), [...TTS_VOICES].sort());
  });

  test('2. Chinese voice types speak Mandarin (cmn), alice speaks English', () => {
    for (const v of TTS_VOICES) assert.equal(voiceFor(v).voice, v === 'alice' ? 'en-us' : 'cmn', v);
    assert.match(voiceFor('alice').documented, /English/);
  });

  test('3. female and male voice types get female and male eSpeak variants', () => {
    for (const v of TTS_VOICES) {
      const e = voiceFor(v);
      const gender = /female/.test(e.documented) ? 'f' : 'm';
      assert.equal(e.variant[0], gender, `${v} (${e.documented}) → ${e.variant}`);
    }
  });

  test('4. no two voice types sound the same: (variant, pitch, range) differ; only ruxue and aixiaoqian share a variant', () => {
    const seen = new Set<string>();
    for (const v of TTS_VOICES) {
      const e = voiceFor(v);
      const k = `${espeakVoiceName(e)}/${e.pitch}/${e.range}`;
      assert.ok(!seen.has(k), `${v} duplicates ${k}`);
      seen.add(k);
    }
    const byVariant = new Map<string, string[]>();
    for (const v of TTS_VOICES) byVariant.set(espeakVoiceName(voiceFor(v)), [...(byVariant.get(espeakVoiceName(voiceFor(v))) ?? []), v]);
    assert.deepEqual([...byVariant.values()].filter((l) => l.length > 1), [['ruxue', 'aixiaoqian']]);
  });

  test('5. every variant exists in the eSpeak NG data shipped in the npm package', async () => {
    const variants = new Set(await client.variants());
    assert.ok(variants.size > 10);
    for (const v of TTS_VOICES) assert.ok(variants.has(voiceFor(v).variant), `${v}: variant ${voiceFor(v).variant}`);
  });

  test('6. an unknown VoiceType throws, naming the known ones', () => {
    assert.throws(() => voiceFor('xiaoming'), /xiaoming.*ruxue/);
  });

  test('7. Speed → words per minute proportional to 175 at 100; Volume → 0.6 dB per step around ×0.5', () => {
    assert.equal(espeakRate(100), 175);
    assert.equal(espeakRate(200), 350);
    assert.equal(espeakRate(50), 88);
    assert.equal(volumeGain(0), 0.5);
    assert.ok(Math.abs(volumeGain(10) / volumeGain(0) - 10 ** (6 / 20)) < 1e-9);
    assert.ok(Math.abs(volumeGain(-10) / volumeGain(0) - 10 ** (-6 / 20)) < 1e-9);
    assert.ok(volumeGain(10) < 1, 'Volume 10 never clips 16-bit input');
  });
});
