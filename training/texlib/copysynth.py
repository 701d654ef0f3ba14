"""Copy synthesis (train_synth.py --method copy, the default of `texplug train` since session 14): a generator from
noise that chooses, for every 8x8 cell of the output, one of K shifted copies of the exemplar's periodic component.

The shifts are the exemplar's strongest autocorrelation peaks (its near-periods: brick courses and plate patterns
continue across a cut) and 0, rounded to multiples of 4 px (ALIGN). The choice is a network:
  unary   F = bilinear x8 of the noise (K channels on a 64 px lattice): smooth random preferences, regions ~64 px;
  seams   D[a, b] between copies a and b at each cell boundary: squared colour differences on both sides of the cut;
  selector ITERATIONS rounds of  L = tau F - w_t (sum over the 4 neighbours of D p_neighbour) + g([p, cell colours]),
          p = softmax(beta L), g a small circular-padded CNN (shared by the rounds); the label is argmax L.
Trained on the seam energy of the ICM prototype (copy_prototype.py) of its hard labels, straight through to the soft
ones, with the seed recipe's optimiser (Adam lr 2e-4, beta1 0.5); the seed's adversarial term (a patch discriminator on
the composed texture, L_GAN) is an option (gan=) that measured worse within a minute (models/README.md).
The copies depend on absolute position, so the graph takes the window's origin (role "origin", [1, 2, 1, 1]: x, y in
texture pixels, multiples of the 8 px cell) beside the noise; the output is exemplar pixels, bit for bit.
Sizes must be multiples of the period S (the exemplar, cropped square and resampled to 64, 128 or 256 px); then the
output tiles exactly (the copies, the noise and every padding wrap at the texture size)."""
import copy, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from .nets import circular_pad, conv, up2, count_params
from .losses import PatchDiscriminator

CELL = 8            # output pixels per selection cell
NOISE_CELL = 64     # output pixels per noise lattice point
COPIES = 8
ITERATIONS = 4
SEAM_WEIGHT = 2.0   # the ICM prototype's
RECEPTIVE_FIELD = 192
ALIGN = 4           # shifts are multiples of this: a copy's 2x2 and 4x4 block means are the exemplar's own (its half
                    # and quarter resolution), not resampled at another phase (models/README.md: coherence)


def periodic_component(u):
    """Moisan's periodic + smooth decomposition: the periodic part of an (H, W, 3) image, as uint8."""
    u = u.astype(np.float64)
    h, w = u.shape[:2]
    v = np.zeros_like(u)
    v[0] += u[-1] - u[0]; v[-1] += u[0] - u[-1]
    v[:, 0] += u[:, -1] - u[:, 0]; v[:, -1] += u[:, 0] - u[:, -1]
    q = np.arange(h)[:, None]; r = np.arange(w)[None, :]
    den = 2 * np.cos(2 * np.pi * q / h) + 2 * np.cos(2 * np.pi * r / w) - 4
    den[0, 0] = 1
    out = np.empty_like(u)
    for c in range(u.shape[2]):
        s = np.fft.fft2(v[..., c]) / den
        s[0, 0] = 0
        out[..., c] = u[..., c] - np.real(np.fft.ifft2(s))
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def autocorrelation_peaks(p, count, exclude=24):
    """The `count` strongest autocorrelation peaks (dy, dx) of the grey image, at least `exclude` px from (0, 0) on some
    axis and exclude / 2 px apart on some axis."""
    g = p.astype(np.float64).mean(2)
    g -= g.mean()
    f = np.fft.fft2(g)
    ac = np.real(np.fft.ifft2(f * np.conj(f)))
    h, w = g.shape
    y, x = np.mgrid[0:h, 0:w]
    ac[(np.minimum(y, h - y) < exclude) & (np.minimum(x, w - x) < exclude)] = -np.inf
    near = lambda a, b, n: min(abs(a - b) % n, n - abs(a - b) % n) < exclude // 2
    out = []
    for i in np.argsort(ac.ravel(), kind='stable')[::-1]:
        dy, dx = divmod(int(i), w)
        if not any(near(dy, py, h) and near(dx, px, w) for py, px in out):
            out.append((dy, dx))
        if len(out) == count:
            break
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def aligned(shifts, s, align=ALIGN):
    """The shifts rounded to multiples of `align` (mod s), each distinct: a shift that rounds onto an earlier one moves
    on by `align` along x until it is free."""
    out = []
    for dy, dx in np.asarray(shifts, dtype=np.int64).reshape(-1, 2):
        dy, dx = int(round(dy / align)) * align % s, int(round(dx / align)) * align % s
        while (dy, dx) in out:
            dx = (dx + align) % s
        out.append((dy, dx))
    return np.array(out, dtype=np.int64)


