#!/usr/bin/python3
"""Pictures for the model card (docs/models/): each material's exemplar beside two outputs of its
generator (two seeds, 256x256, through ONNX Runtime), repair before/after on textures held out
from the repair corpus, with the shared eval's three mask kinds, and (`make_pictures.py copy`, after synth_eval.py with
eval_synth.py) train-your-own copy synthesis beside G'MIC."""
import os, sys, json
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import numpy as np, cv2
from texlib.images import read_rgb, write_png
from texlib.guide import coarse_copy_guide
from generate import generate
from eval_repair import repair

OUT = os.path.join(ROOT, 'docs', 'models')
HELD_OUT = ['astro_turf.jpg', 'hd_beach_01_d.png', 'bumpy_surface.png']   # not in the repair corpus (CC0, GPL-3+, CC0)
STK = '/usr/share/games/supertuxkart/data/textures/'


def save(path, img, scale=0.5):
    """Half size, JPEG quality 92: the card's pictures stay a few hundred kB."""
    img = cv2.resize(img, (int(img.shape[1] * scale), int(img.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    write_png(path, img)   # atomic; the format follows the extension


def label(img, text):
    img = img.copy()
    cv2.putText(img, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(img, text, (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
    return img


def materials():
    rows = []
    models = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, 'models')) if f.endswith('.json'))
    for name in models:
        m = json.load(open(os.path.join(ROOT, 'models', name + '.json')))
        if m['kind'] != 'synthesis':
            continue
        src = m['provenance']['data'].split(': ', 1)[-1]
        ex = cv2.resize(read_rgb(src), (256, 256), interpolation=cv2.INTER_AREA)
        onnx = os.path.join(ROOT, 'models', name + '.onnx')
        a, b = generate(onnx, 256, 1), generate(onnx, 256, 2)
        tiled = cv2.resize(np.tile(generate(onnx, 128, 3), (2, 2, 1)), (256, 256), interpolation=cv2.INTER_AREA)
        rows.append(np.concatenate([label(ex, name + ' exemplar'), label(a, 'seed 1'), label(b, 'seed 2'),
                                    label(tiled, '128px output tiled 2x2')], 1))
    save(os.path.join(OUT, 'materials.jpg'), np.concatenate(rows, 0))


def repairs():
    sys.path.insert(0, os.environ.get('TEXPLUG_SHARED_EVAL', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'eval')))
    import texset
    model = os.path.join(ROOT, 'models', 'repair.onnx')
    rows = []
    for f, kind in zip(HELD_OUT, texset.KINDS[::-1]):
        im = read_rgb(STK + f)
        s = min(im.shape[:2]); im = cv2.resize(im[:s, :s], (256, 256), interpolation=cv2.INTER_AREA)
        m = texset.masks(f)[kind] > 0
        dmg = im.copy(); dmg[m] = 0
        g = coarse_copy_guide(im, m.astype(np.uint8))
        r = repair(model, im, m.astype(np.uint8))
        t = cv2.inpaint(dmg[:, :, ::-1].copy(), m.astype(np.uint8) * 255, 3, cv2.INPAINT_TELEA)[:, :, ::-1]
        rows.append(np.concatenate([label(dmg, f'{kind}: damaged'), label(g, 'coarse copy guide'), label(r, 'repaired'),
                                    label(t, 'OpenCV Telea'), label(im, 'original')], 1))
    save(os.path.join(OUT, 'repair.jpg'), np.concatenate(rows, 0))


def copy_synthesis():
    """Train-your-own copy synthesis on exemplars of the shared eval's validation set (cube2-data, never openarena):
    the exemplar repeated, two seeds of the model synth_eval.py trained (its outputs in $TEXEVAL), G'MIC's patch
    synthesis from the same run. 512x512 each, shown at half size."""
    d = os.path.join(os.environ.get('TEXEVAL', '/work/tmp/texeval'), 'validation')
    rows = []
    for n in ['castell_wall_gk_v02_cc', 'diamond_plate_gk_cc', 'wooden_planks_gk_v01_cc', 'generic_lava', 'stone_ground_gk_v01_cc']:
        ex = read_rgb(f'{d}/images/{n}.png')
        half = lambda img: cv2.resize(img, (256, 256), interpolation=cv2.INTER_AREA)   # labels stay readable
        get = lambda m, s: half(read_rgb(f'{d}/out/synth-{m}/{n}_s{s}.png'))
        rows.append(np.concatenate([label(half(np.tile(ex, (2, 2, 1))[:512, :512]), n[:22] + ' 2x2'),
                                    label(get('project', 1), 'copy synthesis, seed 1'), label(get('project', 2), 'seed 2'),
                                    label(get('gmic_patch', 1), "G'MIC patch synthesis")], 1))
    save(os.path.join(OUT, 'copy_synthesis.jpg'), np.concatenate(rows, 0), scale=1.0)


if __name__ == '__main__':
    what = sys.argv[1:] or ['materials', 'repair']
    if 'copy' in what:
        copy_synthesis()
    if 'materials' in what:
        materials()
    if 'repair' in what:
        repairs()
