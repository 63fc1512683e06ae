/**
 * Suite `tts` (issue 7 "Speech synthesis"): CPU seconds per second of audio
 * (RTF) of the Tts job's audio work — eSpeak NG in its worker thread, the
 * Volume gain, ffmpeg encoding — for English (alice) and Chinese (ruxue)
 * text, side by side in one run, per codec. CPU of this process (main thread
 * + the eSpeak thread) comes from process.cpuUsage(); CPU of the ffmpeg
 * encoder children from /proc/self/stat (cutime + cstime of reaped children).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EspeakClient } from '../src/audio/tts/espeak-client.ts';
import { synthesizeSpeech } from '../src/audio/tts/synthesize-speech.ts';
import type { TtsCodec } from '../src/domain/templates/types.ts';
import { fmt, table as markdownTable } from './lib/markdown.ts';
import type { Suite } from './lib/suite.ts';

const EN = 'Abed, I see a silver light. I wonder if it is frost around. Raising my head, I see the moon so bright; withdrawing my eyes, my nostalgia comes around. ';
const ZH = '床前明月光，疑是地上霜。举头望明月，低头思故乡。白日依山尽，黄河入海流。欲穷千里目，更上一层楼。';

/** Children's CPU seconds so far (Linux: /proc/self/stat fields 16–17, clock ticks of 1/100 s). */
function childCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

function repeatTo(text: string, chars: number): string {
  let t = '';
  while ([...t].length < chars) t += text;
  return [...t].slice(0, chars).join('');
}

export const tts: Suite = {
  name: 'tts',
  description: 'Tts audio work (eSpeak NG + encode): CPU s per audio s, English vs Chinese, per codec',
  approxSeconds: 60,
  async run(ctx) {
    const client = new EspeakClient();
    const chars = ctx.quick ? 300 : 3000;
    const reps = ctx.quick ? 1 : 3;
    const codecs: TtsCodec[] = ctx.quick ? ['pcm', 'mp3'] : ['pcm', 'wav', 'mp3'];
    const rows: Array<Record<string, string | number>> = [];
    try {
      // Warm-up: thread start and eSpeak's data load are paid once per process, not per job.
      const tStart = performance.now();
      // Each voice loads its own dictionary on first use: warm both up.
      for (const voiceType of ['ruxue', 'alice']) await synthesizeSpeech(client, { text: 'warm up 预热', voiceType, speed: 100, volume: 0, codec: 'pcm' }, join(ctx.tmpDir, 'warm.pcm'));
      const warmMs = performance.now() - tStart;
      for (const codec of codecs) {
        for (const [language, voiceType, base] of [['English', 'alice', EN], ['Chinese', 'ruxue', ZH]] as const) {
          const text = repeatTo(base, chars);
          let audioSec = 0;
          let cpuSelf = 0;
          let cpuChildren = 0;
          let wall = 0;
          for (let i = 0; i < reps; i++) {
            const c0 = process.cpuUsage();
            const k0 = childCpuSeconds();
            const t0 = performance.now();
            const r = await synthesizeSpeech(client, { text, voiceType, speed: 100, volume: 0, codec }, join(ctx.tmpDir, `out.${codec}`));
            wall += (performance.now() - t0) / 1000;
            const c = process.cpuUsage(c0);
            cpuSelf += (c.user + c.system) / 1e6;
            cpuChildren += childCpuSeconds() - k0;
            audioSec += r.durationSec;
          }
          const row = {
            codec, language, voiceType, chars, audioSec: audioSec / reps,
            synthCpuRtf: cpuSelf / audioSec, encodeCpuRtf: cpuChildren / audioSec, cpuRtf: (cpuSelf + cpuChildren) / audioSec, wallRtf: wall / audioSec,
          };
          rows.push(row);
          ctx.log(`${codec} ${language}: ${row.audioSec.toFixed(1)} s audio, CPU RTF ${row.cpuRtf.toFixed(4)}, wall RTF ${row.wallRtf.toFixed(4)}`);
        }
      }
      const table = markdownTable(
        ['codec', 'text', 'voice', 'chars', 'audio s', 'eSpeak+gain CPU RTF', 'ffmpeg CPU RTF', 'total CPU RTF', 'wall RTF'],
        rows.map((r) => [r.codec!, r.language!, r.voiceType!, r.chars!, fmt.fixed(r.audioSec as number, 1), fmt.fixed(r.synthCpuRtf as number, 4), fmt.fixed(r.encodeCpuRtf as number, 4), fmt.fixed(r.cpuRtf as number, 4), fmt.fixed(r.wallRtf as number, 4)]),
      );
      return {
        json: { chars, reps, warmUpMs: warmMs, rows },
        markdown: `Text of ${chars} characters, ${reps} run(s) each, Speed 100; RTF = seconds per second of audio (16 kHz mono output). eSpeak's thread start and data load (first job of a process): ${fmt.int(warmMs)} ms.\n\n${table}`,
      };
    } finally {
      await client.close();
    }
  },
};
