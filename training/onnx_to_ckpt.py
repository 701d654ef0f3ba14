#!/usr/bin/python3
"""Recovers a train_repair.py checkpoint from the exported repair model (models/repair.onnx), for fine-tuning on a
machine without the training checkpoints: the graph's initializers carry the PyTorch names of
nets.ExportRepairNet (net.e1.weight ... net.red.bias, out_x.weight/bias, out_in.weight, and since session 8
d3_up/d3_skip, d2_up/d2_skip: the decoder convs are put back from their phase and skip parts, nets.unphase_up_weight;
exports before that carry net.d3/net.d2 themselves); RepairNet.out is put back
from ExportRepairNet's split (out.weight[:, :dec] = out_x.weight, out.weight[:, dec:, 0, 0] = out_in.weight
flattened channel-major (c*4 + i*2 + j), out.bias = out_x.bias). The recovered RepairNet is checked against the
parity fixture tests/fixtures/parity/repair_*.bin (a PyTorch output saved at export) and against ONNX Runtime on the
same inputs (both <= 1e-4).

What the checkpoint carries: 'G' (the recovered weights), 'step' and 'seconds' and 'seed' from the manifest's
provenance, 'recipe' rebuilt from the manifest's phases (the recipe text is parsed back into train_repair.py's phase
lists). What it cannot carry: the discriminator and both Adam states were not exported, so 'D', 'og' and 'od' are
freshly initialised (a new PatchDiscriminator, empty optimiser states): a --resume from this checkpoint restarts
them. 'origin' records this, and train_repair.py / export_repair.py keep it in later checkpoints and the provenance.

usage: onnx_to_ckpt.py [--onnx models/repair.onnx] [--json models/repair.json] [--out /work/ckpt/repair_from_onnx.pt]"""
import argparse, os, sys, json, re
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import numpy as np, onnx, torch
from onnx import numpy_helper
from texlib import nets, losses, onnxio

STAGES = ['relu1', 'layer1', 'layer2', 'layer3']


def recipe_from_manifest(text):
    """'...; phases (from step: W, deepest stage, A[, ...]): 0: 5, layer2, 0.01; 6875: 15, layer3, 0.01, learning
    rates decayed linearly to 0.05 x 2e-4 over the phase' -> [[0, 5.0, 2, 0.01], [6875, 15.0, 3, 0.01, {...}]]"""
    body = text.split('[, decay]): ', 1)[1]
    recipe = []
    for part in body.split('; '):
        if not re.match(r'\d+: ', part):
            continue   # a note of a later graph rewrite (rewrite_graphs.py), not a training phase
        start, rest = part.split(': ', 1)
        fields = rest.split(', ')
        p = [int(start), float(fields[0]), STAGES.index(fields[1]), float(fields[2])]
        for f in fields[3:]:
            m = re.match(r'learning rates decayed linearly to ([0-9.e-]+) x 2e-4 over the phase', f)
            if m:
                p.append({'anneal_to': float(m.group(1))})
            elif f.startswith('LPIPS '):
                p.append(float(f.split()[1]))
            else:
                raise SystemExit(f'unrecognised recipe field {f!r}')
        recipe.append(p)
    return recipe


def load_repairnet(onnx_path):
    init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(onnx_path).graph.initializer}
    G = nets.RepairNet()
    sd = {k[len('net.'):]: v for k, v in init.items() if k.startswith('net.')}
    wx, bx, win = init['out_x.weight'], init['out_x.bias'], init['out_in.weight']   # (12, dec, 1, 1), (12,), (12, 7, 2, 2)
    cout, dec = wx.shape[:2]
    sd['out.weight'] = torch.cat([wx, win.reshape(cout, -1)[:, :, None, None]], 1)   # inverse of ExportRepairNet
    sd['out.bias'] = bx.clone()
    for d in ('d3', 'd2'):   # since session 8: each decoder conv exported as PhaseUpConv + a skip conv (ExportRepairNet)
        if f'{d}_up.conv.weight' in init:
            up = nets.unphase_up_weight(init[f'{d}_up.conv.weight'])
            sd[f'{d}.weight'] = torch.cat([up, init[f'{d}_skip.weight']], 1)
            sd[f'{d}.bias'] = init[f'{d}_skip.bias'].clone()
    G.load_state_dict(sd)   # strict: every RepairNet parameter present, nothing left over
    # round trip: the export form of the recovered net reproduces the graph's tensors (exactly, except the phase
    # weights, which go through a least-squares inverse)
    E = G.for_export()
    for k, v in E.state_dict().items():
        if k in init and not (torch.equal(v, init[k]) or ('_up.' in k and torch.allclose(v, init[k], rtol=0, atol=1e-6))):
            raise SystemExit(f'{k}: the export form of the recovered weights differs from the graph')
    return G.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--onnx', default=os.path.join(ROOT, 'models', 'repair.onnx'))
    ap.add_argument('--json', default=os.path.join(ROOT, 'models', 'repair.json'))
    ap.add_argument('--out', default='/work/ckpt/repair_from_onnx.pt')
    ap.add_argument('--seed', type=int, default=0, help='torch seed of the fresh discriminator')
    a = ap.parse_args()
    torch.set_num_threads(1)
    G = load_repairnet(a.onnx)
    fx = os.path.join(ROOT, 'tests', 'fixtures', 'parity')
    rd = lambda n, c: torch.from_numpy(np.fromfile(os.path.join(fx, f'repair_{n}.bin'), '<f4').reshape(1, c, 64, 64))
    img, mask, guide, want = rd('image', 3), rd('mask', 1), rd('guide', 3), rd('repaired', 3)
    with torch.no_grad():
        got = G(img, mask, guide)
    d_fixture = float((got - want).abs().max())
    d_ort = float(np.abs(onnxio.ort_run(a.onnx, {'image': img.numpy(), 'mask': mask.numpy(), 'guide': guide.numpy()},
                                        threads=1)['repaired'] - got.numpy()).max())
    print(f'recovered RepairNet vs parity fixture: max abs diff {d_fixture:.2e}; vs ONNX Runtime: {d_ort:.2e}', flush=True)
    if max(d_fixture, d_ort) > 1e-4:
        raise SystemExit('recovered weights do not reproduce the model (> 1e-4)')
    prov = json.load(open(a.json))['provenance']
    recipe = recipe_from_manifest(prov['recipe'])
    torch.manual_seed(a.seed)
    D = losses.PatchDiscriminator()
    og = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    origin = (f'weights recovered from the step-{prov["steps"]} ONNX export (training/onnx_to_ckpt.py); '
              'discriminator and Adam states restarted there')
    st = {'G': G.state_dict(), 'D': D.state_dict(), 'og': og.state_dict(), 'od': od.state_dict(),
          'step': int(prov['steps']), 'seconds': float(prov['training_seconds']), 'seed': int(prov.get('seed', 0)),
          'avg': {}, 'recipe': recipe, 'origin': origin}
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + '.tmp'
    torch.save(st, tmp); os.replace(tmp, a.out)
    print(f'{a.out}: step {st["step"]}, {st["seconds"] / 60:.1f} min, recipe {recipe}; {origin}')


if __name__ == '__main__':
    main()
