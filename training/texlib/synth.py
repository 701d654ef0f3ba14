"""Training one synthesis generator from one exemplar (used by train_synth.py)."""
import copy, math
import time
import numpy as np
import torch
import torch.nn.functional as F
from . import nets, losses, featurenet
from .images import to_tensor

# relu1, layer1, layer2, layer3 (indices 0..3). layer3 (1/16 resolution, the widest context) made the structure
# larger and closer to the exemplar's: mean feature SWD 0.111 vs 0.119 with three stages (4 supertuxkart
# exemplars, 700 steps), and 0.080 vs 0.119 on the stone wall together with the fine noise inputs.
FEAT_LAYERS = 4
FEAT_DIMS = (64, 64, 128, 256)


class ExemplarStats:
    """Everything the losses need from the exemplar. The random projections of the sliced
    Wasserstein terms are redrawn every few steps (refresh); the exemplar's sorted projections are
    computed then, on at most MAX_REF positions, so a step sorts only the generated side."""
    MAX_REF = 16384
    PROJ = 32

    def __init__(self, rgb, gen):
        self.x = to_tensor(rgb)                                   # (1,3,H,W)
        with torch.no_grad():
            feats = [f[0].permute(1, 2, 0).reshape(-1, f.shape[1]) for f in featurenet.features(self.x, FEAT_LAYERS - 1)]
            self.sets = [self._sub(t, gen) for t in feats + losses.colour_patches(self.x)]
            self.hist = losses.soft_histogram(self.x)
            self.mean = self.x.mean(dim=(2, 3)); self.std = self.x.std(dim=(2, 3))
            self.low = torch.sort(F.avg_pool2d(self.x, 8).permute(1, 0, 2, 3).reshape(3, -1), dim=1)[0]
        self.refresh(gen)

    def _sub(self, t, gen):
        if t.shape[0] > self.MAX_REF:
            t = t[torch.randperm(t.shape[0], generator=gen)[:self.MAX_REF]]
        return t.contiguous()

    def refresh(self, gen):
        self.proj, self.ref = [], []
        with torch.no_grad():
            for t in self.sets:
                p = torch.randn(t.shape[1], self.PROJ, generator=gen); p = p / p.norm(dim=0, keepdim=True)
                self.proj.append(p)
                self.ref.append(torch.sort((t @ p).T.contiguous(), dim=1)[0])    # (P, n)


def quantile_match(x, ref_sorted):
    """x: (n, P) unsorted projections; ref_sorted: (P, m) -> mean squared quantile difference."""
    xs = torch.sort(x.T.contiguous(), dim=1)[0]
    idx = torch.linspace(0, ref_sorted.shape[1] - 1, xs.shape[1]).round().long()
    return ((xs - ref_sorted[:, idx]) ** 2).mean()


MAX_GEN = 4096


def _project(x, p, gen, patch=None):
    """x: (N,C,H,W) features or (N,3,H,W) image (patch given): projections onto the columns of p as a
    convolution (much faster than unfold + matmul here), then at most MAX_GEN random positions."""
    k = p.shape[1]
    w = p.T.reshape(k, -1, patch, patch) if patch else p.T[:, :, None, None]
    y = F.conv2d(x, w).permute(0, 2, 3, 1).reshape(-1, k)
    if y.shape[0] > MAX_GEN:
        y = y[torch.randperm(y.shape[0], generator=gen)[:MAX_GEN]]
    return y


def texture_loss(out, ex, gen, weights):
    """out: (N,3,h,w) generated; ex: ExemplarStats."""
    terms = {}
    feats = featurenet.features(out, FEAT_LAYERS - 1)
    y = (out + 1) * 0.5
    imgs = [y, F.avg_pool2d(y, 2)]          # the scales of losses.colour_patches
    q = [quantile_match(_project(f, p, gen), r) for f, p, r in zip(feats, ex.proj, ex.ref)]
    q += [quantile_match(_project(im, p, gen, 5), r) for im, p, r in zip(imgs, ex.proj[FEAT_LAYERS:], ex.ref[FEAT_LAYERS:])]
    terms['swd'] = sum(q[:FEAT_LAYERS])
    terms['pix'] = sum(q[FEAT_LAYERS:])
    terms['hist'] = (losses.soft_histogram(out) - ex.hist).abs().sum(dim=1).mean()
    low = F.avg_pool2d(out, 8).permute(1, 0, 2, 3).reshape(3, -1)
    idx = torch.linspace(0, ex.low.shape[1] - 1, low.shape[1]).round().long()
    terms['stats'] = (out.mean(dim=(2, 3)) - ex.mean).abs().mean() + (out.std(dim=(2, 3)) - ex.std).abs().mean() \
        + (torch.sort(low, dim=1)[0] - ex.low[:, idx]).abs().mean()
    total = sum(weights[k] * v for k, v in terms.items())
    return total, terms


