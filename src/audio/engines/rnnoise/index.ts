/** RNNoise noise suppression (engine `rnnoise`, 48 kHz; the fast noise-reduction engine). */
export { RNNOISE_ENGINE_ID, RnnoiseModeError, RnnoiseSeparator } from './engine.ts';
export { denoiseRnnoise, RNNOISE_LATENCY } from './denoise.ts';
export { loadRnnoiseWasm, RNNOISE_FRAME, RNNOISE_SAMPLE_RATE } from './wasm.ts';
