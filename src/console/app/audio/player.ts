import { getObjectBlob } from '../api.ts';
import { h } from '../dom.ts';
import { drawSpectrogram, drawWaveform, mono } from './draw.ts';

/**
 * Results side by side (issue #9 §6): the input and every output stem, each
 * with its own audio element, Mute and Solo, a waveform and a spectrogram and
 * a download link; one transport plays them all in step. The first stem is
 * the clock; the others are nudged back when they drift more than 50 ms.
 */
export interface Stem {
  label: string;
  bucket: string;
  region: string;
  key: string;
}

interface Loaded {
  stem: Stem;
  audio: HTMLAudioElement;
  mute: HTMLButtonElement;
  solo: HTMLButtonElement;
  playhead: HTMLElement;
}

const DRIFT_S = 0.05;
const fmt = (t: number) => (Number.isFinite(t) ? `${Math.floor(t / 60)}:${(t % 60).toFixed(1).padStart(4, '0')}` : '–');

export function stemPlayer(stems: Stem[]): { el: HTMLElement; dispose: () => void } {
  const rows: Loaded[] = [];
  const urls: string[] = [];
  const clock = h('span', { class: 'clock', 'aria-live': 'off' }, '0:00.0');
  const play = h('button', { type: 'button', class: 'primary' }, 'Play all');
  const pause = h('button', { type: 'button' }, 'Pause');
  const stop = h('button', { type: 'button' }, 'Stop');
  const list = h('div', { class: 'stems' });
  let raf = 0;

  const master = () => rows[0]?.audio;
  const anySolo = () => rows.some((r) => r.solo.getAttribute('aria-pressed') === 'true');
  function applyMutes(): void {
    const solo = anySolo();
    for (const r of rows) {
      const muted = r.mute.getAttribute('aria-pressed') === 'true';
      const soloed = r.solo.getAttribute('aria-pressed') === 'true';
      r.audio.muted = muted || (solo && !soloed);
    }
  }
  function seekAll(t: number, except?: HTMLAudioElement): void {
    for (const r of rows) if (r.audio !== except && Number.isFinite(t)) r.audio.currentTime = Math.min(t, r.audio.duration || t);
  }
  function tick(): void {
    const m = master();
    if (m) {
      clock.textContent = `${fmt(m.currentTime)} / ${fmt(m.duration)}`;
      for (const r of rows) {
        if (!m.paused && !r.audio.paused && Math.abs(r.audio.currentTime - m.currentTime) > DRIFT_S && m.currentTime < r.audio.duration) r.audio.currentTime = m.currentTime;
        const d = r.audio.duration;
        r.playhead.style.left = `${Number.isFinite(d) && d > 0 ? (100 * r.audio.currentTime) / d : 0}%`;
      }
    }
    raf = requestAnimationFrame(tick);
  }

  play.addEventListener('click', () => {
    const t = master()?.currentTime ?? 0;
    seekAll(t);
    for (const r of rows) void r.audio.play().catch(() => undefined);
  });
  pause.addEventListener('click', () => rows.forEach((r) => r.audio.pause()));
  stop.addEventListener('click', () => { rows.forEach((r) => r.audio.pause()); seekAll(0); });

  function toggle(b: HTMLButtonElement): void {
    b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'));
    applyMutes();
  }

  async function addStem(stem: Stem, slot: HTMLElement): Promise<void> {
    const blob = await getObjectBlob(stem.bucket, stem.region, stem.key);
    const url = URL.createObjectURL(blob);
    urls.push(url);
    const audio = h('audio', { src: url, controls: true, preload: 'auto', 'aria-label': `${stem.label} (${stem.key})`, 'data-stem': stem.label });
    const mute = h('button', { type: 'button', 'aria-pressed': 'false', class: 'toggle' }, 'Mute');
    const solo = h('button', { type: 'button', 'aria-pressed': 'false', class: 'toggle' }, 'Solo');
    mute.addEventListener('click', () => toggle(mute));
    solo.addEventListener('click', () => toggle(solo));
    const wave = h('canvas', { width: 640, height: 72, class: 'wave', role: 'img', 'aria-label': `Waveform of ${stem.label}` });
    const spec = h('canvas', { width: 640, height: 120, class: 'spec', role: 'img', 'aria-label': `Spectrogram of ${stem.label}` });
    const playhead = h('div', { class: 'playhead', 'aria-hidden': 'true' });
    const visuals = h('div', { class: 'visuals' }, wave, spec, playhead);
    // Clicking a drawing seeks every stem there.
    visuals.addEventListener('click', (e) => {
      const box = visuals.getBoundingClientRect();
      const d = master()?.duration ?? audio.duration;
      if (Number.isFinite(d)) seekAll(((e.clientX - box.left) / box.width) * d);
    });
    // A seek on one element's own controls moves the others too.
    audio.addEventListener('seeked', () => { if (Math.abs(audio.currentTime - (master()?.currentTime ?? 0)) > DRIFT_S) seekAll(audio.currentTime, audio); });
    const name = stem.key.split('/').pop() ?? stem.key;
    slot.replaceChildren(
      h('div', { class: 'stem-head' }, h('h3', {}, stem.label), mute, solo, h('a', { href: url, download: name, class: 'button-link' }, `Download ${name}`)),
      h('code', { class: 'stem-key' }, stem.key),
      audio, visuals);
    rows.push({ stem, audio, mute, solo, playhead });
    rows.sort((a, b) => stems.indexOf(a.stem) - stems.indexOf(b.stem));
    applyMutes();
    try {
      const ctx = new OfflineAudioContext(1, 1, 44100);
      const decoded = await ctx.decodeAudioData(await blob.arrayBuffer());
      const x = mono(decoded);
      drawWaveform(wave, x);
      drawSpectrogram(spec, x, decoded.sampleRate);
      slot.setAttribute('data-drawn', 'true');
    } catch (err) {
      slot.append(h('p', { class: 'hint' }, `This browser could not decode ${name} for drawing (${(err as Error).message}).`));
    }
  }

  for (const stem of stems) {
    const slot = h('section', { class: 'stem', 'aria-label': stem.label }, h('p', {}, `Loading ${stem.label} (${stem.key})…`));
    list.append(slot);
    addStem(stem, slot).catch((err) => slot.replaceChildren(h('h3', {}, stem.label), h('p', { class: 'status error' }, `Could not load ${stem.key}: ${(err as Error).message}`)));
  }
  raf = requestAnimationFrame(tick);
  const el = h('section', { class: 'card player', 'aria-labelledby': 'player-title' },
    h('h2', { id: 'player-title' }, 'Listen and compare'),
    h('div', { class: 'transport' }, play, pause, stop, clock),
    h('p', { class: 'hint' }, 'Waveforms are scaled to each stem’s peak. Spectrograms: 30 Hz (bottom) to 22 kHz (top) on a logarithmic axis, 80 dB range. Click a drawing to move every stem there.'),
    list);
  return {
    el,
    dispose: () => {
      cancelAnimationFrame(raf);
      rows.forEach((r) => r.audio.pause());
      urls.forEach((u) => URL.revokeObjectURL(u));
    },
  };
}
