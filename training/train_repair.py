#!/usr/bin/python3
"""Trains the generic repair network (RepairNet) on supertuxkart-data textures with random damage.

usage: train_repair.py --minutes M [--resume] [--ckpt /work/ckpt/repair.pt] [--threads 1] [--seed 0] [--d-warmup N]
Loss: masked L1 + ResNet18 perceptual + (after a warm-up) adversarial against a patch discriminator
(the seed's SRGAN-style repair loss). Inputs: damaged image (zeroed), mask, coarse copy guide.
Checkpoints every --ckpt-minutes (atomic), resumable; progress lines 'progress F message' on stdout.
--d-warmup N: the first N iterations of this run train only the discriminator against the generator's current
composites (the generator untouched, its step counter not advanced): for a resume whose discriminator restarted
(e.g. a checkpoint recovered from the ONNX by onnx_to_ckpt.py), so that the adversarial term is not a random
network's gradient. A checkpoint's 'origin' note (onnx_to_ckpt.py) is kept in the checkpoints it leads to.
Export with export_repair.py."""
import argparse, os, sys, time, json
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from texlib import nets, losses, corpus, damage
from texlib.guide import coarse_copy_guide
from texlib.images import to_tensor

CROP = 128   # the default of --crop
HOLE_DIV = 12   # the default of --hole-div


def sample(rng, images, crop=CROP, hole_div=HOLE_DIV):
    name, im, _ = images[int(rng.integers(len(images)))]
    h, w = im.shape[:2]
    scale = rng.uniform(0.5, 1.0) if min(h, w) >= 2 * crop else 1.0
    if scale < 1.0:
        import cv2
        im = cv2.resize(im, (max(crop, int(w * scale)), max(crop, int(h * scale))), interpolation=cv2.INTER_AREA)
        h, w = im.shape[:2]
    y, x = int(rng.integers(0, h - crop + 1)), int(rng.integers(0, w - crop + 1))
    c = im[y:y + crop, x:x + crop]
    k = int(rng.integers(4)); c = np.rot90(c, k)
    if rng.random() < 0.5:
        c = c[:, ::-1]
    c = np.ascontiguousarray(c)
    m = damage.random_mask(rng, crop, crop, hole_div=hole_div)
    g = coarse_copy_guide(c, m)
    return c, m, g


def batch(rng, images, n, crop=CROP, hole_div=HOLE_DIV):
    cs, ms, gs = zip(*[sample(rng, images, crop, hole_div) for _ in range(n)])
    gt = torch.cat([to_tensor(c) for c in cs])
    mask = torch.from_numpy(np.stack(ms)).float()[:, None]
    guide = torch.cat([to_tensor(g) for g in gs])
    return gt, mask, guide


