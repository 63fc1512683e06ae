import FFT from 'fft.js';

/**
 * Short-time Fourier transform with a periodic Hann window and an exact
 * inverse (weighted overlap-add normalised by the window-sum-square envelope,
 * as librosa's `istft`): `inverse(forward(x)) = x` to float precision for any
 * hop ≤ fftSize/2, including the first and last samples.
 *
 * Framing is "centred": frame t is centred on sample t·hop, the signal being
 * zero outside [0, length). T = ceil(length/hop) + 1 frames put a frame
 * centre at or beyond each end, so the envelope is positive on every sample
 * and the edges reconstruct as exactly as the middle.
 *
 * Spectra are stored frame-major (`re[t·bins + k]`, bins = fftSize/2 + 1) in
 * Float32Array to halve memory; the FFTs themselves run in float64.
 *
 * Two real channels are transformed with ONE complex FFT (z = a + j·b, then
 * split by conjugate symmetry), and two real frames are synthesised with one
 * complex inverse FFT (real part → a, imaginary part → b): stereo costs the
 * same as mono.
 *
 * The frame-range methods (`analyzePair`, `synthesizePair`) let a caller
 * process a long signal in slices and yield to the event loop in between.
 */

export interface Spectrogram {
  frames: number;
  bins: number;
  re: Float32Array;
  im: Float32Array;
}

/** Accumulator of an inverse transform in progress. */
export interface Synthesis {
  length: number;
  a: Float64Array;
  b: Float64Array;
}

/** Periodic Hann window (the COLA-friendly variant). */
export function hannWindow(size: number): Float64Array {
  const w = new Float64Array(size);
  for (let n = 0; n < size; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size);
  return w;
}

export class Stft {
  readonly fftSize: number;
  readonly hopSize: number;
  readonly bins: number;
  readonly window: Float64Array;
  private readonly fft: FFT;
  private readonly timeBuf: Float64Array;
  private readonly freqBuf: Float64Array;

  constructor(fftSize: number, hopSize: number) {
    if (fftSize < 4 || (fftSize & (fftSize - 1)) !== 0) throw new RangeError(`fftSize must be a power of two ≥ 4 (${fftSize} given)`);
    if (!Number.isInteger(hopSize) || hopSize < 1 || hopSize > fftSize / 2) throw new RangeError(`hopSize must be an integer in 1..${fftSize / 2} (${hopSize} given)`);
    this.fftSize = fftSize;
    this.hopSize = hopSize;
    this.bins = fftSize / 2 + 1;
    this.window = hannWindow(fftSize);
    this.fft = new FFT(fftSize);
    this.timeBuf = new Float64Array(2 * fftSize);
    this.freqBuf = new Float64Array(2 * fftSize);
  }

  frameCount(length: number): number {
    return length === 0 ? 0 : Math.ceil(length / this.hopSize) + 1;
  }

  allocate(frames: number): Spectrogram {
    return { frames, bins: this.bins, re: new Float32Array(frames * this.bins), im: new Float32Array(frames * this.bins) };
  }

  /** Analyses frames [t0, t1) of `a` and `b` (same length) into `specA`/`specB`. */
  analyzePair(a: Float32Array, b: Float32Array | null, specA: Spectrogram, specB: Spectrogram | null, t0 = 0, t1 = specA.frames): void {
    const { fftSize: n, hopSize, bins, window } = this;
    const half = n / 2;
    const z = this.timeBuf;
    const out = this.freqBuf;
    for (let t = t0; t < t1; t++) {
      const start = t * hopSize - half;
      for (let i = 0; i < n; i++) {
        const idx = start + i;
        const inside = idx >= 0 && idx < a.length;
        z[2 * i] = inside ? a[idx]! * window[i]! : 0;
        z[2 * i + 1] = inside && b ? b[idx]! * window[i]! : 0;
      }
      this.fft.transform(out, z);
      const base = t * bins;
      for (let k = 0; k < bins; k++) {
        const m = (n - k) % n;
        const zr = out[2 * k]!, zi = out[2 * k + 1]!, wr = out[2 * m]!, wi = out[2 * m + 1]!;
        specA.re[base + k] = 0.5 * (zr + wr);
        specA.im[base + k] = 0.5 * (zi - wi);
        if (specB) {
          specB.re[base + k] = 0.5 * (zi + wi);
          specB.im[base + k] = 0.5 * (wr - zr);
        }
      }
    }
  }

