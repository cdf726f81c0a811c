#!/usr/bin/python3
"""End-to-end tests of `irfa evaluate` on a tiny session this script writes itself.

usage: evaluate_e2e.py IRFA_BINARY WORKDIR CASE
Each CASE gets a fresh WORKDIR/CASE folder. The session follows session/session.h: manifest.json,
responses_{train,test}.npy, electrodes.csv and stimuli_{train,test}.npy. Expected metric values
come from metrics_reference.py (numpy, float64).
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metrics_reference as ref  # noqa: E402

N_TEST, N_TRAIN, SIZE, ELECTRODES = 8, 4, 32, 6
TOL = 1e-5


def write_session(d, rng, n_test=N_TEST, size=SIZE):
    os.makedirs(d)
    manifest = {"format": "irfa-session", "format_version": 1, "source": "npy", "n_train": N_TRAIN,
                "n_test": n_test, "n_repetitions": 0, "n_electrodes": ELECTRODES, "image_size": size}
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    np.save(os.path.join(d, "responses_train.npy"), rng.normal(size=(N_TRAIN, ELECTRODES)).astype(np.float32))
    np.save(os.path.join(d, "responses_test.npy"), rng.normal(size=(n_test, ELECTRODES)).astype(np.float32))
    with open(os.path.join(d, "electrodes.csv"), "w") as f:
        f.write("source_index,array,area,rf_x,rf_y,rf_size,reliability,day\n")
        for e in range(ELECTRODES):
            array, area = [(1, "V1"), (9, "V4"), (13, "IT")][e % 3]
            f.write(f"{e},{array},{area},0.5,0.5,0.1,0.8,0\n")
    # Smooth random colour images: low-frequency noise upsampled, like natural images only in spirit.
    def images(n):
        coarse = rng.uniform(0, 1, (n, 3, size // 4, size // 4))
        fine = np.repeat(np.repeat(coarse, 4, axis=2), 4, axis=3)
        return np.clip(0.8 * fine + 0.2 * rng.uniform(0, 1, fine.shape), 0, 1).astype(np.float32)
    np.save(os.path.join(d, "stimuli_train.npy"), images(N_TRAIN))
    stim = images(n_test)
    np.save(os.path.join(d, "stimuli_test.npy"), stim)
    return stim


def reconstructions_of(stim, rng):
    """Noisy versions of the stimuli, increasingly noisy (the last is pure noise), so that
    identification is neither 0 nor 1."""
    w = np.linspace(0.3, 0.0, len(stim)).reshape(-1, 1, 1, 1)
    return np.clip(w * stim + (1 - w) * rng.uniform(0, 1, stim.shape), 0, 1).astype(np.float32)


def run(irfa, *args):
    p = subprocess.run([irfa, "evaluate", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def check_close(got, want, what):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    worst = float(np.max(np.abs(got - want))) if got.shape == want.shape else float("inf")
    print(f"  {what:28s} max |irfa - numpy| = {worst:.3g}")
    check(worst <= TOL, f"{what}: irfa {got} vs numpy {want}")


def check_json(out, recon, stim):
    m = ref.all_metrics(recon, stim)
    diag_ssim, diag_r = np.diag(m["ssim_matrix"]), np.diag(m["pearson_matrix"])
    check(out["n_images"] == len(recon) and out["image_size"] == recon.shape[2], "n_images / image_size")
    check_close(out["ssim"]["per_image"], diag_ssim, "ssim per image")
    check_close(out["ssim"]["mean"], diag_ssim.mean(), "ssim mean")
    check_close(out["pixel_r"]["per_image"], diag_r, "pixel r per image")
    check_close(out["pixel_r"]["mean"], diag_r.mean(), "pixel r mean")
    acc_s, per_s = ref.identification(m["ssim_matrix"])
    acc_r, per_r = ref.identification(m["pearson_matrix"])
    check_close(out["identification"]["ssim"]["accuracy"], acc_s, "identification ssim")
    check_close(out["identification"]["ssim"]["per_image"], per_s, "identification ssim per image")
    check_close(out["identification"]["pixel_r"]["accuracy"], acc_r, "identification r")
    check_close(out["identification"]["pixel_r"]["per_image"], per_r, "identification r per image")
    check_close(out["colourfulness"]["reconstructions"]["per_image"], m["colour_recon"], "colourfulness recon")
    check_close(out["colourfulness"]["stimuli"]["per_image"], m["colour_stim"], "colourfulness stimuli")
    print(f"  identification: ssim {acc_s:.3f}, pixel r {acc_r:.3f}")
    check(0 < acc_s < 1 and 0 < acc_r < 1, "test data should make identification neither 0 nor 1")


def expect_error(rc, err, code, *needles):
    check(rc == code if code else rc != 0, f"exit status {rc}, expected {code or 'non-zero'}")
    for s in needles:
        check(s in err, f"stderr lacks {s!r}: {err.strip()!r}")
    print("  stderr:", err.strip())


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: evaluate_e2e.py IRFA_BINARY WORKDIR CASE")
    irfa, work, case = sys.argv[1], sys.argv[2], sys.argv[3]
    d = os.path.join(work, case)
    shutil.rmtree(d, ignore_errors=True)
    rng = np.random.default_rng(sum(map(ord, case)))
    sess = os.path.join(d, "session")
    stim = write_session(sess, rng)
    recon = reconstructions_of(stim, rng)
    rpath = os.path.join(d, "recon.npy")
    out = os.path.join(d, "metrics.json")

    if case == "ok":
        np.save(rpath, recon)
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--json", "--out", out)
        check(rc == 0, f"exit status {rc}: {se}")
        if rc == 0:
            printed = json.loads(so)
            with open(out) as f:
                written = json.load(f)
            check(printed == written, "--json output and --out file differ")
            check_json(written, recon, stim)
            check(not [x for x in os.listdir(d) if x.startswith("metrics.json") and x != "metrics.json"],
                  "temporary files left next to --out")
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        check(rc == 0 and "identification" in so and "SSIM" in so, f"summary output: {rc} {so!r} {se!r}")
        print(so)
    elif case == "resize":
        # The session stores 32 x 32 stimuli; 16 x 16 reconstructions get them area-resized, which for
        # a factor of 2 is the mean of each 2 x 2 block: reconstructions equal to that score r = SSIM = 1.
        small = stim.reshape(N_TEST, 3, SIZE // 2, 2, SIZE // 2, 2).mean(axis=(3, 5)).astype(np.float32)
        np.save(rpath, small)
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--json")
        check(rc == 0, f"exit status {rc}: {se}")
        if rc == 0:
            o = json.loads(so)
            check(o["image_size"] == SIZE // 2, "image_size after resize")
            check_close(o["pixel_r"]["per_image"], np.ones(N_TEST), "pixel r vs area-resized stimuli")
            check_close(o["ssim"]["per_image"], np.ones(N_TEST), "ssim vs area-resized stimuli")
            check(o["identification"]["ssim"]["accuracy"] == 1.0, "identification of exact reconstructions")
    elif case == "missing_file":
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath)
    elif case == "wrong_shape":
        np.save(rpath, recon[:, :, :, :-1])
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath, "shape", f"({N_TEST}, 3, 32, 31)")
        np.save(rpath, recon[:, :1])
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath, "shape")
        np.save(rpath, recon[:, :, :8, :8])
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath, "8x8")
    elif case == "wrong_dtype":
        np.save(rpath, recon.astype(np.float64))
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath, "float64", "float32")
    elif case == "nan":
        recon[2, 1, 5, 7] = np.nan
        np.save(rpath, recon)
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath, "image 2", "nan")
        recon[2, 1, 5, 7] = 1.5
        np.save(rpath, recon)
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, rpath, "1.5", "[0, 1]")
    elif case == "count_mismatch":
        # A failed run must leave an existing --out file as it was.
        with open(out, "w") as f:
            f.write("previous results\n")
        np.save(rpath, recon[:-1])
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--out", out)
        expect_error(rc, se, None, f"{N_TEST - 1} reconstructions", f"{N_TEST} test stimuli")
        with open(out) as f:
            check(f.read() == "previous results\n", "--out file changed by a failed run")
    elif case == "bad_session":
        np.save(rpath, recon)
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", os.path.join(d, "no_such_session"))
        expect_error(rc, se, None, "no_such_session")
        os.remove(os.path.join(sess, "stimuli_test.npy"))  # no stimuli at all: neither npy nor PNGs
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess)
        expect_error(rc, se, None, "test")
    elif case == "usage":
        np.save(rpath, recon)
        rc, so, se = run(irfa, "--reconstructions", rpath)
        expect_error(rc, se, 2, "--session")
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--frobnicate")
        expect_error(rc, se, 2, "--frobnicate")
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--alexnet")
        expect_error(rc, se, 2, "--alexnet")
        for bad in ("0", "33", "four"):
            rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--alexnet", "x.safetensors",
                             "--alexnet-batch", bad)
            expect_error(rc, se, 2, "--alexnet-batch", bad)
        # A missing weights file is bad input (1), named in the message (alexnet_e2e.py tests the rest).
        missing = os.path.join(d, "no_such_alexnet.safetensors")
        rc, so, se = run(irfa, "--reconstructions", rpath, "--session", sess, "--alexnet", missing, "--device", "cpu")
        expect_error(rc, se, 1, missing)
    else:
        sys.exit(f"unknown case {case}")
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
    print("ok")


if __name__ == "__main__":
    main()
