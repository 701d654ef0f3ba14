#!/usr/bin/python3
"""Contact sheets at 1:1 for the docs, from the shared eval's outputs.

  contact_sheets.py repair [--set validation] [--kind block] [--out docs/repair/block-sheet.jpg]
      one row per texture: damaged, project, G'MIC inpaint_matchpatch, truth, each a 128x128 crop around the damage's
      centre. Reads $TEXEVAL/SET/out/repair-project and repair-gmic_patch, which repair_eval.py writes:
        repair_eval.py --methods gmic_patch --project 'texplug repair {in} --mask {mask} -o {out}'

  contact_sheets.py cases NAME:KIND[:X,Y] ... --out docs/repair/FILE.jpg
      one row per case: damaged, project, truth at 2x, 128x128 around the damage's centre (or the pixel X,Y), for
      pictures of what a model does well and where it fails.

  contact_sheets.py materials
      docs/models/materials.jpg: each shipped material's exemplar, two seeds at 512x512 and a 2x2 tiling.

  contact_sheets.py tile NAME ... --originals DIR --ours DIR [--other DIR --other-label TEXT] --out FILE.jpg
      per texture: the original, the make-tileable output (and another) tiled 2x2, the old seams crossing the middle.

Run with /usr/bin/python3 (Debian's OpenCV). TEXEVAL defaults to /tmp/texeval, as in the shared eval."""
import argparse, os, sys
import numpy as np, cv2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def label(img, text):
    out = img.copy()
    cv2.putText(out, text, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 3, cv2.LINE_AA)
    cv2.putText(out, text, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def crop_around(img, mask, side=128):
    ys, xs = np.nonzero(mask)
    cy, cx = (int(ys.mean()), int(xs.mean())) if len(ys) else (img.shape[0] // 2, img.shape[1] // 2)
    y0 = min(max(cy - side // 2, 0), img.shape[0] - side)
    x0 = min(max(cx - side // 2, 0), img.shape[1] - side)
    return img[y0:y0 + side, x0:x0 + side]


def repair_sheet(a):
    d = os.path.join(os.environ.get('TEXEVAL', '/tmp/texeval'), a.set)
    names = sorted(f[:-4] for f in os.listdir(os.path.join(d, 'images')) if f.endswith('.png'))
    rows = []
    for n in names:
        truth = cv2.imread(os.path.join(d, 'images', n + '.png'))
        mask = cv2.imread(os.path.join(d, 'masks', f'{n}_{a.kind}.png'), cv2.IMREAD_GRAYSCALE)
        ours = cv2.imread(os.path.join(d, 'out', 'repair-project', f'{n}_{a.kind}.png'))
        gmic = cv2.imread(os.path.join(d, 'out', 'repair-gmic_patch', f'{n}_{a.kind}.png'))
        if ours is None or gmic is None:
            raise SystemExit(f'{n}: run repair_eval.py with gmic_patch and --project first (see --help)')
        damaged = truth.copy()
        damaged[mask > 0] = 0
        cells = [crop_around(x, mask) for x in (damaged, ours, gmic, truth)]
        if not rows:
            cells = [label(c, t) for c, t in zip(cells, ('damaged', 'project', "G'MIC patch", 'truth'))]
        rows.append(np.concatenate(cells, 1))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    cv2.imwrite(a.out, np.concatenate(rows, 0), [cv2.IMWRITE_JPEG_QUALITY, 92])
    print(f'wrote {a.out} ({len(rows)} textures, {a.kind})')


def case_sheet(a):
    """One picture per case NAME:KIND[:X,Y]: damaged, project, truth, 128x128 around the damage's centre (or X,Y),
    shown at 2x so that single pixels are seen."""
    d = os.path.join(os.environ.get('TEXEVAL', '/tmp/texeval'), a.set)
    rows = []
    for case in a.cases:
        parts = case.split(':')
        n, kind = parts[0], parts[1]
        truth = cv2.imread(os.path.join(d, 'images', n + '.png'))
        mask = cv2.imread(os.path.join(d, 'masks', f'{n}_{kind}.png'), cv2.IMREAD_GRAYSCALE)
        ours = cv2.imread(os.path.join(d, 'out', 'repair-project', f'{n}_{kind}.png'))
        if truth is None or mask is None or ours is None:
            raise SystemExit(f'{case}: image, mask or project output missing under {d}')
        focus = mask
        if len(parts) > 2:
            x, y = (int(v) for v in parts[2].split(','))
            focus = np.zeros_like(mask)
            focus[y, x] = 255
        damaged = truth.copy()
        damaged[mask > 0] = 0
        cells = [cv2.resize(crop_around(x, focus), (256, 256), interpolation=cv2.INTER_NEAREST) for x in (damaged, ours, truth)]
        cells = [label(c, t) for c, t in zip(cells, (f'{n[:22]} {kind}', 'project', 'truth'))]
        rows.append(np.concatenate(cells, 1))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    cv2.imwrite(a.out, np.concatenate(rows, 0), [cv2.IMWRITE_JPEG_QUALITY, 92])
    print(f'wrote {a.out} ({len(rows)} cases)')


def tile_sheet(a):
    """Per texture: the original, texplug tile's output and, where given, another output, each tiled 2x2 and cropped to
    the 256x256 around the middle, where the old wrap-around seams cross."""
    rows = []
    for n in a.names:
        cells = []
        for folder, title in [(a.originals, 'original'), (a.ours, 'texplug tile')] + ([(a.other, a.other_label)] if a.other else []):
            im = cv2.imread(os.path.join(folder, n + '.png'))
            if im is None:
                raise SystemExit(f'{n}.png missing in {folder}')
            h, w = im.shape[:2]
            t = np.tile(im, (2, 2, 1))[h // 2:h // 2 + h, w // 2:w // 2 + w]
            cells.append(label(t, f'{title}: {n[:20]}' if title == 'original' else title))
        rows.append(np.concatenate(cells, 1))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    cv2.imwrite(a.out, np.concatenate(rows, 0), [cv2.IMWRITE_JPEG_QUALITY, 92])
    print(f'wrote {a.out} ({len(rows)} textures)')


def materials_sheet(a):
    """docs/models/materials.jpg, by the model card's picture script (through ONNX Runtime)."""
    sys.path.insert(0, HERE)
    import make_pictures
    make_pictures.materials()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='what', required=True)
    r = sub.add_parser('repair', help='damaged, project, G\'MIC, truth per texture')
    r.add_argument('--set', default='validation')
    r.add_argument('--kind', default='block', choices=('block', 'holes', 'scratch'))
    r.add_argument('--out', default=os.path.join(ROOT, 'docs', 'repair', 'block-sheet.jpg'))
    c = sub.add_parser('cases', help='damaged, project, truth at 2x for chosen cases (NAME:KIND[:X,Y])')
    c.add_argument('cases', nargs='+')
    c.add_argument('--set', default='validation')
    c.add_argument('--out', required=True)
    sub.add_parser('materials', help="each shipped material: exemplar, two seeds, a 2x2 tiling (make_pictures.py's sheet)")
    t = sub.add_parser('tile', help='original, texplug tile (and another) tiled 2x2 around the old seams')
    t.add_argument('names', nargs='+')
    t.add_argument('--originals', required=True)
    t.add_argument('--ours', required=True)
    t.add_argument('--other')
    t.add_argument('--other-label', default='other')
    t.add_argument('--out', required=True)
    a = ap.parse_args()
    {'repair': repair_sheet, 'cases': case_sheet, 'tile': tile_sheet, 'materials': materials_sheet}[a.what](a)


if __name__ == '__main__':
    main()
