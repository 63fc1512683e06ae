/**
 * A small in-place radix-2 FFT (Cooley–Tukey, iterative) and the magnitude
 * spectrogram the console draws. Only what the drawings need: a Hann window,
 * power in dB, one frame per canvas column.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang), wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1, ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k, b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr; im[b] = im[a]! - xi;
        re[a] = re[a]! + xr; im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** `columns` frames of `size`-point power spectra in dB (size/2 bins each), frames spread evenly over `x`. */
export function spectrogram(x: Float32Array, columns: number, size = 512): Float32Array[] {
  const win = new Float64Array(size).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
  const hop = Math.max(1, (x.length - size) / Math.max(1, columns - 1));
  const out: Float32Array[] = [];
  const re = new Float64Array(size), im = new Float64Array(size);
  for (let c = 0; c < columns; c++) {
    const start = Math.floor(c * hop);
    for (let i = 0; i < size; i++) { re[i] = (x[start + i] ?? 0) * win[i]!; im[i] = 0; }
    fft(re, im);
    const col = new Float32Array(size / 2);
    for (let k = 0; k < size / 2; k++) col[k] = 10 * Math.log10((re[k]! ** 2 + im[k]! ** 2) / size + 1e-12);
    out.push(col);
  }
  return out;
}
