"""Trains tcnmask (vocals/accompaniment masks, or 4 stems with --stems 4) on the cache of prepare_data.py.

  /usr/bin/python3 training/train.py --run tcnmask --steps 3000
  /usr/bin/python3 training/train.py --run tcnmask4 --stems 4 --no-norm --init-onnx models/tcnmask.onnx --lr 5e-4 --steps 6000

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
from common import CACHE, HOP, N_FFT, ROOT, RUNS, load_splits  # noqa: E402
from model import DILATIONS, TcnMask, load_onnx_weights  # noqa: E402

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
        x = x * (sign * 10 ** (r.uniform(-9, 3) / 20))
        if r.random() < 0.4:  # filtering: a random low and high shelf (zero-phase, exact in the STFT domain)
            x = x * self.shelf_curve()[None, None, :, None]
        return x

    def shelf_curve(self):
        r = self.rng
        f = torch.arange(BINS, dtype=torch.float32) * (44100 / 2048)
        lo_f, hi_f = 10 ** r.uniform(np.log10(80), np.log10(600)), 10 ** r.uniform(np.log10(2000), np.log10(12000))
        lo_g, hi_g = r.uniform(-9, 6), r.uniform(-12, 6)
        db = lo_g / (1 + (f / lo_f) ** 2) + hi_g / (1 + (hi_f / f.clamp(min=1)) ** 2)
        return 10 ** (db / 20)

    def mir_stereo(self, k):
        x = self.excerpt(self.mir[k], self.mir_spans)  # [2, 384, T]
        full = torch.zeros(2, BINS, FRAMES)
        full[:, :MIR_BINS] = x
        pan = self.rng.uniform(0.3, 0.7)
        return self.stereo_aug(torch.stack([full * math.sqrt(2 * pan), full * math.sqrt(2 * (1 - pan))]))

    def mus_stem(self, k):
        return self.stereo_aug(self.excerpt(self.mus[k], self.mus_spans))

    def item(self):
        """(vocals, drums, bass, other, has_stems): MIR-1K accompaniment has no stems, so it goes into
        `other` with has_stems 0 (only the vocals and accompaniment losses apply to it)."""
        r = self.rng
        kind = r.random()
        if kind < 0.8:  # MUSDB accompaniment: drums, bass, other each from a random track
            parts = [self.mus_stem(k) for k in range(3)]
            if r.random() < 0.05:  # some mixtures without drums or bass
                parts[int(r.integers(2))] *= 0
            has = 1.0
        else:  # MIR-1K accompaniment
            parts = [torch.zeros(2, 2, BINS, FRAMES), torch.zeros(2, 2, BINS, FRAMES), self.mir_stereo(1)]
            has = 0.0
        voc = self.mus_stem(3) if kind < 0.6 else self.mir_stereo(0)
        if r.random() < 0.08:
            voc = voc * 0
        g = 10 ** (r.uniform(-6, 3) / 20)
        return torch.stack([voc * g] + [p * g for p in parts]), has

    def batch(self, n):
        s, has = zip(*(self.item() for _ in range(n)))
        return torch.stack(s), torch.tensor(has)  # [B, 4(stem), 2, 2, F, T], [B]


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


def masked_loss(model, mx, mstems, macc, has):
    """L1 of masked magnitudes: vocals + accompaniment (the 2-stem loss, comparable across runs), plus,
    for the 4-stem model, drums, bass and other where the mixture has true stems (has = 1).
    mstems [B, 4, 2, F, T] magnitudes in the order vocals, drums, bass, other; macc = |STFT(accompaniment)|."""
    m = model(mx)
    mv = mstems[:, 0]
    if m.dim() == 4:  # 2-stem model
        return (m * mx - mv).abs().mean() + ((1 - m) * mx - macc).abs().mean(), None
    est = m * mx[:, None]
    two = (est[:, 0] - mv).abs().mean() + (est[:, 1:].sum(1) - macc).abs().mean()
    per = (est[:, 1:] - mstems[:, 1:]).abs().mean(dim=(2, 3, 4))  # [B, 3]
    four = (per.sum(1) * has).sum() / has.sum().clamp(min=1)
    return two, four


def spec_loss(model, z, has):  # z [B, 4, 2, 2(re, im), F, T]
    mx = cmag(z.sum(1))
    mstems = torch.stack([cmag(z[:, k]) for k in range(4)], 1)
    two, four = masked_loss(model, mx, mstems, cmag(z[:, 1:].sum(1)), has)
    return (two if four is None else two + four), two


def loss_fn(model, stems):  # stems [4(v, d, b, o), 2, n] waveforms
    mstems = torch.stack([stft_mag(stems[k:k + 1]) for k in range(4)], 1)  # [1, 4, 2, F, T]
    mx = stft_mag(stems.sum(0, keepdim=True))
    return masked_loss(model, mx, mstems, stft_mag(stems[1:].sum(0, keepdim=True)), torch.ones(1))


@torch.no_grad()
def validate(model, val):
    """(2-stem loss, 4-stem loss or None) on the validation tracks. The cache holds [drums, bass, other, vocals]."""
    audio, spans = val
    model.eval()
    twos, fours = [], []
    for s, e in spans:
        x = torch.from_numpy(audio[:, :, s:e].astype(np.float32))  # [4, 2, n]
        two, four = loss_fn(model, x[[3, 0, 1, 2]])
        twos.append(two.item())
        if four is not None:
            fours.append(four.item())
    model.train()
    return float(np.mean(twos)), (float(np.mean(fours)) if fours else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', default='tcnmask')
    ap.add_argument('--steps', type=int, default=3000)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--stems', type=int, default=1, choices=(1, 4), help='1: vocals mask (2 stems); 4: vocals, drums, bass, other')
    ap.add_argument('--no-norm', action='store_true', help='no BatchNorm (needed with --init-onnx)')
    ap.add_argument('--init-onnx', help='warm start from an exported BN-folded 2-stem model (first run only)')
    ap.add_argument('--init-pt', help='continue from the weights of another run (e.g. training/runs/tcnmask4/best.pt), new schedule (first run only)')
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
    model = TcnMask(hidden=args.hidden, dilations=DILATIONS, stems=args.stems, norm=not args.no_norm)
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
    elif args.init_pt:
        model.load_state_dict(torch.load(args.init_pt)['model'])
        print(f'continuing from the weights of {args.init_pt}', flush=True)
    elif args.init_onnx:
        assert args.no_norm, '--init-onnx needs --no-norm (the export folded BatchNorm into the convolutions)'
        load_onnx_weights(model, os.path.join(ROOT, args.init_onnx) if not os.path.isabs(args.init_onnx) else args.init_onnx)
        print(f'warm start from {args.init_onnx}', flush=True)
    sampler = Sampler(mus, mir, rng)
    log = open(os.path.join(run, 'log.tsv'), 'a')
    if step == 0:
        log.write('step\telapsed_s\ttrain_loss\tval_loss\tval_2stem\tval_4stem\tlr\n')
        v2, v4 = validate(model, val)
        print(f'start: val 2-stem {v2:.4f} 4-stem {v4}', flush=True)
    params = sum(p.numel() for p in model.parameters())
    print(f'{params} parameters; {len(mus[1])} MUSDB train tracks, {len(mir[1])} MIR-1K clips, {len(val[1])} val tracks', flush=True)
    t0, run_loss, n = time.time(), 0.0, 0
    while step < args.steps:
        for g in opt.param_groups:
            g['lr'] = args.lr * sched(step)
        z, has = sampler.batch(args.batch)
        loss, _ = spec_loss(model, z, has)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        step += 1
        run_loss += loss.item()
        n += 1
        if step % args.val_every == 0 or step == args.steps:
            v2, v4 = validate(model, val)
            v = v2 + (v4 or 0.0)  # selection: the whole training objective on the validation tracks
            log.write(f'{step}\t{time.time() - t0:.0f}\t{run_loss / n:.5f}\t{v:.5f}\t{v2:.5f}\t{v4 if v4 is not None else ""}\t{args.lr * sched(step):.2e}\n')
            log.flush()
            print(f'step {step} train {run_loss / n:.4f} val {v:.4f} (2-stem {v2:.4f}) ({time.time() - t0:.0f} s)', flush=True)
            run_loss, n = 0.0, 0
            if v < best:
                best = v
                torch.save({'model': model.state_dict(), 'step': step, 'val': v, 'val2': v2, 'val4': v4, 'hidden': args.hidden,
                            'dilations': DILATIONS, 'stems': args.stems, 'norm': not args.no_norm,
                            'init': args.init_onnx}, os.path.join(run, 'best.pt'))
            torch.save({'model': model.state_dict(), 'opt': opt.state_dict(), 'step': step, 'best': best,
                        'rng': rng.bit_generator.state, 'torch_rng': torch.get_rng_state()}, last + '.tmp')
            os.replace(last + '.tmp', last)


if __name__ == '__main__':
    main()
