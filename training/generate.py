#!/usr/bin/python3
"""Generates a texture with an exported synthesis model through ONNX Runtime (training/ortrun).

usage: generate.py MODEL.onnx OUT.png SIZE SEED
The noise is numpy's default_rng(SEED) standard normal of shape [1, C, SIZE/cell, SIZE/cell] (and the origin 0, 0 for a
model with an origin input); the manifest's colour_lut,
when present, is applied to the output bytes."""
import os, sys, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from texlib import onnxio, images, colourlut


def render(model, channels, cell, size, seed, origin=False):
    """The network's output as bytes, before the manifest's colour curves. origin: the model also takes the window's
    origin (copy synthesis, texlib/copysynth.py), here (0, 0): the whole texture."""
    if size % cell:
        raise ValueError(f'size {size} is not a multiple of the noise cell {cell}')
    noise = np.random.default_rng(seed).standard_normal((1, channels, size // cell, size // cell)).astype(np.float32)
    inputs = {'noise': noise} | ({'origin': np.zeros((1, 2, 1, 1), np.float32)} if origin else {})
    out = onnxio.ort_run(model, inputs)['image']
    return ((np.clip(out[0], -1, 1) + 1) * 127.5 + 0.5).astype(np.uint8).transpose(1, 2, 0)


def generate(model, size, seed):
    manifest = json.load(open(model[:-5] + '.json'))
    origin = any(i['role'] == 'origin' for i in manifest['inputs'])
    img = render(model, manifest['noise']['channels'], manifest['noise']['cell'], size, seed, origin)
    if 'colour_lut' in manifest:   # the per-channel colour curves (texlib/colourlut.py), as the engine applies them
        img = colourlut.apply(img, manifest['colour_lut'])
    return img


if __name__ == '__main__':
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    images.write_png(sys.argv[2], generate(sys.argv[1], int(sys.argv[3]), int(sys.argv[4])))
