"""Training textures. Only supertuxkart-data (Debian package; per-file licences from its copyright
file, CC-BY-SA-3.0 / GPL-3+ / public domain / CC0). Never openarena (independent evaluation), never
cube2-data (the shared eval's validation set)."""
import os
import numpy as np, cv2
from .images import read_rgb
from .licence import licence_of

STK_DIR = '/usr/share/games/supertuxkart/data/textures/'
PACKAGE = 'supertuxkart-data'
KEYWORDS = ('brick', 'wall', 'plank', 'wood', 'metal', 'lava', 'bark', 'grass', 'dirt', 'rock', 'stone', 'sand',
            'plate', 'steel', 'cobble', 'paving', 'concrete', 'snow', 'ice', 'tile', 'ground', 'road', 'asphalt',
            'stucco', 'roof', 'mud', 'earth', 'marble', 'ceramic', 'crate', 'canyon', 'gravel', 'basalt', 'moss')
EXCLUDE = ('normal', '_nm', 'gloss', 'spec', 'alpha', 'gfx', 'icon', 'mask', 'particle', 'skid', 'smoke', 'window',
           'door', 'sign', 'flag', 'leaf', 'leaves', 'tree_cut', 'bush', 'plants')
FORBIDDEN = ('openarena', 'cube2', 'sauerbraten')


def check_allowed(path):
    p = os.path.realpath(path).lower()
    if any(f in p for f in FORBIDDEN):
        raise ValueError(f'{path}: openarena and cube2 textures are reserved for evaluation (DEVELOPERS.md)')


def repair_corpus(min_side=128, max_side=512):
    """-> list of (name, uint8 RGB array, licence). Images larger than max_side are downscaled."""
    if not os.path.isdir(STK_DIR):
        raise SystemExit(f'{STK_DIR} missing: run training/setup.sh (apt-get install supertuxkart-data)')
    out = []
    for f in sorted(os.listdir(STK_DIR)):
        lf = f.lower()
        if not lf.endswith(('.png', '.jpg')) or not any(k in lf for k in KEYWORDS) or any(e in lf for e in EXCLUDE):
            continue
        try:
            im = read_rgb(STK_DIR + f)
        except Exception:
            continue
        h, w = im.shape[:2]
        if min(h, w) < min_side or im.std() < 8:
            continue
        s = max_side / max(h, w)
        if s < 1:
            im = cv2.resize(im, (max(min_side, int(w * s)), max(min_side, int(h * s))), interpolation=cv2.INTER_AREA)
        out.append((f, np.ascontiguousarray(im), licence_of(PACKAGE, 'data/textures/' + f)))
    return out
