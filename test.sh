#!/usr/bin/env bash
# Builds everything and runs every test (real GL through headless EGL, real ONNX Runtime, a training smoke test).
# Installs the system packages it needs when missing. Ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh libegl1 libgl1-mesa-dri libglfw3 python3-torch python3-torchvision python3-onnx python3-opencv python3-numpy libopenblas0-openmp
# The training smoke test's feature network: a pretrained ResNet18 ONNX from NuGet (nothing is built).
dotnet restore training/featurenet/FeatureNet.csproj -v quiet >/dev/null
results="$(mktemp -d)"
status=0
dotnet test TexturePlugin.sln -c Release --logger "trx" --results-directory "$results" "$@" || status=$?
# Sum the counters of every test run (one TRX file per test project).
python3 - "$results" "$status" <<'PY'
import glob, sys, re
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + '/*.trx'):
    m = re.search(r'<Counters [^>]*', open(f, encoding='utf-8').read())
    if not m:
        continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    passed += int(c.get('passed', 0)); failed += int(c.get('failed', 0)) + int(c.get('error', 0)) + int(c.get('timeout', 0)) + int(c.get('aborted', 0))
    skipped += int(c.get('notExecuted', 0))
if passed + failed == 0 and sys.argv[2] != '0':
    failed = 1  # the build failed before any test ran
print(f'{passed} passed, {failed} failed, {skipped} skipped')
PY
exit $status
