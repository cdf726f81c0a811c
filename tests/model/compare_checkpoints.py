"""Compares two checkpoints tensor by tensor. With --base, compares the updates (b - base vs a - base)
relative to the size of the reference update; otherwise the values."""
import argparse
import sys

import numpy as np

from safetensors_py import load_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ours")
    ap.add_argument("reference")
    ap.add_argument("--base")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-6)
    a = ap.parse_args()
    ours, _ = load_file(a.ours)
    ref, _ = load_file(a.reference)
    base = load_file(a.base)[0] if a.base else None
    if sorted(ours) != sorted(ref):
        print("tensor names differ:", sorted(set(ours) ^ set(ref))[:5])
        return 1
    worst, failures = 0.0, 0
    for name in sorted(ref):
        x, y = ours[name].numpy().astype(np.float64), ref[name].numpy().astype(np.float64)
        if x.shape != y.shape:
            print(f"{name}: shape {x.shape} vs {y.shape}")
            failures += 1
            continue
        resolution = 0.0
        if base is not None and name in base and base[name].dtype.is_floating_point:
            b = base[name].numpy().astype(np.float64)
            x, y = x - b, y - b
            # Both updated values are float32: their difference carries the rounding of values as large
            # as the parameter itself (2 ulp), whatever the size of the update.
            resolution = 2 * np.finfo(np.float32).eps * (np.abs(b).max() if b.size else 0.0)
        scale = np.abs(y).max() if y.size else 0.0
        err = np.abs(x - y).max() if y.size else 0.0
        rel = err / (scale + 1e-30)
        if err > a.atol + a.rtol * scale + resolution:
            failures += 1
            print(f"MISMATCH {name}: max abs diff {err:.3g}, reference magnitude {scale:.3g}")
        worst = max(worst, rel if scale > a.atol else 0.0)
    print(f"{len(ref)} tensors, {failures} mismatches, worst relative difference {worst:.3g}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
