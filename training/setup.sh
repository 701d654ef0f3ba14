#!/bin/sh
# Installs what training/ needs when it is missing: Debian's PyTorch stack (with OpenBLAS), OpenCV, scikit-image,
# G'MIC (eval peers), the SuperTuxKart textures (training data), and the pretrained ResNet18 ONNX
# (NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, restored by training/featurenet).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
need=""
/usr/bin/python3 -c "import torch, torchvision" 2>/dev/null || need="$need python3-torch python3-torchvision"
/usr/bin/python3 -c "import onnx" 2>/dev/null || need="$need python3-onnx"
/usr/bin/python3 -c "import cv2" 2>/dev/null || need="$need python3-opencv"
/usr/bin/python3 -c "import skimage" 2>/dev/null || need="$need python3-skimage"
command -v gmic >/dev/null 2>&1 || need="$need gmic"
[ -d /usr/share/games/supertuxkart/data/textures ] || need="$need supertuxkart-data"
# Debian's PyTorch does its matrix products through the system libblas.so.3, which is the netlib reference BLAS unless
# an optimised one is installed; OpenBLAS (OpenMP flavour, as torch's own threads) took a train_synth.py step from 244
# to 98 ms on one thread (session 8: ResNet18 features 120 -> 45 ms forward + backward).
dpkg-query -W -f='${Status}' libopenblas0-openmp 2>/dev/null | grep -q "install ok installed" || need="$need libopenblas0-openmp"
if [ -n "$need" ]; then
    echo "installing:$need"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need
fi
onnx=~/.nuget/packages/microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx
if [ ! -f "$onnx" ]; then
    dotnet restore "$here/featurenet/FeatureNet.csproj"
fi
[ -f "$onnx" ] || { echo "setup.sh: $onnx still missing after the restore" >&2; exit 1; }
echo "training setup ok (python $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'), $onnx)"
