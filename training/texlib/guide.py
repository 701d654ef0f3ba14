"""The coarse copy guide for repair, exactly as ARCHITECTURE.md specifies (Core/Repair implements the
same in C#; tests/fixtures/guide holds the parity triples).

Units and arithmetic (so that both implementations agree): pixel values are the 8-bit values 0..255;
block means, the low-res image L and every distance are computed in float64; the distance sums run
over offsets dy = -r..r (outer), dx = -r..r (inner), channels R, G, B; chessboard distances wrap
around both axes; the 'no sources' fallback colour is the per-channel mean of the intact pixels
rounded half to even (128 grey when nothing is intact). The output is 8-bit like the input.
"""
import numpy as np
import torch
import torch.nn.functional as F


def _low_res(img, mask, s):
    """img: (3,H,W) float64 0..255, mask: (H,W) bool damaged -> L (3,h,w), D (h,w) bool damaged."""
    c, h, w = img.shape
    ok = (~mask).to(img.dtype)
    sums = (img * ok).reshape(c, h // s, s, w // s, s).sum(dim=(2, 4))
    cnt = ok.reshape(h // s, s, w // s, s).sum(dim=(1, 3))
    low = torch.where(cnt > 0, sums / cnt.clamp(min=1), torch.zeros_like(sums))
    dmg = mask.reshape(h // s, s, w // s, s).any(dim=3).any(dim=1)
    return low, dmg


def _neigh(x, r):
    """x: (C,h,w) -> (C, (2r+1)^2, h, w), offsets in order dy outer, dx inner, circular."""
    outs = []
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            outs.append(torch.roll(x, shifts=(-dy, -dx), dims=(1, 2)))  # value at (y+dy, x+dx)
    return torch.stack(outs, dim=1)


def _dilate(known):
    """Chessboard (8-neighbour) dilation with wrap-around."""
    k = known.clone()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            k |= torch.roll(known, shifts=(dy, dx), dims=(0, 1))
    return k


def coarse_copy_guide(image, mask, scale=4, patch=5, exact=False, chunk=32):
    """image: (H,W,3) uint8 numpy RGB, mask: (H,W) numpy, nonzero = damaged. H, W multiples of scale.
    Returns the guide as (H,W,3) uint8. exact=True sums the squared differences term by term like the
    specification (slow; the fixtures use it); the default expands them into matrix products, which can
    only differ from it on candidates whose costs tie to within float64 rounding."""
    h, w = mask.shape
    if h % scale or w % scale:
        raise ValueError(f'guide: image {w}x{h} is not a multiple of the guide scale {scale}')
    img = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1).to(torch.float64)
    m = torch.from_numpy(np.ascontiguousarray(mask) != 0)
    out = img.clone()
    if not bool(m.any()):
        return image.copy()
    s, r = scale, patch // 2
    low, dmg = _low_res(img, m, s)
    lh, lw = dmg.shape
    intact_n = _neigh((~dmg)[None].to(torch.float64), r)[0]          # (P, lh, lw)
    is_src = intact_n.sum(dim=0) == (2 * r + 1) ** 2
    if not bool(is_src.any()):
        ok = ~m
        if bool(ok.any()):
            mean = img[:, ok].mean(dim=1)
            fill = torch.round(mean)   # torch.round is half to even
        else:
            fill = torch.full((3,), 128.0, dtype=torch.float64)
        out[:, m] = fill[:, None]
        return out.permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()
    src_idx = torch.nonzero(is_src.flatten()).flatten()               # row-major order
    src_vals = _neigh(low, r).reshape(3, (2 * r + 1) ** 2, lh * lw)[:, :, src_idx]   # (3,P,S)
    src_vals = src_vals.permute(2, 1, 0).contiguous()                 # (S,P,3)
    known = ~dmg
    L = low.clone()
    choice = torch.full((lh * lw,), -1, dtype=torch.long)
    while not bool(known.all()):
        ring = _dilate(known) & ~known
        t_idx = torch.nonzero(ring.flatten()).flatten()
        nv = _neigh(L, r).reshape(3, -1, lh * lw)[:, :, t_idx].permute(2, 1, 0)       # (T,P,3)
        nk = _neigh(known[None].to(torch.float64), r).reshape(-1, lh * lw)[:, t_idx].T  # (T,P)
        best = torch.empty(len(t_idx), dtype=torch.long)
        if exact:
            for a in range(0, len(t_idx), chunk):
                v = nv[a:a + chunk]; k = nk[a:a + chunk]
                d = ((v[:, None] - src_vals[None]) ** 2).sum(dim=3)      # (t,S,P)
                cost = (d * k[:, None]).sum(dim=2) / k.sum(dim=1, keepdim=True)
                best[a:a + chunk] = torch.argmin(cost, dim=1)             # first minimum = lowest row-major q
        else:
            kv = (nv * nk[:, :, None]).reshape(len(t_idx), -1)            # (T,P*3)
            cost = ((nv ** 2).sum(dim=2) * nk).sum(dim=1, keepdim=True) \
                - 2 * kv @ src_vals.reshape(len(src_idx), -1).T + nk @ (src_vals ** 2).sum(dim=2).T
            cost = cost / nk.sum(dim=1, keepdim=True)
            best = torch.argmin(cost, dim=1)
        q = src_idx[best]
        choice[t_idx] = q
        Lf = L.reshape(3, -1)
        Lf[:, t_idx] = Lf[:, q]
        L = Lf.reshape(3, lh, lw)
        known = known | ring
    # full resolution copy
    ys, xs = torch.nonzero(m, as_tuple=True)
    t = (ys // s) * lw + (xs // s)
    q = choice[t]
    qy, qx = q // lw, q % lw
    sy = (ys + s * (qy - ys // s)) % h
    sx = (xs + s * (qx - xs // s)) % w
    out[:, ys, xs] = img[:, sy, sx]
    return out.permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()
