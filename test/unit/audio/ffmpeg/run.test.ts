import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setFfmpegPaths, ffmpegPath } from '../../../../src/audio/ffmpeg/binaries.ts';
import { FfmpegError } from '../../../../src/audio/errors.ts';
import { classifyInputFailure, runTool, startTool } from '../../../../src/audio/ffmpeg/run.ts';

/** An ffmpeg that never ends by itself: an endless sine into the null muxer. */
const ENDLESS = ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine', '-f', 'null', '-'];

describe('runTool / startTool', () => {
  it('1: exit 0 → stdout returned', async () => {
    const { stdout } = await runTool('ffprobe', ['-version']);
    assert.match(stdout.toString(), /^ffprobe version/);
  });

  it('2: non-zero exit → FfmpegError(failed) with exit code and stderr tail', async () => {
    const err = await runTool('ffmpeg', ['-hide_banner', '-no-such-option']).catch((e: unknown) => e);
    assert.ok(err instanceof FfmpegError);
    assert.equal(err.kind, 'failed');
    assert.equal(err.tool, 'ffmpeg');
    assert.ok(err.exitCode !== null && err.exitCode !== 0);
    assert.match(err.stderrTail, /no-such-option/);
    assert.match(err.message, /exited with code/);
  });

  it('3: the stderr tail keeps only the last 4 KB, ending with the error', async () => {
    const args = ['-nostdin', '-loglevel', 'debug', '-f', 'lavfi', '-i', 'sine=d=1', '-f', 'no_such_muxer', '-'];
    const err = (await runTool('ffmpeg', args).catch((e: unknown) => e)) as FfmpegError;
    assert.equal(err.kind, 'failed');
    assert.ok(err.stderrTail.length <= 4096 && err.stderrTail.length > 1000, `tail of ${err.stderrTail.length} chars`);
    assert.match(err.stderrTail, /no_such_muxer/);
  });

  it('4: timeout → SIGKILL, kind timeout', async () => {
    const t = performance.now();
    const err = (await runTool('ffmpeg', ENDLESS, { timeoutMs: 300 }).catch((e: unknown) => e)) as FfmpegError;
    assert.equal(err.kind, 'timeout');
    assert.equal(err.signal, 'SIGKILL');
    assert.ok(performance.now() - t < 5000);
  });

  it('5: AbortSignal → SIGKILL, kind aborted, cause = reason', async () => {
    const ac = new AbortController();
    const proc = startTool('ffmpeg', ENDLESS, { signal: ac.signal });
    const reason = new Error('cancelled');
    setTimeout(() => ac.abort(reason), 200);
    const err = (await proc.done.catch((e: unknown) => e)) as FfmpegError;
    assert.equal(err.kind, 'aborted');
    assert.equal(err.cause, reason);
  });

  it('6: an already aborted signal → not started, throws', () => {
    assert.throws(() => startTool('ffmpeg', ['-version'], { signal: AbortSignal.abort() }), (e) => e instanceof FfmpegError && e.kind === 'aborted');
  });

  it('7: kill() → aborted', async () => {
    const proc = startTool('ffmpeg', ENDLESS);
    setTimeout(() => proc.kill(), 100);
    await assert.rejects(proc.done, (e) => e instanceof FfmpegError && e.kind === 'aborted');
  });

  it('8: classify decides the kind of a non-zero exit', async () => {
    const err = (await runTool('ffmpeg', ['-nostdin', '-i', 'file:/nonexistent/x.wav'], { classify: classifyInputFailure }).catch((e: unknown) => e)) as FfmpegError;
    assert.equal(err.kind, 'unreadable');
    assert.equal(classifyInputFailure("Stream map '0:a:0' matches no streams."), 'no-audio');
    assert.equal(classifyInputFailure('Invalid data found when processing input'), 'unreadable');
  });

  describe('binaries', () => {
    const original = ffmpegPath();
    after(() => setFfmpegPaths({}));
    it('9: a configured path that does not exist → kind failed, "cannot start"', async () => {
      setFfmpegPaths({ ffmpeg: '/nonexistent/ffmpeg' });
      assert.equal(ffmpegPath(), '/nonexistent/ffmpeg');
      await assert.rejects(runTool('ffmpeg', ['-version']), (e) => e instanceof FfmpegError && e.kind === 'failed' && /cannot start ffmpeg/.test(e.message));
      setFfmpegPaths({ ffmpeg: '' });
      assert.equal(ffmpegPath(), original);
    });
  });
});
