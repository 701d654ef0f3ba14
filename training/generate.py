#!/usr/bin/python3
"""Generates a texture with an exported synthesis model through ONNX Runtime (training/ortrun).

usage: generate.py MODEL.onnx OUT.png SIZE SEED
The noise is numpy's default_rng(SEED) standard normal of shape [1, C, SIZE/cell, SIZE/cell]."""
import os, sys, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
from texlib import onnxio, images


def generate(model, size, seed):
    manifest = json.load(open(model[:-5] + '.json'))
    c, cell = manifest['noise']['channels'], manifest['noise']['cell']
    if size % cell:
        raise ValueError(f'size {size} is not a multiple of the noise cell {cell}')
    noise = np.random.default_rng(seed).standard_normal((1, c, size // cell, size // cell)).astype(np.float32)
    out = onnxio.ort_run(model, {'noise': noise})['image']
    return ((np.clip(out[0], -1, 1) + 1) * 127.5 + 0.5).astype(np.uint8).transpose(1, 2, 0)


if __name__ == '__main__':
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    images.write_png(sys.argv[2], generate(sys.argv[1], int(sys.argv[3]), int(sys.argv[4])))
