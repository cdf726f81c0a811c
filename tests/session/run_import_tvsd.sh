#!/bin/sh
# irfa import tvsd: MAT v7.3 normMUA (reliability + RF filter, monkey N), and with the trials file
# (channel map, per-day z-score, time course and space-time windows, monkey F).
set -eu
CLI=$1; HERE=$2; PY=/usr/bin/python3
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
$PY "$HERE/make_fixtures.py" tvsd "$W/fx"
F=$W/fx
"$CLI" import tvsd --normmua "$F/THINGS_normMUA.mat" --monkey N --images "$F/images" \
    --image-table "$F/image_table.csv" --electrodes "$F/rf.csv" --filter --size 16 --out "$W/s1"
$PY "$HERE/check_session.py" tvsd "$W/s1" "$F"
"$CLI" import tvsd --normmua "$F/THINGS_normMUA.mat" --trials "$F/THINGS_MUA_trials.mat" \
    --channel-map "$F/channel_map.npy" --zscore --monkey F --images "$F/images" \
    --image-table "$F/image_table.csv" --size 16 --out "$W/s2"
$PY "$HERE/check_session.py" tvsd_trials "$W/s2" "$F"
echo "import tvsd ok"
