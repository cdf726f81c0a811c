"""Runs `vgg19_test compare` for one case on one device and checks its loss and dy_hat against the
PyTorch reference written by vgg19_reference.py. Usage: vgg19_compare.py VGG19_TEST DEVICE DIR CASE

The loss must agree to TOL (relative). dy_hat must agree to TOL relative to its largest magnitude, except
for whole flipped decisions: a ReLU, max-pool or L1 sign within float32 rounding of a tie may go the
other way here than in float64, and each such flip moves a receptive field's worth of gradient. The
reference lists those candidates (CASE_flips.npy, the change each flip makes); the difference must be
an integer combination (0 or 1 each) of them plus at most TOL. A real error is not such a combination.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

TOL = 1e-4


def explain_flips(diff, flips, scale):
    """Least-squares coefficients of diff over the candidate flips, rounded to 0/1; returns the
    residual (relative to scale), the number of flips used and the largest rounding distance."""
    cols = flips.reshape(len(flips), -1)
    # Candidates too small to matter, or duplicates of another, would make the fit ill-posed.
    keep = []
    for k in range(len(cols)):
        if np.abs(cols[k]).max() > 1e-3 * TOL * scale and all(not np.array_equal(cols[k], cols[j]) for j in keep):
            keep.append(k)
    if not keep:
        return np.abs(diff).max() / scale, 0, 0.0
    d = cols[keep].T
    coef, *_ = np.linalg.lstsq(d, diff.ravel(), rcond=None)
    rounded = np.clip(np.round(coef), 0, 1)
    residual = np.abs(diff.ravel() - d @ rounded).max() / scale
    return residual, int(rounded.sum()), float(np.abs(coef - rounded).max())


def main():
    binary, device, ref, case = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, case)
        run = subprocess.run([binary, "compare", device, ref, case, prefix], capture_output=True, text=True)
        sys.stdout.write(run.stdout)
        sys.stderr.write(run.stderr)
        if run.returncode != 0:
            sys.exit(f"FAIL: vgg19_test compare exited with {run.returncode}")
        loss = float(np.load(prefix + "_loss.npy")[0])
        grad = np.load(prefix + "_grad.npy").astype(np.float64)
    want_loss = float(np.load(os.path.join(ref, f"{case}_loss.npy"))[0])
    want_grad = np.load(os.path.join(ref, f"{case}_grad.npy"))
    flips = np.load(os.path.join(ref, f"{case}_flips.npy"))
    failed = False

    loss_err = abs(loss - want_loss) / abs(want_loss)
    print(f"loss {loss:.7f} vs PyTorch {want_loss:.7f}: relative error {loss_err:.2e}")
    failed |= not loss_err <= TOL

    if grad.shape != want_grad.shape:
        sys.exit(f"FAIL: dy_hat has shape {grad.shape}, PyTorch's {want_grad.shape}")
    scale = np.abs(want_grad).max()
    diff = grad - want_grad
    raw = np.abs(diff).max() / scale
    print(f"dy_hat vs PyTorch: max relative error {raw:.2e} ({len(flips)} decisions near a tie)")
    if not np.isfinite(raw):
        failed = True
    elif raw > TOL:
        residual, used, off = explain_flips(diff, flips, scale)
        print(f"  after {used} flipped near-tie decisions: max relative error {residual:.2e} "
              f"(flip coefficients within {off:.2e} of 0/1)")
        failed |= not (residual <= TOL and off <= 0.05)
    if failed:
        sys.exit(f"FAIL: {case} on {device} differs from PyTorch (tolerance {TOL:g})")
    print("ok")


if __name__ == "__main__":
    main()
