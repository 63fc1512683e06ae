import type { RnnoiseModule } from '@echogarden/rnnoise-wasm';

/**
 * Loads RNNoise (Valin, "A Hybrid DSP/Deep Learning Approach to Real-Time
 * Full-Band Speech Enhancement", 2018; xiph/rnnoise, BSD-3-Clause) from the
 * WebAssembly build in `@echogarden/rnnoise-wasm`, through the package's own
 * Emscripten glue (it locates `rnnoise.wasm` next to itself under Node).
 *
 * RNNoise works on 48 kHz mono frames of 480 samples (10 ms) with values in
 * the 16-bit range (±32768), not ±1.
 *
 * One module per process, created lazily and shared: its calls are
 * synchronous, so interleaved async callers never overlap, and each caller
 * owns its `rnnoise_create` state.
 */
export const RNNOISE_SAMPLE_RATE = 48000;
export const RNNOISE_FRAME = 480;
/** RNNoise's float samples are 16-bit PCM values. */
export const RNNOISE_SCALE = 32768;

let loading: Promise<RnnoiseModule> | undefined;

export function loadRnnoiseWasm(): Promise<RnnoiseModule> {
  if (!loading) {
    const attempt = (async () => {
      const factory = (await import('@echogarden/rnnoise-wasm')).default;
      const mod = await factory();
      const frame = mod._rnnoise_get_frame_size();
      if (frame !== RNNOISE_FRAME) throw new Error(`rnnoise.wasm: frame size ${frame}, expected ${RNNOISE_FRAME} (package changed?)`);
      return mod;
    })();
    loading = attempt;
    // A failed load is retried by the next call.
    attempt.catch(() => {
      if (loading === attempt) loading = undefined;
    });
  }
  return loading;
}
