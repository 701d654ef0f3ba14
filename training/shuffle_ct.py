#!/usr/bin/python3
"""Rewrites shipped models' pixel shuffles (ONNX DepthToSpace) as one-hot ConvTranspose nodes
(onnxio.shuffles_as_convtranspose; every export does it since session 7): the same function, checked here as ONNX
Runtime outputs of the new file equal to the old file's bit for bit on random inputs of two shapes. Times the old and
the new graph side by side (retime.py's shapes, 2 intra-op threads; three alternating rounds, medians), prints both and
writes the new figure into the manifest (a figure for the card needs a quiet machine: retime.py). Rewrites NAME.onnx
atomically, keeping its metadata; the parity fixtures stay valid (same outputs).

usage: shuffle_ct.py [names...]   (default: every model in models/ that still has a DepthToSpace)"""
import os, sys, json, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import numpy as np, onnx
from texlib import onnxio
from retime import timing_shapes


def random_inputs(man, rng, h, w):
    if man['kind'] == 'synthesis':
        c, cell = man['noise']['channels'], man['noise']['cell']
        return {'noise': rng.standard_normal((1, c, h // cell, w // cell)).astype(np.float32)}
    ins = {}
    for i in man['inputs']:
        ins[i['name']] = (rng.random((1, i['channels'], h, w)) > 0.7 if i['role'] == 'mask'
                          else rng.uniform(-1, 1, (1, i['channels'], h, w))).astype(np.float32)
    return ins


def main():
    md = os.path.join(ROOT, 'models')
    names = sys.argv[1:] or sorted(f[:-5] for f in os.listdir(md) if f.endswith('.json'))
    for n in names:
        man_path, path = os.path.join(md, n + '.json'), os.path.join(md, n + '.onnx')
        man = json.load(open(man_path))
        m = onnx.load(path)
        if not any(x.op_type == 'DepthToSpace' for x in m.graph.node):
            print(f'{n}: no DepthToSpace, skipped')
            continue
        count = onnxio.shuffles_as_convtranspose(m)
        fd, tmp = tempfile.mkstemp(suffix='.onnx', dir=md); os.close(fd)
        try:
            onnx.save(m, tmp)
            os.chmod(tmp, 0o644)
            rng = np.random.default_rng(11)
            for h, w in ((64, 64), (96, 128)):
                x = random_inputs(man, rng, h, w)
                old, new = onnxio.ort_run(path, x), onnxio.ort_run(tmp, x)
                for k in old:
                    if not np.array_equal(old[k], new[k]):
                        raise SystemExit(f'{n}: the rewritten graph differs at {h}x{w}: max |diff| '
                                         f'{float(np.abs(old[k] - new[k]).max()):.2e} (models/ left unchanged)')
            shapes, key = timing_shapes(man)
            before, after = [], []
            for _ in range(3):
                before.append(onnxio.ort_time(path, shapes, runs=30, warmup=5))
                after.append(onnxio.ort_time(tmp, shapes, runs=30, warmup=5))
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        b, a = float(np.median(before)), float(np.median(after))
        man['metrics'][key] = round(a, 2)
        man['metrics']['load_average_when_timed'] = round(os.getloadavg()[0], 2)
        man['provenance']['recipe'] += '; pixel shuffles exported as one-hot ConvTranspose (shuffle_ct.py, same outputs)'
        onnxio.write_json(man_path, man)
        print(f'{n}: {count} DepthToSpace -> ConvTranspose, outputs equal bit for bit; {key} {b:.2f} -> {a:.2f} '
              f'(2 threads, median of 3 alternating rounds)', flush=True)


if __name__ == '__main__':
    main()
