/**
 * Types for `@echogarden/rnnoise-wasm` (the package ships none): an
 * Emscripten module factory around xiph/rnnoise (BSD-3-Clause). Only what
 * `wasm.ts` uses is declared.
 */
declare module '@echogarden/rnnoise-wasm' {
  export interface RnnoiseModule {
    /** Views of the module's memory; replaced when the heap grows. */
    HEAPF32: Float32Array;
    _rnnoise_get_frame_size(): number;
    /** `model` 0 = the built-in weights. Returns a DenoiseState* (0 on failure). */
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    /** Denoises one frame (`out` may equal `in`); returns the voice-activity probability. */
    _rnnoise_process_frame(state: number, out: number, input: number): number;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  }
  const factory: (moduleArg?: Record<string, unknown>) => Promise<RnnoiseModule>;
  export default factory;
}
