#!/usr/bin/python3
"""Adds the colour calibration (texlib/colourmap.py) to synthesis models exported before it existed, without
retraining: the exported weights are loaded back into nets.FusedSynthNet (the graph's initializers carry the
PyTorch parameter names), checked against the model's parity fixture (a PyTorch output saved at export), then
calibrated against the exemplar named in the manifest (its hash checked), folded into the last convolution and
exported again the way train_synth.py exports (parity <= 1e-4 through ONNX Runtime, new fixture from PyTorch).
Models that already have a colour map are left alone.

usage: recalibrate.py [--models models/] NAME [NAME ...]"""
import argparse, os, sys, json, hashlib
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import numpy as np, onnx, torch
from texlib import onnxio, colourmap, images, warmstart

RECIPE_NOTE = '; ' + colourmap.RECIPE + ' (added by training/recalibrate.py, weights otherwise as trained)'


def exemplar_of(manifest, max_side=256):
    data = manifest['provenance']['data']
    path = data.split(': ', 1)[1] if ': ' in data else data
    if not os.path.exists(path):
        raise SystemExit(f'{manifest["name"]}: exemplar {path} not found')
    want = manifest['provenance'].get('exemplar_sha256_16')
    if want and hashlib.sha256(open(path, 'rb').read()).hexdigest()[:16] != want:
        raise SystemExit(f'{manifest["name"]}: {path} is not the exemplar the model was trained on (hash differs)')
    return images.fit_exemplar(images.read_rgb(path), max_side)   # as train_synth.py (--max-side 256)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', default=os.path.join(ROOT, 'models'))
    ap.add_argument('names', nargs='+')
    a = ap.parse_args()
    torch.set_num_threads(1)
    fx = os.path.join(ROOT, 'tests', 'fixtures', 'parity')
    for name in a.names:
        onnx_path, json_path = os.path.join(a.models, name + '.onnx'), os.path.join(a.models, name + '.json')
        manifest = json.load(open(json_path))
        if 'colour_map' in manifest['metrics']:
            print(f'{name}: already calibrated, left alone')
            continue
        model = onnx.load(onnx_path)
        E = warmstart.fused_from_graph(model)
        ch = E.noise_channels
        noise_bin, image_bin = os.path.join(fx, f'{name}_noise.bin'), os.path.join(fx, f'{name}_image.bin')
        noise = torch.from_numpy(np.fromfile(noise_bin, '<f4').reshape(1, ch, 8, 8))
        with torch.no_grad():
            before = float(np.abs(E(noise).numpy() - np.fromfile(image_bin, '<f4').reshape(1, 3, 64, 64)).max())
        if before > 1e-5:
            raise SystemExit(f'{name}: the weights loaded back differ from the saved PyTorch output by {before:.2e}')
        A, b = colourmap.calibrate(E, exemplar_of(manifest))
        colourmap.fold(E, A, b)
        meta = {p.key: p.value for p in model.metadata_props}
        onnxio.export(E, (torch.randn(1, ch, 8, 8),), ['noise'], 'image', onnx_path, meta)
        worst = onnxio.synth_parity(E, onnx_path, ch, torch.Generator().manual_seed(1234))
        if worst > 1e-4:
            raise SystemExit(f'{onnx_path}: ONNX Runtime differs from PyTorch by {worst:.2e} > 1e-4')
        with torch.no_grad():
            E(noise).numpy().astype('<f4').tofile(image_bin)
        ms = onnxio.ort_time(onnx_path, {'noise': (1, ch, 64, 64)}, runs=20, warmup=3)
        manifest['provenance']['recipe'] += RECIPE_NOTE
        manifest['metrics']['colour_map'] = {'A': np.round(A, 5).tolist(), 'b': np.round(b, 5).tolist()}
        manifest['metrics']['parity_max_abs_diff'] = worst
        manifest['metrics']['ort_ms_512x512_2threads'] = round(ms, 2)
        onnxio.write_json(json_path, manifest)
        print(f'{name}: loaded weights match the fixture ({before:.1e}); A {np.round(A, 3).tolist()} b {np.round(b, 3).tolist()}; '
              f'parity {worst:.1e}; {ms:.1f} ms per 512^2', flush=True)


if __name__ == '__main__':
    main()
