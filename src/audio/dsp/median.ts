/**
 * Running median filters over a row-major matrix (`src[r·cols + c]`), as
 * used by harmonic/percussive separation: a median along time keeps what is
 * steady over time (harmonic), a median along frequency keeps what is
 * broadband in one frame (percussive).
 *
 * Each output is the median of the 2·half+1 values centred on it; edges
 * repeat the first/last value (so a constant stays constant). A sorted
 * window slides along the sequence: one value leaves, one enters, and the
 * entering value is moved into place, O(width) per step instead of a sort.
 * Inputs MUST be free of NaN (they break the ordering).
 */

/** Median along each row (over columns), for rows [rowStart, rowEnd). */
export function medianAlongRows(src: Float32Array, rows: number, cols: number, half: number, dest: Float32Array, rowStart = 0, rowEnd = rows): void {
  const win = new Float64Array(2 * half + 1);
  for (let r = rowStart; r < rowEnd; r++) slidingMedian(src, r * cols, 1, cols, half, dest, win);
}

/** Median along each column (over rows), for columns [colStart, colEnd). */
export function medianAlongColumns(src: Float32Array, rows: number, cols: number, half: number, dest: Float32Array, colStart = 0, colEnd = cols): void {
  const win = new Float64Array(2 * half + 1);
  for (let c = colStart; c < colEnd; c++) slidingMedian(src, c, cols, rows, half, dest, win);
}

/** Median filter of the strided sequence src[offset + i·stride], i < length, into dest at the same positions. */
export function slidingMedian(src: Float32Array, offset: number, stride: number, length: number, half: number, dest: Float32Array, win: Float64Array): void {
  if (length === 0) return;
  const width = 2 * half + 1;
  const at = (i: number) => src[offset + (i < 0 ? 0 : i >= length ? length - 1 : i) * stride]!;
  for (let j = 0; j < width; j++) win[j] = at(j - half);
  win.subarray(0, width).sort();
  dest[offset] = win[half]!;
  for (let i = 1; i < length; i++) {
    const leaving = at(i - half - 1);
    const entering = at(i + half);
    if (leaving !== entering) replaceSorted(win, width, leaving, entering);
    dest[offset + i * stride] = win[half]!;
  }
}

/** In the sorted win[0..width), replaces one occurrence of `oldValue` by `newValue`, keeping it sorted. */
function replaceSorted(win: Float64Array, width: number, oldValue: number, newValue: number): void {
  let lo = 0;
  let hi = width - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (win[mid]! < oldValue) lo = mid + 1;
    else hi = mid;
  }
  let r = lo;
  if (newValue > oldValue) {
    while (r + 1 < width && win[r + 1]! < newValue) {
      win[r] = win[r + 1]!;
      r++;
    }
  } else {
    while (r > 0 && win[r - 1]! > newValue) {
      win[r] = win[r - 1]!;
      r--;
    }
  }
  win[r] = newValue;
}
