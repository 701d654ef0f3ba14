"""Metrics computed during export (the shared eval computes its own)."""
import numpy as np


def seam_ratio(img):
    """Gradient energy across the wrap-around edges over the median interior gradient (1.0 = invisible),
    the same definition as the shared eval's texmetrics.seam_ratio."""
    f = img.astype(np.float64)
    dx = np.abs(np.roll(f, -1, axis=1) - f).sum(axis=2)
    dy = np.abs(np.roll(f, -1, axis=0) - f).sum(axis=2)
    col = dx.mean(axis=0); row = dy.mean(axis=1)
    wrap = (col[-1] + row[-1]) / 2
    interior = (np.median(col[:-1]) + np.median(row[:-1])) / 2
    return float(wrap / max(interior, 1e-9))
