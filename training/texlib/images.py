"""Image files: reading with clear errors, atomic writing, conversions to and from [-1, 1] tensors."""
import os, tempfile
import numpy as np, cv2


class ImageError(Exception):
    pass


def read_rgb(path):
    """-> (H,W,3) uint8 RGB. Raises ImageError naming the file."""
    if not os.path.isfile(path):
        raise ImageError(f'{path}: no such file')
    im = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if im is None:
        raise ImageError(f'{path}: not a readable image (png, jpg, tga, bmp, ...)')
    if im.dtype == np.uint16:
        im = (im / 257.0 + 0.5).astype(np.uint8)
    if im.ndim == 2:
        im = np.stack([im] * 3, axis=2)
    elif im.shape[2] == 4:
        im = im[:, :, :3]
    return np.ascontiguousarray(im[:, :, ::-1])


def write_png(path, rgb_or_gray):
    """Atomic: temporary file in the same folder, then rename."""
    a = np.asarray(rgb_or_gray)
    if a.ndim == 3:
        a = a[:, :, ::-1]
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=os.path.splitext(path)[1] or '.png', dir=d)
    os.close(fd)
    try:
        if not cv2.imwrite(tmp, np.ascontiguousarray(a)):
            raise ImageError(f'{path}: could not write')
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def to_tensor(rgb):
    """(H,W,3) uint8 -> (1,3,H,W) float in [-1,1]."""
    import torch
    return torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1)[None].float() / 127.5 - 1.0


def to_rgb(t):
    """(1,3,H,W) or (3,H,W) float in [-1,1] -> (H,W,3) uint8."""
    if t.dim() == 4:
        t = t[0]
    return ((t.detach().clamp(-1, 1) + 1) * 127.5 + 0.5).floor().clamp(0, 255).byte().permute(1, 2, 0).numpy()


def fit_exemplar(rgb, max_side=256):
    """An exemplar as the synthesis training sees it: downscaled (area) so its longer side is at most max_side,
    neither side below 64 (train_synth.py --max-side; recalibrate.py must see the same pixels)."""
    import cv2
    h, w = rgb.shape[:2]
    s = max_side / max(h, w)
    if s < 1:
        rgb = cv2.resize(rgb, (max(64, round(w * s)), max(64, round(h * s))), interpolation=cv2.INTER_AREA)
    return rgb
