#!/usr/bin/python3
"""Pictures for the model card (docs/models/): each material's exemplar beside two outputs of its
model (two seeds, 512x512, through ONNX Runtime) and a tiling of a third (`make_pictures.py materials`), repair before/after on textures held out
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
    """docs/models/materials.jpg, one row per shipped material at 1:1 before the half-size save: the exemplar (256x256,
    as training saw it), two seeds at 512x512, and a 256x256 output tiled 2x2 (its wrap-around seams cross the middle)."""
    rows = []
    models = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, 'models')) if f.endswith('.json'))
    for name in models:
        m = json.load(open(os.path.join(ROOT, 'models', name + '.json')))
        if m['kind'] != 'synthesis':
            continue
        src = m['provenance']['data'].split(': ', 1)[-1]
        ex = cv2.resize(read_rgb(src), (256, 256), interpolation=cv2.INTER_AREA)
        onnx = os.path.join(ROOT, 'models', name + '.onnx')
        unit = max(m['size_multiple'], m['noise']['cell'])
        a, b = generate(onnx, 512, 1), generate(onnx, 512, 2)
        small = generate(onnx, max(256, unit), 3)
        tiled = cv2.resize(np.tile(small, (2, 2, 1)), (512, 512), interpolation=cv2.INTER_AREA)
        side = np.full((512, 256, 3), 40, np.uint8)
        side[:256] = label(ex, name + ' exemplar')
        for i, line in enumerate([m['provenance']['licence'], m['provenance']['data'].split('/')[-1],
                                  'sizes: multiples of %d px' % unit]):
            cv2.putText(side, line, (6, 290 + 22 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (230, 230, 230), 1, cv2.LINE_AA)
        rows.append(np.concatenate([side, label(a, 'seed 1, 512x512'), label(b, 'seed 2'),
                                    label(tiled, '%dpx output tiled 2x2' % small.shape[0])], 1))
    save(os.path.join(OUT, 'materials.jpg'), np.concatenate(rows, 0))


def copy_labels(src, out):
    """Which shifted copy each 8x8 cell of a copy-synthesis output shows ([H/8, W/8]): the copy whose pixels the cell
    equals (the outputs are exemplar pixels), recomputed from the exemplar as texlib/copysynth.py builds its copies."""
    from texlib import copysynth
    period = copysynth.periodic_component(copysynth.square_period(read_rgb(src)))
    s, c = period.shape[0], copysynth.CELL
    shifts = copysynth.aligned(np.vstack([[0, 0], copysynth.autocorrelation_peaks(period, 7, exclude=max(8, s // 10))]), s)
    h, w = out.shape[:2]
    err = []
    for dy, dx in shifts:
        copy = np.tile(np.roll(period, (-dy, -dx), (0, 1)), (h // s, w // s, 1)).astype(np.int32)
        e = np.abs(copy - out.astype(np.int32)).sum(2)
        err.append(e.reshape(h // c, c, w // c, c).sum((1, 3)))
    return np.argmin(np.stack(err), 0)


def draw_cuts(img, labels, colour=(255, 40, 40)):
    """The cell boundaries where the copy changes, drawn over the image."""
    img = img.copy()
    c = img.shape[0] // labels.shape[0]
    for y in range(labels.shape[0]):
        for x in range(labels.shape[1]):
            if labels[y, x] != labels[y, (x + 1) % labels.shape[1]]:
                img[y * c:(y + 1) * c, ((x + 1) * c - 1) % img.shape[1]] = colour
            if labels[y, x] != labels[(y + 1) % labels.shape[0], x]:
                img[((y + 1) * c - 1) % img.shape[0], x * c:(x + 1) * c] = colour
    return img


def failures():
    """One picture per failure kind of the shipped copy-synthesis materials (models/README.md), at 1:1:
    materials_cuts.jpg (cuts through high-contrast structure: metalplate, stonewall; the output, the same with the cuts
    drawn), materials_repeats.jpg (a 1024x1024 rock and grass: only the exemplar's own content, repeated at its period),
    materials_animation.jpg (lava at two nearby noise states and the cells that switched: a cut, not a blend)."""
    def model(name):
        m = json.load(open(os.path.join(ROOT, 'models', name + '.json')))
        return os.path.join(ROOT, 'models', name + '.onnx'), m['provenance']['data'].split(': ', 1)[-1]
    rows = []
    for name in ['metalplate', 'stonewall']:
        onnx, src = model(name)
        out = generate(onnx, 512, 1)
        rows.append(np.concatenate([label(out, name + ' seed 1'), label(draw_cuts(out, copy_labels(src, out)), 'cuts between copies (red)')], 1))
    save(os.path.join(OUT, 'materials_cuts.jpg'), np.concatenate(rows, 0), scale=1.0)
    big = [label(cv2.resize(generate(model(n)[0], 1024, 1), (512, 512), interpolation=cv2.INTER_AREA), f'{n} 1024x1024 at half size')
           for n in ['rock', 'grass']]
    save(os.path.join(OUT, 'materials_repeats.jpg'), np.concatenate(big, 1), scale=1.0)
    # animation: the engine moves each noise value smoothly between slices; here the noise of seed 1 turned a little
    # toward seed 2's (cos/sin blend, variance kept), the same kind of small step
    from generate import render
    from texlib import colourlut
    onnx, src = model('lava')
    m = json.load(open(onnx[:-5] + '.json'))
    k, cell = m['noise']['channels'], m['noise']['cell']
    n1 = np.random.default_rng(1).standard_normal((1, k, 512 // cell, 512 // cell)).astype(np.float32)
    n2 = np.random.default_rng(2).standard_normal(n1.shape).astype(np.float32)
    from texlib import onnxio
    frames = []
    for a in (0.0, 0.15):
        x = (np.cos(a) * n1 + np.sin(a) * n2).astype(np.float32)
        o = onnxio.ort_run(onnx, {'noise': x, 'origin': np.zeros((1, 2, 1, 1), np.float32)})['image']
        frames.append(((np.clip(o[0], -1, 1) + 1) * 127.5 + 0.5).astype(np.uint8).transpose(1, 2, 0))
    changed = (np.abs(frames[0].astype(int) - frames[1].astype(int)).sum(2) > 0)
    diff = frames[1].copy()
    diff[~changed] = (diff[~changed] * 0.3).astype(np.uint8)
    save(os.path.join(OUT, 'materials_animation.jpg'), np.concatenate(
        [label(frames[0], 'lava, a frame'), label(frames[1], 'a small step of the noise later'),
         label(diff, 'cells that switched copy (bright)')], 1), scale=1.0)


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
    if 'failures' in what:
        failures()
    if 'repair' in what:
        repairs()
