#!/usr/bin/python3
"""Writes the coarse-copy-guide parity triples into tests/fixtures/guide/ (see the README there).
Sources: two SuperTuxKart textures (supertuxkart-data, CC-BY-SA) and one procedural image."""
import os, sys
import numpy as np, cv2
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from texlib.guide import coarse_copy_guide
from texlib.images import write_png

STK = '/usr/share/games/supertuxkart/data/textures/'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'guide')


def procedural(h, w, seed):
    rng = np.random.default_rng(seed)
    base = cv2.resize(rng.random((h // 8, w // 8, 3)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    img = 0.7 * base + 0.3 * rng.random((h, w, 3)).astype(np.float32)
    return np.clip(img * 255, 0, 255).astype(np.uint8)


def main():
    rng = np.random.default_rng(3)
    cases = []
    im = cv2.imread(STK + 'rock_grey.jpg')[:, :, ::-1]
    im = cv2.resize(im[:512, :512], (128, 128), interpolation=cv2.INTER_AREA)
    m = np.zeros((128, 128), np.uint8); m[40:80, 50:98] = 255; m[0:6, :] = 255   # block and a seam across the top edge
    cases.append(('rock_block', im, m))
    im = cv2.imread(STK + 'stk_generic_brickA.png')[:, :, ::-1]
    im = cv2.resize(im[:384, :512], (128, 96), interpolation=cv2.INTER_AREA)
    m = np.zeros((96, 128), np.uint8)
    for _ in range(4):
        p = rng.integers(0, [128, 96], (3, 2)).astype(np.int32)
        cv2.polylines(m, [p], False, 255, int(rng.integers(2, 4)))
    for _ in range(3):
        cv2.circle(m, tuple(int(v) for v in rng.integers(0, [128, 96])), int(rng.integers(4, 9)), 255, -1)
    cases.append(('bricks_scratch_holes', im, m))
    im = procedural(64, 64, 5)
    m = np.zeros((64, 64), np.uint8); m[20:44, 56:64] = 255; m[20:44, 0:10] = 255   # a hole across the left/right wrap
    cases.append(('procedural_wrap', im, m))
    im = procedural(64, 64, 6)
    m = np.full((64, 64), 255, np.uint8); m[::9, ::7] = 0   # no 5x5 intact neighbourhood anywhere: mean-colour fallback
    cases.append(('procedural_nosource', im, m))
    os.makedirs(OUT, exist_ok=True)
    for name, im, m in cases:
        im = np.ascontiguousarray(im)
        g = coarse_copy_guide(im, m, exact=True)
        g_fast = coarse_copy_guide(im, m)
        if not np.array_equal(g, g_fast):
            raise SystemExit(f'{name}: exact and fast guides differ at {(g != g_fast).any(axis=2).sum()} pixels')
        write_png(os.path.join(OUT, f'{name}_image.png'), im)
        write_png(os.path.join(OUT, f'{name}_mask.png'), m)
        write_png(os.path.join(OUT, f'{name}_guide.png'), g)
        print(name, im.shape, int((m > 0).sum()), 'damaged')


if __name__ == '__main__':
    main()