def square_period(rgb):
    """The exemplar as one period: the centred square crop, resampled (area, or cubic when enlarging) to the largest of
    256, 128, 64 px that its side reaches (64 at least)."""
    import cv2
    h, w = rgb.shape[:2]
    s = min(h, w)
    y0, x0 = (h - s) // 2, (w - s) // 2
    sq = rgb[y0:y0 + s, x0:x0 + s]
    side = max([p for p in (256, 128, 64) if p <= s] or [64])
    if side != s:
        sq = cv2.resize(sq, (side, side), interpolation=cv2.INTER_AREA if side < s else cv2.INTER_CUBIC)
    return np.ascontiguousarray(sq)


class CopySynthNet(nn.Module):
    """(noise [1, K, H/64, W/64], origin [1, 2, 1, 1]) -> image [1, 3, H, W] in [-1, 1]. See the module's comment."""

    def __init__(self, exemplar_rgb, copies=COPIES, width=16, iterations=ITERATIONS, cut_cost=0.0):
        super().__init__()
        period = periodic_component(square_period(exemplar_rgb))
        s = period.shape[0]
        self.period_side = s
        self.copies = copies
        self.iterations = iterations
        self.noise_channels = copies
        self.cell = NOISE_CELL
        shifts = np.vstack([[0, 0], autocorrelation_peaks(period, copies - 1, exclude=max(8, s // 10))])
        if len(shifts) < copies:   # a flat exemplar has few peaks: fill with spread shifts
            extra = [((i * 97) % s, (i * 61) % s) for i in range(1, copies - len(shifts) + 1)]
            shifts = np.vstack([shifts, extra])
        shifts = aligned(shifts, s)
        p = torch.from_numpy(period.astype(np.float32) / 127.5 - 1).permute(2, 0, 1).contiguous()   # 3, S, S
        self.register_buffer('P', p.reshape(3, s * s).contiguous())
        # cell colour of a copy: the mean of the 8x8 block whose top-left is the pixel (wrapping), precomputed
        box = torch.cat([p, p[:, :CELL - 1]], 1)
        box = torch.cat([box, box[:, :, :CELL - 1]], 2)
        box = F.avg_pool2d(box[None], CELL, stride=1)[0]                              # 3, S, S
        self.register_buffer('B', box.reshape(3, s * s).contiguous())
        self.register_buffer('sy', torch.tensor(shifts[:, 0], dtype=torch.long))
        self.register_buffer('sx', torch.tensor(shifts[:, 1], dtype=torch.long))
        self.shifts = shifts
        self.log_tau = nn.Parameter(torch.zeros(()))
        self.log_beta = nn.Parameter(torch.tensor(math.log(3.0)))
        self.w = nn.Parameter(torch.full((iterations,), SEAM_WEIGHT))
        self.g = nn.Sequential(conv(copies * 4, width), nn.LeakyReLU(0.2), conv(width, width), nn.LeakyReLU(0.2),
                               conv(width, copies))
        nn.init.zeros_(self.g[-1].weight); nn.init.zeros_(self.g[-1].bias)
        with torch.no_grad():
            # the seam costs of every pair of copies at every cell boundary of the period, so a run only looks them up
            # (origins are multiples of the cell: the engine's windows start on the noise lattice)
            dr, dd = self.seams(torch.tensor(0), torch.tensor(0), s // CELL, s // CELL)
            d = torch.cat([dr.reshape(-1), dd.reshape(-1)])
            d = d[d > 1e-6]
            scale = float(d.median()) if d.numel() else 1.0   # the tables below are in units of the median cut
        # per period cell, [K, 4K]: the costs of its right, left, bottom and top cuts side by side (D is symmetric, so
        # the left cut is the left neighbour's right cut as it is), so a mean-field round is one product and one sum
        n = s // CELL
        # cut_cost: a constant per cut (in median cuts) on top of its pixel cost, so that cuts are fewer and longer
        off = cut_cost * (1 - torch.eye(copies))
        r4 = (dr / scale).reshape(n, n, copies, copies) + off
        d4 = (dd / scale).reshape(n, n, copies, copies) + off
        sides = torch.cat([r4, torch.roll(r4, 1, 1), d4, torch.roll(d4, 1, 0)], 3)      # n, n, K, 4K
        self.register_buffer('T', sides.reshape(n * n, copies * 4 * copies).contiguous())
        # the period wrap-padded by one cell on the right and bottom, so a cell's 8x8 block never wraps
        pp = torch.cat([p, p[:, :CELL]], 1)
        pp = torch.cat([pp, pp[:, :, :CELL]], 2)
        self.register_buffer('Pp', pp.reshape(3, (s + CELL) * (s + CELL)).contiguous())

    # -- geometry ------------------------------------------------------------------------------------------------
    def _index(self, ys, xs):
        """Flat indices into the period of copy k at rows ys [Ny], cols xs [Nx] (absolute, already + origin):
        [K, Ny, Nx]."""
        s = self.period_side
        iy = torch.remainder(ys[None, :] + self.sy[:, None], s)
        ix = torch.remainder(xs[None, :] + self.sx[:, None], s)
        return iy[:, :, None] * s + ix[:, None, :]

    def _gather(self, src, idx):
        """src [3, S*S], idx [...] -> [3, ...]"""
        return src.index_select(1, idx.reshape(-1)).reshape((3,) + tuple(idx.shape))

    def seams(self, oy, ox, ny, nx):
        """Per cell of the ny x nx grid at (oy, ox), [ny*nx, K, K]: the costs (unscaled) of the cut to its right and to
        its bottom neighbour between each pair of copies, from the pixels on both sides of the cut (symmetric)."""
        k = self.copies
        r = torch.arange(ny * CELL) + oy
        c_edge = torch.arange(nx) * CELL + ox
        cols = torch.stack([c_edge + CELL - 1, c_edge + CELL], 1).reshape(-1)      # 2 nx
        xr = self._gather(self.P, self._index(r, cols))                             # 3, K, H, 2nx
        xr = xr.reshape(3, k, ny, CELL, nx, 2).permute(2, 4, 1, 0, 3, 5).reshape(ny * nx, k, 3 * CELL * 2)
        c = torch.arange(nx * CELL) + ox
        r_edge = torch.arange(ny) * CELL + oy
        rows = torch.stack([r_edge + CELL - 1, r_edge + CELL], 1).reshape(-1)      # 2 ny
        xd = self._gather(self.P, self._index(rows, c))                             # 3, K, 2ny, W
        xd = xd.reshape(3, k, ny, 2, nx, CELL).permute(2, 4, 1, 0, 3, 5).reshape(ny * nx, k, 3 * CELL * 2)
        return self._sqdist(xr), self._sqdist(xd)

    @staticmethod
    def _sqdist(x):
        sq = (x * x).sum(-1)
        return torch.clamp(sq[:, :, None] + sq[:, None, :] - 2 * torch.bmm(x, x.transpose(1, 2)), min=0)

    # -- the selector --------------------------------------------------------------------------------------------
    def unary(self, noise):
        return up2(up2(up2(noise, 'bilinear'), 'bilinear'), 'bilinear')

    def logits(self, noise, origin):
        """Final logits [1, K, ny, nx], the right and bottom seam matrices [cells, K, K] and the cell grid (for the
        losses)."""
        k = self.copies
        ny, nx = noise.shape[2] * (NOISE_CELL // CELL), noise.shape[3] * (NOISE_CELL // CELL)
        o = origin.reshape(2).long()
        ox, oy = o[0], o[1]
        f = self.unary(noise)                                                       # 1, K, ny, nx
        n = self.period_side // CELL
        cy = torch.remainder(torch.arange(ny) + torch.div(oy, CELL, rounding_mode='floor'), n)
        cx = torch.remainder(torch.arange(nx) + torch.div(ox, CELL, rounding_mode='floor'), n)
        sides = self.T.index_select(0, (cy[:, None] * n + cx[None, :]).reshape(-1)).reshape(-1, k, 4 * k)
        colours = self._gather(self.B, self._index(torch.arange(ny) * CELL + oy, torch.arange(nx) * CELL + ox))
        colours = colours.reshape(1, 3 * k, ny, nx)
        tau, beta = self.log_tau.exp(), self.log_beta.exp()
        logit = tau * f
        for t in range(self.iterations):
            z = beta * logit
            e = torch.exp(z - z.amax(1, keepdim=True))
            p = e / e.sum(1, keepdim=True)                                          # softmax over the copies
            pc = p[0].permute(1, 2, 0)                                             # ny, nx, K
            # the neighbours' distributions (right, left, bottom, top), then sum over b of D[a, b] p_neighbour[b] as
            # one product and one sum (batched 8 x 8 matrix-vector products are slow in ONNX Runtime)
            nb = torch.cat([torch.roll(pc, -1, 1), torch.roll(pc, 1, 1), torch.roll(pc, -1, 0), torch.roll(pc, 1, 0)], 2)
            msg = (sides * nb.reshape(-1, 1, 4 * k)).sum(2)
            msg = msg.reshape(ny, nx, k).permute(2, 0, 1)[None]
            logit = tau * f - self.w[t] * msg + self.g(torch.cat([p, colours], 1))
        return logit, f, sides[:, :, :k], sides[:, :, 2 * k:3 * k], (oy, ox, ny, nx)

    def compose(self, onehot, oy, ox, ny, nx):
        """onehot [1, K, ny, nx] (soft or hard) -> image [1, 3, H, W]: sum over k of the cell weight x copy k."""
        r = torch.arange(ny * CELL) + oy
        c = torch.arange(nx * CELL) + ox
        copies = self._gather(self.P, self._index(r, c))                           # 3, K, H, W
        w = F.interpolate(onehot, scale_factor=float(CELL), mode='nearest')[0]     # K, H, W
        return (copies * w[None]).sum(1)[None]

    def forward(self, noise, origin):
        logit, _, _, _, (oy, ox, ny, nx) = self.logits(noise, origin)
        label = torch.argmax(logit[0], 0)                                          # ny, nx
        s = self.period_side
        # each cell's block starts in the padded period at its copy's shifted position; pixels add a fixed 8x8 pattern
        by = torch.remainder(torch.arange(ny)[:, None] * CELL + oy + self.sy.index_select(0, label.reshape(-1)).reshape(ny, nx), s)
        bx = torch.remainder(torch.arange(nx)[None, :] * CELL + ox + self.sx.index_select(0, label.reshape(-1)).reshape(ny, nx), s)
        base = by * (s + CELL) + bx
        pattern = torch.arange(CELL)[:, None] * (s + CELL) + torch.arange(CELL)[None, :]
        idx = (base[:, None, :, None] + pattern[None, :, None, :]).reshape(-1)
        return self.Pp.index_select(1, idx).reshape(1, 3, ny * CELL, nx * CELL)


def gflops(net, side):
    """Multiply-adds x 2 of the selector's convolutions for a side x side texture, in GFLOP (the gathers, products and
    sums around them are not counted)."""
    cells = (side // CELL) ** 2
    per_cell = sum(2 * m.in_channels * m.out_channels * m.kernel_size[0] * m.kernel_size[1]
                   for m in net.g.modules() if isinstance(m, nn.Conv2d))
    return per_cell * cells * net.iterations / 1e9


def one_hot(logit, copies):
    """The argmax labels of logit [1, K, ny, nx] as one-hot planes [1, K, ny, nx]."""
    return F.one_hot(torch.argmax(logit, 1), copies).permute(0, 3, 1, 2).float()


def energy(p, f, dr, dd, grid):
    """The ICM prototype's energy, expected under the cell distributions p [1, K, ny, nx]: -F.p per cell plus
    SEAM_WEIGHT x p_i D p_j per neighbouring pair, averaged over cells."""
    oy, ox, ny, nx = grid
    k = p.shape[1]
    pc = p[0].permute(1, 2, 0)
    right = torch.roll(pc, -1, 1).reshape(-1, k, 1)
    down = torch.roll(pc, -1, 0).reshape(-1, k, 1)
    pr = pc.reshape(-1, k, 1)
    seam = (pr * dr * right.reshape(-1, 1, k)).sum((1, 2)).mean() + (pr * dd * down.reshape(-1, 1, k)).sum((1, 2)).mean()
    return -(f * p).sum(1).mean() + SEAM_WEIGHT * seam


def probe(net, pairs):
    """Mean hard energy over the probe inputs and the fraction of cells whose label is the same for the two noises of
    each pair (same origin): a selector that ignores its noise (one copy everywhere) has 1."""
    energies, same = [], []
    with torch.no_grad():
        for (n1, n2, o) in pairs:
            labels = []
            for n in (n1, n2):
                logit, f, dr, dd, grid = net.logits(n, o)
                energies.append(float(energy(one_hot(logit, net.copies), f, dr, dd, grid)))
                labels.append(torch.argmax(logit, 1))
            same.append(float((labels[0] == labels[1]).float().mean()))
    return float(np.mean(energies)), float(np.mean(same))


def train(rgb, seconds, steps=0, seed=0, crop=256, batch=2, gan=0.0, progress=None, threads=1, lr=2e-4,
          max_same=0.35, check_every=40, copies=COPIES, cut_cost=0.0):
    """Trains a CopySynthNet on the exemplar (H, W, 3 uint8). Returns (net, stats): the state with the lowest hard
    energy on fixed probe noises among those (the initial one included) whose labels still follow the noise (at most
    max_same of the cells agree between two noises). The recipe's learning rate, 2e-4 (Adam, beta1 0.5), improves the
    energy and keeps the variety; 2e-3 collapsed to one copy everywhere on two of three exemplars within 30 s."""
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(seed)
    net = CopySynthNet(rgb, copies=copies, cut_cost=cut_cost)
    s = net.period_side
    crop = max(s, (crop // s) * s)                      # a whole number of periods: the training texture tiles
    lattice = crop // NOISE_CELL
    D = PatchDiscriminator(32)
    opt_g = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_src = net.P.reshape(1, 3, s, s)
    pg = torch.Generator().manual_seed(900)
    pairs = [(torch.randn(1, net.copies, lattice, lattice, generator=pg), torch.randn(1, net.copies, lattice, lattice, generator=pg),
              torch.tensor([[[[float(8 * (37 * i) % s)]], [[float(8 * (11 * i) % s)]]]])) for i in range(3)]
    e0, same0 = probe(net, pairs)
    best = (e0, copy.deepcopy(net.state_dict()), 0, same0)

    def keep_if_better(step):
        nonlocal best
        e, same = probe(net, pairs)
        if e < best[0] and same <= max_same:
            best = (e, copy.deepcopy(net.state_dict()), step, same)
    t0 = time.time()
    step, last = 0, {}
    while True:
        el = time.time() - t0
        if (seconds and el >= seconds) or (steps and step >= steps):
            break
        loss_e = loss_g = 0.0
        fakes = []
        for _ in range(batch):
            noise = torch.randn(1, net.copies, lattice, lattice, generator=gen)
            origin = (torch.randint(0, s // CELL, (1, 2, 1, 1), generator=gen) * CELL).float()
            logit, f, dr, dd, grid = net.logits(noise, origin)
            p = torch.softmax(net.log_beta.exp() * logit, 1)
            st = one_hot(logit, net.copies) + p - p.detach()     # straight through: the hard labels' value, the soft labels' gradient
            loss_e = loss_e + energy(st, f, dr, dd, grid) / batch
            if gan > 0:
                fakes.append(net.compose(st, *grid))
        if gan > 0:
            fake = torch.cat(fakes)
            # real: random periodic crops of the exemplar's period at the same size
            reals = []
            for _ in range(batch):
                dy, dx = torch.randint(0, s, (2,), generator=gen).tolist()
                t = torch.roll(real_src, (dy, dx), (2, 3))
                reals.append(t.repeat(1, 1, crop // s, crop // s))
            real = torch.cat(reals)
            d_loss = F.softplus(-D(real)).mean() + F.softplus(D(fake.detach())).mean()
            opt_d.zero_grad(); d_loss.backward(); opt_d.step()
            loss_g = F.softplus(-D(fake)).mean()
        total = loss_e + gan * loss_g
        opt_g.zero_grad(); total.backward(); opt_g.step()
        step += 1
        last = {'energy': round(float(loss_e), 4), 'gan': round(float(loss_g), 4)}
        if step % check_every == 0:
            keep_if_better(step)
        if progress and step % 20 == 0:
            frac = min(1.0, max(el / seconds if seconds else 0, step / steps if steps else 0))
            progress(0.9 * frac, f'step {step} energy {float(loss_e):.4f} adversarial {float(loss_g):.4f}')
    keep_if_better(step)
    net.load_state_dict(best[1])
    net.eval()
    return net, {'steps': step, 'seconds': round(time.time() - t0, 1), 'final_losses': last, 'kept_step': best[2],
                 'hard_energy_before': round(e0, 4), 'hard_energy_after': round(best[0], 4),
                 'same_label_across_noises': round(best[3], 3), 'params': count_params(net)}