def save_ckpt(path, state):
    tmp = path + '.tmp'
    torch.save(state, tmp)
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, required=True)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--ckpt', default='/work/ckpt/repair.pt')
    ap.add_argument('--ckpt-minutes', type=float, default=3.0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--steps', type=int, default=0, help='stop after this many steps (0 = time only)')
    ap.add_argument('--perc-weight', type=float, default=5.0, help='weight of the ResNet18 perceptual term')
    ap.add_argument('--perc-upto', type=int, default=2, choices=(1, 2, 3), help='deepest ResNet18 stage in it (2 = layer2, 3 = layer3)')
    ap.add_argument('--adv-weight', type=float, default=0.01, help='weight of the adversarial term (from step 500)')
    ap.add_argument('--lp-weight', type=float, default=0.0,
                    help='weight of the LPIPS-style term (squared unit-normalised features, relu1..layer3)')
    ap.add_argument('--anneal', type=float, default=0.0,
                    help='decay both learning rates linearly over this run to this fraction of 2e-4 (0 = constant); '
                         'the run\'s progress is the larger of its time and --steps fractions')
    ap.add_argument('--crop', type=int, default=CROP, help='training crop side (128 for every phase before session 9)')
    ap.add_argument('--hole-div', type=int, default=HOLE_DIV,
                    help='largest hole semi-axis = crop / this (12 before session 9: 10 px at 128, where the shared '
                         'eval\'s 256x256 holes reach 17 px)')
    ap.add_argument('--d-from', default='',
                    help='take the discriminator (and its Adam state) from this checkpoint instead (e.g. a run that '
                         'trained one against nearly the same generator)')
    ap.add_argument('--d-warmup', type=int, default=0,
                    help='first train only the discriminator for this many iterations (generator frozen, steps not counted)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    images = corpus.repair_corpus()
    print(f'corpus: {len(images)} supertuxkart-data textures', flush=True)
    if a.crop != CROP:
        images = [t for t in images if min(t[1].shape[:2]) >= a.crop]
        print(f'{len(images)} of them at least {a.crop} px on both sides', flush=True)
    G, D = nets.RepairNet(), losses.PatchDiscriminator()
    og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    step, seconds = 0, 0.0
    origin = None
    recipe = []   # (from step, perceptual weight, deepest stage, adversarial weight[, LPIPS-style weight]): the phases this checkpoint went through
    if a.resume and os.path.exists(a.ckpt):
        st = torch.load(a.ckpt)
        G.load_state_dict(st['G']); D.load_state_dict(st['D'])
        og.load_state_dict(st['og']); od.load_state_dict(st['od'])
        step, seconds = st['step'], st['seconds']
        origin = st.get('origin')
        recipe = st.get('recipe', [[0, 5.0, 2, 0.01]])   # checkpoints before the flags: the original recipe
        # the learning rate is the recipe's (2e-4, or --anneal's schedule below), not whatever the optimiser state
        # carries: an annealed checkpoint ends at anneal x 2e-4, and resuming it without --anneal must not stay there
        for opt in (og, od):
            for g in opt.param_groups:
                g['lr'] = 2e-4
        print(f'resumed {a.ckpt} at step {step}, {seconds / 60:.1f} min trained', flush=True)
    if a.d_from:   # after the resume, so it replaces the checkpoint's discriminator (and works without --resume too)
        sd = torch.load(a.d_from)
        D.load_state_dict(sd['D']); od.load_state_dict(sd['od'])
        for g in od.param_groups:
            g['lr'] = 2e-4
        print(f'discriminator from {a.d_from} (step {sd["step"]})', flush=True)
    phase = [step, a.perc_weight, a.perc_upto, a.adv_weight] + ([a.lp_weight] if a.lp_weight else [])
    if a.anneal or a.d_warmup or a.crop != CROP or a.hole_div != HOLE_DIV or a.d_from:
        extra = {}
        if a.crop != CROP or a.hole_div != HOLE_DIV:
            extra.update({'crop': a.crop, 'batch': a.batch, 'hole_div': a.hole_div})
        if a.d_from:
            extra['d_from'] = os.path.basename(a.d_from)
        if a.anneal:
            extra.update({'anneal_to': a.anneal, 'steps': a.steps, 'minutes': a.minutes})
        if a.d_warmup:
            extra['d_warmup'] = a.d_warmup
        phase += [extra]
    if not recipe or recipe[-1][1:] != phase[1:]:
        recipe.append(phase)
    rng = np.random.default_rng(a.seed * 1000003 + step)
    os.makedirs(os.path.dirname(a.ckpt), exist_ok=True)
    budget = seconds + a.minutes * 60
    start_seconds, start_step = seconds, step; last_ck = last = time.time()
    avg = {}
    warm = 0

    def state():
        s = {'G': G.state_dict(), 'D': D.state_dict(), 'og': og.state_dict(), 'od': od.state_dict(),
             'step': step, 'seconds': seconds, 'seed': a.seed, 'avg': avg, 'recipe': recipe}
        if origin:
            s['origin'] = origin
        return s

    while True:
        # training time: the wall time of the steps, without pauses (a stopped process, a suspended machine): a gap of
        # more than a minute between two steps (one takes a second or two) counts as one second
        now = time.time()
        seconds += (now - last) if now - last < 60 else 1.0
        last = now
        if seconds >= budget or (a.steps and step >= a.steps):
            break
        if a.anneal:
            done = (seconds - start_seconds) / max(1e-9, budget - start_seconds)
            if a.steps:
                done = max(done, (step - start_step) / max(1, a.steps - start_step))
            for opt in (og, od):
                for g in opt.param_groups:
                    g['lr'] = 2e-4 * (1.0 - (1.0 - a.anneal) * min(1.0, done))
        gt, mask, guide = batch(rng, images, a.batch, a.crop, a.hole_div)
        dmg = gt * (1 - mask)
        if warm < a.d_warmup:   # discriminator only, against the generator as it is
            with torch.no_grad():
                comp = mask * G(dmg, mask, guide) + (1 - mask) * gt
            dl = F.softplus(-D(gt)).mean() + F.softplus(D(comp)).mean()
            od.zero_grad(set_to_none=True); dl.backward(); od.step()
            avg['d'] = 0.98 * avg.get('d', float(dl)) + 0.02 * float(dl)
            warm += 1
            if warm % 50 == 0 or warm == a.d_warmup:
                print(f'd-warmup {warm}/{a.d_warmup} {seconds / 60:.1f} min d {avg["d"]:.4f}', flush=True)
            continue
        out = G(dmg, mask, guide)
        comp = mask * out + (1 - mask) * gt
        l1 = ((out - gt).abs() * mask).sum() / mask.sum().clamp(min=1) / 3
        perc = losses.perceptual(comp, gt, upto=a.perc_upto)
        adv_on = step >= 500
        loss = l1 + a.perc_weight * perc
        if a.lp_weight:
            lp = losses.lpips_like(comp, gt)
            loss = loss + a.lp_weight * lp
            avg['lp'] = 0.98 * avg.get('lp', float(lp)) + 0.02 * float(lp)
        if adv_on:
            loss = loss + a.adv_weight * F.softplus(-D(comp)).mean()
        og.zero_grad(set_to_none=True); loss.backward(); og.step()
        if adv_on or step >= 400:
            dl = F.softplus(-D(gt)).mean() + F.softplus(D(comp.detach())).mean()
            od.zero_grad(set_to_none=True); dl.backward(); od.step()
            avg['d'] = 0.98 * avg.get('d', float(dl)) + 0.02 * float(dl)
        for k, v in (('l1', l1), ('perc', perc)):
            avg[k] = 0.98 * avg.get(k, float(v)) + 0.02 * float(v)
        step += 1
        if step % 50 == 0 or (a.steps and a.steps - start_step <= 50 and step == a.steps):
            print(f'progress {min(1.0, (seconds - start_seconds) / max(1e-9, budget - start_seconds)):.4f} step {step} '
                  f'{seconds / 60:.1f} min ' + ' '.join(f'{k} {v:.4f}' for k, v in avg.items()), flush=True)
        if time.time() - last_ck > a.ckpt_minutes * 60:
            save_ckpt(a.ckpt, state())
            last_ck = time.time()
    save_ckpt(a.ckpt, state())
    print(f'done step {step} {seconds / 60:.1f} min -> {a.ckpt}', flush=True)


if __name__ == '__main__':
    main()
