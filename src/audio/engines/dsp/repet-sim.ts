/**
 * REPET-SIM (Rafii & Pardo 2012): the repeating background of a music
 * excerpt, modelled per frame as the bin-wise median of the frames most
 * similar to it (cosine similarity of magnitude spectra). A vocal is rarely
 * repeated exactly, so it is filtered out of that median, while the
 * accompaniment (loops, riffs, chords, drums) repeats and survives.
 *
 * Matrices are frame-major (`[t·bins + k]`). Pure and deterministic; the
 * frame-range functions let the engine slice the work between event-loop yields.
 */

/** Row-normalised features (the first `featureBins` bins of `mag`, square-root compressed). */
export function repetFeatures(mag: Float32Array, frames: number, bins: number, featureBins: number): Float32Array {
  const f = new Float32Array(frames * featureBins);
  for (let t = 0; t < frames; t++) {
    let norm = 0;
    for (let k = 0; k < featureBins; k++) {
      const v = Math.sqrt(mag[t * bins + k]!);
      f[t * featureBins + k] = v;
      norm += v * v;
    }
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < featureBins; k++) f[t * featureBins + k]! *= s;
  }
  return f;
}

/** Cosine similarity rows [t0, t1) into the symmetric frames×frames `sim` (computes j ≥ t and mirrors). */
export function similarityRows(features: Float32Array, frames: number, featureBins: number, sim: Float32Array, t0: number, t1: number): void {
  for (let t = t0; t < t1; t++) {
    const a = t * featureBins;
    for (let j = t; j < frames; j++) {
      const b = j * featureBins;
      let s = 0;
      for (let k = 0; k < featureBins; k++) s += features[a + k]! * features[b + k]!;
      sim[t * frames + j] = s;
      sim[j * frames + t] = s;
    }
  }
}

/**
 * For frames [t0, t1): the frame itself plus up to `k − 1` most similar
 * frames at least `minDistance` frames away (ties → the earlier frame), then
 * the per-bin median of their magnitudes, capped by the frame's own
 * magnitude, into `model`.
 */
export function repeatingModel(
  mag: Float32Array, frames: number, bins: number, sim: Float32Array, k: number, minDistance: number,
  model: Float32Array, t0: number, t1: number,
): void {
  const order = new Int32Array(frames);
  const vals = new Float64Array(k);
  for (let t = t0; t < t1; t++) {
    let n = 0;
    for (let j = 0; j < frames; j++) if (Math.abs(j - t) >= minDistance) order[n++] = j;
    const row = t * frames;
    const picked = [t];
    // partial selection: k − 1 passes over the candidates
    const used = new Uint8Array(frames);
    for (let p = 0; p < k - 1 && p < n; p++) {
      let best = -1, bestSim = -Infinity;
      for (let i = 0; i < n; i++) {
        const j = order[i]!;
        if (used[j]) continue;
        const s = sim[row + j]!;
        if (s > bestSim) { bestSim = s; best = j; }
      }
      if (best < 0) break;
      used[best] = 1;
      picked.push(best);
    }
    const m = picked.length;
    const half = m >> 1;
    const rows = Int32Array.from(picked, (j) => j * bins);
    const own = t * bins;
    for (let b = 0; b < bins; b++) {
      // insertion sort of m values (m is small)
      for (let i = 0; i < m; i++) {
        const x = mag[rows[i]! + b]!;
        let q = i;
        while (q > 0 && vals[q - 1]! > x) {
          vals[q] = vals[q - 1]!;
          q--;
        }
        vals[q] = x;
      }
      const med = m % 2 ? vals[half]! : 0.5 * (vals[half - 1]! + vals[half]!);
      const o = mag[own + b]!;
      model[own + b] = med < o ? med : o;
    }
  }
}
