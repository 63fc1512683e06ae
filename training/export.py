"""Exports runs/<run>/best.pt to models/<name>.onnx (opset 17, dynamic time axis) + models/<name>.json.

  /usr/bin/python3 training/export.py --run tcnmask
  /usr/bin/python3 training/export.py --run tcnmask4 --name tcnmask4 --post-filter wiener
"""
import argparse
import hashlib
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import BINS, HOP, N_FFT, ROOT, RUNS, SAMPLE_RATE  # noqa: E402
from model import IN_BINS, STEM_NAMES, TcnMask  # noqa: E402


def load_model(run):
    ck = torch.load(os.path.join(RUNS, run, 'best.pt'))
    model = TcnMask(hidden=ck['hidden'], dilations=tuple(ck['dilations']), stems=ck.get('stems', 1), norm=ck.get('norm', True))
    model.load_state_dict(ck['model'])
    model.eval()
    return model, ck


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', default='tcnmask')
    ap.add_argument('--name', default='tcnmask')
    ap.add_argument('--post-filter', default='none', choices=('none', 'wiener'), help='the engine default (chosen on validation)')
    args = ap.parse_args()
    torch.set_num_threads(1)
    model, ck = load_model(args.run)
    out = os.path.join(ROOT, 'models', args.name + '.onnx')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    dummy = torch.rand(1, 2, BINS, 100)
    four = model.stems == 4
    out_name = 'masks' if four else 'vocals_mask'
    torch.onnx.export(model, dummy, out, opset_version=17, input_names=['mag'], output_names=[out_name],
                      dynamic_axes={'mag': {3: 'frames'}, out_name: {(4 if four else 3): 'frames'}}, do_constant_folding=True)
    sha = hashlib.sha256(open(out, 'rb').read()).hexdigest()
    profile = {
        'id': args.name,
        'model': args.name + '.onnx',
        'sha256': sha,
        'sampleRate': SAMPLE_RATE,
        'channels': 2,
        'fftSize': N_FFT,
        'hopSize': HOP,
        'window': 'hann-periodic',
        'framing': 'centred: frame t centred on sample t*hop, zero outside the signal, ceil(length/hop)+1 frames (src/audio/dsp/stft.ts)',
        'input': {'name': 'mag', 'shape': [1, 2, BINS, 'frames'],
                  'normalisation': f'unnormalised |STFT| (no 1/N scaling); the graph takes log1p of bins 0..{IN_BINS - 1} and learned BatchNorm affine'},
        'outputs': ({'masks': {'shape': [1, 4, 2, BINS, 'frames'], 'range': [0, 1],
                               'use': 'stem s = masks[s] * X per channel (s = vocals, drums, bass, other); the four masks sum to 1'}}
                    if four else
                    {'vocals_mask': {'shape': [1, 2, BINS, 'frames'], 'range': [0, 1],
                                     'use': 'vocals = mask * X per channel; background = (1 - mask) * X (= mixture - vocals)'}}),
        'stems': list(STEM_NAMES) if four else ['vocals', 'background'],
        'postFilter': args.post_filter,
        'receptiveFieldFrames': 1 + 2 * sum(ck['dilations']),
        'training': {'step': ck['step'], 'validationLoss': ck['val'], 'validationLoss2Stem': ck.get('val2', ck['val']),
                     'validationLoss4Stem': ck.get('val4'), 'warmStart': ck.get('init'),
                     'hidden': ck['hidden'], 'dilations': list(ck['dilations']),
                     'parameters': sum(p.numel() for p in model.parameters()),
                     'data': 'MUSDB18 7-s train excerpts minus eval/splits.json validation artists (78 tracks) + MIR-1K minus validation singers (820 clips); research use only'},
    }
    with open(os.path.join(ROOT, 'models', args.name + '.json'), 'w') as f:
        json.dump(profile, f, indent=2)
        f.write('\n')
    print(f'{out}: {os.path.getsize(out) / 1e6:.2f} MB, step {ck["step"]}, val {ck["val"]:.4f}')


if __name__ == '__main__':
    main()
