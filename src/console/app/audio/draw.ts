import { spectrogram } from './fft.ts';

/** Waveform (min/max per pixel column) and spectrogram drawings for one decoded stem. */

export function mono(buf: AudioBuffer): Float32Array {
  const out = new Float32Array(buf.length);
  for (let c = 0; c < buf.numberOfChannels; c++) {
    const d = buf.getChannelData(c);
    for (let i = 0; i < d.length; i++) out[i]! += d[i]! / buf.numberOfChannels;
  }
  return out;
}

export function drawWaveform(canvas: HTMLCanvasElement, x: Float32Array): void {
  const g = canvas.getContext('2d')!;
  const { width: w, height: hgt } = canvas;
  g.fillStyle = '#f4f6fa';
  g.fillRect(0, 0, w, hgt);
  g.strokeStyle = '#c8cfdc';
  g.beginPath(); g.moveTo(0, hgt / 2); g.lineTo(w, hgt / 2); g.stroke();
  g.fillStyle = '#2456a6';
  // Scaled to the stem's own peak: a quiet stem still shows its shape.
  let peak = 1e-6;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]!));
  const scale = 0.95 / peak;
  const per = x.length / w;
  for (let px = 0; px < w; px++) {
    let lo = 0, hi = 0;
    const end = Math.min(x.length, Math.floor((px + 1) * per));
    for (let i = Math.floor(px * per); i < end; i++) { const v = x[i]!; if (v < lo) lo = v; if (v > hi) hi = v; }
    const y1 = ((1 - hi * scale) / 2) * hgt, y2 = ((1 - lo * scale) / 2) * hgt;
    g.fillRect(px, y1, 1, Math.max(1, y2 - y1));
  }
}

/** Black → violet → orange → pale yellow, a perceptually ordered ramp. */
function color(t: number): [number, number, number] {
  const stops: Array<[number, number, number]> = [[0, 0, 4], [80, 18, 123], [182, 54, 121], [251, 136, 97], [252, 253, 191]];
  const p = Math.min(0.9999, Math.max(0, t)) * (stops.length - 1);
  const i = Math.floor(p), f = p - i;
  const a = stops[i]!, b = stops[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** Logarithmic frequency axis (30 Hz at the bottom, Nyquist at the top), 80 dB range below the loudest bin. */
export function drawSpectrogram(canvas: HTMLCanvasElement, x: Float32Array, sampleRate: number): void {
  const g = canvas.getContext('2d')!;
  const { width: w, height: hgt } = canvas;
  const cols = spectrogram(x, w, 2048);
  let max = -Infinity;
  for (const c of cols) for (const v of c) if (v > max) max = v;
  const img = g.createImageData(w, hgt);
  const bins = cols[0]?.length ?? 1;
  const nyquist = sampleRate / 2;
  const lo = Math.log(30), hi = Math.log(nyquist);
  const binOfRow = Array.from({ length: hgt }, (_, py) => Math.min(bins - 1, Math.round((Math.exp(lo + ((hgt - 1 - py) / (hgt - 1)) * (hi - lo)) / nyquist) * bins)));
  for (let px = 0; px < w; px++) {
    const col = cols[px]!;
    for (let py = 0; py < hgt; py++) {
      const k = binOfRow[py]!;
      const [r, gg, b] = color((col[k]! - (max - 80)) / 80);
      const o = (py * w + px) * 4;
      img.data[o] = r; img.data[o + 1] = gg; img.data[o + 2] = b; img.data[o + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
}
