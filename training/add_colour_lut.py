#!/usr/bin/python3
"""Adds the per-channel colour tables (texlib/colourlut.py, the manifest's `colour_lut`) to synthesis models exported
before train_synth.py fitted them, without touching the network: the model is rendered for the same four seeds
train_synth.py uses, each channel's histogram is matched to the exemplar named in the manifest (its hash checked, see
recalibrate.py), and the tables are written into the manifest (atomically). Models that already have tables are left
alone.

usage: add_colour_lut.py [--models models/] NAME [NAME ...]"""
import argparse, os, sys, json
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
from texlib import colourlut, onnxio
from generate import render
from recalibrate import exemplar_of

RECIPE_NOTE = '; ' + colourlut.RECIPE + ' (added by training/add_colour_lut.py, network unchanged)'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--models', default=os.path.join(ROOT, 'models'))
    ap.add_argument('names', nargs='+')
    a = ap.parse_args()
    for name in a.names:
        onnx_path, json_path = os.path.join(a.models, name + '.onnx'), os.path.join(a.models, name + '.json')
        manifest = json.load(open(json_path))
        if manifest.get('kind') != 'synthesis':
            raise SystemExit(f'{json_path}: not a synthesis model')
        if 'colour_lut' in manifest:
            print(f'{name}: already has colour tables, left alone')
            continue
        noise = manifest['noise']
        luts = colourlut.fit_model(lambda seed: render(onnx_path, noise['channels'], noise['cell'], 256, seed),
                                   exemplar_of(manifest))
        manifest['provenance']['recipe'] += RECIPE_NOTE
        manifest['colour_lut'] = luts
        onnxio.write_json(json_path, manifest)
        print(f'{name}: tables fitted (R {luts[0][0]}..{luts[0][255]}, G {luts[1][0]}..{luts[1][255]}, '
              f'B {luts[2][0]}..{luts[2][255]})', flush=True)


if __name__ == '__main__':
    main()
