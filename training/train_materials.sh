#!/bin/sh
# Trains the shipped materials one after another with the train-your-own command.
# usage: training/train_materials.sh [--method copy|gan] [MINUTES per material] [names...]
#   --method copy (default): copy synthesis (texlib/copysynth.py), 1 minute each; sizes are multiples of the period
#                            (256 px for these exemplars)
#   --method gan:            the SynthNet generators shipped before copy synthesis (widths 32/16/8, 4 minutes each
#                            by default; any multiple of 8)
# Exemplars: Debian supertuxkart-data 1.4 (/usr/share/games/supertuxkart/data/textures), licences
# from /usr/share/doc/supertuxkart-data/copyright. Logs: /work/logs/synth-NAME.log. Each model also writes its parity
# fixture (tests/fixtures/parity/NAME_*.bin).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
method=copy
if [ "${1:-}" = "--method" ]; then method=${2:?--method copy|gan}; shift 2; fi
case $method in
    copy) minutes=${1:-1}; extra="--method copy" ;;
    gan) minutes=${1:-4}; extra="--method gan --widths 32,16,8" ;;
    *) echo "--method $method: copy or gan" >&2; exit 2 ;;
esac
[ $# -gt 0 ] && shift
T=/usr/share/games/supertuxkart/data/textures
mkdir -p /work/logs
train() {  # name file licence description
    if [ -n "${only:-}" ] && ! echo " $only " | grep -q " $1 "; then return 0; fi
    echo "$(date -u +%H:%M:%S) $1 ($method)"
    # shellcheck disable=SC2086
    nice -n 5 /usr/bin/python3 "$here/train_synth.py" $extra --exemplar "$T/$2" --minutes "$minutes" --name "$1" \
        --threads 1 --fixture --licence "$3" --description "$4" \
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
