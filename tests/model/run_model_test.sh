#!/usr/bin/env bash
# IRFA model tests that need PyTorch or the irfa binary end to end. Usage: run_model_test.sh CASE
# Environment: IRFA_BIN, IRFA_TRAIN_STEP, PYTHON (with torch and numpy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
py() { "$PYTHON" "$@"; }
torch_model() { (cd "$here" && py irfa_torch.py "$@"); }
fail() { echo "FAIL: $*" >&2; exit 1; }

# max |a - b| over two .npy files must be <= tol
close() {
  py - "$1" "$2" "$3" <<'PY'
import sys, numpy as np
a, b, tol = np.load(sys.argv[1]), np.load(sys.argv[2]), float(sys.argv[3])
if a.shape != b.shape:
    sys.exit(f"shapes differ: {a.shape} vs {b.shape}")
d = float(np.abs(a.astype(np.float64) - b).max())
print(f"{sys.argv[1].split('/')[-1]}: max abs difference {d:.3g} (tolerance {tol:g})")
sys.exit(0 if d <= tol else 1)
PY
}

case "$1" in
torch_to_irfa)
  # A model made and saved by PyTorch (no metadata, as safetensors.torch.save_file writes it) gives the
  # same reconstructions and spatial IRFs in irfa, on both backends.
  torch_model make --electrodes 5,7,1,4 --features 8 --grid 32 --n 5 --checkpoint "$work/ref.safetensors" \
    --responses "$work/resp.npy" --expected "$work/rec.npy" --expected-spatial "$work/sp.npy"
  for dev in cpu vulkan; do
    "$IRFA_BIN" reconstruct --checkpoint "$work/ref.safetensors" --responses "$work/resp.npy" --out "$work/$dev" --device $dev
    close "$work/$dev/reconstructions.npy" "$work/rec.npy" 1e-4 || fail "$dev reconstructions differ from PyTorch"
    close "$work/$dev/irf_spatial.npy" "$work/sp.npy" 1e-5 || fail "$dev spatial IRFs differ from PyTorch"
    [[ $(ls "$work/$dev/images" | wc -l) == 5 ]] || fail "$dev: expected 5 PNGs"
  done
  ;;
irfa_to_torch)
  # A model trained by `irfa train` loads into PyTorch (strict state_dict) and reconstructs the same.
  "$IRFA_BIN" simulate --out "$work/session" --train 16 --test 4 --size 32 --seed 5 >/dev/null
  "$IRFA_BIN" train --session "$work/session" --out "$work/run" --epochs 1 --features 8 --grid 32 --batch 4 \
    --d-every 2 --device cpu --quiet
  [[ -s "$work/run/metrics.jsonl" && -s "$work/run/checkpoint.safetensors" ]] || fail "train wrote no checkpoint/metrics"
  e=$(py -c "import json; print(sum(json.load(open('$work/session/manifest.json'))['electrodes_per_array']))" 2>/dev/null || echo "")
  py - "$work" <<'PY'
