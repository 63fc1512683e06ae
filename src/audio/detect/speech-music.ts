import { AudioError } from '../errors.ts';
import { buildDecodeArgs } from '../ffmpeg/args.ts';
import { classifyInputFailure, startTool } from '../ffmpeg/run.ts';
import { mixToMono, type RawAudio } from '../raw-audio.ts';
import { FEATURE_SAMPLE_RATE, measureFeatures, type ContentFeatures } from './features.ts';

/**
 * Is an input mostly speech or mostly music? Decides which engine separates
 * it (`engines/auto.ts`). Deterministic: same samples → same answer.
 *
 * Method. The first `DETECT_SECONDS` (30 s) are taken at 16 kHz mono and five
 * classic features are measured (`features.ts`): low-energy-frame ratio above
 * the noise floor, 4 Hz (syllabic) modulation, spectral flux above the noise
 * floor, median spectral flux, low-frequency (bass) energy ratio. Each
 * feature is scaled so that the median of the music data maps to −1 and the
 * median of the speech data to +1, i.e. `z = (value − threshold) / halfSpread`,
 * clamped to ±2 so that no single feature decides alone. The score is the
 * mean z; score > 0 → speech. Confidence = min(1, |score|): 1 means at least
 * as typical as a class median, 0 means on the boundary.
 *
 * Thresholds (`THRESHOLDS`) are the midpoints between the class medians on
 * the data (shared/data, `../shared/data` beside the repository):
 * speech = the 5 clean + 5 noisy DNS Challenge 3 clips (5 s each);
 * music = the MUSDB18 7-s train excerpts (mixture stream) and the MIR-1K
 * mixtures (vocals + accompaniment), training split only (eval/splits.json:
 * 78 tracks, 820 clips). Results with these thresholds (errors / files):
 *
 * | set                                   | files | errors |
 * |---------------------------------------|------:|-------:|
 * | DNS3 clean + noisy (speech, fitted)   |    10 |      0 |
 * | DNS3 GTCRN + RNNoise outputs (speech) |    10 |      0 |
 * | espeak-ng TTS, 7 voices × 2 rates, clean / +white 10 dB / +pink 5 dB (speech) | 42 | 0 |
 * | MUSDB18 train (music, fitted)         |    78 |      2 |
 * | MUSDB18 validation (music)            |    16 |      0 |
 * | MIR-1K train singers (music, fitted)  |   820 |     16 |
 * | MIR-1K validation singers (music)     |   180 |      0 |
 * | synthetic: white noise, 440 Hz tone, major chord (→ music) | 3 | 0 |
 *
 * Errors on music (1.6 %) are karaoke clips whose accompaniment is quiet or
 * sparse (sung syllables then look like speech) and two MUSDB excerpts with
 * little bass under a voice (ANiMAL - Easy Tiger, Music Delta - Disco). The
 * weakest speech margin is noisy speech (score 0.08 for DNS3 0016_noisy).
 * Speech over music is out of scope (either answer is defensible).
 *
 * Silence. When fewer than `MIN_ACTIVE_SEC` (1 s) of the analysed audio is
 * above −60 dBFS RMS, there is nothing to classify: the answer is `music`
 * with confidence 0. The music engine makes no assumption about its input
 * (the speech engine assumes a voice), and silence separates to silence
 * either way.
 */

export type ContentKind = 'speech' | 'music';

export interface ContentClass {
  kind: ContentKind;
  /** In [0, 1]; 0 for silence and on the decision boundary. */
  confidence: number;
  /** Mean clamped z in [−2, 2]; > 0 is speech; 0 for silence. */
  score: number;
  features: ContentFeatures;
}

export const DETECT_SAMPLE_RATE = FEATURE_SAMPLE_RATE;
/** Seconds analysed from the start of the input. */
export const DETECT_SECONDS = 30;
/** Below this much active audio the input counts as silent. */
export const MIN_ACTIVE_SEC = 1;
const CLAMP = 2;

type ScoredFeature = 'pauseRatio' | 'modulation4Hz' | 'excessFlux' | 'medianFlux' | 'bassRatioDb';

/**
 * threshold = (speech median + music median) / 2; halfSpread = (speech median − music median) / 2
 * (negative when music is higher). Medians on the fitting data, speech / music:
 * pauseRatio 0.294 / 0.139; modulation4Hz −0.415 / −0.904; excessFlux 3.171 / 2.234;
 * medianFlux 2.932 / 2.298; bassRatioDb −11.30 / −5.68.
 */
