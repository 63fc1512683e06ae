"""Shared constants and helpers of the tcnmask training pipeline (issue 6)."""
import json
import os
import subprocess

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # repository root
DATA = os.path.normpath(os.path.join(ROOT, '..', 'shared', 'data'))
MUSDB_DIR = os.path.join(DATA, 'musdb18-7-train')
MIR_DIR = os.path.join(DATA, 'mir-1k')
CACHE = os.path.join(ROOT, 'training', 'cache')
RUNS = os.path.join(ROOT, 'training', 'runs')
FFMPEG = os.path.join(ROOT, 'node_modules', '@ffmpeg-installer', 'linux-x64', 'ffmpeg')

SAMPLE_RATE = 44100
N_FFT = 2048
HOP = 512
BINS = N_FFT // 2 + 1
MUSDB_STREAMS = {'mixture': 0, 'drums': 1, 'bass': 2, 'other': 3, 'vocals': 4}


def load_splits():
    with open(os.path.join(ROOT, 'eval', 'splits.json')) as f:
        s = json.load(f)
    return set(s['musdb18']['validationTracks']), set(s['musdb18']['validationArtists']), set(s['mir1k']['validationSingers'])


def musdb_tracks():
    return sorted(f[: -len('.stem.mp4')] for f in os.listdir(MUSDB_DIR) if f.endswith('.stem.mp4'))


def musdb_split():
    """(train, validation) track names; validation = every track of eval/splits.json (by artist)."""
    val_tracks, val_artists, _ = load_splits()
    train, val = [], []
    for t in musdb_tracks():
        artist = t.split(' - ')[0]
        is_val = t in val_tracks or artist in val_artists
        (val if is_val else train).append(t)
    assert set(val) == val_tracks, f'validation tracks missing from the data: {sorted(val_tracks - set(val))}'
    assert not (set(train) & val_tracks)
    assert not ({t.split(' - ')[0] for t in train} & val_artists)
    return train, val


def mir_singer(name):
    return name.split('_')[0]


def mir_split():
    _, _, val_singers = load_splits()
    names = sorted(f[:-5] for f in os.listdir(os.path.join(MIR_DIR, 'vocals')) if f.endswith('.opus'))
    train = [n for n in names if mir_singer(n) not in val_singers]
    val = [n for n in names if mir_singer(n) in val_singers]
    assert not ({mir_singer(n) for n in train} & val_singers)
    return train, val


def decode(path, stream=None, channels=2, rate=SAMPLE_RATE):
    """Decodes one audio stream to float32 [channels, samples] with the project's ffmpeg."""
    args = [FFMPEG, '-v', 'error', '-i', path]
    if stream is not None:
        args += ['-map', f'0:a:{stream}']
    args += ['-ac', str(channels), '-ar', str(rate), '-f', 'f32le', '-']
    raw = subprocess.run(args, check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, channels).T.copy()
