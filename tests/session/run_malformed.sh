#!/bin/sh
# Every malformed input: non-zero exit, a message naming the file and the problem, and no session
# folder (nor a temporary one) left behind.
set -u
CLI=$1; HERE=$2; PY=/usr/bin/python3
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
$PY "$HERE/make_fixtures.py" malformed "$W/fx" || exit 1
F=$W/fx
fails=0
STIM="--images $F/images --image-table $F/image_table.csv --electrodes $F/electrodes.csv"
# expect NAME FILE_IN_MESSAGE PROBLEM_IN_MESSAGE -- irfa arguments...
expect() {
    name=$1; file=$2; problem=$3; shift 4
    out="$W/out_$name"
    if "$CLI" "$@" --out "$out" >"$W/stdout" 2>"$W/stderr"; then
        echo "FAIL $name: exit status 0"; fails=$((fails + 1)); return
    fi
    if ! grep -q -- "$file" "$W/stderr" || ! grep -q -- "$problem" "$W/stderr"; then
        echo "FAIL $name: message does not name '$file' and '$problem':"; cat "$W/stderr"; fails=$((fails + 1))
    fi
    if [ -e "$out" ] || ls -a "$W" | grep -q partial; then
        echo "FAIL $name: a session folder was left behind"; fails=$((fails + 1))
    fi
    echo "ok $name: $(cat "$W/stderr")"
}
expect truncated_npy truncated.npy "truncated NPY data" -- import npy --train "$F/truncated.npy" --test "$F/test.npy" $STIM
expect lying_header lying.npy "after the announced data" -- import npy --train "$F/lying.npy" --test "$F/test.npy" $STIM
expect object_dtype object.npy "object arrays" -- import npy --train "$F/object.npy" --test "$F/test.npy" $STIM
expect shape_mismatch wrong_e.npy "shape mismatch" -- import npy --train "$F/train.npy" --test "$F/wrong_e.npy" $STIM
expect nan_response nan.npy "NaN" -- import npy --train "$F/nan.npy" --test "$F/test.npy" $STIM
expect inf_response inf.npy "infinite" -- import npy --train "$F/inf.npy" --test "$F/test.npy" $STIM
expect npz_bad_crc bad_crc.npz "fails its CRC-32 check" -- import npy --npz "$F/bad_crc.npz" $STIM
expect npz_bomb bomb.npz "inflates to more than the 1000 bytes" -- import npy --npz "$F/bomb.npz" $STIM
expect npz_bomb_ratio bomb_ratio.npz "a ratio deflate cannot reach" -- import npy --npz "$F/bomb_ratio.npz" $STIM
expect wrong_image_size img_007.png "wrong image size" -- import npy --train "$F/train.npy" --test "$F/test.npy" \
    --images "$F/images_badsize" --image-table "$F/image_table.csv" --electrodes "$F/electrodes.csv"
expect unreadable_image img_004.png "unreadable image" -- import npy --train "$F/train.npy" --test "$F/test.npy" \
    --images "$F/images_garbage" --image-table "$F/image_table.csv" --electrodes "$F/electrodes.csv"
head -n 10 "$F/electrodes.csv" >"$F/short.csv"
expect electrode_count short.csv "9 electrodes, but the responses have 32" -- import npy --train "$F/train.npy" --test "$F/test.npy" \
    --images "$F/images" --image-table "$F/image_table.csv" --electrodes "$F/short.csv"
expect missing_hdf5_dataset no_test.mat "missing dataset '/test_MUA'" -- import tvsd --normmua "$F/no_test.mat" \
    --images "$F/images" --image-table "$F/image_table.csv"
expect nan_hdf5 nan.mat "NaN" -- import tvsd --normmua "$F/nan.mat" --images "$F/images" --image-table "$F/image_table.csv"
expect not_hdf5 not_hdf5.mat "not an HDF5" -- import tvsd --normmua "$F/not_hdf5.mat" --images "$F/images" --image-table "$F/image_table.csv"
expect nwb_missing_column no_image_index.nwb "missing dataset '/intervals/trials/image_index'" -- import nwb --nwb "$F/no_image_index.nwb"
expect missing_file nothere.nwb "cannot open" -- import nwb --nwb "$F/nothere.nwb"
# an existing session is never replaced
mkdir "$W/existing" && echo keep >"$W/existing/marker"
if "$CLI" import nwb --nwb "$F/good.nwb" --out "$W/existing" 2>"$W/stderr"; then echo "FAIL existing: replaced"; fails=$((fails + 1)); fi
grep -q "already exists" "$W/stderr" && grep -q keep "$W/existing/marker" || { echo "FAIL existing: $(cat "$W/stderr")"; fails=$((fails + 1)); }
# the good file of the same shape imports, so the failures above are about the defects
"$CLI" import nwb --nwb "$F/good.nwb" --size 16 --out "$W/good" >/dev/null || { echo "FAIL the good NWB file does not import"; fails=$((fails + 1)); }
"$CLI" import npy --npz "$F/good_handmade.npz" $STIM --size 16 --out "$W/good_npz" >/dev/null || { echo "FAIL the good hand-made NPZ does not import"; fails=$((fails + 1)); }
[ "$fails" -eq 0 ] && echo "malformed inputs ok" || { echo "$fails failure(s)"; exit 1; }
