#!/usr/bin/python3
"""Repair for the shared eval: repair_eval.py --project
  '/usr/bin/python3 training/eval_repair.py {in} {mask} {out}'
Computes the coarse copy guide, runs models/repair.onnx (or $TEXPLUG_REPAIR_MODEL) through ONNX Runtime
(training/ortrun) and composites: intact pixels are copied from the input unchanged.

  eval_repair.py --precompute SETDIR
runs the same computation for every image x mask of an eval set in one ortrun session (process start
paid once; this machine is busy) and caches the results in $TEXPLUG_REPAIR_CACHE (default
/work/ckpt/repair-cache), keyed by the model's and the input pixels' hashes; the per-image command then
returns the cached result. The eval's ms column is then no timing of the model: see the ORT figures.)"""
import os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy as np, cv2
from texlib.images import read_rgb, write_png   # torch-free: the cached path stays light


def _heavy():
    global onnxio, to_tensor, coarse_copy_guide
    from texlib import onnxio
    from texlib.images import to_tensor
    from texlib.guide import coarse_copy_guide


def repair(model, img, mask):
    """img (H,W,3) uint8 RGB, mask (H,W) nonzero = damaged -> (H,W,3) uint8."""
    _heavy()
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


CACHE = os.environ.get('TEXPLUG_REPAIR_CACHE', '/work/ckpt/repair-cache')


def key(model, img, mask):
    import hashlib
    h = hashlib.sha256(open(model, 'rb').read())
    h.update(np.ascontiguousarray(img).tobytes()); h.update((np.asarray(mask) > 0).tobytes())
    return h.hexdigest()[:32]


def precompute(model, set_dir):
    import tempfile, subprocess
    _heavy()
    sys.path.insert(0, os.environ.get('TEXPLUG_SHARED_EVAL', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared', 'eval')))
    import texset
    os.makedirs(CACHE, exist_ok=True)
    jobs, items = [], []
    d = tempfile.mkdtemp()
    for f in sorted(os.listdir(os.path.join(set_dir, 'images'))):
        stem = f[:-4]
        img = read_rgb(os.path.join(set_dir, 'images', f))
        for kind in texset.KINDS:
            mask = cv2.imread(os.path.join(set_dir, 'masks', f'{stem}_{kind}.png'), cv2.IMREAD_GRAYSCALE)
            dmg = img.copy(); dmg[mask > 0] = 0     # what the eval hands over: damaged pixels black
            m = mask > 0
            g = coarse_copy_guide(dmg, m.astype(np.uint8))
            x = (to_tensor(dmg).numpy() * (1 - m[None, None])).astype(np.float32)
            i = len(items); h, w = m.shape
            np.ascontiguousarray(x, '<f4').tofile(f'{d}/{i}_i'); m[None, None].astype('<f4').tofile(f'{d}/{i}_m')
            np.ascontiguousarray(to_tensor(g).numpy(), '<f4').tofile(f'{d}/{i}_g')
            jobs.append(f'--in image={d}/{i}_i:1x3x{h}x{w} --in mask={d}/{i}_m:1x1x{h}x{w} --in guide={d}/{i}_g:1x3x{h}x{w} --out repaired={d}/{i}_o')
            items.append((dmg, m))
    open(f'{d}/jobs', 'w').write('\n'.join(jobs) + '\n')
    r = subprocess.run(['dotnet', onnxio.ortrun_dll(), 'batch', model, '--jobs', f'{d}/jobs'], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f'ortrun batch failed: {r.stderr.strip()}')
    for i, (dmg, m) in enumerate(items):
        h, w = m.shape
        out = np.fromfile(f'{d}/{i}_o', '<f4').reshape(3, h, w)
        rgb = np.floor((np.clip(out, -1, 1) + 1) * 127.5 + 0.5).astype(np.uint8).transpose(1, 2, 0)
        res = dmg.copy(); res[m] = rgb[m]
        np.save(os.path.join(CACHE, key(model, dmg, m) + '.npy'), res)
    print(f'{len(items)} repairs cached in {CACHE}')


def main():
    model = os.environ.get('TEXPLUG_REPAIR_MODEL', os.path.join(HERE, '..', 'models', 'repair.onnx'))
    if len(sys.argv) == 3 and sys.argv[1] == '--precompute':
        return precompute(model, sys.argv[2])
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    img = read_rgb(sys.argv[1])
    mask = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE)
    if mask is None or mask.shape != img.shape[:2]:
        raise SystemExit(f'{sys.argv[2]}: missing or not {img.shape[1]}x{img.shape[0]}')
    cached = os.path.join(CACHE, key(model, img, mask) + '.npy')
    write_png(sys.argv[3], np.load(cached) if os.path.exists(cached) else repair(model, img, mask))


if __name__ == '__main__':
    main()
