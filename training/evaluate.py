"""Scores engines on the 16 MUSDB validation tracks of eval/splits.json (vocals and accompaniment).

  /usr/bin/python3 training/evaluate.py --engines tcnmask,dsp [--out /tmp/tcnmask-eval]

Mixture = sum of the decoded stems (shared/data/README.md); reference accompaniment = drums + bass +
other. Each engine runs through the real CLI (`node bin/smart-audio.js separate <wav> --engine <id>
--mode AudioAndBackground --codec wav`), on a float WAV written outside the repository.
Metrics (no BSS-eval distortion filters, so a lower bound of museval's SDR v4):
  - SDR  = 10 log10(sum s^2 / sum (s - s_hat)^2) over the whole clip, both channels (the MDX "utterance" SDR);
  - SDRf = median over 1-s frames of the same ratio (museval's framewise median aggregation), silent
    reference frames skipped.
Rows: each engine, the mixture itself (s_hat = mixture) and the oracle ideal ratio mask
|S|/(|V|+|A|) on the model's STFT (the ceiling of any magnitude mask at this resolution).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
from scipy.io import wavfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, ROOT, SAMPLE_RATE, load_splits  # noqa: E402


def sdr(ref, est):
    return 10 * np.log10((np.sum(ref ** 2) + 1e-12) / (np.sum((ref - est) ** 2) + 1e-12))


def sdr_frames(ref, est, win=SAMPLE_RATE):
    vals = []
    for s in range(0, ref.shape[1] - win + 1, win):
        r, e = ref[:, s:s + win], est[:, s:s + win]
        if np.sum(r ** 2) > 1e-8:
            vals.append(sdr(r, e))
    return float(np.median(vals)) if vals else float('nan')


def oracle_irm(voc, acc):
    import torch
    win = torch.hann_window(2048, periodic=True)
    def st(x):
        return torch.stft(torch.from_numpy(x), 2048, 512, window=win, center=True, pad_mode='constant', return_complex=True)
    zv, za = st(voc), st(acc)
    m = zv.abs() / (zv.abs() + za.abs() + 1e-8)
    zx = zv + za
    n = voc.shape[1]
    ev = torch.istft(zx * m, 2048, 512, window=win, center=True, length=n).numpy()
    return ev, (voc + acc) - ev


def read_wav(path):
    rate, x = wavfile.read(path)
    assert rate == SAMPLE_RATE, (path, rate)
    x = x.astype(np.float64) / 32768 if x.dtype == np.int16 else x.astype(np.float64)
    return x.T if x.ndim == 2 else np.stack([x, x])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--engines', default='tcnmask,dsp')
    ap.add_argument('--out', default='/tmp/tcnmask-eval')
    ap.add_argument('--json', default=None)
    args = ap.parse_args()
    val_tracks, _, _ = load_splits()
    d = np.load(os.path.join(CACHE, 'musdb_val.npz'))
    names = d['names'].tolist()
    assert set(names) == val_tracks
    ends = np.cumsum(d['lengths'])
    os.makedirs(os.path.join(args.out, 'mix'), exist_ok=True)
    results = {}
    timing = {}
    for i, name in enumerate(names):
        stems = d['audio'][:, :, ends[i] - d['lengths'][i]:ends[i]].astype(np.float64)
        voc, acc = stems[3], stems[0:3].sum(0)
        mix = voc + acc
        path = os.path.join(args.out, 'mix', f'{i:02d}.wav')
        wavfile.write(path, SAMPLE_RATE, mix.T.astype(np.float32))
        rows = {'mixture': (mix, mix), 'oracle-irm': oracle_irm(voc, acc)}
        for eng in args.engines.split(','):
            od = os.path.join(args.out, eng)
            os.makedirs(od, exist_ok=True)
            t = time.time()
            subprocess.run(['node', 'bin/smart-audio.js', 'separate', path, '--engine', eng, '--mode', 'AudioAndBackground',
                            '--codec', 'wav', '--out', od], cwd=ROOT, check=True, capture_output=True)
            timing[eng] = timing.get(eng, 0) + time.time() - t
            files = sorted(f for f in os.listdir(od) if f.startswith(f'{i:02d}.'))
            vf = [f for f in files if 'vocal' in f or 'audio' in f.lower()]
            bf = [f for f in files if 'background' in f.lower()]
            assert len(vf) == 1 and len(bf) == 1, files
            ev, ea = read_wav(os.path.join(od, vf[0])), read_wav(os.path.join(od, bf[0]))
            n = min(ev.shape[1], voc.shape[1])
            rows[eng] = (np.pad(ev[:, :n], ((0, 0), (0, voc.shape[1] - n))), np.pad(ea[:, :n], ((0, 0), (0, voc.shape[1] - n))))
        results[name] = {k: {'vocals': sdr(voc, v), 'accompaniment': sdr(acc, a), 'vocals_f': sdr_frames(voc, v), 'accompaniment_f': sdr_frames(acc, a)}
                         for k, (v, a) in rows.items()}
        print(name, {k: f"{r['vocals']:.2f}/{r['accompaniment']:.2f}" for k, r in results[name].items()}, flush=True)
    systems = list(next(iter(results.values())).keys())
    print('\nsystem         | vocals SDR med (mean) | accomp SDR med (mean) | vocals SDRf med | accomp SDRf med')
    summary = {}
    for s in systems:
        col = {m: np.array([results[t][s][m] for t in names]) for m in ('vocals', 'accompaniment', 'vocals_f', 'accompaniment_f')}
        summary[s] = {m: {'median': float(np.nanmedian(v)), 'mean': float(np.nanmean(v))} for m, v in col.items()}
        print(f"{s:14s} | {np.median(col['vocals']):6.2f} ({np.mean(col['vocals']):6.2f})       | {np.median(col['accompaniment']):6.2f} ({np.mean(col['accompaniment']):6.2f})       | "
              f"{np.nanmedian(col['vocals_f']):6.2f}          | {np.nanmedian(col['accompaniment_f']):6.2f}")
    print('CLI wall time per engine (16 x 7 s):', {k: round(v, 1) for k, v in timing.items()})
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'tracks': names, 'perTrack': results, 'summary': summary, 'cliSeconds': timing}, f, indent=1)


if __name__ == '__main__':
    main()
