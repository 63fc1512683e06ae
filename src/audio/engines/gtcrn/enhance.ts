import { yieldToEventLoop } from '../cooperative.ts';
import { GTCRN_FRAME } from './wasm.ts';
import { GTCRN_LATENCY, GtcrnStream } from './stream.ts';

/**
 * Offline speech enhancement with GTCRN: a whole 16 kHz mono signal in, the
 * enhanced speech out, same length, time-aligned (lag 0).
 *
 * - Fresh network state per call (zero history, like the authors' offline
 *   `infer.py`), so the result depends on `samples16k` only: deterministic.
 * - Edges: the start sees zeros before the signal (the streaming STFT's initial
 *   buffer); the end is padded with zeros so that the last input samples are
 *   flushed through the 256-sample overlap-add delay, and the output is read
 *   GTCRN_LATENCY samples later than the input, then trimmed to its length.
 * - NaN/±Infinity input samples are treated as 0.
 * - Cooperative: yields to the event loop about every `YIELD_MS` of work and
 *   rejects with `signal.reason` soon after `signal` aborts.
 */

/** Work between event-loop yields (one 16 ms frame costs ~1.3 ms on a 2020s x86 core). */
const YIELD_MS = 20;

export async function enhanceSpeech(samples16k: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
  signal?.throwIfAborted();
  const length = samples16k.length;
  const out = new Float32Array(length);
  if (length === 0) return out;
  const input = finiteOrCopy(samples16k);
  const stream = await GtcrnStream.create();
  try {
    const frame = new Float32Array(GTCRN_FRAME);
    // Output sample j (over all frames) is input sample j − LATENCY: feed until j reaches length − 1 + LATENCY.
    const frames = Math.ceil((length + GTCRN_LATENCY) / GTCRN_FRAME);
    let mark = performance.now();
    for (let f = 0; f < frames; f++) {
      const start = f * GTCRN_FRAME;
      stream.processFrame(input, start, frame);
      // frame[k] ↔ input index start + k − LATENCY; keep those in [0, length).
      const from = Math.max(0, GTCRN_LATENCY - start);
      const to = Math.min(GTCRN_FRAME, length + GTCRN_LATENCY - start);
      if (to > from) out.set(frame.subarray(from, to), start + from - GTCRN_LATENCY);
      if (performance.now() - mark >= YIELD_MS) {
        await yieldToEventLoop(signal);
        mark = performance.now();
      }
    }
  } finally {
    stream.dispose();
  }
  signal?.throwIfAborted();
  return out;
}

/** The array itself if every sample is finite, else a copy with non-finite samples set to 0. */
function finiteOrCopy(samples: Float32Array): Float32Array {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) {
      const copy = samples.slice();
      for (let j = i; j < copy.length; j++) if (!Number.isFinite(copy[j]!)) copy[j] = 0;
      return copy;
    }
  }
  return samples;
}
