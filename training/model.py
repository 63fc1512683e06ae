"""tcnmask: a compact mask-estimation network on STFT magnitudes (2048/512, 44.1 kHz).

Input  `mag`  [N, 2, 1025, T]: |STFT| of the stereo mixture (periodic Hann 2048, hop 512, centred,
       unnormalised, as src/audio/dsp/stft.ts computes it).
Output, 2-stem model (stems=1): `vocals_mask` [N, 2, 1025, T] in [0, 1]: vocals = mask * X,
       accompaniment = (1 - mask) * X.
Output, 4-stem model (stems=4): `masks` [N, 4, 2, 1025, T], softmax over the stem axis (vocals, drums,
       bass, other), so the four stems always add up to the mixture.

Encoder: log1p of bins 0..IN_BINS-1 (0-11 kHz) of both channels -> 1x1 conv to H -> (BN) -> ReLU;
temporal model: 8 residual dilated conv blocks (kernel 3, dilations 1..32, 4, 16: +-83 frames = +-1 s
of context), a non-recurrent design because it trains fast on one CPU core and runs in one ORT call;
decoder: 1x1 conv of [h, h0] to stems x 2 x 1025 full-resolution mask logits.

norm=False replaces BatchNorm by identity: the shape of a model exported from a BN model (ONNX export
folds BN into the convolutions), so such a model can be fine-tuned from its exported weights
(train.py --init-onnx).
"""
import torch
from torch import nn

BINS = 1025
IN_BINS = 512
DILATIONS = (1, 2, 4, 8, 16, 32, 4, 16)
STEM_NAMES = ('vocals', 'drums', 'bass', 'other')


def norm_layer(h, norm):
    return nn.BatchNorm1d(h) if norm else nn.Identity()


class Block(nn.Module):
    def __init__(self, h, dilation, norm=True):
        super().__init__()
        self.conv = nn.Conv1d(h, h, 3, padding=dilation, dilation=dilation)
        self.bn = norm_layer(h, norm)
        self.pw = nn.Conv1d(h, h, 1)
        self.bn2 = norm_layer(h, norm)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return torch.relu(x + self.bn2(self.pw(y)))


class TcnMask(nn.Module):
    def __init__(self, hidden=128, dilations=DILATIONS, stems=1, norm=True):
        super().__init__()
        self.hidden = hidden
        self.dilations = tuple(dilations)
        self.stems = stems
        self.norm = norm
        self.inp = nn.Conv1d(2 * IN_BINS, hidden, 1)
        self.inp_bn = norm_layer(hidden, norm)
        self.blocks = nn.ModuleList(Block(hidden, d, norm) for d in dilations)
        self.out = nn.Conv1d(2 * hidden, stems * 2 * BINS, 1)

    def forward(self, mag):
        n, c, f, t = mag.shape
        x = torch.log1p(mag[:, :, :IN_BINS, :]).reshape(n, c * IN_BINS, t)
        h0 = torch.relu(self.inp_bn(self.inp(x)))
        h = h0
        for b in self.blocks:
            h = b(h)
        logits = self.out(torch.cat([h, h0], dim=1))
        if self.stems == 1:
            return torch.sigmoid(logits).reshape(n, 2, BINS, t)
        return torch.softmax(logits.reshape(n, self.stems, 2, BINS, t), dim=1)


def load_onnx_weights(model, path):
    """Loads an exported 2-stem BN-folded tcnmask ONNX (Conv initializers in graph order) into a norm=False
    model. A 4-stem model gets the vocals head from the 2-stem head: softmax([l, a, a, a]) with a = -log 3
    gives exactly sigmoid(l) for vocals, so the warm-started model starts where the 2-stem one ended.
    An exported 4-stem model (models/tcnmask4.onnx) loads as is: training runs are not committed, so
    this is how a later session continues from the committed model."""
    import math
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in m.graph.initializer}
    convs = [n for n in m.graph.node if n.op_type == 'Conv']
    ours = [model.inp] + [c for b in model.blocks for c in (b.conv, b.pw)] + [model.out]
    assert len(convs) == len(ours), f'{len(convs)} Conv nodes in {path}, model has {len(ours)}'
    with torch.no_grad():
        for node, conv in zip(convs, ours):
            w, b = inits[node.input[1]], inits[node.input[2]]
            if conv is model.out and model.stems > 1 and w.shape[0] != conv.weight.shape[0]:
                conv.weight.mul_(0.01)
                conv.bias.fill_(-math.log(model.stems - 1))
                conv.weight[:2 * BINS] = w
                conv.bias[:2 * BINS] = b
            else:
                assert conv.weight.shape == w.shape, (conv.weight.shape, w.shape)
                conv.weight.copy_(w)
                conv.bias.copy_(b)
