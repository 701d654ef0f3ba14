"""Per-channel colour curves for a trained synthesis model (the manifest's `colour_lut`).

A small generator trained for minutes gets the exemplar's colours roughly right but not their distribution (too
little contrast, missing darks). `fit` measures the model's own output over several seeds and maps each channel's
histogram onto the exemplar's by quantiles (Heeger and Bergen's histogram matching): three monotone 256-entry tables
from output byte to byte. The engine applies them where it converts the network's output to bytes, so they cost no
network time; `apply` is the same lookup for the Python tools.
"""
import numpy as np

RECIPE = 'per-channel histogram matching of the output to the exemplar (colour_lut, 3 x 256, applied to output bytes)'


def fit(sample, exemplar):
    """sample, exemplar: uint8 (H, W, 3) RGB arrays (the model's output, several seeds stacked; the exemplar).
    Returns three lists of 256 ints: for output value v of channel c, the exemplar's value at the same quantile."""
    luts = []
    for c in range(3):
        out_hist = np.bincount(sample[..., c].ravel(), minlength=256).astype(np.float64)
        cdf = (np.cumsum(out_hist) - out_hist / 2) / out_hist.sum()       # mid-rank quantile of each value
        ref = np.sort(exemplar[..., c].ravel())
        idx = np.clip(np.round(cdf * (ref.size - 1)).astype(np.int64), 0, ref.size - 1)
        lut = ref[idx].astype(np.int64)
        lut = np.maximum.accumulate(lut)                                   # monotone (it is already, by construction)
        luts.append([int(v) for v in lut])
    return luts


def apply(img, luts):
    """img: uint8 (H, W, 3) RGB; returns the looked-up copy."""
    out = img.copy()
    for c in range(3):
        out[..., c] = np.asarray(luts[c], dtype=np.uint8)[img[..., c]]
    return out


def fit_model(render, exemplar, seeds=(101, 102, 103, 104)):
    """Fits the tables to a model: `render(seed)` -> its uint8 (H, W, 3) output before any tables."""
    return fit(np.concatenate([render(s) for s in seeds], axis=0), exemplar)
