#!/usr/bin/env bash
# Runs the demo in a real GLFW window on a virtual X server (Xvfb) and grabs the X screen with xwd,
# converted to PNG. Needs xvfb, x11-apps (xwd), python3-opencv.
# usage: demo/xvfb-screenshot.sh OUT.png [demo options...]   e.g. demo/xvfb-screenshot.sh w.png --mode repair --stroke
set -euo pipefail
out="$(realpath -m "$1")"; shift
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
dotnet build "$here/TexturePlugin.Demo/TexturePlugin.Demo.csproj" -c Release --artifacts-path "$work/art" -v q >/dev/null
demo="$work/art/bin/TexturePlugin.Demo/release/TexturePlugin.Demo.dll"
cat > "$work/run.sh" <<RUN
#!/usr/bin/env bash
dotnet "$demo" --size 1024x640 --max-fps 30 --frames 600 $* > "$work/demo.log" 2>&1 &
pid=\$!
sleep 8
xwd -root -silent > "$work/screen.xwd"
kill \$pid; wait \$pid || true
RUN
chmod +x "$work/run.sh"
xvfb-run -a -s "-screen 0 1024x640x24" "$work/run.sh"
/usr/bin/python3 - "$work/screen.xwd" "$out" <<'PY'
import sys, struct, numpy as np, cv2
data = open(sys.argv[1], 'rb').read()
h = struct.unpack('>25I', data[:100])
header_size, width, height, byte_order, bpp, bytes_per_line, ncolors = h[0], h[4], h[5], h[7], h[11], h[12], h[19]
if bpp != 32:
    sys.exit(f'{sys.argv[1]}: {bpp} bits per pixel, expected 32')
offset = header_size + ncolors * 12
px = np.frombuffer(data[offset:offset + bytes_per_line * height], dtype=np.uint8).reshape(height, bytes_per_line // 4, 4)[:, :width]
bgr = px[:, :, [3, 2, 1]] if byte_order == 1 else px[:, :, :3]
cv2.imwrite(sys.argv[2], np.ascontiguousarray(bgr))
PY
echo "window screenshot: $out (demo log: $work/demo.log)"
