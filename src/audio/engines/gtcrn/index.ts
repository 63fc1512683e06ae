/** GTCRN speech enhancement (engine `gtcrn`, plus the plain denoiser for the noise-reduction feature). */
export { GTCRN_ENGINE_ID, GtcrnModeError, GtcrnSeparator } from './engine.ts';
export { enhanceSpeech } from './enhance.ts';
export { GTCRN_LATENCY, GtcrnStream } from './stream.ts';
export { GTCRN_FRAME, GTCRN_SAMPLE_RATE, gtcrnWasmPath, loadGtcrnWasm } from './wasm.ts';
