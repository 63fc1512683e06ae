"""Trains tcnmask (vocals/accompaniment masks) on the cache of prepare_data.py.

  /usr/bin/python3 training/train.py --run tcnmask --steps 3000

Fixed seed; resumable (re-run the same command: it continues from runs/<run>/last.pt);
logs train / validation loss to runs/<run>/log.tsv; keeps the best validation checkpoint in
runs/<run>/best.pt. One CPU thread (torch.set_num_threads(1)) so the machine stays usable.
Validation loss = the 16 MUSDB validation tracks of eval/splits.json (never trained on).
"""
import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, HOP, N_FFT, RUNS, load_splits  # noqa: E402
from model import DILATIONS, TcnMask  # noqa: E402

FRAMES = 256  # 2.97 s excerpts
BINS = N_FFT // 2 + 1


def load():
    mus = np.load(os.path.join(CACHE, 'musdb_train.npz'))
    val = np.load(os.path.join(CACHE, 'musdb_val.npz'))
    mir = np.load(os.path.join(CACHE, 'mir_train.npz'))
    val_tracks, _, _ = load_splits()
    assert not (set(mus['names'].tolist()) & val_tracks), 'validation track in the training cache'
    def spans(lengths):
        ends = np.cumsum(lengths)
        return list(zip((ends - lengths).tolist(), ends.tolist()))
    return (mus['audio'], spans(mus['lengths'])), (val['audio'], spans(val['lengths'])), (mir['audio'], spans(mir['lengths']))


MIR_BINS = 384  # MIR-1K is 16 kHz material: nothing above 8 kHz (bin 372)


def spec_frames(audio, spans, bins=None):
    """Complex STFT of every span (per track: centred, as stft.ts), stored as float16 [..., 2(re, im), F, frames]
    concatenated over time, plus the frame span of each track. STFT is linear, so remixing, gains, channel swap
    and polarity applied to these spectra are exactly those augmentations applied to the waveforms."""
    out, fspans, at = [], [], 0
    for s, e in spans:
        x = torch.from_numpy(audio[..., s:e].astype(np.float32))
        lead = x.shape[:-1]
        z = torch.stft(x.reshape(-1, e - s), N_FFT, HOP, window=torch.hann_window(N_FFT, periodic=True),
                       center=True, pad_mode='constant', return_complex=True)
        if bins is not None:
            z = z[:, :bins]
        z = torch.stack([z.real, z.imag], 1).reshape(*lead, 2, z.shape[-2], z.shape[-1]).half()
        out.append(z)
        fspans.append((at, at + z.shape[-1]))
        at += z.shape[-1]
    return torch.cat(out, -1), fspans


class Sampler:
    """Random mixtures: stems remixed across tracks, gains, channel swap, polarity, random excerpts (in the STFT domain)."""

    def __init__(self, mus, mir, rng):
        self.mus, self.mus_spans = spec_frames(*mus)         # [4, 2, 2, F, T]
        self.mir, self.mir_spans = spec_frames(*mir, MIR_BINS)  # [2, 2, 384, T]
        self.rng = rng

    def excerpt(self, spec, spans):
        r = self.rng
        s, e = spans[r.integers(len(spans))]
        n = e - s
        out = torch.zeros(spec.shape[:-1] + (FRAMES,))
        if n >= FRAMES:
            o = s + int(r.integers(n - FRAMES + 1))
            out[:] = spec[..., o:o + FRAMES].float()
        else:
            o = int(r.integers(FRAMES - n + 1))
            out[..., o:o + n] = spec[..., s:e].float()
        return out

    def stereo_aug(self, x):  # x [2(ch), 2(re, im), F, T]
        r = self.rng
        if r.random() < 0.5:
            x = x.flip(0)
        sign = -1 if r.random() < 0.5 else 1
        return x * (sign * 10 ** (r.uniform(-9, 3) / 20))

    def mir_stereo(self, k):
        x = self.excerpt(self.mir[k], self.mir_spans)  # [2, 384, T]
        full = torch.zeros(2, BINS, FRAMES)
        full[:, :MIR_BINS] = x
        pan = self.rng.uniform(0.3, 0.7)
        return self.stereo_aug(torch.stack([full * math.sqrt(2 * pan), full * math.sqrt(2 * (1 - pan))]))

    def mus_stem(self, k):
        return self.stereo_aug(self.excerpt(self.mus[k], self.mus_spans))

    def item(self):
        r = self.rng
        kind = r.random()
        if kind < 0.8:  # MUSDB accompaniment: drums, bass, other each from a random track
            acc = sum(self.mus_stem(k) for k in range(3))
        else:  # MIR-1K accompaniment
            acc = self.mir_stereo(1)
        voc = self.mus_stem(3) if kind < 0.6 else self.mir_stereo(0)
        if r.random() < 0.08:
            voc = voc * 0
        g = 10 ** (r.uniform(-6, 3) / 20)
        return voc * g, acc * g

    def batch(self, n):
        v, a = zip(*(self.item() for _ in range(n)))
        return torch.stack(v), torch.stack(a)  # [B, 2, 2, F, T]


