"""Random damage masks for repair training: thin scratches, scattered holes, one large block, seams
(bands across the wrap-around edge), and mixtures. 1 = damaged."""
import numpy as np, cv2


def random_mask(rng, h, w, hole_div=12):
    """hole_div: the largest hole semi-axis is w // hole_div."""
    kind = rng.choice(['scratch', 'holes', 'block', 'seam', 'mix'], p=[0.25, 0.25, 0.25, 0.1, 0.15])
    m = np.zeros((h, w), np.uint8)
    if kind in ('scratch', 'mix'):
        for _ in range(int(rng.integers(1, 7))):
            pts = [rng.integers(0, [w, h])]
            for _ in range(int(rng.integers(1, 5))):
                pts.append(np.clip(pts[-1] + rng.integers(-w // 4, w // 4 + 1, 2), 0, [w - 1, h - 1]))
            cv2.polylines(m, [np.array(pts, np.int32)], False, 1, int(rng.integers(1, 6)))
    if kind in ('holes', 'mix'):
        for _ in range(int(rng.integers(1, 8))):
            c = tuple(int(v) for v in rng.integers(0, [w, h]))
            ax = tuple(int(v) for v in rng.integers(3, max(4, w // hole_div), 2))
            cv2.ellipse(m, c, ax, float(rng.integers(0, 180)), 0, 360, 1, -1)
    if kind in ('block', 'mix'):
        bs = int(rng.integers(w // 8, w // 2 + 1))
        bh = int(np.clip(bs * rng.uniform(0.6, 1.4), 4, h - 24))
        bs = min(bs, w - 24)
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        m = np.roll(np.roll(m, -y, 0), -x, 1); m[:bh, :bs] = 1; m = np.roll(np.roll(m, y, 0), x, 1)
    if kind == 'seam':
        t = int(rng.integers(2, 9))
        if rng.random() < 0.5:
            m[:t // 2 + 1] = 1; m[h - t // 2:] = 1
        else:
            m[:, :t // 2 + 1] = 1; m[:, w - t // 2:] = 1
    if m.sum() == 0:
        m[h // 2 - 4:h // 2 + 4, w // 2 - 4:w // 2 + 4] = 1
    return m
