#!/bin/sh
# irfa import npy: NPZ (np.savez and np.savez_compressed) with repetitions and days (z-score,
# filter) and plain NPY files with a JSON electrode table.
set -eu
CLI=$1; HERE=$2; PY=/usr/bin/python3
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
$PY "$HERE/make_fixtures.py" npy "$W/fx"
F=$W/fx
"$CLI" import npy --npz "$F/rec.npz" --electrodes "$F/electrodes.csv" --images "$F/images" \
    --image-table "$F/image_table.csv" --size 16 --zscore --filter --out "$W/s1"
$PY "$HERE/check_session.py" npy "$W/s1" "$F"
# np.savez_compressed: the same arrays give the same session
"$CLI" import npy --npz "$F/rec_compressed.npz" --electrodes "$F/electrodes.csv" --images "$F/images" \
    --image-table "$F/image_table.csv" --size 16 --zscore --filter --out "$W/s1c"
$PY "$HERE/compare_sessions.py" "$W/s1" "$W/s1c" 0
"$CLI" import npy --train "$F/train.npy" --test "$F/test.npy" --electrodes "$F/electrodes.json" \
    --images "$F/images" --image-table "$F/image_table.csv" --out "$W/s2"
$PY "$HERE/check_session.py" npy_plain "$W/s2" "$F"
echo "import npy ok"
