#!/usr/bin/python3
"""Train your own synthesis model from one exemplar image.

usage: train_synth.py --exemplar PATH --minutes M --name NAME [--out DIR] [--seed S] [--steps N]
                      [--description TEXT] [--licence TEXT] [--source TEXT] [--fixture] [--init MODEL.onnx|nearest]
Prints 'progress F message' lines (F in 0..1) and finally 'model PATH/NAME.onnx'; writes NAME.onnx and
NAME.json atomically into DIR (default models/). --minutes bounds the training loop; export, the
ONNX Runtime parity check (max abs diff <= 1e-4, via training/ortrun) and timing add about 10-20 s.
Exit code 2 with one line 'error: ...' on any problem (unreadable exemplar, bad name, ...).
--fixture also writes tests/fixtures/parity/NAME_noise.bin and NAME_image.bin (a fixed input and the
PyTorch output) for the C# parity test."""
import argparse, os, sys, re, time, datetime, hashlib
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
sys.path.insert(0, os.path.join(ROOT, 'training'))


def progress(frac, msg):
    print(f'progress {frac:.3f} {msg}', flush=True)


def checked_exemplar(a):
    """The arguments both methods check, and the exemplar as (H, W, 3) uint8; ValueError naming the problem."""
    from texlib import images
    if not re.fullmatch(r'[A-Za-z0-9_\-]{1,64}', a.name):
        raise ValueError(f'--name {a.name!r}: use 1-64 letters, digits, - or _')
    if a.minutes <= 0 and a.steps <= 0:
        raise ValueError('--minutes must be > 0')
    rgb = images.read_rgb(a.exemplar)
    h, w = rgb.shape[:2]
    if min(h, w) < 64:
        raise ValueError(f'{a.exemplar}: {w}x{h} is too small, the exemplar needs at least 64x64 pixels')
    return rgb


