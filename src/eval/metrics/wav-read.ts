/**
 * Minimal RIFF/WAVE reader for evaluation fixtures: PCM 16/24/32-bit integer
 * and 32/64-bit IEEE float, plain or WAVE_FORMAT_EXTENSIBLE. Integer samples
 * are scaled by 2^(bits−1) (as `mir_eval.io.load_wav` does for 16-bit).
 */
export interface WavData {
  sampleRate: number;
  /** One array per channel, de-interleaved. */
  channels: Float32Array[];
}

export class WavFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WavFormatError';
  }
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export function readWav(bytes: Uint8Array): WavData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavFormatError(`not a RIFF/WAVE file (starts with "${tag(0)}")`);
  }
  let format: { code: number; channels: number; rate: number; bits: number } | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      let code = view.getUint16(body, true);
      if (code === EXTENSIBLE && size >= 26) code = view.getUint16(body + 24, true);
      format = {
        code,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (format === null) throw new WavFormatError('data chunk before fmt chunk');
      const available = Math.min(size, bytes.byteLength - body);
      return { sampleRate: format.rate, channels: decode(view, body, available, format) };
    }
    offset = body + size + (size % 2);
  }
  throw new WavFormatError('no data chunk');
}

function decode(
  view: DataView, start: number, size: number, f: { code: number; channels: number; bits: number },
): Float32Array[] {
  const width = f.bits / 8;
  if (f.channels < 1 || !Number.isInteger(width)) throw new WavFormatError(`unsupported layout: ${f.channels} channels, ${f.bits} bits`);
  const frames = Math.floor(size / (width * f.channels));
  const read = sampleReader(view, f.code, f.bits);
  const out = Array.from({ length: f.channels }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < f.channels; c++) out[c]![i] = read(start + (i * f.channels + c) * width);
  }
  return out;
}

function sampleReader(view: DataView, code: number, bits: number): (at: number) => number {
  if (code === PCM && bits === 16) return (at) => view.getInt16(at, true) / 32768;
  if (code === PCM && bits === 24) {
    return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
  }
  if (code === PCM && bits === 32) return (at) => view.getInt32(at, true) / 2147483648;
  if (code === IEEE_FLOAT && bits === 32) return (at) => view.getFloat32(at, true);
  if (code === IEEE_FLOAT && bits === 64) return (at) => view.getFloat64(at, true);
  throw new WavFormatError(`unsupported WAV sample format: code ${code}, ${bits} bits`);
}