  createSynthesis(length: number): Synthesis {
    const padded = Math.max(0, (this.frameCount(length) - 1) * this.hopSize + this.fftSize);
    return { length, a: new Float64Array(padded), b: new Float64Array(padded) };
  }

  /**
   * Overlap-adds frames [t0, t1) of `specA`/`specB`, each bin multiplied by
   * `mask[t·bins + k]` when given (one real mask for both channels).
   */
  synthesizePair(specA: Spectrogram, specB: Spectrogram | null, mask: Float32Array | null, syn: Synthesis, t0 = 0, t1 = specA.frames): void {
    const { fftSize: n, hopSize, bins, window } = this;
    const z = this.freqBuf;
    const out = this.timeBuf;
    for (let t = t0; t < t1; t++) {
      const base = t * bins;
      for (let k = 0; k < bins; k++) {
        const g = mask ? mask[base + k]! : 1;
        const ar = specA.re[base + k]! * g, ai = specA.im[base + k]! * g;
        const br = specB ? specB.re[base + k]! * g : 0, bi = specB ? specB.im[base + k]! * g : 0;
        // Z = A + j·B on bins 0..n/2; the upper half is conj(A[n-k]) + j·conj(B[n-k]).
        z[2 * k] = ar - bi;
        z[2 * k + 1] = ai + br;
        if (k > 0 && k < n / 2) {
          const m = n - k;
          z[2 * m] = ar + bi;
          z[2 * m + 1] = br - ai;
        }
      }
      this.fft.inverseTransform(out, z);
      const offset = t * hopSize;
      for (let i = 0; i < n; i++) {
        const w = window[i]!;
        syn.a[offset + i]! += out[2 * i]! * w;
        syn.b[offset + i]! += out[2 * i + 1]! * w;
      }
    }
  }

  /** Normalises by the window-sum-square envelope and crops the centring pad. */
  finishSynthesis(syn: Synthesis): [Float32Array, Float32Array] {
    const { fftSize: n, hopSize, window } = this;
    const envelope = new Float64Array(syn.a.length);
    const frames = this.frameCount(syn.length);
    for (let t = 0; t < frames; t++) {
      const offset = t * hopSize;
      for (let i = 0; i < n; i++) envelope[offset + i]! += window[i]! * window[i]!;
    }
    const half = n / 2;
    const a = new Float32Array(syn.length);
    const b = new Float32Array(syn.length);
    for (let i = 0; i < syn.length; i++) {
      const e = envelope[i + half]!;
      a[i] = e > 1e-10 ? syn.a[i + half]! / e : 0;
      b[i] = e > 1e-10 ? syn.b[i + half]! / e : 0;
    }
    return [a, b];
  }

  forward(x: Float32Array): Spectrogram {
    const spec = this.allocate(this.frameCount(x.length));
    this.analyzePair(x, null, spec, null);
    return spec;
  }

  forwardPair(a: Float32Array, b: Float32Array): [Spectrogram, Spectrogram] {
    if (a.length !== b.length) throw new RangeError(`channel lengths differ (${a.length} vs ${b.length})`);
    const frames = this.frameCount(a.length);
    const specA = this.allocate(frames);
    const specB = this.allocate(frames);
    this.analyzePair(a, b, specA, specB);
    return [specA, specB];
  }

  inverse(spec: Spectrogram, length: number, mask: Float32Array | null = null): Float32Array {
    const syn = this.createSynthesis(length);
    this.synthesizePair(spec, null, mask, syn);
    return this.finishSynthesis(syn)[0];
  }

  inversePair(specA: Spectrogram, specB: Spectrogram, length: number, mask: Float32Array | null = null): [Float32Array, Float32Array] {
    const syn = this.createSynthesis(length);
    this.synthesizePair(specA, specB, mask, syn);
    return this.finishSynthesis(syn);
  }
}
