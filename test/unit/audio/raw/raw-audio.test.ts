import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSilence, deinterleaveInto, durationSec, frameCount, interleave, mixToMono, sliceAudio, sumChannels } from '../../../../src/audio/raw-audio.ts';

describe('RawAudio helpers', () => {
  const audio = { channels: [new Float32Array([1, 2, 3, 4]), new Float32Array([-1, 0, 1, 2])], sampleRate: 4 };

  it('frames, duration, silence', () => {
    assert.equal(frameCount(audio), 4);
    assert.equal(durationSec(audio), 1);
    assert.equal(frameCount({ channels: [], sampleRate: 8000 }), 0);
    const s = createSilence(3, 5, 8000);
    assert.deepEqual([s.channels.length, frameCount(s), s.sampleRate], [3, 5, 8000]);
  });

  it('mixToMono averages channels', () => {
    assert.deepEqual([...mixToMono(audio)], [0, 1, 2, 3]);
  });

  it('interleave / deinterleave round trip, with a frame range', () => {
    const inter = interleave(audio.channels);
    assert.deepEqual([...inter], [1, -1, 2, 0, 3, 1, 4, 2]);
    assert.deepEqual([...interleave(audio.channels, 1, 3)], [2, 0, 3, 1]);
    const dest = [new Float32Array(6), new Float32Array(6)];
    deinterleaveInto(inter, dest, 2, 4);
    assert.deepEqual([...dest[0]!], [0, 0, 1, 2, 3, 4]);
    assert.deepEqual([...dest[1]!], [0, 0, -1, 0, 1, 2]);
  });

  it('slice copies; sumChannels adds element-wise', () => {
    const part = sliceAudio(audio, 1, 3);
    part.channels[0]![0] = 99;
    assert.equal(audio.channels[0]![1], 2);
    assert.deepEqual(sumChannels([audio.channels, audio.channels]).map((c) => [...c]), [[2, 4, 6, 8], [-2, 0, 2, 4]]);
    assert.deepEqual(sumChannels([]), []);
  });
});
