import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { makeMedia, probeBuffer } from '../helpers/media.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'smart-audio.js');
const dir = mkdtempSync(join(tmpdir(), 'smart-audio-sep-'));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'separate', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('separate: MusicMode mp3 writes five stems of the input length; plain progress lines off a TTY', async () => {
  const input = join(dir, 'song.wav');
  writeFileSync(input, makeMedia('cli-song.wav', ['-f', 'lavfi', '-i', 'sine=frequency=220:duration=3:sample_rate=44100', '-ac', '2']));
  const r = await cli(input, '--mode', 'MusicMode', '--codec', 'mp3', '--out', join(dir, 'out'));
  assert.equal(r.code, 0, r.stderr);
  const files = r.stdout.trim().split('\n');
  assert.deepEqual(files.map((f) => f.split('/').pop()), ['song.vocals.mp3', 'song.background.mp3', 'song.drums.mp3', 'song.bass.mp3', 'song.other.mp3']);
  for (const f of files) {
    const p = probeBuffer('s.mp3', readFileSync(f));
    assert.equal(p.codec, 'mp3');
    assert.ok(Math.abs(p.duration - 3) < 0.15, `${f}: ${p.duration}`);
  }
  assert.match(r.stderr, /^progress \d+%$/m);
  assert.match(r.stderr, /separated 3\.0 s of audio/);
});

test('separate: an unreadable input and a bad codec combination are clear errors (exit 2)', async () => {
  const junk = join(dir, 'junk.mp3');
  writeFileSync(junk, 'not audio at all');
  const a = await cli(junk, '--out', join(dir, 'o2'));
  assert.equal(a.code, 2);
  assert.match(a.stderr, /cannot read .*junk\.mp3/);
  const b = await cli(junk, '--codec', 'mp3', '--samplerate', '96000', '--out', join(dir, 'o3'));
  assert.equal(b.code, 2);
  assert.match(b.stderr, /--samplerate: "96000" is not allowed with Codec mp3/);
  const c = await cli(join(dir, 'missing.wav'));
  assert.equal(c.code, 2);
  assert.match(c.stderr, /does not exist/);
});
