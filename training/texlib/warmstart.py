"""Warm start for train_synth.py (--init): a shipped synthesis model's weights as the starting point of a new
training instead of random initialisation.

The shipped models are exported as nets.FusedSynthNet (each (nearest x2, conv) pair fused into (conv at the low
resolution, pixel shuffle), a fine model's noise strengths folded into extra input channels, the colour
calibration folded into the last convolution). unfuse() inverts nets.fuse_up_conv / fuse_up_conv_noise exactly
(the fusion is an injective linear map of the 3x3 kernel; its pseudo-inverse recovers the kernel, and the noise
strengths k are the least-squares solution of wn = sum_c w[:, c] k[c]), so the result is a trainable
nets.SynthNet with the same function; load() checks that against ONNX Runtime (max abs diff <= 1e-4).

nearest(): the shipped material whose exemplar is closest to a new exemplar by ResNet18 feature statistics
(per-channel mean and standard deviation of relu1, layer1, layer2, layer3, the layers the synthesis loss uses;
squared differences averaged per layer, summed over the layers)."""
import json, os, hashlib
import numpy as np
import torch
from . import nets, onnxio, images, featurenet


def _basis_matrix(fn, n_in):
    """The matrix of a linear map fn: R^n_in -> R^m, by applying it to the unit vectors."""
    cols = []
    for i in range(n_in):
        e = torch.zeros(n_in); e[i] = 1.0
        cols.append(fn(e).reshape(-1))
    return torch.stack(cols, 1).double()          # (m, n_in)


def _fuse_matrix():
    """(36, 9): nets.fuse_up_conv on one (out, in) kernel pair: 3x3 taps -> (2x2 sub-positions, 3x3 taps)."""
    def fn(e):
        c = nets.CircConv(1, 1); c.weight.data = e.reshape(1, 1, 3, 3).clone(); c.bias.data = torch.zeros(1)
        return nets.fuse_up_conv(c).weight.data         # (4, 1, 3, 3)
    return _basis_matrix(fn, 9)


def _noise_matrix():
    """(144, 9): the noise part of nets.fuse_up_conv_noise for one output channel: the effective 3x3 kernel on the
    full-resolution noise map wn -> (2x2 sub-positions out, 4 unshuffled noise channels in, 3x3 taps)."""
    def fn(e):
        c = nets.CircConv(1, 1); c.weight.data = e.reshape(1, 1, 3, 3).clone(); c.bias.data = torch.zeros(1)
        k = torch.nn.Parameter(torch.ones(1, 1, 1, 1))
        return nets.fuse_up_conv_noise(c, k).weight.data[:, 1:]     # (4, 4, 3, 3), the 4 noise input channels
    return _basis_matrix(fn, 9)


def _unfuse_conv(f, cin, noise):
    """Fused CircConv f (cout*4, cin [+4], 3, 3) -> (plain CircConv(cin, cout), k (1, cin, 1, 1) or None)."""
    w4, b4 = f.weight.data.double(), f.bias.data.double()
    cout = w4.shape[0] // 4
    M = _fuse_matrix()
    pinv = torch.linalg.pinv(M)                                                 # (9, 36)
    # fused out channel o*4 + s, s = a*2 + b; vector layout of M's rows: (s, ky, kx)
    v = w4[:, :cin].reshape(cout, 4, cin, 9).permute(0, 2, 1, 3).reshape(cout, cin, 36)
    w = (v @ pinv.T).reshape(cout, cin, 3, 3)
    c = nets.CircConv(cin, cout)
    c.weight.data = w.float(); c.bias.data = b4.reshape(cout, 4).mean(1).float()
    k = None
    if noise:
        Mn = _noise_matrix()
        vn = w4[:, cin:].reshape(cout, 4, 4, 9).reshape(cout, 144)
        wn = vn @ torch.linalg.pinv(Mn).T                                       # (cout, 9)
        A = w.permute(0, 2, 3, 1).reshape(cout * 9, cin)                        # wn[o, t] = sum_c w[o, c, t] k[c]
        k = torch.linalg.lstsq(A, wn.reshape(-1, 1)).solution.reshape(1, cin, 1, 1).float()
    return c, k


def unfuse(E):
    """nets.FusedSynthNet (fine, FINE (4, 16, 64)) -> nets.SynthNet(fine=True) computing the same function."""
    if not E.fine or tuple(E.FINE) != tuple(nets.SynthNet.FINE):
        raise ValueError('only fine SynthNets with all three noise maps are supported')
    w0 = E.s0[0].weight.shape[0]
    w1 = E.s1b.weight.shape[0]
    w2 = E.u2.weight.shape[0] // 4
    G = nets.SynthNet(noise_channels=E.base, widths=(w0, w1, w2), fine=True)
    sd = {}
    c, k4 = _unfuse_conv(E.u1, w0, True)
    sd.update({'s1.0.weight': c.weight.data, 's1.0.bias': c.bias.data, 'k4': k4})
    c, k2 = _unfuse_conv(E.u2, w1, True)
    sd.update({'s2.0.weight': c.weight.data, 's2.0.bias': c.bias.data, 'k2': k2})
    c, k1 = _unfuse_conv(E.uf, w2, True)
    sd.update({'full.weight': c.weight.data, 'full.bias': c.bias.data, 'k1': k1})
    for n in ('0', '2'):
        sd[f's0.{n}.weight'] = E.s0[int(n)].weight.data.clone(); sd[f's0.{n}.bias'] = E.s0[int(n)].bias.data.clone()
    sd['s1.2.weight'] = E.s1b.weight.data.clone(); sd['s1.2.bias'] = E.s1b.bias.data.clone()
    G.load_state_dict(sd)
    return G.eval()


