"""Writes the parity fixture test/fixtures/tcnmask/: a synthetic 1-s stereo clip (int16), and the
vocals the PyTorch model produces on it through a NumPy STFT/iSTFT that frames exactly as
src/audio/dsp/stft.ts (centred, zero padding, ceil(L/hop)+1 frames, WOLA / window-sum-square).

  /usr/bin/python3 training/make_fixture.py --run tcnmask
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HOP, N_FFT, ROOT, SAMPLE_RATE  # noqa: E402
from export import load_model  # noqa: E402

WIN = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)


def stft(x):
    t = int(np.ceil(len(x) / HOP)) + 1
    pad = np.zeros((t - 1) * HOP + N_FFT)
    pad[N_FFT // 2:N_FFT // 2 + len(x)] = x
    frames = np.stack([pad[i * HOP:i * HOP + N_FFT] * WIN for i in range(t)])
    return np.fft.rfft(frames, axis=1).T  # [F, T]


def istft(z, length):
    t = z.shape[1]
    frames = np.fft.irfft(z.T, n=N_FFT, axis=1) * WIN
    acc = np.zeros((t - 1) * HOP + N_FFT)
    env = np.zeros_like(acc)
    for i in range(t):
        acc[i * HOP:i * HOP + N_FFT] += frames[i]
        env[i * HOP:i * HOP + N_FFT] += WIN ** 2
    acc, env = acc[N_FFT // 2:N_FFT // 2 + length], env[N_FFT // 2:N_FFT // 2 + length]
    return np.where(env > 1e-10, acc / np.maximum(env, 1e-10), 0)


def synth(n, rng):
    t = np.arange(n) / SAMPLE_RATE
    f0 = 220 * (1 + 0.02 * np.sin(2 * np.pi * 5 * t))  # a sung tone with vibrato
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 12)) * 0.15 * (t > 0.1)
    bass = 0.3 * np.sin(2 * np.pi * 55 * t)
    hits = np.zeros(n)
    for start in (0.0, 0.25, 0.5, 0.75):
        i = int(start * SAMPLE_RATE)
        m = min(n - i, 4000)
        hits[i:i + m] += rng.standard_normal(m) * np.exp(-np.arange(m) / 600) * 0.4
    left = voice + bass + hits
    right = 0.8 * voice + bass + 0.6 * hits
    return np.clip(np.stack([left, right]), -1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', default='tcnmask')
    ap.add_argument('--name', default='tcnmask')
    args = ap.parse_args()
    torch.set_num_threads(1)
    model, _ = load_model(args.run)
    rng = np.random.default_rng(6)
    n = SAMPLE_RATE  # 1 s
    pcm = np.round(synth(n, rng) * 32767).astype('<i2')
    x = pcm.astype(np.float64) / 32768
    z = np.stack([stft(ch) for ch in x])  # [2, F, T]
    with torch.no_grad():
        mask = model(torch.from_numpy(np.abs(z)[None].astype(np.float32)))[0].double().numpy()
    drums = None
    if model.stems == 4:  # [4, 2, F, T]: vocals, drums, bass, other
        drums = np.stack([istft(z[c] * mask[1, c], n) for c in range(2)]).astype('<f4')
        mask = mask[0]
    vocals = np.stack([istft(z[c] * mask[c], n) for c in range(2)]).astype('<f4')
    out = os.path.join(ROOT, 'test', 'fixtures', args.name)
    os.makedirs(out, exist_ok=True)
    pcm.tofile(os.path.join(out, 'input.s16le'))  # planar: left then right
    vocals.tofile(os.path.join(out, 'vocals.f32le'))  # planar float32
    if drums is not None:
        drums.tofile(os.path.join(out, 'drums.f32le'))
    onnx_path = os.path.join(ROOT, 'models', args.name + '.onnx')
    meta = {'about': 'Synthetic input (sung tone + bass + noise hits, no dataset audio) and the vocals stem of the PyTorch model through a NumPy STFT framed as stft.ts; training/make_fixture.py',
            'sampleRate': SAMPLE_RATE, 'channels': 2, 'frames': n, 'input': 'input.s16le (planar int16, /32768)', 'vocals': 'vocals.f32le (planar float32)', 'drums': 'drums.f32le (planar float32)' if drums is not None else None,
            'modelSha256': hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest()}
    with open(os.path.join(out, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')
    print(f'fixture written: vocals rms {np.sqrt(np.mean(vocals ** 2)):.4f}, input rms {np.sqrt(np.mean(x ** 2)):.4f}')


if __name__ == '__main__':
    main()
