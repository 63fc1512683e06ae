/**
 * `node --import tsx bench/lib/denoise-file.ts <input> <engine> <format> <rate> <output>`:
 * the audio work of one NoiseReduction job, as the worker's engine process
 * does it (separate-file.ts with the `vocals` stem only, the job's output
 * format from audio/denoise-format.ts), without the server. Prints one JSON
 * line: wall seconds of that work, engine seconds, CPU seconds, audio seconds.
 */
import { resolveNoiseReductionFormat } from '../../src/audio/denoise-format.ts';
import { separateFile } from '../../src/audio/separate-file.ts';
import type { NoiseReductionFormat } from '../../src/domain/templates/types.ts';

const [input, engine, format, rate, output] = process.argv.slice(2);
if (!input || !engine || !format || !rate || !output) {
  process.stderr.write('usage: denoise-file.ts <input> <engine> <format> <rate> <output>\n');
  process.exit(2);
}
const fmt = resolveNoiseReductionFormat({ tag: 'NoiseReduction', format: format as NoiseReductionFormat, samplerate: Number(rate) }, output);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await separateFile({ inputPath: input, engine, mode: 'two', outputs: { vocals: { path: output, format: fmt } } });
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
// cpuSeconds: this process only (engine + pipeline JS; ffmpeg children excluded); hardly moved by other load.
process.stdout.write(JSON.stringify({ seconds, engineSeconds: result.timings.separateMs / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, audioSeconds: result.durationSec }) + '\n');
