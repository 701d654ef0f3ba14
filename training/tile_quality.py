#!/usr/bin/python3
"""Chooses how the repair engine tiles large textures: the tile margin (context the network sees around the damage) and
the guide context (pixels around each tile the coarse copy guide searches for texture), on quality against the truth.

The export's context_margin (texlib/margin.py) is where a tile agrees with a whole-texture pass; but a tile's guide only
finds texture inside the tile, so on large textures tiles lose to a whole pass whatever the margin. This runs the real
engine (`texplug repair --margin M --guide-context G --guide-step K`, C#) on 512x512 crops of held-out supertuxkart textures (not in the
repair corpus, not the tuning set's, never openarena) with three damage kinds (2 % scattered holes, three 40-80 px
blocks, eight scratches), and prints PSNR inside the damage and the shared eval's perceptual distance per setting.
The engine's speed at each setting is `texplug bench` (2048^2, 2 % holes). With --write the chosen setting goes into
models/repair.json (tile_margin, guide_context) with the table in its metrics.

usage: tile_quality.py [--configs 48:0,32:64,24:64,16:80:2] [--choose 16:80:2] [--write] [--dir /work/tmp/tilequality]
                       [--picture docs/models/tiles.jpg]
Outputs are kept per model (its training steps) and setting, so a re-run only repairs what is new."""
import argparse, json, os, subprocess, sys
import numpy as np, cv2
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.environ.get('TEXPLUG_SHARED_EVAL', os.path.join(ROOT, '..', 'shared', 'eval')))
from texlib import corpus, onnxio

# Texture-like held-out supertuxkart files (not characters, logos, normal maps or particles); 2 crops each.
FILES = ['stk_generic_FieldA.png', 'stk_generic_FieldB.png', 'stk_generic_cardboard_a.png', 'stk_generic_carpet_a.png',
         'stk_generic_corrugatedIronA.png', 'stk_generic_ironA.png', 'stk_generic_plaster_a.png', 'stk_generic_snow_a.png',
         'stk_generic_thatch_a.png', 'stk_generic_wickerA.png', 'stktex_cliff_a.png', 'stktex_earthSnow_a.png',
         'stktex_generic_bambooA.png', 'stktex_generic_roots_a.png', 'stktex_hayFiber_a.png', 'stktex_piranhaScales_a.png',
         'tarmac.jpg', 'stk_generic_colorfabricA.png', 'stk_generic_paper_a.png', 'stktex_pupleCarpet_a.png']
KINDS = ('holes', 'blocks', 'scratches')
ART = os.environ.get('TEXPLUG_CLI_ARTIFACTS', '/tmp/art-texplug')


