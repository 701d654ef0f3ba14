#!/usr/bin/python3
"""Times every shipped model again with training/ortrun (2 intra-op threads, warm-up, median of 50)
and updates the manifests' timing metrics: synthesis 512x512, repair 256x256. Run it on a quiet
machine; the load average at the time is recorded beside the figure."""
import os, sys, json
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from texlib import onnxio

ROOT = os.path.abspath(os.path.join(HERE, '..'))


def input_shapes(manifest, size):
    """A model's input shapes for a size x size output (synthesis: its noise cells)."""
    if manifest['kind'] == 'synthesis':
        c, cell = manifest['noise']['channels'], manifest['noise']['cell']
        return {'noise': (1, c, size // cell, size // cell)}
    return {i['name']: (1, i['channels'], size, size) for i in manifest['inputs']}


def timing_shapes(manifest):
    """The input shapes a model is timed at and the manifest key of the figure: synthesis 512x512, repair 256x256."""
    if manifest['kind'] == 'synthesis':
        return input_shapes(manifest, 512), 'ort_ms_512x512_2threads'
    return input_shapes(manifest, 256), 'ort_ms_256x256_2threads'


def main():
    md = os.path.join(ROOT, 'models')
    for f in sorted(os.listdir(md)):
        if not f.endswith('.json'):
            continue
        p = os.path.join(md, f); m = json.load(open(p)); onnx = p[:-5] + '.onnx'
        shapes, key = timing_shapes(m)
        ms = onnxio.ort_time(onnx, shapes, runs=50, warmup=5)
        m['metrics'][key] = round(ms, 2)
        m['metrics']['load_average_when_timed'] = round(os.getloadavg()[0], 2)
        onnxio.write_json(p, m)
        print(f'{m["name"]:12} {key} {ms:7.2f}  (load {os.getloadavg()[0]:.1f})')


if __name__ == '__main__':
    main()
