#!/usr/bin/python3
"""Builds the repair tuning set: 16 supertuxkart-data images that are neither in the repair corpus nor
exemplars of the shipped materials, 256x256, with the shared eval's three deterministic mask kinds
(texset.masks). Used to choose between repair checkpoints (eval_repair_ckpt.py) so that the validation
set stays for reporting. Never openarena, never cube2-data.

usage: build_tune_set.py [DIR]   (default $TEXEVAL/tune, TEXEVAL default /work/tmp/texeval)"""
import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.environ.get('TEXPLUG_SHARED_EVAL', os.path.join(HERE, '..', '..', 'shared', 'eval')))
import numpy as np, cv2
from texlib import corpus

EXEMPLARS = {'HortonRockWall.jpg', 'dirt.jpg', 'TiZeta_barkM.png', 'wood_planks1.jpg', 'rock.jpg', 'grass2.jpg',
             'metal_plates.png', 'lava.png', 'astro_turf.jpg'}


def main():
    os.environ.setdefault('TEXEVAL', '/work/tmp/texeval')
    import texset
    used = {n for n, _, _ in corpus.repair_corpus()}
    files = sorted(f for f in os.listdir(corpus.STK_DIR) if f.lower().endswith(('.jpg', '.png')) and f not in EXEMPLARS
                   and not any(f in u or u.endswith(f) for u in used))
    np.random.default_rng(5).shuffle(files)
    n = 0
    for f in files:
        im = cv2.imread(os.path.join(corpus.STK_DIR, f), cv2.IMREAD_COLOR)
        if im is None or min(im.shape[:2]) < 256 or im.std() < 20:
            continue
        texset.write('tune', os.path.splitext(f)[0], im)
        n += 1
        if n == 16:
            break
    print(f'{n} images in {texset.set_dir("tune")}')


if __name__ == '__main__':
    main()