WINDOW = None


def stft_mag(x):
    """[B, 2, L] -> |STFT| [B, 2, F, T] (centred, zero padding, periodic Hann: as stft.ts)."""
    global WINDOW
    if WINDOW is None:
        WINDOW = torch.hann_window(N_FFT, periodic=True)
    b, c, l = x.shape
    s = torch.stft(x.reshape(b * c, l), N_FFT, HOP, window=WINDOW, center=True, pad_mode='constant', return_complex=True)
    return s.reshape(b, c, s.shape[-2], s.shape[-1]).abs()


def cmag(z):  # [B, 2, 2(re, im), F, T] -> [B, 2, F, T]
    return torch.sqrt(z[:, :, 0] ** 2 + z[:, :, 1] ** 2 + 1e-12)


def spec_loss(model, zv, za):
    mv, ma, mx = cmag(zv), cmag(za), cmag(zv + za)
    m = model(mx)
    return (m * mx - mv).abs().mean() + ((1 - m) * mx - ma).abs().mean()


def loss_fn(model, voc, acc):
    mv, ma = stft_mag(voc), stft_mag(acc)
    mx = stft_mag(voc + acc)
    m = model(mx)
    return (m * mx - mv).abs().mean() + ((1 - m) * mx - ma).abs().mean()


@torch.no_grad()
def validate(model, val):
    audio, spans = val
    model.eval()
    losses = []
    for s, e in spans:
        x = torch.from_numpy(audio[:, :, s:e].astype(np.float32))  # [4, 2, n]
        losses.append(loss_fn(model, x[3:4], x[0:3].sum(0, keepdim=True)).item())
    model.train()
    return float(np.mean(losses))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', default='tcnmask')
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--seed', type=int, default=6)
    ap.add_argument('--val-every', type=int, default=150)
    ap.add_argument('--threads', type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    run = os.path.join(RUNS, args.run)
    os.makedirs(run, exist_ok=True)
    mus, val, mir = load()
    model = TcnMask(hidden=args.hidden, dilations=DILATIONS)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = lambda step: min(1.0, (step + 1) / 100) * 0.5 * (1 + math.cos(math.pi * min(step, args.steps) / args.steps))  # noqa: E731
    step, best = 0, float('inf')
    rng = np.random.default_rng(args.seed)
    last = os.path.join(run, 'last.pt')
    if os.path.exists(last):
        ck = torch.load(last)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        step, best = ck['step'], ck['best']
        rng.bit_generator.state = ck['rng']
        torch.set_rng_state(ck['torch_rng'])
        print(f'resumed at step {step}', flush=True)
    sampler = Sampler(mus, mir, rng)
    log = open(os.path.join(run, 'log.tsv'), 'a')
    if step == 0:
        log.write('step\telapsed_s\ttrain_loss\tval_loss\tlr\n')
    params = sum(p.numel() for p in model.parameters())
    print(f'{params} parameters; {len(mus[1])} MUSDB train tracks, {len(mir[1])} MIR-1K clips, {len(val[1])} val tracks', flush=True)
    t0, run_loss, n = time.time(), 0.0, 0
    while step < args.steps:
        for g in opt.param_groups:
            g['lr'] = args.lr * sched(step)
        voc, acc = sampler.batch(args.batch)
        loss = spec_loss(model, voc, acc)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        run_loss += loss.item()
        n += 1
        if step % args.val_every == 0 or step == args.steps:
            v = validate(model, val)
            log.write(f'{step}\t{time.time() - t0:.0f}\t{run_loss / n:.5f}\t{v:.5f}\t{args.lr * sched(step):.2e}\n')
            log.flush()
            print(f'step {step} train {run_loss / n:.4f} val {v:.4f} ({time.time() - t0:.0f} s)', flush=True)
            run_loss, n = 0.0, 0
            if v < best:
                best = v
                torch.save({'model': model.state_dict(), 'step': step, 'val': v, 'hidden': args.hidden, 'dilations': DILATIONS}, os.path.join(run, 'best.pt'))
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'best': best,
                        'rng': rng.bit_generator.state, 'torch_rng': torch.get_rng_state()}, last + '.tmp')
            os.replace(last + '.tmp', last)


if __name__ == '__main__':
    main()
