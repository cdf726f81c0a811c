#!/bin/sh
# irfa simulate: a small session, determinism from --seed, time-resolved output, the figures,
# and refusal to overwrite an existing folder.
set -eu
CLI=$1; HERE=$2; PY=/usr/bin/python3
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ARGS="--train 120 --test 16 --reps 4 --size 32 --electrodes-per-array 12 --seed 3"
"$CLI" simulate --out "$W/a" $ARGS --plot-rfs "$W/rfs.png" --plot-tuning "$W/tuning.png"
"$CLI" simulate --out "$W/b" $ARGS
"$CLI" simulate --out "$W/c" $ARGS --seed 4
$PY "$HERE/check_session.py" simulate "$W/a" - "$W/b"
if cmp -s "$W/a/responses_train.npy" "$W/c/responses_train.npy"; then echo "different seeds gave the same session"; exit 1; fi
"$CLI" simulate --out "$W/t" --train 30 --test 4 --reps 3 --size 16 --electrodes-per-array 4 --time-resolved --no-filter
$PY "$HERE/check_session.py" simulate_tr "$W/t" -
for f in rfs tuning; do head -c 8 "$W/$f.png" | od -c | grep -q 'P   N   G' || { echo "$f.png is not a PNG"; exit 1; }; done
# an existing destination is refused and left as it was
if "$CLI" simulate --out "$W/a" $ARGS 2>"$W/err"; then echo "overwrote an existing session"; exit 1; fi
grep -q "already exists" "$W/err"
cmp "$W/a/responses_train.npy" "$W/b/responses_train.npy"
# bad options: non-zero exit and a message
if "$CLI" simulate --out "$W/x" --size 3 2>"$W/err"; then echo "accepted --size 3"; exit 1; fi
grep -q -- "--size" "$W/err"
test ! -e "$W/x"
echo "simulate ok"