WEIGHTS = {'swd': 1.0, 'pix': 20.0, 'hist': 1.0, 'stats': 1.0}


def train(rgb, seconds, steps=0, seed=0, crop=128, batch=2, gan=0.05, progress=None, threads=1, arch='fine', init=None, widths=None,
          lr=None):
    """Returns (generator, stats dict). lr: the generator's Adam rate (default 2e-3, 1e-3 with an adversarial term;
    the seed's GAN recipe is 2e-4, beta1 0.5 for both networks). widths: SynthNet's channels at 1/8, 1/4 and 1/2 resolution (None = its
    default for the arch). init: a nets.SynthNet to start from (warm start, texlib/warmstart.py;
    copied, not modified) instead of a random initialisation."""
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    ex = ExemplarStats(rgb, gen)
    if arch == 'patch' and widths is not None:
        raise ValueError('--widths is for SynthNet; --arch patch has no widths')
    G = nets.PatchSynthNet(exemplar=ex.x, seed=seed) if arch == 'patch' else nets.SynthNet(fine=arch == 'fine', widths=widths)
    if init is not None:
        if arch == 'patch' or not isinstance(init, nets.SynthNet) or init.fine != (arch == 'fine'):
            raise ValueError(f'--init: a {"fine " if init.fine else ""}SynthNet does not fit --arch {arch}')
        if widths is not None and tuple(widths) != tuple(init.widths):
            raise ValueError(f'--init: its widths {"/".join(map(str, init.widths))} differ from --widths {"/".join(map(str, widths))}')
        G = copy.deepcopy(init).train()
    og = torch.optim.Adam(G.parameters(), lr=lr or (2e-3 if gan == 0 else 1e-3), betas=(0.5, 0.999))
    D = losses.PatchDiscriminator(width=24) if gan > 0 else None
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999)) if D else None
    h, w = ex.x.shape[2:]
    t0 = time.time(); step = 0; avg = {}; decayed = False
    # Divergence guard: at lr 2e-3 a run on a validation exemplar collapsed after ~2250 steps (tanh saturated, the
    # output went black) and never came back. Keep the weights of the best smoothed loss; on a blow-up return to them
    # with a fresh optimiser at half the rate, and export the best weights at the end.
    best, best_loss, ema, recoveries = None, float('inf'), None, 0
    while True:
        el = time.time() - t0
        if (steps and step >= steps) or (not steps and el >= seconds) or (steps and el >= seconds):
            break
        if step % 20 == 0 and step:
            ex.refresh(gen)
        noise = torch.randn(batch, G.noise_channels, crop // 8, crop // 8, generator=gen)
        out = G(noise)
        loss, terms = texture_loss(out, ex, gen, WEIGHTS)
        if D is not None and step >= 50:
            loss = loss + gan * F.softplus(-D(out)).mean()
        og.zero_grad(set_to_none=True); loss.backward(); og.step()
        lv = float(loss.detach())
        ema = lv if ema is None else 0.95 * ema + 0.05 * lv
        if step % 20 == 0 and step >= 100:
            if ema < best_loss:
                best_loss, best = ema, copy.deepcopy(G.state_dict())
            elif best is not None and (ema > 2 * best_loss or not math.isfinite(ema)):
                G.load_state_dict(best)
                og = torch.optim.Adam(G.parameters(), lr=og.param_groups[0]['lr'] * 0.5, betas=(0.5, 0.999))
                ema, recoveries = best_loss, recoveries + 1
        if D is not None:
            ys = torch.randint(0, max(1, h - crop + 1), (batch,), generator=gen)
            xs = torch.randint(0, max(1, w - crop + 1), (batch,), generator=gen)
            real = torch.cat([ex.x[:, :, y:y + crop, x:x + crop] for y, x in zip(ys.tolist(), xs.tolist())])
            dl = F.softplus(-D(real)).mean() + F.softplus(D(out.detach())).mean()
            od.zero_grad(set_to_none=True); dl.backward(); od.step()
            terms['d'] = dl
        for k, v in terms.items():
            avg[k] = 0.95 * avg.get(k, float(v)) + 0.05 * float(v)
        step += 1
        if progress and step % 20 == 0:
            frac = step / steps if steps else el / seconds
            progress(min(0.95, 0.95 * frac), f'step {step} ' + ' '.join(f'{k} {v:.4f}' for k, v in avg.items()))
        if not decayed and (el > 0.7 * seconds or (steps and step > 0.7 * steps)):
            decayed = True   # one step down for the last 30 %: finer detail, less jitter
            for g in og.param_groups:
                g['lr'] *= 0.3
    if best is not None and not (ema is not None and ema <= best_loss):
        G.load_state_dict(best)
    G.eval()
    return G, {'steps': step, 'seconds': round(time.time() - t0, 1), 'recoveries': recoveries,
               'best_smoothed_loss': None if best is None else round(best_loss, 5),
               'final_losses': {k: round(v, 5) for k, v in avg.items()}}