import sys, numpy as np, json, struct
w = sys.argv[1]
raw = open(f"{w}/run/checkpoint.safetensors", "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
meta = json.loads(raw[8:8 + n])["__metadata__"]
cfg = json.loads(meta["irfa_config"])
e = sum(cfg["electrodes_per_array"])
rng = np.random.default_rng(0)
np.save(f"{w}/resp.npy", rng.standard_normal((6, e)).astype(np.float32))
PY
  "$IRFA_BIN" reconstruct --checkpoint "$work/run/checkpoint.safetensors" --responses "$work/resp.npy" --out "$work/ours" --device cpu
  torch_model reconstruct --checkpoint "$work/run/checkpoint.safetensors" --responses "$work/resp.npy" \
    --out "$work/torch.npy" --out-spatial "$work/torch_sp.npy"
  close "$work/ours/reconstructions.npy" "$work/torch.npy" 1e-4 || fail "PyTorch reconstructs our checkpoint differently"
  close "$work/ours/irf_spatial.npy" "$work/torch_sp.npy" 1e-5 || fail "spatial IRFs differ"
  ;;
train_step_cpu|train_step_vulkan)
  # One generator step from the same checkpoint and batch in irfa and in PyTorch. With Adam's eps = 1e3
  # the update is lr * m / eps, proportional to the gradient, so every gradient is compared.
  dev=${1#train_step_}
  torch_model make --electrodes 6,3,1,5 --features 8 --grid 32 --n 4 --seed 3 --checkpoint "$work/init.safetensors" \
    --responses "$work/resp.npy" --expected "$work/unused.npy"
  py -c "import numpy as np; np.save('$work/img.npy', np.random.default_rng(1).random((4,3,32,32)).astype(np.float32))"
  torch_model step --checkpoint "$work/init.safetensors" --responses "$work/resp.npy" --images "$work/img.npy" \
    --out "$work/torch.safetensors" --eps 1e3 --lr 1e-1 --kink-margin 3e-6
  "$IRFA_TRAIN_STEP" "$work/init.safetensors" "$work/resp.npy" "$work/img.npy" "$work/ours.safetensors" "$dev" 1e3 1e-1
  (cd "$here" && py compare_checkpoints.py "$work/ours.safetensors" "$work/torch.safetensors" --base "$work/init.safetensors" \
     --rtol 2e-3 --atol 1e-7) || fail "the $dev training step differs from PyTorch's"
  ;;
train_step_vgg_cpu|train_step_vgg_vulkan)
  # The same comparison with the VGG19 perceptual term on (random VGG weights, images resized to 48).
  # Seed 7: no activation input of G or D lies within 1e-5 of a kink (with seed 4 one lay 3e-7 from
  # it, and a rounding difference flipped that pixel's LeakyReLU slope on one backend).
  dev=${1#train_step_vgg_}
  torch_model make --electrodes 6,3,1,5 --features 8 --grid 32 --n 2 --seed 7 --checkpoint "$work/init.safetensors" \
    --responses "$work/resp.npy" --expected "$work/unused.npy"
  torch_model vgg-weights --out "$work/vgg.safetensors"
  py -c "import numpy as np; np.save('$work/img.npy', np.random.default_rng(2).random((2,3,32,32)).astype(np.float32))"
  torch_model step --checkpoint "$work/init.safetensors" --responses "$work/resp.npy" --images "$work/img.npy" \
    --out "$work/torch.safetensors" --eps 1e3 --lr 1e-1 --vgg "$work/vgg.safetensors" --vgg-size 48 --kink-margin 3e-6
  "$IRFA_TRAIN_STEP" "$work/init.safetensors" "$work/resp.npy" "$work/img.npy" "$work/ours.safetensors" "$dev" 1e3 1e-1 \
    "$work/vgg.safetensors" 48
  (cd "$here" && py compare_checkpoints.py "$work/ours.safetensors" "$work/torch.safetensors" --base "$work/init.safetensors" \
     --rtol 5e-3 --atol 1e-7) || fail "the $dev training step with VGG differs from PyTorch's"
  ;;
deterministic_resume)
  # On the CPU backend a run is a function of its seed: the same seed gives the same checkpoint to the
  # bit, a run stopped after epoch 1 and resumed gives that same checkpoint too, another seed does not.
  # --d-every 2 puts discriminator updates (and the history pool's random draws) in every epoch.
  "$IRFA_BIN" simulate --out "$work/session" --train 24 --test 4 --size 32 --seed 6 >/dev/null
  run() { "$IRFA_BIN" train --session "$work/session" --out "$work/$1" --features 8 --grid 32 --batch 4 --d-every 2 \
            --device cpu --quiet "${@:2}"; }
  run a --epochs 2 --seed 3
  run b --epochs 2 --seed 3
  run c --epochs 1 --seed 3
  run c --epochs 2 --seed 3 --resume
  run d --epochs 2 --seed 4
  (cd "$here" && py - "$work") <<'PY' || fail "training is not a function of its seed"
import sys
from safetensors_py import load_file
w = sys.argv[1]
ck = {r: load_file(f"{w}/{r}/checkpoint.safetensors")[0] for r in "abcd"}
def differing(x, y):
    return [n for n in x if not (x[n].shape == y[n].shape and bool((x[n] == y[n]).all()))]
for run, why in (("b", "the same seed"), ("c", "a resumed run")):
    bad = differing(ck["a"], ck[run])
    if bad:
        sys.exit(f"{why} gave another checkpoint: {len(bad)} tensors differ, e.g. {bad[0]}")
if not differing(ck["a"], ck["d"]):
    sys.exit("another seed gave the same checkpoint")
lines = {r: open(f"{w}/{r}/metrics.jsonl").read().splitlines() for r in "ac"}
if [l.split('"samples_per_s"')[0] for l in lines["a"]] != [l.split('"samples_per_s"')[0] for l in lines["c"]]:
    sys.exit("the resumed run logged other losses")
print(f"{len(ck['a'])} tensors equal to the bit for the same seed and after --resume; another seed differs")
PY
  ;;
bad_checkpoints)
  torch_model make --electrodes 3,2 --features 4 --grid 32 --n 2 --checkpoint "$work/good.safetensors" \
    --responses "$work/resp.npy" --expected "$work/rec.npy"
  (cd "$here" && py - "$work") <<'PY'
