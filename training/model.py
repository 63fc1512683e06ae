"""tcnmask: a compact mask-estimation network on STFT magnitudes (2048/512, 44.1 kHz).

Input  `mag`  [N, 2, 1025, T]: |STFT| of the stereo mixture (periodic Hann 2048, hop 512, centred,
       unnormalised, as src/audio/dsp/stft.ts computes it).
Output `vocals_mask` [N, 2, 1025, T] in [0, 1]: vocals = mask * X, accompaniment = (1 - mask) * X.

Encoder: log1p of bins 0..IN_BINS-1 (0-11 kHz) of both channels -> 1x1 conv to H -> BN -> ReLU;
temporal model: 8 residual dilated conv blocks (kernel 3, dilations 1..32, 4, 16: +-103 frames = +-1.2 s
of context), a non-recurrent design because it trains fast on one CPU core and runs in one ORT call;
decoder: 1x1 conv of [h, h0] to 2 x 1025 full-resolution mask logits -> sigmoid.
"""
import torch
from torch import nn

BINS = 1025
IN_BINS = 512
DILATIONS = (1, 2, 4, 8, 16, 32, 4, 16)


class Block(nn.Module):
    def __init__(self, h, dilation):
        super().__init__()
        self.conv = nn.Conv1d(h, h, 3, padding=dilation, dilation=dilation)
        self.bn = nn.BatchNorm1d(h)
        self.pw = nn.Conv1d(h, h, 1)
        self.bn2 = nn.BatchNorm1d(h)

    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return torch.relu(x + self.bn2(self.pw(y)))


class TcnMask(nn.Module):
    def __init__(self, hidden=128, dilations=DILATIONS):
        super().__init__()
        self.hidden = hidden
        self.dilations = tuple(dilations)
        self.inp = nn.Conv1d(2 * IN_BINS, hidden, 1)
        self.inp_bn = nn.BatchNorm1d(hidden)
        self.blocks = nn.ModuleList(Block(hidden, d) for d in dilations)
        self.out = nn.Conv1d(2 * hidden, 2 * BINS, 1)

    def forward(self, mag):
        n, c, f, t = mag.shape
        x = torch.log1p(mag[:, :, :IN_BINS, :]).reshape(n, c * IN_BINS, t)
        h0 = torch.relu(self.inp_bn(self.inp(x)))
        h = h0
        for b in self.blocks:
            h = b(h)
        logits = self.out(torch.cat([h, h0], dim=1))
        return torch.sigmoid(logits).reshape(n, 2, BINS, t)
