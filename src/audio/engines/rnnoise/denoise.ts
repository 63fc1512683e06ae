import { yieldToEventLoop } from '../cooperative.ts';
import { loadRnnoiseWasm, RNNOISE_FRAME, RNNOISE_SCALE } from './wasm.ts';

/**
 * Offline noise suppression with RNNoise: a whole 48 kHz mono signal in (±1
 * floats), the denoised signal out, same length, time-aligned (lag 0).
 *
 * - Fresh state per call (the library's zero state), so the result depends on
 *   `samples48k` only: deterministic.
 * - RNNoise's analysis/synthesis window spans two frames: output frame k is
 *   input frame k − 1 (a lag of RNNOISE_LATENCY = 480 samples, measured by
 *   cross-correlating clean DNS3 speech with its output). The end is padded
 *   with zeros to flush the last frame; the output is read RNNOISE_LATENCY
 *   samples later and trimmed to the input's length.
 * - NaN/±Infinity input samples are treated as 0.
 * - Cooperative: yields to the event loop about every YIELD_MS of work and
 *   rejects with `signal.reason` soon after `signal` aborts.
 */
export const RNNOISE_LATENCY = RNNOISE_FRAME;

/** Work between event-loop yields (one 10 ms frame costs ~0.03 ms on a 2020s x86 core). */
const YIELD_MS = 20;

export async function denoiseRnnoise(samples48k: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
  signal?.throwIfAborted();
  const length = samples48k.length;
  const out = new Float32Array(length);
  if (length === 0) return out;
  const mod = await loadRnnoiseWasm();
  const state = mod._rnnoise_create(0);
  if (state === 0) throw new Error('rnnoise_create failed (out of wasm memory?)');
  const buf = mod._malloc(RNNOISE_FRAME * 4);
  try {
    if (buf === 0) throw new Error('rnnoise: malloc failed (out of wasm memory?)');
    const frames = Math.ceil((length + RNNOISE_LATENCY) / RNNOISE_FRAME);
    let mark = performance.now();
    for (let f = 0; f < frames; f++) {
      const start = f * RNNOISE_FRAME;
      // Re-read the heap view each frame: a heap growth would detach the old one.
      let heap = mod.HEAPF32;
      const base = buf >>> 2;
      for (let k = 0; k < RNNOISE_FRAME; k++) {
        const i = start + k;
        const x = i < length ? samples48k[i]! : 0;
        heap[base + k] = Number.isFinite(x) ? x * RNNOISE_SCALE : 0;
      }
      mod._rnnoise_process_frame(state, buf, buf);
      heap = mod.HEAPF32;
      // heap[base + k] ↔ input index start + k − LATENCY; keep those in [0, length).
      const from = Math.max(0, RNNOISE_LATENCY - start);
      const to = Math.min(RNNOISE_FRAME, length + RNNOISE_LATENCY - start);
      for (let k = from; k < to; k++) out[start + k - RNNOISE_LATENCY] = heap[base + k]! / RNNOISE_SCALE;
      if (performance.now() - mark >= YIELD_MS) {
        await yieldToEventLoop(signal);
        mark = performance.now();
      }
    }
  } finally {
    if (buf !== 0) mod._free(buf);
    mod._rnnoise_destroy(state);
  }
  signal?.throwIfAborted();
  return out;
}