export const THRESHOLDS: Readonly<Record<ScoredFeature, { threshold: number; halfSpread: number }>> = {
  pauseRatio: { threshold: 0.2162, halfSpread: 0.0776 },
  modulation4Hz: { threshold: -0.6594, halfSpread: 0.2448 },
  excessFlux: { threshold: 2.7025, halfSpread: 0.4687 },
  medianFlux: { threshold: 2.615, halfSpread: 0.317 },
  bassRatioDb: { threshold: -8.4868, halfSpread: -2.8086 },
};

/** The decision on measured features (exported for tests and diagnostics). */
export function classifyFeatures(features: ContentFeatures): ContentClass {
  if (features.activeSec < MIN_ACTIVE_SEC) return { kind: 'music', confidence: 0, score: 0, features };
  const entries = Object.entries(THRESHOLDS) as [ScoredFeature, { threshold: number; halfSpread: number }][];
  let sum = 0;
  for (const [name, { threshold, halfSpread }] of entries) {
    const z = (features[name] - threshold) / halfSpread;
    sum += Math.max(-CLAMP, Math.min(CLAMP, Number.isFinite(z) ? z : 0));
  }
  const score = sum / entries.length;
  return { kind: score > 0 ? 'speech' : 'music', confidence: Math.min(1, Math.abs(score)), score, features };
}

/**
 * Classifies the first `DETECT_SECONDS` of `audio`, which MUST be 16 kHz
 * (channels are averaged). Use `detectFile` for anything else: ffmpeg resamples.
 */
export function classifyContent(audio: RawAudio): ContentClass {
  if (audio.sampleRate !== DETECT_SAMPLE_RATE) {
    throw new RangeError(`classifyContent requires a ${DETECT_SAMPLE_RATE} Hz sample rate (${audio.sampleRate} Hz given); use detectFile to decode and resample`);
  }
  const mono = mixToMono(audio);
  return classifyFeatures(measureFeatures(mono.subarray(0, DETECT_SECONDS * DETECT_SAMPLE_RATE)));
}

/**
 * Reads interleaved f32le mono 16 kHz PCM (e.g. ffmpeg's stdout) up to
 * `seconds` and classifies it. Bytes past that are consumed and dropped.
 */
export async function classifyPcmStream(pcm: AsyncIterable<Buffer>, seconds = DETECT_SECONDS): Promise<ContentClass> {
  const samples = new Float32Array(Math.round(seconds * DETECT_SAMPLE_RATE));
  const bytes = Buffer.from(samples.buffer);
  let filled = 0;
  for await (const chunk of pcm) {
    if (filled >= bytes.length) continue;
    filled += chunk.copy(bytes, filled, 0, Math.min(chunk.length, bytes.length - filled));
  }
  const frames = Math.floor(filled / 4);
  return classifyContent({ channels: [samples.subarray(0, frames)], sampleRate: DETECT_SAMPLE_RATE });
}

/** ffmpeg argv: the first audio stream's first `seconds`, as f32le mono 16 kHz on stdout. */
export function buildDetectArgs(input: string, seconds = DETECT_SECONDS): string[] {
  const args = buildDecodeArgs({ input, sampleRate: DETECT_SAMPLE_RATE, channels: 1 });
  const output = args.pop();
  if (output !== 'pipe:1') throw new Error(`buildDecodeArgs changed its output (${String(output)}); update buildDetectArgs`);
  return [...args, '-t', String(seconds), output];
}

/**
 * Decodes the first `seconds` of the first audio stream of `path` (any
 * format ffmpeg reads; `-map 0:a:0`, so a MUSDB `.stem.mp4` gives its
 * mixture) and classifies it.
 *
 * Rejects like the separation pipeline: FfmpegError of kind `unreadable`,
 * `no-audio` or `aborted` (children killed), AudioError `no-audio` when the
 * stream decodes to no sample.
 */
export async function detectFile(path: string, signal?: AbortSignal, seconds = DETECT_SECONDS): Promise<ContentClass> {
  const proc = startTool('ffmpeg', buildDetectArgs(path, seconds), { stdout: 'pipe', signal, classify: classifyInputFailure });
  let result: ContentClass;
  try {
    result = await classifyPcmStream(proc.stdout!, seconds);
  } catch (err) {
    proc.kill();
    await proc.done.catch(() => {});
    throw err;
  }
  await proc.done;
  if (result.features.durationSec === 0) throw new AudioError('no-audio', `${path}: the audio stream decoded to no samples`);
  return result;
}