def build_set(d):
    used = {n for n, _, _ in corpus.repair_corpus()}
    os.makedirs(f'{d}/images', exist_ok=True)
    rng = np.random.default_rng(3)
    names = []
    for f in FILES:
        if any(f in u or u.endswith(f) for u in used):
            continue
        im = cv2.imread(os.path.join(corpus.STK_DIR, f), cv2.IMREAD_COLOR)
        if im is None or min(im.shape[:2]) < 512 or im.std() < 20:
            continue
        for y0, x0 in sorted({(0, 0), (im.shape[0] - 512, im.shape[1] - 512)}):
            name = f'{os.path.splitext(f)[0]}_{y0}_{x0}'
            cv2.imwrite(f'{d}/images/{name}.png', im[y0:y0 + 512, x0:x0 + 512])
            names.append(name)
    for kind in KINDS:
        os.makedirs(f'{d}/masks_{kind}', exist_ok=True)
        for name in names:
            m = np.zeros((512, 512), np.uint8)
            if kind == 'holes':
                while (m > 0).mean() < 0.02:
                    cv2.ellipse(m, (int(rng.integers(512)), int(rng.integers(512))), (int(rng.integers(10, 41)) // 2, int(rng.integers(10, 41)) // 2),
                                int(rng.integers(180)), 0, 360, 255, -1)
            elif kind == 'blocks':
                for _ in range(3):
                    s = int(rng.integers(40, 81)); x, y = int(rng.integers(0, 512 - s)), int(rng.integers(0, 512 - s)); m[y:y + s, x:x + s] = 255
            else:
                for _ in range(8):
                    pts = [(int(rng.integers(512)), int(rng.integers(512)))]
                    for _ in range(4):
                        pts.append((int(np.clip(pts[-1][0] + rng.integers(-80, 81), 0, 511)), int(np.clip(pts[-1][1] + rng.integers(-80, 81), 0, 511))))
                    cv2.polylines(m, [np.array(pts)], False, 255, int(rng.integers(2, 6)))
            cv2.imwrite(f'{d}/masks_{kind}/{name}.png', m)
    return names


def parse_config(text):
    """'margin:context' or 'margin:context:step' -> (margin, context, step)."""
    v = [int(x) for x in text.split(':')]
    if len(v) not in (2, 3):
        sys.exit(f'{text}: give margin:context or margin:context:step')
    return v[0], v[1], v[2] if len(v) == 3 else 1


def out_dir(d, steps, m, g, k, kind):
    """Where one setting's repairs are kept (step 1 keeps the name it had before steps existed)."""
    return f'{d}/out_s{steps}_m{m}_g{g}' + (f'_k{k}' if k > 1 else '') + f'_{kind}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--configs', default='48:0,32:64,24:64,24:32', help='margin:guide_context[:guide_step] settings')
    ap.add_argument('--choose', help='margin:guide_context[:guide_step] to write')
    ap.add_argument('--write', action='store_true')
    ap.add_argument('--dir', default='/work/tmp/tilequality')
    ap.add_argument('--picture', help='write crops of one repaired holes texture, one column per setting, to this file')
    a = ap.parse_args()
    import texmetrics as tm
    names = build_set(a.dir)
    print(f'{len(names)} crops of {len(names) // 2} held-out textures, 512x512', flush=True)
    r = subprocess.run(['dotnet', 'build', os.path.join(ROOT, 'cli', 'texplug.csproj'), '-c', 'Release', '-o', ART, '-v', 'q', '-nologo'],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit('texplug build failed:\n' + r.stdout[-2000:])
    configs = [parse_config(c) for c in a.configs.split(',')]
    steps = json.load(open(os.path.join(ROOT, 'models', 'repair.json')))['provenance'].get('steps')
    table = {}
    for m, g, k in configs:
        for kind in KINDS:
            out = out_dir(a.dir, steps, m, g, k, kind)
            os.makedirs(out, exist_ok=True)
            ps, pe = [], []
            for name in names:
                dst = f'{out}/{name}.png'
                if not os.path.exists(dst):
                    r = subprocess.run(['dotnet', f'{ART}/texplug.dll', 'repair', f'{a.dir}/images/{name}.png', '--mask', f'{a.dir}/masks_{kind}/{name}.png',
                                        '--margin', str(m), '--guide-context', str(g), '--guide-step', str(k), '-o', dst, '--threads', '1'], capture_output=True, text=True, cwd=ROOT)
                    if r.returncode != 0:
                        sys.exit(f'{name}: texplug repair failed: {r.stderr.strip() or r.stdout.strip()}')
                gt = cv2.imread(f'{a.dir}/images/{name}.png')[:, :, ::-1]
                mk = (cv2.imread(f'{a.dir}/masks_{kind}/{name}.png', cv2.IMREAD_GRAYSCALE) > 0).astype(np.uint8)
                o = cv2.imread(dst)[:, :, ::-1]
                ps.append(tm.psnr_masked(o, gt, mk)); pe.append(tm.perceptual(o, gt))
            table[f'{m}:{g}:{k}:{kind}'] = (float(np.mean(ps)), float(np.mean(pe)))
        print(f'margin {m:3d} guide context {g:3d} step {k}  '
              + '  '.join(f'{kind} {table[f"{m}:{g}:{k}:{kind}"][0]:.2f}/{table[f"{m}:{g}:{k}:{kind}"][1]:.6f}' for kind in KINDS), flush=True)
    if a.picture:
        picture(a.dir, names, configs, steps, a.picture)
    if a.write:
        if not a.choose:
            sys.exit('--write needs --choose MARGIN:CONTEXT[:STEP]')
        m, g, k = parse_config(a.choose)
        jp = os.path.join(ROOT, 'models', 'repair.json')
        manifest = json.load(open(jp))
        manifest['tile_margin'], manifest['guide_context'], manifest['guide_step'] = m, g, k
        manifest['metrics']['tile_quality'] = {
            'how': 'training/tile_quality.py: texplug repair on 512x512 crops of held-out supertuxkart textures; PSNR inside the damage / perceptual, mean; keys margin:context:step:kind',
            'crops': len(names), 'model': f"step {manifest['provenance'].get('steps')}",
            'table': {k: [round(v[0], 3), round(v[1], 6)] for k, v in table.items()}}
        onnxio.write_json(jp, manifest)
        print(f'{jp}: tile_margin {m}, guide_context {g}, guide_step {k}')


def picture(d, names, configs, steps, path, side=288):
    """Truth, the damage in magenta and each setting's repair of the holes crop with the most damage in one window."""
    best = None
    for name in names:
        mk = cv2.imread(f'{d}/masks_holes/{name}.png', cv2.IMREAD_GRAYSCALE) > 0
        for y in range(0, 512 - side + 1, 32):
            for x in range(0, 512 - side + 1, 32):
                n = int(mk[y:y + side, x:x + side].sum())
                if best is None or n > best[0]:
                    best = (n, name, y, x)
    _, name, y, x = best
    mk = cv2.imread(f'{d}/masks_holes/{name}.png', cv2.IMREAD_GRAYSCALE)[y:y + side, x:x + side] > 0
    gt = cv2.imread(f'{d}/images/{name}.png')[y:y + side, x:x + side]
    dmg = gt.copy(); dmg[mk] = (255, 0, 255)
    cols = [('truth', gt), ('damage (magenta)', dmg)]
    for m, g, k in configs:
        o = cv2.imread(f'{out_dir(d, steps, m, g, k, "holes")}/{name}.png')[y:y + side, x:x + side]
        cols.append((f'margin {m}, ' + (f'guide +{g} px' if g else 'guide on tile') + (f', step {k}' if k > 1 else ''), o))
    tiles = []
    for text, im in cols:
        top = np.full((28, side, 3), 255, np.uint8)
        cv2.putText(top, text, (4, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        tiles.append(np.vstack([top, im]))
        tiles.append(np.full((side + 28, 4, 3), 255, np.uint8))
    out = np.hstack(tiles[:-1])
    tmp = path + '.tmp.jpg'
    cv2.imwrite(tmp, out, [cv2.IMWRITE_JPEG_QUALITY, 88])
    os.replace(tmp, path)
    print(f'{path}: {name} at ({x}, {y}), {side}x{side}')


if __name__ == '__main__':
    main()
