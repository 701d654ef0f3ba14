#!/usr/bin/python3
"""Checks that the faster export forms compute the trained networks' functions, in PyTorch (seconds, no ONNX Runtime;
every export also checks parity through ONNX Runtime):
- nets.PhaseUpConv(w)(x) equals a circular 3x3 convolution with weights w after nearest x2 upsampling, and
  nets.unphase_up_weight gives w back;
- nets.ExportRepairNet(net) equals a RepairNet with random weights (odd sizes included), and
  onnxio.phase_weights / fused_weights are inverses on fused SynthNet up-convolutions.
Prints one line per check and 'ok'; exits 1 with the failing check's line otherwise. Run by the C# training tests."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch, torch.nn.functional as F
from texlib import nets, onnxio

TOL = 1e-5


def check(name, diff):
    print(f'{name}: max abs diff {diff:.2e}', flush=True)
    if not diff <= TOL:
        print(f'FAILED {name}: {diff:.2e} > {TOL:.0e}', flush=True)
        sys.exit(1)


def main():
    torch.manual_seed(8)
    w = 0.2 * torch.randn(12, 5, 3, 3)   # trained weights are of this order
    x = torch.randn(2, 5, 6, 10)
    ref = F.conv2d(nets.circular_pad(F.interpolate(x, scale_factor=2.0, mode='nearest'), 1), w)
    up = nets.PhaseUpConv(w)
    with torch.no_grad():
        check('PhaseUpConv vs conv(nearest x2)', float((up(x) - ref).abs().max()))
    check('unphase_up_weight round trip', float((nets.unphase_up_weight(up.conv.weight.data) - w).abs().max()))

    G = nets.RepairNet().eval()
    with torch.no_grad():
        for p in G.parameters():
            p.add_(0.05 * torch.randn_like(p))   # not the init's zero biases
        E = G.for_export().eval()
        for h, wd in ((64, 64), (40, 72)):
            img = torch.rand(1, 3, h, wd) * 2 - 1
            mask = (torch.rand(1, 1, h, wd) < 0.3).float()
            guide = torch.rand(1, 3, h, wd) * 2 - 1
            check(f'ExportRepairNet vs RepairNet at {h}x{wd}', float((E(img * (1 - mask), mask, guide) - G(img * (1 - mask), mask, guide)).abs().max()))

    S = nets.SynthNet(fine=True)
    F8 = nets.FusedSynthNet(S)
    for name in ('u1', 'u2', 'uf'):
        w3 = getattr(F8, name).weight.data.numpy()
        w2 = onnxio.phase_weights(w3)
        if w2 is None:
            print(f'FAILED {name}: a fused up-convolution has non-zero taps outside its phase windows', flush=True)
            sys.exit(1)
        check(f'phase_weights / fused_weights round trip ({name})', float(abs(onnxio.fused_weights(w2) - w3).max()))
    print('ok')


if __name__ == '__main__':
    main()
