"""Decodes the training data into training/cache/ (git-ignored).

MUSDB18 (7-s train excerpts): the 4 stems of every track NOT in eval/splits.json's validation
artists -> cache/musdb_train.npz; the validation tracks -> cache/musdb_val.npz (used only to log
validation loss, never for gradient steps). MIR-1K: vocals/accompaniment of the singers not in
validationSingers, resampled 16 -> 44.1 kHz by ffmpeg -> cache/mir_train.npz (float16).
"""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import CACHE, MIR_DIR, MUSDB_DIR, MUSDB_STREAMS, decode, load_splits, mir_singer, mir_split, musdb_split  # noqa: E402

STEMS = ['drums', 'bass', 'other', 'vocals']


def musdb(names, out):
    def one(name):
        path = os.path.join(MUSDB_DIR, name + '.stem.mp4')
        stems = [decode(path, MUSDB_STREAMS[s]) for s in STEMS]
        n = min(x.shape[1] for x in stems)
        return np.stack([x[:, :n] for x in stems])  # [4, 2, n]
    with ThreadPoolExecutor(2) as ex:
        tracks = list(ex.map(one, names))
    np.savez(out, names=np.array(names), lengths=np.array([t.shape[2] for t in tracks]),
             audio=np.concatenate([t for t in tracks], axis=2).astype(np.float32))
    print(f'{out}: {len(names)} tracks, {sum(t.shape[2] for t in tracks) / 44100:.1f} s')


def mir(names, out):
    def one(name):
        v = decode(os.path.join(MIR_DIR, 'vocals', name + '.opus'), channels=1)[0]
        a = decode(os.path.join(MIR_DIR, 'accompaniment', name + '.opus'), channels=1)[0]
        n = min(len(v), len(a))
        return np.stack([v[:n], a[:n]])
    with ThreadPoolExecutor(2) as ex:
        clips = list(ex.map(one, names))
    np.savez(out, names=np.array(names), lengths=np.array([c.shape[1] for c in clips]),
             audio=np.concatenate(clips, axis=1).astype(np.float16))
    print(f'{out}: {len(names)} clips, {sum(c.shape[1] for c in clips) / 44100 / 60:.1f} min')


def main():
    os.makedirs(CACHE, exist_ok=True)
    val_tracks, _, val_singers = load_splits()
    train, val = musdb_split()
    mir_train, _ = mir_split()
    # Never train on validation material: asserted again here, on the exact lists written.
    assert not (set(train) & val_tracks) and len(val) == len(val_tracks)
    assert not any(mir_singer(n) in val_singers for n in mir_train)
    print(f'MUSDB train {len(train)} / val {len(val)}; MIR-1K train {len(mir_train)} clips (excluded singers: {sorted(val_singers)})')
    musdb(train, os.path.join(CACHE, 'musdb_train.npz'))
    musdb(val, os.path.join(CACHE, 'musdb_val.npz'))
    mir(mir_train, os.path.join(CACHE, 'mir_train.npz'))


if __name__ == '__main__':
    main()
