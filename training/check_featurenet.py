#!/usr/bin/python3
"""Checks the torchvision port of the NuGet ResNet18 (texlib/featurenet.py) against the ONNX graph
itself run in ONNX Runtime (training/ortrun) on one random 224x224 input: relu1, layer1, layer2,
layer3 (the outputs the losses use). Prints the max abs and relative differences; exit 1 above 1e-3
relative."""
import os, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy as np, torch, onnx
from onnx import helper, TensorProto
from texlib import featurenet, onnxio


def main():
    m = onnx.load(featurenet.onnx_path())
    nodes = list(m.graph.node)
    produced = {o: n for n in nodes for o in n.output}
    relus = [n for n in nodes if n.op_type == 'Relu']
    after_add = [n.output[0] for n in relus if produced.get(n.input[0]) is not None and produced[n.input[0]].op_type == 'Add']
    names = [relus[0].output[0], after_add[1], after_add[3], after_add[5]]     # relu1, layer1, layer2, layer3
    del m.graph.output[:]
    for nm in names:
        m.graph.output.append(helper.make_tensor_value_info(nm, TensorProto.FLOAT, None))
    inp = m.graph.input[0].name
    x = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(0)) * 2 - 1
    xn = ((x + 1) * 0.5 - featurenet.MEAN) / featurenet.STD
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, 'r18.onnx'); onnx.save(m, p)
        got = onnxio.ort_run(p, {inp: xn.numpy()})
    with torch.no_grad():
        ref = featurenet.features(x, 3)
    worst = 0.0
    for nm, r, label in zip(names, ref, ('relu1', 'layer1', 'layer2', 'layer3')):
        g = got[nm]; r = r.numpy()
        if g.shape != r.shape:
            print(f'{label}: shape ONNX {g.shape} vs port {r.shape}'); worst = 1.0; continue
        rel = float(np.abs(g - r).max() / (np.abs(r).max() + 1e-12))
        worst = max(worst, rel)
        print(f'{label:7} {str(g.shape):20} max abs {np.abs(g - r).max():.2e}  relative {rel:.2e}')
    sys.exit(0 if worst <= 1e-3 else 1)


if __name__ == '__main__':
    main()
