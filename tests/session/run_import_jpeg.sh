#!/bin/sh
# JPEG stimuli: a folder of JPEG copies of the PNG stimuli (baseline, progressive, CMYK and YCCK)
# imports into the same session as the PNGs up to JPEG's loss; a PNG named .jpg reads by its content;
# `simulate --images` lists .jpg files. Broken JPEGs (truncated, garbage named .jpg) end with a
# message naming the file, a non-zero exit and no session folder.
set -u
CLI=$1; HERE=$2; MAKE_JPEG=$3; PY=/usr/bin/python3
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
$PY "$HERE/make_fixtures.py" npy "$W/fx" || exit 1
F=$W/fx
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
# copy_as_jpeg DIR: every images/img_NNN.png as DIR/img_NNN.jpg, cycling through the encodings
copy_as_jpeg() {
    mkdir -p "$1"; k=0
    for png in "$F"/images/*.png; do
        case $((k % 4)) in 0) mode=baseline ;; 1) mode=progressive ;; 2) mode=cmyk ;; *) mode=ycck ;; esac
        "$MAKE_JPEG" $mode 100 "$png" "$1/$(basename "$png" .png).jpg" || exit 1
        k=$((k + 1))
    done
}
copy_as_jpeg "$F/jpg"
sed 's/\.png/.jpg/' "$F/image_table.csv" >"$F/jpg_table.csv"
ARGS="--npz $F/rec.npz --electrodes $F/electrodes.csv --size 16"
"$CLI" import npy $ARGS --images "$F/images" --image-table "$F/image_table.csv" --out "$W/png" >/dev/null || fail "PNG import"
"$CLI" import npy $ARGS --images "$F/jpg" --image-table "$F/jpg_table.csv" --out "$W/jpg" >/dev/null || fail "JPEG import"
# noise stimuli at quality 100 without chroma subsampling: a few levels of 255 after area resizing
$PY "$HERE/compare_sessions.py" "$W/png" "$W/jpg" 0.03 || fail "JPEG session differs from the PNG one"
# the content decides: a PNG saved under a .jpg name reads as that PNG
cp -r "$F/jpg" "$F/renamed"
cp "$F/images/img_003.png" "$F/renamed/img_003.jpg"
"$CLI" import npy $ARGS --images "$F/renamed" --image-table "$F/jpg_table.csv" --out "$W/renamed" >/dev/null || fail "PNG named .jpg"
$PY - "$W/png" "$W/renamed" <<'PYEOF' || fail "PNG named .jpg does not give the PNG's pixels"
import sys, numpy as np
a, b = (np.load(s + "/stimuli_train.npy") for s in sys.argv[1:])
assert np.array_equal(a[3], b[3]) and not np.array_equal(a[2], b[2])
PYEOF
# simulate --images DIR lists JPEG files too
"$CLI" simulate --images "$F/jpg" --out "$W/sim" --train 16 --test 4 --reps 2 --size 16 --electrodes-per-array 4 \
    --no-filter >/dev/null || fail "simulate --images with JPEG files"

# expect NAME FILE_IN_MESSAGE PROBLEM_IN_MESSAGE IMAGE_DIR
expect() {
    name=$1; file=$2; problem=$3; dir=$4; out="$W/out_$name"
    if "$CLI" import npy $ARGS --images "$dir" --image-table "$F/jpg_table.csv" --out "$out" >"$W/stdout" 2>"$W/stderr"; then
        fail "$name: exit status 0"; return
    fi
    if ! grep -q -- "$file" "$W/stderr" || ! grep -q -- "$problem" "$W/stderr"; then
        fail "$name: message does not name '$file' and '$problem': $(cat "$W/stderr")"; return
    fi
    if [ -e "$out" ] || ls -a "$W" | grep -q partial; then fail "$name: a session folder was left behind"; return; fi
    echo "ok $name: $(cat "$W/stderr")"
}
broken() { rm -rf "$F/$1"; cp -r "$F/jpg" "$F/$1"; }
broken truncated
head -c 700 "$F/jpg/img_005.jpg" >"$F/truncated/img_005.jpg"
expect truncated_jpeg truncated/img_005.jpg "truncated JPEG" "$F/truncated"
broken garbage
printf 'this is not an image at all\n' >"$F/garbage/img_006.jpg"
expect garbage_jpg garbage/img_006.jpg "neither PNG nor JPEG data" "$F/garbage"
broken empty
: >"$F/empty/img_001.jpg"
expect empty_jpg empty/img_001.jpg "neither PNG nor JPEG data" "$F/empty"
broken badpng
head -c 60 "$F/images/img_008.png" >"$F/badpng/img_008.jpg"
expect broken_png_named_jpg badpng/img_008.jpg "holds PNG data under a JPEG name" "$F/badpng"
broken badsoi
printf '\377\330\377garbage after the start-of-image marker' >"$F/badsoi/img_009.jpg"
expect garbage_after_soi badsoi/img_009.jpg "corrupt JPEG" "$F/badsoi"
[ "$fails" -eq 0 ] && echo "import jpeg ok" || { echo "$fails failure(s)"; exit 1; }
