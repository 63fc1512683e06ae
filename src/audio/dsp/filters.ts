/**
 * Small pure filters: box sums over a row-major matrix and the magnitude
 * responses used as soft frequency weights.
 */

/**
 * dest[r, c] = Σ src over rows r±halfRows and columns c±halfCols (truncated
 * at the edges, not normalised: callers use ratios of two box sums, where the
 * normalisation cancels). Separable: one pass per axis. `dest` may be `src`.
 */
export function boxSum2d(src: Float32Array, rows: number, cols: number, halfRows: number, halfCols: number, dest: Float32Array): void {
  const tmp = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) runningSum(src, r * cols, 1, cols, halfCols, tmp);
  for (let c = 0; c < cols; c++) runningSum(tmp, c, cols, rows, halfRows, dest);
}

function runningSum(src: Float32Array, offset: number, stride: number, length: number, half: number, dest: Float32Array): void {
  let acc = 0;
  for (let i = 0; i < Math.min(half, length); i++) acc += src[offset + i * stride]!;
  for (let i = 0; i < length; i++) {
    const enter = i + half;
    if (enter < length) acc += src[offset + enter * stride]!;
    const leave = i - half - 1;
    if (leave >= 0) acc -= src[offset + leave * stride]!;
    dest[offset + i * stride] = acc;
  }
}

/** Power response of an order-n Butterworth high-pass at `cutoffHz` (0.5 at the cutoff). */
export function highPassPower(freqHz: number, cutoffHz: number, order: number): number {
  if (freqHz <= 0) return 0;
  return 1 / (1 + (cutoffHz / freqHz) ** (2 * order));
}

/** Power response of an order-n Butterworth low-pass at `cutoffHz` (0.5 at the cutoff). */
export function lowPassPower(freqHz: number, cutoffHz: number, order: number): number {
  return 1 / (1 + (freqHz / cutoffHz) ** (2 * order));
}
