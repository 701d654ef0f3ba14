#!/usr/bin/python3
"""Copy synthesis, a prototype (session 11; not used by the plugin, the CLI or the tests): each 8 px cell of the output
shows one of K shifted copies of the exemplar's periodic component, the shifts at its strongest autocorrelation peaks
(so brick courses and plate patterns continue across cuts) plus a random shift per seed, the cells' copies chosen by
the argmax of K smooth random fields refined by a few sweeps of ICM on the seams' colour differences.
models/README.md ("Synthesis, train-your-own") has its figures against issue 3's bars and ARCHITECTURE.md what the engine
would need to ship it (the copies depend on absolute position).

usage: copy_prototype.py EXEMPLAR OUT SIZE SEED    (the shared eval's --project form:
       synth_eval.py --limit 4 --methods '' --project '/usr/bin/python3 training/copy_prototype.py {exemplar} {out} {size} {seed}')
SIZE must be a multiple of the cell (8); the output tiles exactly when SIZE is a multiple of the exemplar's side.
Since session 14 the periodic component is rounded (it was truncated) and peaks are ranked with a stable sort, as in
texlib/copysynth.py: session 11's figures came from the earlier form."""
import os, sys
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from texlib.images import read_rgb, write_png, fit_exemplar
from texlib.copysynth import periodic_component, autocorrelation_peaks   # shared with the trained model

CELL, COPIES, REGION, SEAM_WEIGHT, SWEEPS = 8, 8, 96, 2.0, 6


def seam_costs(before, after):
    """Per pair of copies (i, j) and pixel along the cut: the squared colour differences of copy i against copy j on both
    sides of it. before, after: (K, ..., 3), the copies on the two sides."""
    return (((before[:, None] - before[None]) ** 2).sum(-1) + ((after[:, None] - after[None]) ** 2).sum(-1))


def synthesize(exemplar, size, seed):
    """(size, size, 3) uint8 from an (H, W, 3) uint8 exemplar."""
    if size % CELL:
        raise ValueError(f'size {size} is not a multiple of {CELL}')
    rng = np.random.default_rng(seed)
    p = periodic_component(exemplar)
    h, w = p.shape[:2]
    shifts = (np.vstack([[0, 0], autocorrelation_peaks(p, COPIES - 1)]) + rng.integers(0, [h, w])) % [h, w]
    k = len(shifts)
    yy, xx = np.mgrid[0:size, 0:size]
    copies = np.stack([p[(yy + a) % h, (xx + b) % w] for a, b in shifts]).astype(np.float32)   # K, S, S, 3
    n = size // CELL
    # smooth random preferences per copy (regions ~REGION px), on the cell torus
    f = rng.standard_normal((k, n, n))
    sigma = REGION / CELL / 2
    fy = np.fft.fftfreq(n)[:, None]; fx = np.fft.fftfreq(n)[None, :]
    f = np.real(np.fft.ifft2(np.fft.fft2(f) * np.exp(-2 * (np.pi * sigma) ** 2 * (fx ** 2 + fy ** 2))))
    f /= f.std()
    # seam costs: right[i, j, r, c] = label i at cell (r, c) beside label j at (r, c + 1); down likewise (wrapping)
    edge = np.arange(n) * CELL + CELL
    right = seam_costs(copies[:, :, (edge - 1) % size], copies[:, :, edge % size]).reshape(k, k, n, CELL, n).sum(3)
    down = seam_costs(copies[:, (edge - 1) % size], copies[:, edge % size]).reshape(k, k, n, n, CELL).sum(4)
    scale = np.median(right[right > 0]) if (right > 0).any() else 1.0
    right /= scale; down /= scale
    label = np.argmax(f, 0)
    rr, cc = np.mgrid[0:n, 0:n]
    ks = np.arange(k)[:, None, None]
    for _ in range(SWEEPS):
        for parity in (0, 1):
            l, rt = np.roll(label, 1, 1), np.roll(label, -1, 1)
            u, dn = np.roll(label, 1, 0), np.roll(label, -1, 0)
            cost = -f + SEAM_WEIGHT * (right[ks, rt[None], rr, cc] + right[l[None], ks, rr, np.roll(cc, 1, 1)]
                                       + down[ks, dn[None], rr, cc] + down[u[None], ks, np.roll(rr, 1, 0), cc])
            label = np.where((rr + cc) % 2 == parity, np.argmin(cost, 0), label)
    per_pixel = np.kron(label, np.ones((CELL, CELL), int))
    return np.take_along_axis(copies, per_pixel[None, :, :, None].repeat(3, 3), 0)[0].astype(np.uint8)


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    exemplar, out, size, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    write_png(out, synthesize(fit_exemplar(read_rgb(exemplar), 256), size, seed))


if __name__ == '__main__':
    main()
