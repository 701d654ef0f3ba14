#!/usr/bin/python3
"""Repair for the shared eval: repair_eval.py --project
  '/usr/bin/python3 training/eval_repair.py {in} {mask} {out}'
Computes the coarse copy guide, runs models/repair.onnx (or $TEXPLUG_REPAIR_MODEL) through ONNX Runtime
(training/ortrun) and composites: intact pixels are copied from the input unchanged."""
import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy as np, cv2
from texlib import onnxio
from texlib.images import read_rgb, write_png, to_tensor
from texlib.guide import coarse_copy_guide


def repair(model, img, mask):
    """img (H,W,3) uint8 RGB, mask (H,W) nonzero = damaged -> (H,W,3) uint8."""
    h, w = mask.shape
    m = (mask > 0)
    g = coarse_copy_guide(img, m.astype(np.uint8))
    x = to_tensor(img).numpy() * (1 - m[None, None])
    out = onnxio.ort_run(model, {'image': x.astype(np.float32), 'mask': m[None, None].astype(np.float32),
                                 'guide': to_tensor(g).numpy()})['repaired'][0]
    rgb = np.floor((np.clip(out, -1, 1) + 1) * 127.5 + 0.5).astype(np.uint8).transpose(1, 2, 0)
    res = img.copy()
    res[m] = rgb[m]
    return res


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    model = os.environ.get('TEXPLUG_REPAIR_MODEL', os.path.join(HERE, '..', 'models', 'repair.onnx'))
    img = read_rgb(sys.argv[1])
    mask = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE)
    if mask is None or mask.shape != img.shape[:2]:
        raise SystemExit(f'{sys.argv[2]}: missing or not {img.shape[1]}x{img.shape[0]}')
    write_png(sys.argv[3], repair(model, img, mask))


if __name__ == '__main__':
    main()
