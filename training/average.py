"""Averages the weights of checkpoints of one architecture (a "model soup"/SWA-style average).

  /usr/bin/python3 training/average.py --out tcnmask4c-avg training/runs/tcnmask4c/best.pt training/runs/tcnmask4c/last.pt

Writes training/runs/<out>/best.pt with the first checkpoint's metadata (architecture, stems),
so export.py and make_fixture.py take it like any run. Checkpoints of one fine-tuning run lie in
one basin, where the average is usually at least as good as either; keep it only if `npm run eval`
says so.
"""
import argparse
import os

import torch

from common import RUNS


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('checkpoints', nargs='+')
    args = ap.parse_args()
    cks = [torch.load(p) for p in args.checkpoints]
    meta = next((c for c in cks if 'hidden' in c), None)
    if meta is None:
        raise SystemExit('none of the checkpoints carries the architecture (a best.pt does)')
    states = [c['model'] for c in cks]
    keys = states[0].keys()
    for s in states[1:]:
        if s.keys() != keys:
            raise SystemExit('the checkpoints have different parameters')
    avg = {k: sum(s[k].float() for s in states) / len(states) for k in keys}
    out = dict(meta)
    out['model'] = avg
    out['averaged'] = list(args.checkpoints)
    os.makedirs(os.path.join(RUNS, args.out), exist_ok=True)
    torch.save(out, os.path.join(RUNS, args.out, 'best.pt'))
    print(f'averaged {len(states)} checkpoints into {os.path.join(RUNS, args.out, "best.pt")}')


if __name__ == '__main__':
    main()