def fused_from_graph(model):
    """The fine nets.FusedSynthNet whose parameters are the loaded ONNX model's initializers of the same names. Export
    rewrites add constants of their own that are not parameters (onnxio.shuffles_as_convtranspose's one-hot weights),
    so the parameters are taken by name and every one of them must be there. Up-convolutions that
    onnxio.upconvs_as_phase_convs wrote as 2x2 get their 3x3 fused weights back (onnxio.fused_weights)."""
    from onnx import numpy_helper
    E = nets.FusedSynthNet(nets.SynthNet(fine=True)).eval()
    graph = {t.name: t for t in model.graph.initializer}
    want = E.state_dict()
    missing = [k for k in want if k not in graph]
    if missing:
        raise ValueError(f'not a fused fine SynthNet graph: no initializer {missing[0]}')
    sd = {}
    for k, ref in want.items():
        a = numpy_helper.to_array(graph[k]).copy()
        if a.ndim == 4 and a.shape[2:] == (2, 2) and tuple(ref.shape[2:]) == (3, 3):
            a = onnxio.fused_weights(a)
        sd[k] = torch.from_numpy(a)
    E.load_state_dict(sd)
    return E


def load(onnx_path, check=True, tol=1e-4):
    """A shipped synthesis ONNX -> (trainable nets.SynthNet with its function, max abs diff vs ONNX Runtime)."""
    import onnx
    from onnx import numpy_helper
    model = onnx.load(onnx_path)
    sd = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    if 'full.weight' in sd:          # an unfused SynthNet graph (before fuse_synth.py)
        G = nets.SynthNet(fine='k4' in sd); G.load_state_dict(sd); G.eval()
    else:
        G = unfuse(fused_from_graph(model))
    worst = float('nan')
    if check:
        gen = torch.Generator().manual_seed(4321)
        worst = 0.0
        for shp in ((8, 8), (6, 10)):
            x = torch.randn(1, G.noise_channels, *shp, generator=gen)
            ref = onnxio.ort_run(onnx_path, {'noise': x.numpy()})['image']
            with torch.no_grad():
                y = G(x).numpy()
            worst = max(worst, float(np.abs(y - ref).max()))
        if worst > tol:
            raise ValueError(f'{onnx_path}: the recovered SynthNet differs from ONNX Runtime by {worst:.2e} > {tol:.0e}')
    return G, worst


def exemplar_path(manifest):
    data = manifest['provenance']['data']
    return data.split(': ', 1)[1] if ': ' in data else data


def stats(rgb):
    """ResNet18 feature statistics of an exemplar (uint8 RGB): per layer (channel means, channel stds)."""
    with torch.no_grad():
        fs = featurenet.features(images.to_tensor(rgb), 3)
    return [(f.mean(dim=(0, 2, 3)), f.std(dim=(0, 2, 3))) for f in fs]


def distance(sa, sb):
    return float(sum(((ma - mb) ** 2).mean() + ((va - vb) ** 2).mean() for (ma, va), (mb, vb) in zip(sa, sb)))


def candidates(models_dir):
    """Shipped synthesis models in models_dir whose exemplar is readable: [(name, onnx path, exemplar path)]."""
    out = []
    for f in sorted(os.listdir(models_dir)):
        if not f.endswith('.json'):
            continue
        m = json.load(open(os.path.join(models_dir, f)))
        onnx_path = os.path.join(models_dir, f[:-5] + '.onnx')
        if m.get('kind') != 'synthesis' or not os.path.exists(onnx_path):
            continue
        p = exemplar_path(m)
        if os.path.exists(p):
            out.append((m['name'], onnx_path, p))
    return out


def nearest(rgb, models_dir, max_side=256, exclude_sha16=None):
    """-> (onnx path, name, {name: distance}) of the shipped material whose exemplar's feature statistics are nearest
    to rgb (an exemplar as train_synth.py sees it). A model trained on this very exemplar (same file hash) is skipped."""
    s = stats(rgb)
    d = {}
    paths = {}
    for name, onnx_path, ex in candidates(models_dir):
        if exclude_sha16 and hashlib.sha256(open(ex, 'rb').read()).hexdigest()[:16] == exclude_sha16:
            continue
        d[name] = distance(s, stats(images.fit_exemplar(images.read_rgb(ex), max_side)))
        paths[name] = onnx_path
    if not d:
        raise ValueError(f'no shipped synthesis model with a readable exemplar in {models_dir}')
    best = min(d, key=d.get)
    return paths[best], best, d
