import { GTCRN_FRAME, loadGtcrnWasm, resetGtcrnWasm, type GtcrnWasm } from './wasm.ts';

/**
 * One GTCRN network state (`gtcrn_create`) and its I/O buffers in the shared
 * wasm memory: a streaming enhancer fed 256 samples at a time at 16 kHz.
 *
 * Each `gtcrn_process` call takes one hop of 256 input samples and returns 256
 * enhanced samples; the STFT (512-sample window, hop 256, as in the authors'
 * `infer.py`), the causal network with its cached convolution inputs and GRU
 * states, and the inverse STFT with overlap-add all run inside the wasm.
 * Output sample j is the enhanced input sample j − GTCRN_LATENCY: the
 * 256-sample (16 ms) delay of the overlap-add, measured with an impulse (peak
 * moves from 1000 to 1256) and by cross-correlation with the authors' offline
 * outputs on the DNS3 clips (best lag 256 before compensation, 0 after).
 * The network itself has no look-ahead.
 *
 * The state carries the whole history (GRU states do not converge quickly:
 * restarting mid-signal still differs by ~20 dB from the uninterrupted output
 * 2 s later), so a caller that needs reproducible results creates a fresh
 * stream per independent signal.
 *
 * Call `dispose()` when done (the state is ~160 KB of wasm heap, not
 * collected by the JS GC).
 */

/** Samples by which the output lags the input (one hop). */
export const GTCRN_LATENCY = GTCRN_FRAME;

export class GtcrnStream {
  private state: number;
  private inPtr = 0;
  private outPtr = 0;
  private heap: Float32Array;

  private constructor(private readonly wasm: GtcrnWasm) {
    this.state = wasm.create();
    if (this.state === 0) throw new Error('gtcrn.wasm: gtcrn_create failed (out of memory?)');
    this.inPtr = wasm.malloc(GTCRN_FRAME * 4);
    this.outPtr = wasm.malloc(GTCRN_FRAME * 4);
    if (this.inPtr === 0 || this.outPtr === 0) {
      this.dispose();
      throw new Error('gtcrn.wasm: cannot allocate the frame buffers (out of memory?)');
    }
    this.heap = new Float32Array(wasm.memory.buffer);
  }

  /** A stream with a fresh (zero) network state. */
  static async create(): Promise<GtcrnStream> {
    return new GtcrnStream(await loadGtcrnWasm());
  }

  get disposed(): boolean {
    return this.state === 0;
  }

  /**
   * Enhances one frame: `input[from, from + 256)` (positions past the end of
   * `input` read as 0) → `output[0, 256)`, delayed by GTCRN_LATENCY.
   */
  processFrame(input: Float32Array, from: number, output: Float32Array): void {
    if (this.state === 0) throw new Error('GtcrnStream is disposed');
    const heap = this.view();
    const base = this.inPtr >> 2;
    const n = Math.max(0, Math.min(GTCRN_FRAME, input.length - from));
    heap.set(input.subarray(from, from + n), base);
    if (n < GTCRN_FRAME) heap.fill(0, base + n, base + GTCRN_FRAME);
    try {
      this.wasm.process(this.state, this.inPtr, this.outPtr);
    } catch (err) {
      // A trap leaves the module's stack and heap in an unknown state: abandon
      // this instance (its memory goes with it) and let the next stream load a new one.
      this.state = this.inPtr = this.outPtr = 0;
      resetGtcrnWasm(this.wasm);
      throw err;
    }
    const out = this.outPtr >> 2;
    output.set(this.view().subarray(out, out + GTCRN_FRAME));
  }

  dispose(): void {
    if (this.state !== 0) this.wasm.destroy(this.state);
    if (this.inPtr) this.wasm.free(this.inPtr);
    if (this.outPtr) this.wasm.free(this.outPtr);
    this.state = this.inPtr = this.outPtr = 0;
  }

  /** The heap view, renewed when the memory has grown (growth detaches the old buffer). */
  private view(): Float32Array {
    if (this.heap.buffer !== this.wasm.memory.buffer) this.heap = new Float32Array(this.wasm.memory.buffer);
    return this.heap;
  }
}
