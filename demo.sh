#!/usr/bin/env bash
# Runs the TexturePlugin demo host. With a display: a window (synthesis mode; see README for keys).
# Without one (no $DISPLAY / $WAYLAND_DISPLAY): renders headless through EGL and writes out/demo-synth.png and
# out/demo-repair.png. Installs the system packages it needs when missing. Extra arguments go to the demo.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh libegl1 libgl1-mesa-dri libglfw3
dotnet build demo/TexturePlugin.Demo -c Release -v quiet -nologo
run() { dotnet run --project demo/TexturePlugin.Demo -c Release --no-build -- "$@"; }
if [ $# -gt 0 ]; then
  run "$@"
elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  run --mode synth
else
  mkdir -p out
  echo "No display: rendering headless."
  run --headless --mode synth --frames 120 --screenshot out/demo-synth.png
  run --headless --mode repair --frames 60 --screenshot out/demo-repair.png
  echo "Wrote out/demo-synth.png and out/demo-repair.png"
fi
