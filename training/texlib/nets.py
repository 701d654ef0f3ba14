"""The two networks. Fully convolutional, circular padding everywhere (so outputs tile and repair
works across the wrap-around), most work at low resolution, thin layers at full resolution."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def circular_pad(x, p):
    """Wrap-around padding by slicing and concatenating: torch 1.13's ONNX export of
    padding_mode='circular' gives wrong results in ONNX Runtime (measured: errors > 1), this form
    exports to Slice + Concat and matches. Needs p <= height and width of x."""
    if p == 0:
        return x
    x = torch.cat([x[:, :, -p:], x, x[:, :, :p]], dim=2)
    return torch.cat([x[:, :, :, -p:], x, x[:, :, :, :p]], dim=3)


def up2(x, mode):
    """x2 upsampling. 'bilinear' is made circular: pad one pixel by wrap-around, interpolate, crop
    (exports to Slice/Concat + Resize), so the result still tiles exactly."""
    if mode == 'nearest':
        return F.interpolate(x, scale_factor=2.0, mode='nearest')
    y = F.interpolate(circular_pad(x, 1), scale_factor=2.0, mode='bilinear', align_corners=False)
    return y[:, :, 2:-2, 2:-2]


class CircConv(nn.Conv2d):
    def __init__(self, cin, cout, k=3, stride=1, dilation=1):
        super().__init__(cin, cout, k, stride=stride, padding=0, dilation=dilation)
        self.pad = dilation * (k // 2)

    def forward(self, x):
        return super().forward(circular_pad(x, self.pad))


def conv(cin, cout, k=3, stride=1, dilation=1):
    return CircConv(cin, cout, k, stride=stride, dilation=dilation)


class Up(nn.Module):
    """Nearest x2 then a circular 3x3 conv: no checkerboard, and wrap-around stays consistent."""
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = conv(cin, cout)

    def forward(self, x):
        return F.leaky_relu(self.conv(F.interpolate(x, scale_factor=2.0, mode='nearest')), 0.2)


class SynthNet(nn.Module):
    """noise (N, C, H/8, W/8) standard normal -> image (N, 3, H, W) in [-1, 1].
    Two convolutions at 1/8 resolution (the second dilated for a wider reach), then three steps of
    nearest x2 upsampling + circular 3x3 convolution, thinner at each resolution. Pixel shuffles in
    their place (cheaper) left periodic 2x2 / 8x8 patterns after a few minutes of training.

    fine=True: 84 more noise channels at the same 1/8 cells, pixel-shuffled into one noise map at
    1/4 (4 channels), 1/2 (16) and full resolution (64) and added after each upsampling with learned
    per-channel strengths that start at zero (StyleGAN-style noise inputs). Without them every fine
    detail is a fixed function of the 1/8 noise and the position inside its cell, which showed as an
    8-pixel grid; with them the fine detail is random like the exemplar's. Tiles and wrap-around are
    unaffected: the extra noise lives on the same cells. fine_levels overrides FINE (experiments: a 0 drops that
    level's noise map, e.g. (4, 16, 0) has no full-resolution noise)."""
    cell = 8
    FINE = (4, 16, 64)   # channels at cell 8 for the 1/4, 1/2 and full-resolution noise maps

    # widths at 1/4, 1/2 and full resolution. The fine model is thinner: its noise inputs made (48, 32, 12) 16-20 %
    # slower than the plain net; (40, 24, 10) runs as fast as the plain (48, 32, 12) and scored the same in 4.5 minutes
    # of training (feature SWD 0.0840 / 0.1184 vs 0.0802 / 0.1193 on two supertuxkart exemplars, more steps per minute).
    PLAIN_WIDTHS, FINE_WIDTHS = (48, 32, 12), (40, 24, 10)

    def __init__(self, noise_channels=8, widths=None, upsample=None, fine=False, fine_levels=None):
        super().__init__()
        self.widths = tuple(widths or (self.FINE_WIDTHS if fine else self.PLAIN_WIDTHS))
        if fine_levels is not None:
            self.FINE = tuple(fine_levels)
        import os
        self.upsample = upsample or os.environ.get('TEXPLUG_SYNTH_UPSAMPLE', 'nearest')
        self.base = noise_channels
        self.fine = fine
        self.noise_channels = noise_channels + (sum(self.FINE) if fine else 0)
        w0, w1, w2 = self.widths
        act = lambda: nn.LeakyReLU(0.2)
        self.s0 = nn.Sequential(conv(noise_channels, w0), act(), conv(w0, w0, dilation=2), act())
        self.s1 = nn.Sequential(conv(w0, w1), act(), conv(w1, w1), act())
        self.s2 = nn.Sequential(conv(w1, w2), act())
        self.full = conv(w2, 3)
        if fine:
            self.k4 = nn.Parameter(torch.zeros(1, w0, 1, 1))
            self.k2 = nn.Parameter(torch.zeros(1, w1, 1, 1))
            if self.FINE[2]:
                self.k1 = nn.Parameter(torch.zeros(1, w2, 1, 1))

    def fine_maps(self, noise):
        """The 1/4, 1/2 and full-resolution noise maps (N, 1, h, w) of a fine model's noise tensor."""
        b, (c4, c2, c1) = self.base, self.FINE
        return (F.pixel_shuffle(noise[:, b:b + c4], 2), F.pixel_shuffle(noise[:, b + c4:b + c4 + c2], 4),
                F.pixel_shuffle(noise[:, b + c4 + c2:b + c4 + c2 + c1], 8) if c1 else None)

    def forward(self, noise):
        up = lambda t: up2(t, self.upsample)
        x = self.s0(noise[:, :self.base])
        if not self.fine:
            x = self.s1(up(x))
            x = self.s2(up(x))
            return torch.clamp(torch.tanh(self.full(up(x))), -1.0, 1.0)   # ORT's tanh can overshoot by 1 ulp
        n4, n2, n1 = self.fine_maps(noise)
        x = self.s1(up(x) + self.k4 * n4)
        x = self.s2(up(x) + self.k2 * n2)
        x = up(x) if n1 is None else up(x) + self.k1 * n1
        return torch.clamp(torch.tanh(self.full(x)), -1.0, 1.0)


class PatchSynthNet(nn.Module):
    """noise (N, C, H/8, W/8) standard normal -> image (N, 3, H, W) in [-1, 1], as a learned patch
    quilt: a small circular conv net at 1/8 resolution gives each cell a softmax over K atoms
    (16x16 RGB patches, initialised from random crops of the exemplar and trained), and a transposed
    convolution with stride 8 lays the windowed atoms down with half overlap. The window
    sin^2(pi (u + 1/2) / 16) sums to one over the overlaps, and padding the cell grid by one cell
    with wrap-around before the transposed convolution keeps the output exactly tileable.
    Real exemplar detail from the first step is what a 5-minute CPU budget needs; a plain
    upsampling generator (SynthNet) stayed blocky or blurry in that time."""
    cell = 8

    def __init__(self, noise_channels=8, atoms=96, width=64, exemplar=None, seed=0):
        super().__init__()
        self.noise_channels = noise_channels
        act = lambda: nn.LeakyReLU(0.2)
        self.logits = nn.Sequential(conv(noise_channels, width), act(), conv(width, width, dilation=2), act(),
                                    conv(width, width), act(), conv(width, atoms))
        self.atoms = nn.Parameter(torch.zeros(atoms, 3, 16, 16))
        u = torch.sin(torch.pi * (torch.arange(16, dtype=torch.float32) + 0.5) / 16) ** 2
        self.register_buffer('window', (u[:, None] * u[None, :])[None, None])
        if exemplar is not None:   # (1,3,H,W) in [-1,1]
            g = torch.Generator().manual_seed(seed)
            h, w = exemplar.shape[2:]
            ys = torch.randint(0, h - 15, (atoms,), generator=g); xs = torch.randint(0, w - 15, (atoms,), generator=g)
            with torch.no_grad():
                for i, (y, x) in enumerate(zip(ys.tolist(), xs.tolist())):
                    self.atoms[i] = exemplar[0, :, y:y + 16, x:x + 16]

    def forward(self, noise):
        a = torch.softmax(self.logits(noise), dim=1)
        a = circular_pad(a, 1)
        y = F.conv_transpose2d(a, self.atoms * self.window, stride=8)
        h, w = noise.shape[2] * 8, noise.shape[3] * 8
        return torch.clamp(y[:, :, 8:8 + h, 8:8 + w], -1.0, 1.0)


class RepairNet(nn.Module):
    """image (damaged zeroed), mask (1 = damaged), guide -> image, all (N, *, H, W), H, W multiples of 8.
    A small U-Net over 1/2, 1/4, 1/8 resolution with dilated convolutions at 1/8; it predicts a
    correction to the guide, at full resolution through a pixel shuffle fed with the full-resolution
    inputs (space-to-depth), so no convolution runs at full resolution. The caller composites."""
    size_multiple = 8

    def __init__(self, widths=(16, 32, 64), dilations=(1, 2, 4, 2), dec=12):
        super().__init__()
        w1, w2, w3 = widths
        self.e1 = conv(7, w1, stride=2)            # 1/2
        self.e2 = conv(w1, w2, stride=2)           # 1/4
        self.e3 = conv(w2, w3, stride=2)           # 1/8
        self.mid = nn.ModuleList([conv(w3, w3, dilation=d) for d in dilations])
        self.red = nn.Conv2d(w3, w2, 1)
        self.d3 = conv(w2 + w2, w2)                # 1/4
        self.d2 = conv(w2 + w1, dec)               # 1/2
        self.out = nn.Conv2d(dec + 28, 12, 1)      # 1/2, then pixel shuffle to full resolution
        self.s2d = nn.PixelUnshuffle(2)
        self.ps = nn.PixelShuffle(2)

    def forward(self, image, mask, guide):
        x0, x = self.decode(image, mask, guide)
        x = self.ps(self.out(torch.cat([x, self.s2d(x0)], 1)))
        return torch.clamp(guide + x, -1.0, 1.0)

    def encode(self, image, mask, guide):
        """(the stacked inputs x0, the encoder's features at 1/2, 1/4 and 1/8 resolution)."""
        x0 = torch.cat([image, mask, guide], dim=1)
        a = F.leaky_relu(self.e1(x0), 0.2)
        b = F.leaky_relu(self.e2(a), 0.2)
        c = F.leaky_relu(self.e3(b), 0.2)
        for m in self.mid:
            c = c + F.leaky_relu(m(c), 0.2)
        return x0, a, b, c

    def decode(self, image, mask, guide):
        """(the stacked inputs x0, the decoder's 1/2-resolution features): everything before the output convolution."""
        x0, a, b, c = self.encode(image, mask, guide)
        x = F.interpolate(self.red(c), scale_factor=2.0, mode='nearest')
        x = F.leaky_relu(self.d3(torch.cat([x, b], 1)), 0.2)
        x = F.interpolate(x, scale_factor=2.0, mode='nearest')
        return x0, F.leaky_relu(self.d2(torch.cat([x, a], 1)), 0.2)

    def for_export(self):
        """The same function for ONNX export: see ExportRepairNet."""
        return ExportRepairNet(self)


class ExportRepairNet(nn.Module):
    """RepairNet's function in a form that runs faster in ONNX Runtime (the same up to float rounding; export parity is
    checked against RepairNet itself):
    - its output 1x1 convolution over cat([x, pixel_unshuffle(x0, 2)]) split in two: a 1x1 convolution on x plus the
      equal 2x2 stride-2 convolution on x0 (unshuffled channel c*4 + i*2 + j is x0's channel c at offset (i, j)), without
      the unshuffled tensor, whose 6-D Transpose was 15 % of ONNX Runtime's time at 256x256 (1.4 of 9.4 ms on one
      thread, measured with ortrun's profile);
    - each decoder convolution over cat([nearest_x2(u), skip]) split into PhaseUpConv(u) (at the low resolution) plus a
      circular 3x3 convolution of skip carrying the bias: no upsampled tensor, no concatenation, and 4/9 of the
      up-part's multiply-adds (0.753 -> 0.654 GFLOP per 256^2 counted in the graph; session 8, one thread: 13-16.5 ->
      10.3 ms per 256^2 side by side)."""
    size_multiple = RepairNet.size_multiple

    def __init__(self, net):
        super().__init__()
        self.net = net
        w, b = net.out.weight.data, net.out.bias.data
        cin = 7
        dec = w.shape[1] - 4 * cin
        self.out_x = nn.Conv2d(dec, w.shape[0], 1)
        self.out_x.weight.data = w[:, :dec].clone(); self.out_x.bias.data = b.clone()
        self.out_in = nn.Conv2d(cin, w.shape[0], 2, stride=2, bias=False)
        self.out_in.weight.data = w[:, dec:, 0, 0].reshape(w.shape[0], cin, 2, 2).clone()
        self.d3_up, self.d3_skip = self._split(net.d3, net.red.weight.shape[0])
        self.d2_up, self.d2_skip = self._split(net.d2, net.d3.weight.shape[0])

    @staticmethod
    def _split(c, n_up):
        """A decoder conv over cat([up(u), skip]) (u has n_up channels) -> (PhaseUpConv of u, circular conv of skip with the bias)."""
        w = c.weight.data
        skip = CircConv(w.shape[1] - n_up, w.shape[0])
        skip.weight.data = w[:, n_up:].clone(); skip.bias.data = c.bias.data.clone()
        return PhaseUpConv(w[:, :n_up].clone()), skip

    def forward(self, image, mask, guide):
        n = self.net
        x0, a, b, c = n.encode(image, mask, guide)
        x = F.leaky_relu(self.d3_up(n.red(c)) + self.d3_skip(b), 0.2)
        x = F.leaky_relu(self.d2_up(x) + self.d2_skip(a), 0.2)
        return torch.clamp(guide + n.ps(self.out_x(x) + self.out_in(x0)), -1.0, 1.0)


def count_params(m):
    return sum(p.numel() for p in m.parameters())


def fused_up_weight(w):
    """The weights (4 * cout, cin, 3, 3) of a circular 3x3 convolution at the low resolution, followed by PixelShuffle(2),
    that computes the circular 3x3 convolution with weights w (cout, cin, 3, 3) applied after nearest x2 upsampling."""
    cout, cin = w.shape[:2]
    fw = torch.zeros(cout, 2, 2, cin, 3, 3)
    for a in (0, 1):
        for bb in (0, 1):
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ey, ex = (a + dy) // 2, (bb + dx) // 2
                    fw[:, a, bb, :, ey + 1, ex + 1] += w[:, :, dy + 1, dx + 1]
    return fw.reshape(cout * 4, cin, 3, 3)


def fuse_up_conv(c):
    """A circular 3x3 convolution applied after nearest x2 upsampling, rewritten as a circular 3x3
    convolution at the low resolution with 4x the output channels, to be followed by PixelShuffle(2):
    exactly the same function (up to float rounding), without the upsampled tensor."""
    w, b = c.weight.data, c.bias.data
    cout, cin = w.shape[:2]
    f = CircConv(cin, cout * 4)
    f.weight.data = fused_up_weight(w)
    f.bias.data = b[:, None].repeat(1, 4).reshape(-1)
    return f


def unphase_up_weight(w2):
    """The inverse of PhaseUpConv's weights: phase weights (4 * cout, cin, 2, 2) -> the 3x3 weights (cout, cin, 3, 3) of
    the convolution after upsampling (least squares over the 16 phase taps that the 9 taps map to linearly; exact up to
    float rounding for weights PhaseUpConv made)."""
    from .onnxio import phase_weights
    basis = torch.eye(9).reshape(9, 1, 1, 3, 3)
    M = torch.stack([torch.from_numpy(phase_weights(fused_up_weight(basis[t]).numpy())).reshape(-1) for t in range(9)], 1)
    cout4, cin = w2.shape[:2]
    cout = cout4 // 4
    v = w2.reshape(cout, 4, cin, 4).permute(0, 2, 1, 3).reshape(cout * cin, 16).double()   # rows: phase-major taps
    taps = torch.linalg.lstsq(M.double()[None].expand(cout * cin, 16, 9), v[..., None]).solution[..., 0]
    return taps.reshape(cout, cin, 3, 3).float()


class PhaseUpConv(nn.Module):
    """A circular 3x3 convolution (weights w, no bias) applied after nearest x2 upsampling, computed at the low
    resolution: a circular 2x2 convolution with 4 * cout outputs (the phase weights of onnxio.phase_weights: each output
    offset (a, b) reads only a 2x2 window of the low-resolution input), then a one-hot ConvTranspose (stride 2, kernel 2,
    padding 1) that puts offset (a, b) of low-resolution cell (y, x) at pixel (2y + a, 2x + b). The same function with
    4/9 of the multiply-adds at a quarter of the positions; for export (onnxio.upconvs_as_phase_convs does the same to
    an exported fused SynthNet)."""

    def __init__(self, w):
        super().__init__()
        from .onnxio import phase_weights, shifted_onehot
        cout, cin = w.shape[:2]
        self.conv = CircConv(cin, 4 * cout, k=2)
        self.conv.weight.data = torch.from_numpy(phase_weights(fused_up_weight(w).numpy()))
        self.conv.bias = None
        self.ct = nn.ConvTranspose2d(4 * cout, cout, 2, stride=2, padding=1, groups=cout, bias=False)
        self.ct.weight.data = torch.from_numpy(shifted_onehot(cout))

    def forward(self, x):
        return self.ct(self.conv(x))


def unshuffle_order(r):
    """Channel order p such that pixel_shuffle(n[:, p], r // 2) == pixel_unshuffle(pixel_shuffle(n, r), 2) for an
    (N, r*r, h, w) tensor n."""
    q = r // 2
    p = torch.empty(r * r, dtype=torch.long)
    for a in (0, 1):
        for b in (0, 1):
            for i in range(q):
                for j in range(q):
                    p[(a * 2 + b) * q * q + i * q + j] = (2 * i + a) * r + 2 * j + b
    return p


def fuse_up_conv_noise(c, k):
    """fuse_up_conv for conv(up(x) + k * n), n a one-channel map at the upsampled resolution: the fused
    convolution also reads pixel_unshuffle(n, 2) (4 more input channels at the low resolution), so the
    noise costs no full-resolution pass."""
    f = fuse_up_conv(c)
    wn = (c.weight.data * k.data.reshape(1, -1, 1, 1)).sum(dim=1)      # (cout, 3, 3) on n
    cout = wn.shape[0]
    fw = torch.zeros(cout, 2, 2, 2, 2, 3, 3)     # out (a, b), in sub-position (a2, b2) of the unshuffled map
    for a in (0, 1):
        for bb in (0, 1):
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    ty, tx = a + dy, bb + dx     # full-resolution row/column offset from the low-res cell's origin
                    fw[:, a, bb, ty % 2, tx % 2, ty // 2 + 1, tx // 2 + 1] += wn[:, dy + 1, dx + 1]
    g = CircConv(f.weight.shape[1] + 4, cout * 4)
    g.weight.data = torch.cat([f.weight.data, fw.reshape(cout * 4, 4, 3, 3)], dim=1)
    g.bias.data = f.bias.data.clone()
    return g


class FusedSynthNet(nn.Module):
    """SynthNet with each (nearest x2, conv) pair fused into (conv at low resolution, pixel shuffle):
    the same function, less memory traffic in ONNX Runtime. Built from a trained SynthNet (nearest
    upsampling). A fine model's noise terms become one-input-channel convolutions at their resolution."""
    cell = 8

    def __init__(self, net):
        super().__init__()
        if net.upsample != 'nearest':
            raise ValueError('only nearest-upsampling SynthNets can be fused')
        self.noise_channels, self.base, self.fine, self.FINE = net.noise_channels, net.base, net.fine, net.FINE
        self.s0 = net.s0
        self.u1, self.s1b = fuse_up_conv(net.s1[0]), net.s1[2]
        self.u2 = fuse_up_conv(net.s2[0])
        self.uf = fuse_up_conv(net.full)
        self.ps = nn.PixelShuffle(2)
        if net.fine:
            self.register_buffer('perm2', unshuffle_order(4), persistent=False)
            self.register_buffer('perm1', unshuffle_order(8), persistent=False)
            self.u1, self.u2 = fuse_up_conv_noise(net.s1[0], net.k4), fuse_up_conv_noise(net.s2[0], net.k2)
            if net.FINE[2]:
                self.uf = fuse_up_conv_noise(net.full, net.k1)

    def forward(self, noise):
        return torch.clamp(torch.tanh(self.logits(noise)), -1.0, 1.0)

    def logits(self, noise):
        """The image before tanh (what texlib/colourmap.py calibrates); its last layer is self.uf + pixel shuffle."""
        act = lambda t: F.leaky_relu(t, 0.2)
        x = self.s0(noise[:, :self.base])
        if not self.fine:
            x = act(self.s1b(act(self.ps(self.u1(x)))))
            x = act(self.ps(self.u2(x)))
            return self.ps(self.uf(x))
        # pixel_unshuffle(map, 2) of each noise map, as one channel gather at 1/8 + one pixel shuffle
        b, (c4, c2, c1) = self.base, self.FINE
        n4 = noise[:, b:b + c4]
        n2 = F.pixel_shuffle(noise[:, b + c4 + self.perm2], 2)
        x = act(self.s1b(act(self.ps(self.u1(torch.cat([x, n4], 1))))))
        x = act(self.ps(self.u2(torch.cat([x, n2], 1))))
        if c1:
            x = torch.cat([x, F.pixel_shuffle(noise[:, b + c4 + c2 + self.perm1], 4)], 1)
        return self.ps(self.uf(x))

