"""Losses: deep-feature (ResNet18) perceptual and sliced-Wasserstein texture losses, pixel statistics
(colour-patch SWD, colour histogram, downsampled L1 to the exemplar's statistics), and a small
patch discriminator for the adversarial terms."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from . import featurenet
from .nets import conv


def _unit_features(a, b, upto):
    """Pairs of channel-unit-normalised ResNet18 features (relu1 .. stage upto) of a and b."""
    unit = lambda f: f / (f.norm(dim=1, keepdim=True) + 1e-6)
    return [(unit(x), unit(y)) for x, y in zip(featurenet.features(a, upto), featurenet.features(b, upto))]


def perceptual(a, b, upto=2):
    """Mean L1 between unit-normalised ResNet18 features (relu1, layer1, layer2)."""
    pairs = _unit_features(a, b, upto)
    return sum((x - y).abs().mean() * x.shape[1] ** 0.5 for x, y in pairs) / len(pairs)


def lpips_like(a, b, upto=3):
    """The shared eval's deep perceptual distance as a loss: unit-normalised ResNet18 features, squared
    difference summed over channels, mean over positions, averaged over relu1 .. layer3."""
    pairs = _unit_features(a, b, upto)
    return sum(((x - y) ** 2).sum(dim=1).mean() for x, y in pairs) / len(pairs)


def _sorted_proj(x, proj):
    return torch.sort(x @ proj, dim=0)[0]


def swd_to_target(feats, target_sorted, projs):
    """feats: list of (N,C,H,W); target_sorted: list of (M,P) sorted projections of the exemplar;
    each layer's generated projections are matched to the target's by quantile."""
    total = 0.0
    for f, ts, p in zip(feats, target_sorted, projs):
        c = f.shape[1]
        x = f.permute(0, 2, 3, 1).reshape(-1, c)
        px = _sorted_proj(x, p)
        n = px.shape[0]
        idx = torch.linspace(0, ts.shape[0] - 1, n).round().long()
        total = total + ((px - ts[idx]) ** 2).mean()
    return total


def random_projections(dims, count, generator):
    out = []
    for c in dims:
        p = torch.randn(c, count, generator=generator)
        out.append(p / p.norm(dim=0, keepdim=True))
    return out


def colour_patches(x, patch=5, scales=(1, 2)):
    """(N,3,H,W) in [-1,1] -> list per scale of (positions, 3*patch*patch) in [0,1]."""
    out = []
    for s in scales:
        y = (x + 1) * 0.5
        if s > 1:
            y = F.avg_pool2d(y, s)
        out.append(F.unfold(y, patch).permute(0, 2, 1).reshape(-1, 3 * patch * patch))
    return out


def soft_histogram(x, bins=32, sigma=0.04):
    """(N,3,H,W) in [-1,1] -> (3, bins) differentiable colour histogram of values in [0,1]."""
    v = ((x + 1) * 0.5).permute(1, 0, 2, 3).reshape(3, -1)
    if v.shape[1] > 4096:
        v = v[:, torch.randperm(v.shape[1])[:4096]]
    centres = torch.linspace(0, 1, bins)
    w = torch.exp(-((v[:, :, None] - centres[None, None]) ** 2) / (2 * sigma ** 2))
    h = w.sum(dim=1)
    return h / h.sum(dim=1, keepdim=True)


class PatchDiscriminator(nn.Module):
    """Small circular-padded patch discriminator (receptive field about 34 px)."""
    def __init__(self, width=32):
        super().__init__()
        self.net = nn.Sequential(
            conv(3, width, stride=2), nn.LeakyReLU(0.2),
            conv(width, width * 2, stride=2), nn.LeakyReLU(0.2),
            conv(width * 2, width * 2, stride=2), nn.LeakyReLU(0.2),
            conv(width * 2, 1))

    def forward(self, x):
        return self.net(x)
