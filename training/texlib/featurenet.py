"""The pretrained ImageNet ResNet18 from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18
0.23.1 (restored by training/setup.sh), loaded into torchvision's resnet18 for the deep-feature losses.

The ONNX graph (opset 8) lists each convolution followed by the batch norm that reads it; we pair them
in graph order and assign them to torchvision's layers by weight shape, in order (the graph may put a
block's downsample before its main branch; its last stage has an extra block that torchvision lacks,
unused here since the losses stop at layer3). This is the same port the shared eval's metrics use, so
losses and metrics see the same features. check_featurenet.py compares relu1, layer1, layer2 and
layer3 with the ONNX graph run in ONNX Runtime: max relative difference 2.4e-6 (measured)."""
import glob, os, functools
import torch, torchvision, onnx
from onnx import numpy_helper

NUGET = '~/.nuget/packages/microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx'


class FeatureNetMissing(Exception):
    pass


def onnx_path():
    hits = glob.glob(os.path.expanduser(NUGET))
    if not hits:
        raise FeatureNetMissing(f'{os.path.expanduser(NUGET)} not found: run training/setup.sh '
                                '(dotnet restore training/featurenet/FeatureNet.csproj)')
    return hits[0]


@functools.lru_cache(maxsize=1)
def resnet18():
    m = onnx.load(onnx_path())
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    produced_by, pairs = {}, []
    for n in m.graph.node:
        if n.op_type == 'Conv':
            produced_by[n.output[0]] = len(pairs)
            pairs.append([init[n.input[1]], None])
        elif n.op_type == 'BatchNormalization':
            pairs[produced_by[n.input[0]]][1] = [init[i] for i in n.input[1:5]]
    net = torchvision.models.resnet18()
    tpairs = [(net.conv1, net.bn1)]
    for layer in (net.layer1, net.layer2, net.layer3, net.layer4):
        for block in layer:
            tpairs += [(block.conv1, block.bn1), (block.conv2, block.bn2)]
            if block.downsample is not None:
                tpairs.append((block.downsample[0], block.downsample[1]))
    pool = list(pairs)
    for conv, bn in tpairs:
        i = next(k for k, (w, _) in enumerate(pool) if tuple(w.shape) == tuple(conv.weight.shape))
        w, b = pool.pop(i)
        conv.weight.data.copy_(torch.from_numpy(w))
        bn.weight.data.copy_(torch.from_numpy(b[0])); bn.bias.data.copy_(torch.from_numpy(b[1]))
        bn.running_mean.copy_(torch.from_numpy(b[2])); bn.running_var.copy_(torch.from_numpy(b[3]))
    net.eval()
    for p in net.parameters():
        p.requires_grad_(False)
    return net


MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def features(x, upto=3):
    """x: (N,3,H,W) in [-1,1] RGB -> [relu1, layer1, layer2, layer3][:upto+1] (differentiable)."""
    net = resnet18()
    x = ((x + 1) * 0.5 - MEAN) / STD
    out = []
    x = net.relu(net.bn1(net.conv1(x))); out.append(x)
    if upto >= 1:
        x = net.layer1(net.maxpool(x)); out.append(x)
    if upto >= 2:
        x = net.layer2(x); out.append(x)
    if upto >= 3:
        x = net.layer3(x); out.append(x)
    return out
