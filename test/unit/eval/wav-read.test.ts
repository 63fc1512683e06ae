import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WavFormatError, readWav } from '../../../src/eval/metrics/wav-read.ts';

/** RIFF/WAVE bytes with the given fmt body and interleaved sample bytes (plus an odd-sized LIST chunk first). */
function wav(fmt: Buffer, data: Buffer): Uint8Array {
  const list = Buffer.concat([Buffer.from('LIST'), u32(3), Buffer.from('abc\0')]); // odd size → pad byte
  const chunks = Buffer.concat([
    Buffer.from('fmt '), u32(fmt.length), fmt,
    list,
    Buffer.from('data'), u32(data.length), data,
  ]);
  return Buffer.concat([Buffer.from('RIFF'), u32(4 + chunks.length), Buffer.from('WAVE'), chunks]);
}
function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; }
function fmt(code: number, channels: number, rate: number, bits: number, extensibleCode?: number): Buffer {
  const b = Buffer.alloc(extensibleCode === undefined ? 16 : 40);
  b.writeUInt16LE(extensibleCode === undefined ? code : 0xfffe, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE((rate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  if (extensibleCode !== undefined) {
    b.writeUInt16LE(22, 16);
    b.writeUInt16LE(bits, 18);
    b.writeUInt16LE(extensibleCode, 24);
  }
  return b;
}

test('16-bit PCM stereo: de-interleaved and scaled by 1/32768', () => {
  const data = Buffer.alloc(8);
  [0, -32768, 16384, 32767].forEach((v, i) => data.writeInt16LE(v, 2 * i));
  const w = readWav(wav(fmt(1, 2, 8000, 16), data));
  assert.equal(w.sampleRate, 8000);
  assert.deepEqual(w.channels.map((c) => Array.from(c)), [[0, 0.5], [-1, 32767 / 32768]]);
});

test('32-bit float mono and 24-bit PCM in WAVE_FORMAT_EXTENSIBLE', () => {
  const f = Buffer.alloc(8);
  f.writeFloatLE(0.25, 0);
  f.writeFloatLE(-1.5, 4);
  assert.deepEqual(Array.from(readWav(wav(fmt(3, 1, 44100, 32), f)).channels[0]!), [0.25, -1.5]);
  const p = Buffer.from([0x00, 0x00, 0x40, 0xff, 0xff, 0xff]); // 0.5, −1/2^23
  assert.deepEqual(Array.from(readWav(wav(fmt(0, 1, 48000, 24, 1), p)).channels[0]!), [0.5, Math.fround(-1 / 8388608)]);
});

test('non-WAV input and unsupported formats throw WavFormatError', () => {
  assert.throws(() => readWav(new TextEncoder().encode('not a wav file at all')), WavFormatError);
  assert.throws(() => readWav(wav(fmt(1, 1, 8000, 8), Buffer.alloc(4))), WavFormatError);
  assert.throws(() => readWav(wav(fmt(6, 1, 8000, 8), Buffer.alloc(4))), WavFormatError);
});
