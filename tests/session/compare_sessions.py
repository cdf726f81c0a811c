"""Compares two session folders that should hold the same data: same manifest (except provenance
and creation details), same tables, identical response arrays, and stimulus arrays within a
tolerance (0 for byte-identical inputs, a few levels for JPEG copies of PNG stimuli).
usage: compare_sessions.py A B STIMULUS_TOLERANCE"""
import json
import os
import sys

import numpy as np

VOLATILE = {"provenance", "created", "created_at", "cmdline", "command", "irfa_version"}


def manifest(s):
    m = json.load(open(os.path.join(s, "manifest.json")))
    return {k: v for k, v in m.items() if k not in VOLATILE}


def main(a, b, tol):
    ma, mb = manifest(a), manifest(b)
    assert ma == mb, "manifests differ: %s" % sorted(k for k in ma if ma.get(k) != mb.get(k))
    na = sorted(f for f in os.listdir(a) if f.endswith(".npy"))
    assert na == sorted(f for f in os.listdir(b) if f.endswith(".npy")), "different arrays"
    assert open(os.path.join(a, "electrodes.csv")).read() == open(os.path.join(b, "electrodes.csv")).read()
    worst = 0.0
    for f in na:
        x, y = np.load(os.path.join(a, f)), np.load(os.path.join(b, f))
        assert x.shape == y.shape and x.dtype == y.dtype, f
        if f.startswith("stimuli_"):
            d = float(np.abs(x.astype(np.float64) - y).max())
            worst = max(worst, d)
            assert d <= tol, "%s: stimuli differ by %.4f > %.4f" % (f, d, tol)
        else:
            assert np.array_equal(x, y), "%s differs" % f
    print("same session (%d arrays; largest stimulus difference %.4f = %.1f/255)" % (len(na), worst, worst * 255))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
