#!/usr/bin/python3
"""`irfa evaluate --alexnet` against alexnet_reference.py (PyTorch, float64).

usage: alexnet_e2e.py IRFA_BINARY REFDIR DEVICE compare CASE [BATCH ...]
       alexnet_e2e.py IRFA_BINARY REFDIR DEVICE refuse [FILE ...]

compare: runs the case once per --alexnet-batch value given (none: the default), with --json and --out,
  and requires every layer's r within TOL of the reference, the printed and written JSON to agree, and
  every "variant" of the reference (what a plausible mistake would give) to be more than 3 TOL away from
  irfa's result, so that the comparison is known to catch those mistakes. On the CPU the plain summary
  is checked too.
refuse: bad weight files (all of them, or the ones named) must fail with exit status 1 and a message
  naming the file and the offending tensor, leaving an existing --out file as it was.
"""
import json
import os
import subprocess
import sys

TOL = 1e-4
LAYERS = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
# file -> texts the error message must hold (besides the file name)
REFUSALS = {
    "bad_missing.safetensors": ["features.8.bias", "missing"],
    "bad_shape.safetensors": ["features.3.weight", "192x64x3x3", "192x64x5x5"],
    "bad_shape_fc.safetensors": ["classifier.1.weight", "4096x256", "4096x9216"],
    "bad_dtype.safetensors": ["features.0.bias", "I64"],
    "bad_nan.safetensors": ["features.6.weight", "non-finite"],
    "bad_text.safetensors": [],
    "no_such_file.safetensors": [],
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(irfa, *args, timeout=900):
    p = subprocess.run([irfa, "evaluate", *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def compare(irfa, ref, device, case, batches):
    with open(os.path.join(ref, "expected.json")) as f:
        exp = json.load(f)[case]
    d = os.path.join(ref, case)
    weights = os.path.join(ref, "weights.safetensors")
    base = ["--reconstructions", os.path.join(d, "recon.npy"), "--session", os.path.join(d, "session"),
            "--alexnet", weights, "--device", device]
    for batch in batches or [None]:
        out = os.path.join(d, f"metrics_{device}_{batch}.json")
        args = base + ["--json", "--out", out] + (["--alexnet-batch", str(batch)] if batch else [])
        rc, so, se = run(irfa, *args)
        check(rc == 0, f"batch {batch}: exit status {rc}: {se.strip()}")
        if rc != 0:
            continue
        printed = json.loads(so)
        with open(out) as f:
            written = json.load(f)
        check(printed == written, "--json output and --out file differ")
        a = written.get("alexnet")
        check(a is not None, "no 'alexnet' key in the JSON")
        if a is None:
            continue
        check(list(a["r"]) == LAYERS, f"layers {list(a['r'])}")
        check(a["weights"] == weights and a["input_size"] == 224, f"alexnet header {a}")
        check(a["activations"]["conv1"] == "features.1" and a["activations"]["fc8"] == "classifier.6",
              f"activations {a['activations']}")
        worst = max(abs(a["r"][l] - exp["r"][l]) for l in LAYERS)
        print(f"  {device} batch {batch or 'default'}: max |irfa - torch| over layers = {worst:.3g}")
        for l in LAYERS:
            print(f"    {l:5s} irfa {a['r'][l]:.7f}  torch {exp['r'][l]:.7f}")
            check(abs(a["r"][l] - exp["r"][l]) <= TOL, f"{l}: irfa {a['r'][l]} vs torch {exp['r'][l]}")
        for name, v in exp["variants"].items():
            off = max(abs(a["r"][l] - v[l]) for l in LAYERS)
            print(f"  variant '{name}': max |irfa - variant| = {off:.3g}")
            check(off > 3 * TOL, f"variant '{name}' is within {off:.3g} of irfa: the test could not tell")
        check(written["n_images"] == exp["n"] and written["image_size"] == exp["side"], "n_images / image_size")
    if device == "cpu":
        rc, so, se = run(irfa, *base)
        check(rc == 0 and "AlexNet r" in so and "fc8" in so, f"summary: {rc} {so!r} {se!r}")
        print(so)


def refuse(irfa, ref, device, names):
    d = os.path.join(ref, "cpu32")
    out = os.path.join(ref, f"refuse_{device}.json")
    for name in names or list(REFUSALS):
        with open(out, "w") as f:
            f.write("previous results\n")
        path = os.path.join(ref, name)
        rc, so, se = run(irfa, "--reconstructions", os.path.join(d, "recon.npy"), "--session",
                         os.path.join(d, "session"), "--alexnet", path, "--device", device, "--out", out)
        print(f"  {name}: exit {rc}: {se.strip()}")
        check(rc == 1, f"{name}: exit status {rc}, expected 1")
        for text in [path] + REFUSALS[name]:
            check(text in se, f"{name}: stderr lacks {text!r}")
        check("AddressSanitizer" not in se and "runtime error" not in se, f"{name}: sanitizer report")
        with open(out) as f:
            check(f.read() == "previous results\n", f"{name}: --out file changed by a failed run")


def main():
    if len(sys.argv) < 5 or sys.argv[4] not in ("compare", "refuse"):
        sys.exit(__doc__)
    irfa, ref, device, mode = sys.argv[1:5]
    if mode == "compare":
        if len(sys.argv) < 6:
            sys.exit(__doc__)
        compare(irfa, ref, device, sys.argv[5], [int(b) for b in sys.argv[6:]])
    else:
        refuse(irfa, ref, device, sys.argv[5:])
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("ok")


if __name__ == "__main__":
    main()