def run(a):
    import numpy as np, torch, onnx
    from texlib import images, synth, nets, onnxio, featurenet, colourmap, colourlut
    rgb = checked_exemplar(a)
    h, w = rgb.shape[:2]
    rgb = images.fit_exemplar(rgb, a.max_side)
    featurenet.resnet18()   # fail early when the feature network is missing
    progress(0.0, f'exemplar {a.exemplar} {w}x{h} -> {rgb.shape[1]}x{rgb.shape[0]}')
    crop = min(a.crop, min(rgb.shape[:2])) // 8 * 8 if min(rgb.shape[:2]) >= 128 else 64
    init, init_note = None, None
    if a.init:
        # warm start from a shipped material (texlib/warmstart.py): its graph un-fused into a SynthNet, checked vs ORT
        from texlib import warmstart
        torch.set_num_threads(a.threads)
        if a.init == 'nearest':
            sha16 = hashlib.sha256(open(a.exemplar, 'rb').read()).hexdigest()[:16]
            init_path, init_name, dists = warmstart.nearest(rgb, a.init_models, a.max_side, exclude_sha16=sha16)
            progress(0.0, 'init distances (ResNet18 feature mean/std): ' + ' '.join(f'{k} {v:.4f}' for k, v in sorted(dists.items(), key=lambda kv: kv[1])))
        else:
            init_path, init_name = a.init, os.path.splitext(os.path.basename(a.init))[0]
        init, diff = warmstart.load(init_path)
        init_note = f'warm start from {init_name}'
        progress(0.0, f'{init_note} ({init_path}; recovered SynthNet vs ONNX Runtime {diff:.1e})')
    G, st = synth.train(rgb, a.minutes * 60, steps=a.steps, seed=a.seed, crop=crop, gan=a.gan, batch=a.batch, arch=a.arch, lr=a.lr,
                        progress=progress, threads=a.threads, init=init, widths=a.widths)
    progress(0.95, f'trained {st["steps"]} steps in {st["seconds"]} s; exporting')
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, a.name + '.onnx')
    # same function, faster in ONNX Runtime: (nearest x2, conv) pairs fused into (conv, pixel shuffle)
    E = (nets.FusedSynthNet(G) if isinstance(G, nets.SynthNet) else G).eval()
    colour = None
    if a.colour_map and isinstance(E, nets.FusedSynthNet):
        # colour calibration folded into the last convolution (texlib/colourmap.py): no cost at inference
        A, b = colourmap.calibrate(E, rgb)
        colourmap.fold(E, A, b)
        colour = {'A': np.round(A, 5).tolist(), 'b': np.round(b, 5).tolist()}
        progress(0.955, 'colour calibration folded into the last layer')
    meta = {'texplug.kind': 'synthesis', 'texplug.value_range': '-1,1', 'texplug.noise_channels': G.noise_channels,
            'texplug.noise_cell': G.cell, 'texplug.size_multiple': G.cell, 'texplug.tileable': 'true',
            'texplug.name': a.name}
    onnxio.export(E, (torch.randn(1, G.noise_channels, 8, 8),), ['noise'], 'image', onnx_path, meta)
    # parity: ONNX Runtime (C#) against PyTorch, two shapes, random inputs
    gen = torch.Generator().manual_seed(1234)
    worst = onnxio.synth_parity(E, onnx_path, G.noise_channels, gen)
    if worst > 1e-4:
        os.remove(onnx_path)
        raise onnxio.ExportError(f'{onnx_path}: ONNX Runtime differs from PyTorch by {worst:.2e} > 1e-4 (model removed)')
    progress(0.97, f'parity ok, max abs diff {worst:.2e}')
    luts = None
    if a.colour_lut:
        # per-channel colour curves onto the exemplar's histograms, applied to the output bytes (texlib/colourlut.py)
        from generate import render
        luts = colourlut.fit_model(lambda seed: render(onnx_path, G.noise_channels, G.cell, 256, seed), rgb)
        progress(0.975, 'colour curves fitted to the exemplar')
    ms512 = onnxio.ort_time(onnx_path, {'noise': (1, G.noise_channels, 64, 64)}, runs=a.time_runs, warmup=3)
    with torch.no_grad():
        big = E(torch.randn(1, G.noise_channels, 64, 64, generator=gen))   # the shipped function (calibrated)
    img = images.to_rgb(big)
    sys.path.insert(0, os.path.join(ROOT, 'training'))
    from texlib.metrics import seam_ratio
    seam = seam_ratio(img)
    if a.fixture:
        fx = os.path.join(ROOT, 'tests', 'fixtures', 'parity')
        os.makedirs(fx, exist_ok=True)
        x = torch.randn(1, G.noise_channels, 8, 8, generator=torch.Generator().manual_seed(7))
        with torch.no_grad():
            y = E(x).numpy()
        x.numpy().astype('<f4').tofile(os.path.join(fx, f'{a.name}_noise.bin'))
        y.astype('<f4').tofile(os.path.join(fx, f'{a.name}_image.bin'))
    ex_hash = hashlib.sha256(open(a.exemplar, 'rb').read()).hexdigest()[:16]
    widths = f' (widths {"/".join(map(str, G.widths))})' if hasattr(G, 'widths') else ''
    manifest = {
        'name': a.name, 'kind': 'synthesis',
        'description': a.description or f'Trained from {os.path.basename(a.exemplar)}',
        'inputs': [{'name': 'noise', 'role': 'noise', 'channels': G.noise_channels}],
        'output': {'name': 'image', 'channels': 3},
        'value_range': [-1.0, 1.0], 'channel_order': 'RGB',
        'noise': {'channels': G.noise_channels, 'cell': G.cell},
        'size_multiple': G.cell, 'tileable': True, 'receptive_field': 48,
        'provenance': {'data': a.source or os.path.abspath(a.exemplar), 'licence': a.licence or 'as the exemplar',
                       'exemplar_sha256_16': ex_hash,
                       'recipe': f'training/train_synth.py: { {"patch": "PatchSynthNet", "conv": "SynthNet", "fine": "SynthNet with fine noise inputs (1/4, 1/2, full resolution)"}[a.arch] }{widths}, ResNet18 feature SWD + colour-patch SWD + histogram + '
                                 f'low-res stats, adversarial weight {a.gan}, Adam{f" lr {a.lr:g}" if a.lr else ""}, batch {a.batch} of {crop}px crops'
                                 + ('; ' + colourmap.RECIPE if colour else '') + ('; ' + colourlut.RECIPE if luts else '')
                                 + ('; ' + init_note if init_note else ''),
                       'training_seconds': st['seconds'], 'steps': st['steps'],
                       'date': datetime.date.today().isoformat(), 'seed': a.seed},
        'metrics': {'params': nets.count_params(G),
                    'gflop_per_256x256': round(onnxio.graph_gflops(onnx.load(onnx_path),
                                                                   {'noise': (1, G.noise_channels, 256 // G.cell, 256 // G.cell)}), 4),
                    'ort_ms_512x512_2threads': round(ms512, 2), 'parity_max_abs_diff': worst,
                    'seam_ratio_512': round(seam, 3), 'final_losses': st['final_losses'], 'divergence_recoveries': st['recoveries']}
                   | ({'colour_map': colour} if colour else {}),
    } | ({'colour_lut': luts} if luts else {})
    onnxio.write_json(os.path.join(a.out, a.name + '.json'), manifest)
    progress(1.0, f'{manifest["metrics"]["params"]} params, {manifest["metrics"]["gflop_per_256x256"]} GFLOP/256^2, '
                  f'{ms512:.1f} ms per 512^2')
    print(f'model {os.path.abspath(onnx_path)}', flush=True)


def run_copy(a):
    """--method copy: texlib/copysynth.py (a selector of shifted copies, trained), exported with an origin input."""
    import numpy as np, torch
    from texlib import images, copysynth, onnxio
    from texlib.metrics import seam_ratio
    rgb = checked_exemplar(a)
    if not 2 <= a.copies <= 32:
        raise ValueError(f'--copies {a.copies}: use 2 to 32')
    h, w = rgb.shape[:2]
    progress(0.0, f'exemplar {a.exemplar} {w}x{h}; copy synthesis, {a.copies} copies')
    net, st = copysynth.train(rgb, a.minutes * 60, steps=a.steps, seed=a.seed, gan=a.copy_gan, progress=progress,
                              threads=a.threads, copies=a.copies, cut_cost=a.cut_cost)
    s, k = net.period_side, net.copies
    progress(0.95, f'trained {st["steps"]} steps in {st["seconds"]} s, kept step {st["kept_step"]} (hard seam energy '
                   f'{st["hard_energy_before"]} -> {st["hard_energy_after"]}, same label across noises '
                   f'{st["same_label_across_noises"]}); period {s} px, shifts {net.shifts.tolist()}; exporting')
    os.makedirs(a.out, exist_ok=True)
    onnx_path = os.path.join(a.out, a.name + '.onnx')
    meta = {'texplug.kind': 'synthesis', 'texplug.value_range': '-1,1', 'texplug.noise_channels': k,
            'texplug.noise_cell': copysynth.NOISE_CELL, 'texplug.size_multiple': s, 'texplug.tileable': 'true',
            'texplug.name': a.name}
    origin0 = torch.zeros(1, 2, 1, 1)
    onnxio.export(net, (torch.randn(1, k, 4, 4), origin0), ['noise', 'origin'], 'image', onnx_path, meta)
    # parity: ONNX Runtime (C#) against PyTorch, two shapes and origins. The output is exemplar pixels chosen per cell
    # by an argmax: a near tie may pick another copy, so the cells that differ are counted (allowed: 0.5 %).
    gen = torch.Generator().manual_seed(1234)
    worst, cells, differ = 0.0, 0, 0
    for shp, org in (((4, 4), (0, 0)), ((3, 5), (s // 2 + 8, 24))):
        x = torch.randn(1, k, *shp, generator=gen)
        o = torch.tensor([[[[float(org[0])]], [[float(org[1])]]]])
        with torch.no_grad():
            ref = net(x, o).numpy()
        got = onnxio.ort_run(onnx_path, {'noise': x.numpy(), 'origin': o.numpy()})['image']
        if got.shape != ref.shape:
            os.remove(onnx_path)
            raise onnxio.ExportError(f'{onnx_path}: ONNX output {got.shape}, PyTorch {ref.shape}')
        d = np.abs(got - ref).max(1)[0]
        cell = d.reshape(d.shape[0] // copysynth.CELL, copysynth.CELL, d.shape[1] // copysynth.CELL, copysynth.CELL).max((1, 3))
        cells += cell.size; differ += int((cell > 1e-4).sum())
        worst = max(worst, float(np.where(cell.repeat(copysynth.CELL, 0).repeat(copysynth.CELL, 1) > 1e-4, 0, d).max()))
    if worst > 1e-4 or differ > 0.005 * cells:
        os.remove(onnx_path)
        raise onnxio.ExportError(f'{onnx_path}: ONNX Runtime differs from PyTorch in {differ} of {cells} cells (model removed)')
    progress(0.97, f'parity ok: {differ} of {cells} cells differ (near ties), the rest within {worst:.1e}')
    ms512 = onnxio.ort_time(onnx_path, {'noise': (1, k, 512 // copysynth.NOISE_CELL, 512 // copysynth.NOISE_CELL),
                                        'origin': (1, 2, 1, 1)}, runs=a.time_runs, warmup=3)
    with torch.no_grad():
        big = net(torch.randn(1, k, 512 // copysynth.NOISE_CELL, 512 // copysynth.NOISE_CELL, generator=gen), origin0)
    seam = seam_ratio(images.to_rgb(big))
    if a.fixture:
        fx = os.path.join(ROOT, 'tests', 'fixtures', 'parity')
        os.makedirs(fx, exist_ok=True)
        x = torch.randn(1, k, 2, 2, generator=torch.Generator().manual_seed(7))
        with torch.no_grad():
            y = net(x, origin0).numpy()
        x.numpy().astype('<f4').tofile(os.path.join(fx, f'{a.name}_noise.bin'))
        y.astype('<f4').tofile(os.path.join(fx, f'{a.name}_image.bin'))
    ex_hash = hashlib.sha256(open(a.exemplar, 'rb').read()).hexdigest()[:16]
    manifest = {
        'name': a.name, 'kind': 'synthesis',
        'description': a.description or f'Trained from {os.path.basename(a.exemplar)} (copy synthesis)',
        'inputs': [{'name': 'noise', 'role': 'noise', 'channels': k}, {'name': 'origin', 'role': 'origin', 'channels': 2}],
        'output': {'name': 'image', 'channels': 3},
        'value_range': [-1.0, 1.0], 'channel_order': 'RGB',
        'noise': {'channels': k, 'cell': copysynth.NOISE_CELL},
        'size_multiple': s, 'tileable': True, 'receptive_field': copysynth.RECEPTIVE_FIELD,
        'provenance': {'data': a.source or os.path.abspath(a.exemplar), 'licence': a.licence or 'as the exemplar',
                       'exemplar_sha256_16': ex_hash,
                       'recipe': f'training/train_synth.py --method copy (texlib/copysynth.py): {k} shifted copies of the '
                                 f"exemplar's periodic component ({s} px; shifts at its autocorrelation peaks), one per "
                                 f'{copysynth.CELL} px cell, chosen by a mean-field selector with a learned CNN correction; '
                                 f'the seam energy of its hard labels (straight-through) + adversarial weight {a.copy_gan} '
                                 f'(patch discriminator), Adam lr 2e-4, beta1 0.5; kept: the lowest energy on fixed probes '
                                 f'among states whose labels follow the noise',
                       'training_seconds': st['seconds'], 'steps': st['steps'],
                       'date': datetime.date.today().isoformat(), 'seed': a.seed},
        'metrics': {'params': st['params'],
                    # the selector's convolutions (ONNX shape inference cannot follow this graph's gathers, so
                    # onnxio.graph_gflops would see no shapes): per cell, per round
                    'gflop_per_256x256': round(copysynth.gflops(net, 256), 4),
                    'ort_ms_512x512_2threads': round(ms512, 2), 'parity_max_abs_diff': worst, 'parity_cells_differing': differ,
                    'seam_ratio_512': round(seam, 3), 'final_losses': st['final_losses'],
                    'hard_seam_energy': [st['hard_energy_before'], st['hard_energy_after']], 'kept_step': st['kept_step'],
                    'same_label_across_noises': st['same_label_across_noises']},
    }
    onnxio.write_json(os.path.join(a.out, a.name + '.json'), manifest)
    progress(1.0, f'{st["params"]} params, {ms512:.1f} ms per 512^2, sizes: multiples of {s}')
    print(f'model {os.path.abspath(onnx_path)}', flush=True)


def widths_arg(text):
    """'A,B,C' -> (A, B, C), three positive integers."""
    try:
        w = tuple(int(v) for v in text.split(','))
    except ValueError:
        w = ()
    if len(w) != 3 or min(w) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not three positive integers like 32,16,8")
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--exemplar', required=True)
    ap.add_argument('--method', choices=('copy', 'gan'), default='copy',
                    help='copy: a trained selector of shifted exemplar copies (texlib/copysynth.py; sizes multiples of '
                         '64-256); gan: a convolutional generator (SynthNet, any multiple of 8)')
    ap.add_argument('--copy-gan', type=float, default=0.0,
                    help='--method copy: adversarial weight (0: the seam energy alone took it 2-4x further in a minute: models/README.md)')
    ap.add_argument('--copies', type=int, default=8,
                    help='--method copy: shifted copies to choose from (0 and the strongest autocorrelation peaks; 2-32)')
    ap.add_argument('--cut-cost', type=float, default=0.0,
                    help='--method copy: a constant cost per cut between copies, in median cut costs (0: pixel costs only)')
    ap.add_argument('--minutes', type=float, required=True)
    ap.add_argument('--name', required=True)
    ap.add_argument('--out', default=os.path.join(ROOT, 'models'))
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--steps', type=int, default=0, help='stop after N steps (also bounded by --minutes)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--gan', type=float, default=0.0, help='adversarial weight (0 = texture losses only; measured better in a 5-minute budget)')
    ap.add_argument('--lr', type=float, default=0.0,
                    help="--method gan: the generator's Adam rate (default 2e-3, 1e-3 with --gan; the seed's GAN recipe: 2e-4)")
    ap.add_argument('--batch', type=int, default=1)
    ap.add_argument('--crop', type=int, default=192, help='training crop side (capped at the exemplar; exemplars under 128 px use 64); 192 since session 8 (128 before: models/README.md)')
    ap.add_argument('--arch', choices=('fine', 'conv', 'patch'), default='fine',
                    help='SynthNet with fine noise inputs (default), plain SynthNet, or the experimental PatchSynthNet')
    ap.add_argument('--widths', type=widths_arg, default=None,
                    help="SynthNet's channels at 1/8, 1/4 and 1/2 resolution, e.g. 32,16,8 (default: the arch's, 40,24,10 for fine)")
    ap.add_argument('--max-side', type=int, default=256, help='exemplars larger than this are downscaled')
    ap.add_argument('--time-runs', type=int, default=20)
    ap.add_argument('--description', default='')
    ap.add_argument('--licence', default='')
    ap.add_argument('--source', default='')
    ap.add_argument('--fixture', action='store_true')
    ap.add_argument('--init', default='',
                    help='warm start: a shipped synthesis model (.onnx) or "nearest" (the material in --init-models whose '
                         'exemplar has the nearest ResNet18 feature statistics); default: random initialisation')
    ap.add_argument('--init-models', default=os.path.join(ROOT, 'models'), help='where --init nearest looks')
    ap.add_argument('--no-colour-lut', dest='colour_lut', action='store_false',
                    help='skip the per-channel colour curves (texlib/colourlut.py; only for comparisons)')
    ap.add_argument('--no-colour-map', dest='colour_map', action='store_false',
                    help='skip the colour calibration (texlib/colourmap.py; only for comparisons)')
    a = ap.parse_args()
    try:
        run_copy(a) if a.method == 'copy' else run(a)
    except Exception as e:   # one clear line for the CLI, not a traceback
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f'error: {msg}', file=sys.stderr, flush=True)
        sys.exit(2)


if __name__ == '__main__':
    main()
