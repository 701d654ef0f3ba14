#!/usr/bin/python3
"""Applies the export's graph rewrites to models exported before them, so shipped models get faster without retraining:
- pixel shuffles (ONNX DepthToSpace) as one-hot ConvTranspose nodes (onnxio.shuffles_as_convtranspose, every export
  since session 7);
- fused up-convolutions of a synthesis graph as 2x2 phase convolutions (onnxio.upconvs_as_phase_convs, every export
  since session 8);
- activations after a pixel shuffle moved before it, so ONNX Runtime fuses them into the convolution, and the Clip after
  tanh dropped (onnxio.activations_before_shuffles, every export since session 9);
- the repair model re-exported in nets.ExportRepairNet's current form (its weights recovered from the graph by
  onnx_to_ckpt.load_repairnet, the file's metadata kept), when the graph still has the decoder convolutions of an
  earlier form (net.d3.weight).
The same function: checked here as ONNX Runtime outputs of the new file against the old file's on random inputs of two
shapes (within 1e-5, the largest difference printed). Times the old and the new graph side by side (retime.py's shapes,
2 intra-op threads; three alternating rounds, medians), prints both and writes the new figure into the manifest (a
figure for the card needs a quiet machine: retime.py), with the graph's GFLOP per 256x256 (onnxio.graph_gflops).
Rewrites NAME.onnx atomically; the parity fixtures stay valid.

usage: rewrite_graphs.py [names...]   (default: every model in models/ that a rewrite changes)"""
import os, sys, json, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import numpy as np, onnx
from texlib import onnxio
from retime import timing_shapes, input_shapes

TOLERANCE = 1e-5
REWRITES = (
    (onnxio.shuffles_as_convtranspose, 'pixel shuffles exported as one-hot ConvTranspose (shuffle_ct.py, same outputs)'),
    (onnxio.upconvs_as_phase_convs, 'fused up-convolutions exported as 2x2 phase convolutions (rewrite_graphs.py, same outputs)'),
    (onnxio.activations_before_shuffles, 'activations moved before the pixel-shuffle ConvTransposes and the Clip after '
                                         'tanh dropped (rewrite_graphs.py, same bytes)'),
)
REPAIR_NOTE = ('re-exported in nets.ExportRepairNet\'s session-8 form (decoder convolutions as PhaseUpConv + skip '
               'convolution; rewrite_graphs.py, same outputs)')


def reexported_repair(path):
    """The repair graph at path re-exported in nets.ExportRepairNet's current form, or None when it already is."""
    import torch
    from onnx_to_ckpt import load_repairnet
    old = onnx.load(path)
    if not any(t.name == 'net.d3.weight' for t in old.graph.initializer):
        return None
    G = load_repairnet(path)
    fd, tmp = tempfile.mkstemp(suffix='.onnx'); os.close(fd)
    try:
        ex = (torch.zeros(1, 3, 64, 64), torch.zeros(1, 1, 64, 64), torch.zeros(1, 3, 64, 64))
        onnxio.export(G.for_export(), ex, ['image', 'mask', 'guide'], 'repaired', tmp,
                      {p.key: p.value for p in old.metadata_props}, wrap=True)
        return onnx.load(tmp)
    finally:
        os.remove(tmp)


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
        m = reexported_repair(path) if man['kind'] == 'repair' else None
        if m is not None:
            done = [('re-exported', 1, REPAIR_NOTE)]
        else:
            m = onnx.load(path)
            done = [(fn.__name__, fn(m), note) for fn, note in REWRITES]
            done = [d for d in done if d[1]]
            if not done:
                print(f'{n}: nothing to rewrite, skipped')
                continue
            onnx.checker.check_model(m)
        fd, tmp = tempfile.mkstemp(suffix='.onnx', dir=md); os.close(fd)
        try:
            onnx.save(m, tmp)
            os.chmod(tmp, 0o644)
            rng = np.random.default_rng(11)
            worst = 0.0
            for h, w in ((64, 64), (96, 128)):
                x = random_inputs(man, rng, h, w)
                old, new = onnxio.ort_run(path, x), onnxio.ort_run(tmp, x)
                for k in old:
                    if old[k].shape != new[k].shape:
                        raise SystemExit(f'{n}: the rewritten graph gives {new[k].shape} at {h}x{w}, the old one '
                                         f'{old[k].shape} (models/ left unchanged)')
                    worst = max(worst, float(np.abs(old[k] - new[k]).max()))
            if worst > TOLERANCE:
                raise SystemExit(f'{n}: the rewritten graph differs by {worst:.2e} > {TOLERANCE:.0e} (models/ left unchanged)')
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
        man['metrics']['gflop_per_256x256'] = round(onnxio.graph_gflops(onnx.load(path), input_shapes(man, 256)), 4)
        man['metrics']['load_average_when_timed'] = round(os.getloadavg()[0], 2)
        for _, _, note in done:
            man['provenance']['recipe'] += '; ' + note
        onnxio.write_json(man_path, man)
        what = ', '.join(f'{name} {count}' for name, count, _ in done)
        print(f'{n}: {what}; outputs within {worst:.1e}; {key} {b:.2f} -> {a:.2f} '
              f'(2 threads, median of 3 alternating rounds)', flush=True)


if __name__ == '__main__':
    main()
