#!/bin/sh
# Trains the shipped material generators one after another with the train-your-own command.
# usage: training/train_materials.sh [MINUTES per material, default 4] [names...]
# Exemplars: Debian supertuxkart-data 1.4 (/usr/share/games/supertuxkart/data/textures), licences
# from /usr/share/doc/supertuxkart-data/copyright. Logs: /work/logs/synth-NAME.log.
# Widths 32/16/8 since session 11 (40/24/10 before): bark's 512x512 in 7.7-9.0 instead of 9.6-11.3 ms (ONNX Runtime,
# 2 threads), SWD and pixSWD no worse on the mean of these exemplars (models/README.md); train-your-own keeps
# train_synth.py's default.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
minutes=${1:-4}
[ $# -gt 0 ] && shift
T=/usr/share/games/supertuxkart/data/textures
mkdir -p /work/logs
train() {  # name file licence description
    if [ $# -gt 0 ] && [ -n "${only:-}" ] && ! echo " $only " | grep -q " $1 "; then return 0; fi
    echo "$(date -u +%H:%M:%S) $1"
    nice -n 5 /usr/bin/python3 "$here/train_synth.py" --exemplar "$T/$2" --minutes "$minutes" --name "$1" \
        --threads 1 --widths 32,16,8 --fixture --licence "$3" --description "$4" \
        --source "supertuxkart-data 1.4: /usr/share/games/supertuxkart/data/textures/$2" > "/work/logs/synth-$1.log" 2>&1 \
        || { echo "$1 failed: $(tail -n 1 /work/logs/synth-$1.log)"; return 0; }
    tail -n 2 "/work/logs/synth-$1.log"
}
only="$*"
train rock       rock.jpg          CC-BY-SA-3.0  "Weathered brown rock"
train grass      grass2.jpg        CC-BY-SA-3.0  "Short green grass"
train dirt       dirt.jpg          CC-BY-SA-3.0  "Dry light-brown dirt"
train bark       TiZeta_barkM.png  CC-BY-SA-3.0  "Tree bark with vertical grain"
train stonewall  HortonRockWall.jpg CC-BY-SA-3.0 "Grey stone wall, irregular blocks"
train planks     wood_planks1.jpg  public-domain "Weathered vertical wooden planks"
train metalplate metal_plates.png  CC-BY-SA-3.0  "Rusty riveted metal plates"
train lava       lava.png          GPL           "Cooling lava with glowing cracks"
