/**
 * Output safety: replace NaN/±Infinity by 0 and soft-limit peaks.
 *
 * The limiter is memoryless (sample by sample), so streaming blocks gives the
 * same result as one pass over the whole file. Below `knee` the signal is
 * untouched; above it a tanh curve approaches `ceiling` with slope 1 at the
 * knee, so there is no corner, and nothing reaches full scale (a 16-bit
 * encoder would otherwise clip at -1 → -32768 / +1 → 32767 asymmetrically).
 */

export const LIMITER_KNEE = 0.9;
export const LIMITER_CEILING = 0.99;

/** In place. Returns how many non-finite samples were replaced. */
export function sanitizeAndLimit(samples: Float32Array, knee = LIMITER_KNEE, ceiling = LIMITER_CEILING): number {
  const headroom = ceiling - knee;
  let replaced = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (!Number.isFinite(x)) {
      samples[i] = 0;
      replaced++;
    } else if (x > knee) samples[i] = knee + headroom * Math.tanh((x - knee) / headroom);
    else if (x < -knee) samples[i] = -knee - headroom * Math.tanh((-x - knee) / headroom);
  }
  return replaced;
}

/** In place: NaN/±Infinity → 0 (engine inputs; medians cannot sort NaN). */
export function sanitize(samples: Float32Array): number {
  let replaced = 0;
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i]!)) {
      samples[i] = 0;
      replaced++;
    }
  }
  return replaced;
}
