"""The offset guide for repair (statistics of patch offsets, after He and Sun, ECCV 2012), the reference for
Core/Repair/OffsetGuide (C#).

1. Offset statistics. Over the known pixels, the mean squared RGB difference between the image and itself
   shifted by d, for every offset d (wrap-around): SSD(d) = sum_p k(p) k(p+d) |I(p) - I(p+d)|^2 / sum_p k(p) k(p+d),
   k = 1 on intact pixels. Computed on the s x s block means of fully intact blocks (s = `scale`), at every block
   offset. The K lowest local minima (3x3, wrap) at chessboard distance >= `min_offset` blocks are the candidates,
   each refined at full resolution to the best of the (2s-1)^2 pixel offsets around it (same SSD, intact pixels,
   stride `refine_stride`).
2. Labelling. The image is cut into c x c cells (c = `cell`); a cell with any damaged pixel is a variable, whose
   label is one of the K offsets. Its data cost is the squared difference between the copy and the truth on the
   intact pixels of the cell grown by `rim` px, plus `invalid` per damaged pixel whose source is damaged.
   The pairwise cost between two neighbouring variable cells with different labels i, j is the squared
   difference of the two copies on the two pixel lines along their shared edge. Cells are labelled ring by
   ring (chessboard distance to the intact cells, row-major inside a ring), each taking the label of least cost
   given the labelled neighbours, then `sweeps` sweeps in the same order re-choose with all neighbours (ICM).
   Ties go to the lower label.
3. Composite: a damaged pixel takes I(p + d) of its cell's label.
"""
import numpy as np

INVALID = 3 * 255.0 ** 2