import sys, torch
from safetensors_py import load_file, save_file
w = sys.argv[1]
sd, _ = load_file(f"{w}/good.safetensors")
missing = dict(sd); del missing["generator.layers.3.bias"]
save_file(missing, f"{w}/missing.safetensors")
shape = dict(sd); shape["generator.layers.0.weight"] = torch.zeros(64, 5, 4, 4)
save_file(shape, f"{w}/shape.safetensors")
extra = dict(sd); extra["generator.layers.9.weight"] = torch.zeros(2)
save_file(extra, f"{w}/extra.safetensors")
alias = dict(sd)   # the public code's Skip also registers its inner layer as `_layer`
for k, v in sd.items():
    if k.startswith("generator.layers.2.block.3."):
        alias["generator.layers.2._layer." + k[len("generator.layers.2.block.3."):]] = v
save_file(alias, f"{w}/alias.safetensors")
raw = open(f"{w}/good.safetensors", "rb").read()
open(f"{w}/truncated.safetensors", "wb").write(raw[: len(raw) // 2])
open(f"{w}/garbage.safetensors", "wb").write(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all}")
PY
  expect_error() {
    local file=$1 pattern=$2 out
    if out=$("$IRFA_BIN" reconstruct --checkpoint "$work/$file" --responses "$work/resp.npy" --out "$work/o_$file" --device cpu 2>&1); then
      fail "$file was accepted"
    fi
    grep -q -- "$pattern" <<<"$out" || fail "$file: message '$out' does not mention '$pattern'"
    echo "$file rejected: $out"
  }
  "$IRFA_BIN" reconstruct --checkpoint "$work/alias.safetensors" --responses "$work/resp.npy" --out "$work/o_alias" --device cpu \
    || fail "a state_dict with the public code's _layer aliases was refused"
  close "$work/o_alias/reconstructions.npy" "$work/rec.npy" 1e-4 || fail "alias checkpoint reconstructs differently"
  expect_error missing.safetensors "generator.layers.3.bias"
  expect_error shape.safetensors "generator.layers.0.weight.*64x5x4x4"
  expect_error extra.safetensors "generator.layers.9.weight"
  expect_error truncated.safetensors "truncated.safetensors"
  expect_error garbage.safetensors "garbage.safetensors"
  # responses with the wrong electrode count
  py -c "import numpy as np; np.save('$work/bad_resp.npy', np.zeros((2, 7), np.float32))"
  if out=$("$IRFA_BIN" reconstruct --checkpoint "$work/good.safetensors" --responses "$work/bad_resp.npy" --out "$work/o_bad" 2>&1); then
    fail "responses with 7 electrodes were accepted"
  fi
  grep -q "bad_resp.npy" <<<"$out" || fail "message does not name the responses file: $out"
  ;;
learns)
  # Training on a small simulated session visibly learns: the loss falls and 2-way identification of
  # the test images by pixel correlation is well above chance (50%). The stimuli are coloured discs on
  # coloured backgrounds (simple enough to learn in a few epochs on a CPU); the virtual macaque's
  # retinotopic V1/V4/IT responses to them are what the model decodes.
  py - "$work/discs" <<'PY'
import os, struct, sys, zlib
import numpy as np
out = sys.argv[1]
os.makedirs(out)
def png(path, img):
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
rng = np.random.default_rng(0)
yy, xx = np.mgrid[0:32, 0:32]
for k in range(340):
    img = np.ones((32, 32, 3)) * rng.uniform(0.1, 0.4, 3)
    cx, cy, r = rng.uniform(6, 26), rng.uniform(6, 26), rng.uniform(5, 9)
    img[(xx - cx) ** 2 + (yy - cy) ** 2 < r * r] = rng.uniform(0.5, 1.0, 3)
    png(f"{out}/{k:04d}.png", (img * 255).astype(np.uint8))
PY
  "$IRFA_BIN" simulate --out "$work/session" --images "$work/discs" --train 320 --test 20 --size 32 --seed 11 >/dev/null
  "$IRFA_BIN" train --session "$work/session" --out "$work/run" --epochs 8 --features 8 --grid 32 --batch 8 \
    --device cpu --quiet
  py - "$work" <<'PY'
import sys, json, numpy as np
w = sys.argv[1]
lines = [json.loads(l) for l in open(f"{w}/run/metrics.jsonl")]
first, last = lines[0]["loss_l1"], lines[-1]["loss_l1"]
rec = np.load(f"{w}/run/reconstructions.npy").reshape(20, -1).astype(np.float64)
stim = np.load(f"{w}/session/stimuli_test.npy").reshape(20, -1).astype(np.float64)
r = np.corrcoef(rec, stim)[:20, 20:]
acc = sum(r[i, i] > r[i, j] for i in range(20) for j in range(20) if i != j) / (20 * 19)
print(f"L1 loss {first:.4f} -> {last:.4f}; test pixel r {lines[-1]['test']['pixel_r']:.3f}; "
      f"2-way identification by correlation {acc:.1%}")
assert last < 0.92 * first, "the training loss did not fall"
assert acc > 0.62, "identification is not well above chance"
PY
  ;;
*) fail "unknown case $1" ;;
esac
echo "PASS $1"
