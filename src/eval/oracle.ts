import { Stft } from '../audio/dsp/stft.ts';

/**
 * The oracle ideal ratio mask (the harness's ceiling): each source's mask is
 * |S_j|² / Σ|S_i|² per STFT bin (a Wiener-style ratio mask from the true
 * sources), applied to the mixture's STFT and inverted. 4096/1024 at 44.1 kHz
 * (scaled with the rate). Estimates sum to the mixture up to the STFT's
 * reconstruction error.
 */
export function oracleIrm(mixture: Float32Array[], sources: Float32Array[][], sampleRate: number): Float32Array[][] {
  const fft = sampleRate >= 32000 ? 4096 : 1024;
  const stft = new Stft(fft, fft / 4);
  const n = mixture[0]!.length;
  const out: Float32Array[][] = sources.map(() => mixture.map(() => new Float32Array(n)));
  for (let c = 0; c < mixture.length; c++) {
    const mix = stft.forward(mixture[c]!);
    const power = sources.map((s) => {
      const spec = stft.forward(s[c]!);
      const p = new Float32Array(spec.re.length);
      for (let i = 0; i < p.length; i++) p[i] = spec.re[i]! * spec.re[i]! + spec.im[i]! * spec.im[i]!;
      return p;
    });
    const total = new Float32Array(mix.re.length);
    for (const p of power) for (let i = 0; i < p.length; i++) total[i]! += p[i]!;
    for (let j = 0; j < sources.length; j++) {
      const mask = new Float32Array(total.length);
      const p = power[j]!;
      for (let i = 0; i < mask.length; i++) mask[i] = total[i]! > 1e-20 ? p[i]! / total[i]! : 1 / sources.length;
      out[j]![c] = stft.inverse(mix, n, mask);
    }
  }
  return out;
}