def _block_means(img, known, s):
    h, w, _ = img.shape
    blocks_known = known.reshape(h // s, s, w // s, s).all(axis=(1, 3))
    means = img.reshape(h // s, s, w // s, s, 3).mean(axis=(1, 3))
    return means, blocks_known


def offset_ssd(img, known):
    """SSD(d) for every wrap-around offset d of (h, w, 3) float64 `img` over boolean `known`; (h, w), inf where
    no pair is known. FFT correlations: sum k k' (|a|^2 + |b|^2 - 2 a.b)."""
    k = known.astype(np.float64)
    F = np.fft.rfft2
    iF = lambda x: np.fft.irfft2(x, s=known.shape)
    fk = F(k)
    corr = lambda a, b: iF(np.conj(F(a)) * F(b))   # corr[d] = sum_p a(p) b(p + d)
    count = corr(k, k)
    sq = (img ** 2).sum(axis=2) * k
    num = corr(sq, k) + corr(k, sq)
    for c in range(3):
        num -= 2 * corr(img[:, :, c] * k, img[:, :, c] * k)
    count = np.round(count)
    out = np.full(known.shape, np.inf)
    ok = count >= 0.25 * k.sum()
    out[ok] = np.maximum(num[ok], 0) / count[ok]
    return out


def candidate_offsets(img, known, K=16, scale=4, min_offset=2, refine_stride=2):
    """-> list of (dy, dx) pixel offsets, best first."""
    h, w, _ = img.shape
    means, bk = _block_means(img, known, scale)
    ssd = offset_ssd(means, bk)
    lh, lw = ssd.shape
    ys, xs = np.meshgrid(np.arange(lh), np.arange(lw), indexing='ij')
    cy = np.minimum(ys, lh - ys); cx = np.minimum(xs, lw - xs)
    far = np.maximum(cy, cx) >= min_offset
    nb = np.min([np.roll(ssd, (a, b), (0, 1)) for a in (-1, 0, 1) for b in (-1, 0, 1) if a or b], axis=0)
    minima = far & np.isfinite(ssd) & (ssd <= nb)
    idx = np.flatnonzero(minima.ravel())
    idx = idx[np.lexsort((idx, ssd.ravel()[idx]))][:K]
    out = []
    kf = known.astype(np.float64)
    sub = (slice(None, None, refine_stride), slice(None, None, refine_stride))
    for i in idx:
        by, bx = divmod(int(i), lw)
        best = None
        for ry in range(-scale + 1, scale):
            for rx in range(-scale + 1, scale):
                dy, dx = by * scale + ry, bx * scale + rx
                sh = np.roll(img, (-dy, -dx), (0, 1)); shk = np.roll(kf, (-dy, -dx), (0, 1))
                m = (kf * shk)[sub]
                n = m.sum()
                if n == 0:
                    continue
                e = float((((img - sh)[sub] ** 2).sum(axis=2) * m).sum() / n)
                if best is None or e < best[0]:
                    best = (e, dy % h, dx % w)
        if best is not None and (best[1], best[2]) not in [(o[0], o[1]) for o in out]:
            out.append((best[1], best[2]))
    return out


def label_cells(img, known, offsets, cell=8, rim=2, sweeps=2):
    """-> labels (h/cell, w/cell) int, -1 for intact cells (and variables without any offset)."""
    h, w, _ = img.shape
    ch, cw = h // cell, w // cell
    K = len(offsets)
    shifted = [np.roll(img, (-dy, -dx), (0, 1)) for dy, dx in offsets]          # value at p + d
    src_ok = [np.roll(known, (-dy, -dx), (0, 1)) for dy, dx in offsets]
    var = ~known.reshape(ch, cell, cw, cell).all(axis=(1, 3))
    labels = np.full((ch, cw), -1)
    if K == 0 or not var.any():
        return labels
    err = [((s - img) ** 2).sum(axis=2) for s in shifted]
    data = np.zeros((ch, cw, K))
    for cy, cx in zip(*np.nonzero(var)):
        ys = np.arange(cy * cell - rim, cy * cell + cell + rim) % h
        xs = np.arange(cx * cell - rim, cx * cell + cell + rim) % w
        ic = np.arange(cy * cell, cy * cell + cell); jc = np.arange(cx * cell, cx * cell + cell)
        kn = known[np.ix_(ys, xs)]
        for k in range(K):
            ok = src_ok[k][np.ix_(ys, xs)]
            e = err[k][np.ix_(ys, xs)]
            cost = (e * (kn & ok)).sum() + INVALID * (kn & ~ok).sum()
            dmg = ~known[np.ix_(ic, jc)]
            cost += INVALID * (dmg & ~src_ok[k][np.ix_(ic, jc)]).sum()
            data[cy, cx, k] = cost

    def pair(ay, ax, by, bx, i, j):
        """cost of cell a with label i next to cell b with label j (4-neighbours)."""
        if i == j:
            return 0.0
        if ay == by:   # horizontal neighbours: a left of b when bx == ax + 1 (wrap)
            left = ax if (ax + 1) % cw == bx else bx
            cols = [(left * cell + cell - 1) % w, (left * cell + cell) % w]
            ys = np.arange(ay * cell, ay * cell + cell)
            sel = np.ix_(ys, cols)
        else:
            top = ay if (ay + 1) % ch == by else by
            rows = [(top * cell + cell - 1) % h, (top * cell + cell) % h]
            xs = np.arange(ax * cell, ax * cell + cell)
            sel = np.ix_(rows, xs)
        a, b = shifted[i][sel], shifted[j][sel]
        bad = ~(src_ok[i][sel] & src_ok[j][sel])
        return float((((a - b) ** 2).sum(axis=-1) * ~bad).sum() + INVALID * bad.sum())

    # rings of chessboard distance to the intact cells (wrap)
    ring = np.where(var, -1, 0)
    r = 0
    while (ring < 0).any():
        r += 1
        prev = ring == r - 1
        grow = np.zeros_like(prev)
        for a in (-1, 0, 1):
            for b in (-1, 0, 1):
                grow |= np.roll(prev, (a, b), (0, 1))
        ring[(ring < 0) & grow] = r
        if r > ch + cw:
            ring[ring < 0] = r
    order = sorted(zip(*np.nonzero(var)), key=lambda t: (ring[t], t[0], t[1]))

    def choose(cy, cx):
        best, bl = None, -1
        nbs = [((cy - 1) % ch, cx), ((cy + 1) % ch, cx), (cy, (cx - 1) % cw), (cy, (cx + 1) % cw)]
        for k in range(K):
            c = data[cy, cx, k]
            for ny, nx in nbs:
                if var[ny, nx] and labels[ny, nx] >= 0:
                    c += pair(cy, cx, ny, nx, k, labels[ny, nx])
            if best is None or c < best:
                best, bl = c, k
        return bl

    for cy, cx in order:
        labels[cy, cx] = choose(cy, cx)
    for _ in range(sweeps):
        for cy, cx in order:
            labels[cy, cx] = choose(cy, cx)
    return labels


def offset_guide(image, mask, K=16, cell=8, scale=4, rim=2, sweeps=2, fallback=None, return_labels=False, feather=0):
    """image (H,W,3) uint8, mask nonzero = damaged -> (H,W,3) uint8: damaged pixels copied along their cell's
    offset; cells without a usable offset (or pixels whose source is damaged) take `fallback` (H,W,3) if given."""
    img = image.astype(np.float64)
    known = np.asarray(mask) == 0
    out = image.copy()
    if known.all():
        return out
    offs = candidate_offsets(img, known, K=K, scale=scale)
    labels = label_cells(img, known, offs, cell=cell, rim=rim, sweeps=sweeps)
    h, w = known.shape
    yy, xx = np.mgrid[0:h, 0:w]
    lab = np.kron(labels, np.ones((cell, cell), int)).astype(int)
    dmg = ~known
    for k, (dy, dx) in enumerate(offs):
        sel = dmg & (lab == k)
        sy, sx = (yy[sel] + dy) % h, (xx[sel] + dx) % w
        out[sel] = image[sy, sx]
        bad = sel.copy(); bad[sel] = ~known[sy, sx]
        if fallback is not None:
            out[bad] = fallback[bad]
    rest = dmg & (lab < 0)
    if fallback is not None:
        out[rest] = fallback[rest]
    if feather and len(offs):
        import cv2
        lab_px = np.where(dmg, lab, -1)
        acc = np.zeros((h, w, 3)); wsum = np.zeros((h, w))
        used = sorted(set(np.unique(lab_px)) - {-1})
        for k in used:
            onehot = (lab_px == k).astype(np.float64)
            wk = cv2.blur(onehot, (2 * feather + 1, 2 * feather + 1), borderType=cv2.BORDER_WRAP if False else cv2.BORDER_REFLECT)
            dy, dx = offs[k]
            src = np.roll(image, (-dy, -dx), (0, 1)).astype(np.float64)
            ok = np.roll(known, (-dy, -dx), (0, 1))
            wk = wk * ok
            acc += wk[:, :, None] * src; wsum += wk
        sel = dmg & (wsum > 0) & (lab >= 0)
        out[sel] = np.clip(acc[sel] / wsum[sel][:, None] + 0.5, 0, 255).astype(np.uint8)
    return (out, labels, offs) if return_labels else out


def extended_copy(image, mask, K=16, cell=8, scale=4, rim=2, sweeps=2, fallback=None):
    """The offset copy over the damage and its 1 px rim: a rim pixel takes the copy of the damaged 4-neighbour
    cell first in the order up, down, left, right."""
    out, labels, offs = offset_guide(image, mask, K, cell, scale, rim, sweeps, fallback, return_labels=True)
    h, w = out.shape[:2]
    dmg = np.asarray(mask) != 0
    lab = np.kron(labels, np.ones((cell, cell), int)).astype(int)
    res = out.copy()
    for y, x in zip(*np.nonzero(~dmg)):
        for ny, nx in (((y - 1) % h, x), ((y + 1) % h, x), (y, (x - 1) % w), (y, (x + 1) % w)):
            if dmg[ny, nx]:
                k = lab[ny, nx]
                if k >= 0:
                    dy, dx = offs[k]
                    res[y, x] = image[(y + dy) % h, (x + dx) % w]
                break
    return res
