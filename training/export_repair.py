#!/usr/bin/python3
"""Exports the repair checkpoint to models/repair.onnx + repair.json, checks parity with PyTorch
through ONNX Runtime (training/ortrun, max abs diff <= 1e-4), times 256x256 and writes the parity
fixture tests/fixtures/parity/repair_*.bin (64x64 texture held out from the training corpus).

It also measures the context margin dirty tiles need (texlib/margin.py) into the manifest's context_margin.

usage: export_repair.py [--ckpt /work/ckpt/repair.pt] [--out models/] [--metrics eval.json]
       export_repair.py --margin-only [--ckpt CKPT] [--out models/]   (re-measure into the existing repair.json)"""
import argparse, os, sys, json, datetime
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import numpy as np, torch, cv2, onnx
from texlib import nets, onnxio, corpus, margin
from texlib.images import read_rgb, to_tensor
from texlib.guide import coarse_copy_guide

# held out: not picked by corpus.repair_corpus (no material keyword), CC0
FIXTURE_SOURCE = corpus.STK_DIR + 'astro_turf.jpg'


def _phase(p):
    """One recipe phase of train_repair.py: [from step, W, deepest stage, A] + [LPIPS-style weight] + [{anneal, d_warmup}]."""
    text = f'{p[0]}: {p[1]:g}, {["relu1", "layer1", "layer2", "layer3"][p[2]]}, {p[3]:g}'
    for extra in p[4:]:
        if isinstance(extra, dict):
            if 'd_warmup' in extra:
                text += f', first {extra["d_warmup"]} discriminator-only iterations'
            if 'anneal_to' in extra:
                text += f', learning rates decayed linearly to {extra["anneal_to"]:g} x 2e-4 over the phase'
            if 'crop' in extra:
                text += (f', batch {extra["batch"]} of {extra["crop"]}x{extra["crop"]} crops, holes up to crop/'
                         f'{extra["hole_div"]} semi-axis')
            if 'd_from' in extra:
                text += f', discriminator taken from {extra["d_from"]}'
        else:
            text += f', LPIPS {extra:g}'
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default='/work/ckpt/repair.pt')
    ap.add_argument('--out', default=os.path.join(ROOT, 'models'))
    ap.add_argument('--metrics', help='JSON object merged into the manifest metrics (eval tables)')
    ap.add_argument('--margin-only', action='store_true', help='only measure the context margin into the existing repair.json')
    a = ap.parse_args()
    torch.set_num_threads(2)
    st = torch.load(a.ckpt)
    G = nets.RepairNet(); G.load_state_dict(st['G']); G.eval()
    cm, table = margin.context_margin(G, corpus.repair_corpus())
    cm_metrics = {'context_margin_tolerance': 'PSNR inside the damage within 0.05 dB of a whole-texture pass, no value more than 8 levels off',
                  'context_margin_mean_levels': round(table[cm][0], 3), 'context_margin_max_levels': round(table[cm][1], 3),
                  'context_margin_psnr_change_db': round(table[cm][2], 4)}
    print('context margin', cm, ' '.join(f'{k}:{v[0]:.2f}/{v[1]:.2f}/{v[2]:.3f}' for k, v in table.items()), flush=True)
    if a.margin_only:
        jp = os.path.join(a.out, 'repair.json')
        manifest = json.load(open(jp))
        manifest['context_margin'] = cm
        manifest['metrics'].update(cm_metrics)
        onnxio.write_json(jp, manifest)
        print(f'{jp}: context_margin {cm}')
        return
    path = os.path.join(a.out, 'repair.onnx')
    meta = {'texplug.kind': 'repair', 'texplug.value_range': '-1,1', 'texplug.noise_channels': 0,
            'texplug.noise_cell': 0, 'texplug.size_multiple': G.size_multiple, 'texplug.tileable': 'true',
            'texplug.name': 'repair', 'texplug.guide_scale': 4, 'texplug.guide_patch': 5}
    ex = (torch.zeros(1, 3, 64, 64), torch.zeros(1, 1, 64, 64), torch.zeros(1, 3, 64, 64))
    # exported in the equal form without the pixel-unshuffle transpose (nets.ExportRepairNet); parity below is
    # against the trained RepairNet itself
    onnxio.export(G.for_export(), ex, ['image', 'mask', 'guide'], 'repaired', path, meta, wrap=True)
    gen = torch.Generator().manual_seed(99)
    worst = 0.0
    for h, w in ((64, 64), (96, 128)):
        img = torch.rand(1, 3, h, w, generator=gen) * 2 - 1
        mask = (torch.rand(1, 1, h, w, generator=gen) < 0.3).float()
        guide = torch.rand(1, 3, h, w, generator=gen) * 2 - 1
        with torch.no_grad():
            ref = G(img * (1 - mask), mask, guide).numpy()
        got = onnxio.ort_run(path, {'image': (img * (1 - mask)).numpy(), 'mask': mask.numpy(), 'guide': guide.numpy()})['repaired']
        worst = max(worst, float(np.abs(got - ref).max()))
    if worst > 1e-4:
        os.remove(path)
        raise SystemExit(f'{path}: ONNX Runtime differs from PyTorch by {worst:.2e} > 1e-4 (model removed)')
    ms = onnxio.ort_time(path, {'image': (1, 3, 256, 256), 'mask': (1, 1, 256, 256), 'guide': (1, 3, 256, 256)}, runs=30)
    # parity fixture: a held-out texture with a block and a scratch, 64x64
    rgb = cv2.resize(read_rgb(FIXTURE_SOURCE)[:256, :256], (64, 64), interpolation=cv2.INTER_AREA)
    m = np.zeros((64, 64), np.uint8); m[20:40, 24:44] = 1; cv2.line(m, (0, 50), (63, 58), 1, 2)
    g = coarse_copy_guide(rgb, m)
    gt = to_tensor(rgb); mk = torch.from_numpy(m).float()[None, None]
    dmg = gt * (1 - mk); gd = to_tensor(g)
    with torch.no_grad():
        out = G(dmg, mk, gd)
    if os.path.abspath(a.out) == os.path.join(ROOT, 'models'):   # the fixture belongs to the shipped model only
        fx = os.path.join(ROOT, 'tests', 'fixtures', 'parity'); os.makedirs(fx, exist_ok=True)
        for n, t in (('truth', gt), ('image', dmg), ('mask', mk), ('guide', gd), ('repaired', out)):
            t.numpy().astype('<f4').tofile(os.path.join(fx, f'repair_{n}.bin'))
    at256 = {'image': (1, 3, 256, 256), 'mask': (1, 1, 256, 256), 'guide': (1, 3, 256, 256)}
    metrics = {'params': nets.count_params(G), 'gflop_per_256x256': round(onnxio.graph_gflops(onnx.load(path), at256), 4),
               'ort_ms_256x256_2threads': round(ms, 2), 'parity_max_abs_diff': worst, 'train_losses': {k: round(v, 5) for k, v in st.get('avg', {}).items()}}
    metrics.update(cm_metrics)
    if a.metrics:
        metrics.update(json.load(open(a.metrics)))
    manifest = {
        'name': 'repair', 'kind': 'repair',
        'description': 'Generic texture repair: fills damaged pixels (scratches, holes, large blocks, seams across the wrap-around) '
                       'from the coarse copy guide and the intact surroundings',
        'inputs': [{'name': 'image', 'role': 'image', 'channels': 3}, {'name': 'mask', 'role': 'mask', 'channels': 1},
                   {'name': 'guide', 'role': 'guide', 'channels': 3}],
        'output': {'name': 'repaired', 'channels': 3},
        'value_range': [-1.0, 1.0], 'channel_order': 'RGB',
        'guide': {'scale': 4, 'patch': 5},
        'size_multiple': G.size_multiple, 'tileable': True, 'receptive_field': 96, 'context_margin': cm,
        'provenance': {'data': f'{len(corpus.repair_corpus())} textures of Debian supertuxkart-data 1.4 '
                               '(/usr/share/games/supertuxkart/data/textures, material keywords; see training/texlib/corpus.py), '
                               'random 128x128 crops (larger in phases that say so) at scale 0.5-1, dihedral flips, random scratches/holes/blocks/seams',
                       'licence': 'CC-BY-SA-3.0, GPL-3+, GPL, public domain, CC0 (per file, /usr/share/doc/supertuxkart-data/copyright)',
                       'recipe': 'training/train_repair.py: RepairNet (guide + correction), masked L1 + W x ResNet18 perceptual + A x adversarial '
                                 '(patch discriminator, from step 500), Adam 2e-4 beta1 0.5, batch 8 of 128x128 crops unless a phase says otherwise; phases (from step: W, deepest stage, A[, LPIPS-style weight][, decay]): '
                                 + '; '.join(_phase(p) for p in st.get('recipe', [[0, 5.0, 2, 0.01]]))
                                 + (f'. {st["origin"][0].upper()}{st["origin"][1:]}' if st.get('origin') else ''),   # onnx_to_ckpt.py
                       'training_seconds': round(st['seconds']), 'steps': st['step'],
                       'date': datetime.date.today().isoformat(), 'seed': st.get('seed', 0)},
        'metrics': metrics,
    }
    # The engine's tiling (training/tile_quality.py) is measured on the shipped model and kept across re-exports; re-run
    # tile_quality.py after a new model to re-check it.
    old = os.path.join(a.out, 'repair.json')
    if os.path.exists(old):
        prev = json.load(open(old))
        for k in ('tile_margin', 'guide_context', 'guide_step'):
            if k in prev and prev[k] <= manifest['receptive_field']:
                manifest[k] = prev[k]
        if 'tile_quality' in prev.get('metrics', {}):
            manifest['metrics']['tile_quality'] = prev['metrics']['tile_quality']   # names the model it measured
    onnxio.write_json(os.path.join(a.out, 'repair.json'), manifest)
    print(f'model {path}: {metrics["params"]} params, {metrics["gflop_per_256x256"]} GFLOP/256^2, {ms:.1f} ms per 256^2, parity {worst:.1e}')


if __name__ == '__main__':
    main()
