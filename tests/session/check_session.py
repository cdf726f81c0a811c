"""Checks a session folder written by `irfa simulate` / `irfa import` against its inputs.
usage: check_session.py KIND SESSION FIXTURES [SESSION2]"""
import csv
import json
import os
import sys

import numpy as np


def load(s, name):
    return np.load(os.path.join(s, name))


def common(s):
    m = json.load(open(os.path.join(s, "manifest.json")))
    assert m["format"] == "irfa-session" and m["format_version"] == 1, m
    el = list(csv.DictReader(open(os.path.join(s, "electrodes.csv"))))
    tr, te = load(s, "responses_train.npy"), load(s, "responses_test.npy")
    assert tr.dtype == np.float32 and tr.shape == (m["n_train"], m["n_electrodes"]) == (m["n_train"], len(el)), tr.shape
    assert te.shape == (m["n_test"], len(el)), te.shape
    st = load(s, "stimuli_train.npy")
    assert st.shape == (m["n_train"], 3, m["image_size"], m["image_size"]) and st.min() >= 0 and st.max() <= 1
    assert len(os.listdir(os.path.join(s, "stimuli", "train"))) == m["n_train"]
    assert sum(a["n_electrodes"] for a in m["arrays"]) == len(el)
    return m, el, tr, te


def check_simulate(s, fx, s2=None):
    m, el, tr, te = common(s)
    gt = json.load(open(os.path.join(s, "ground_truth.json")))["electrodes"]
    rates = load(s, "ground_truth_rates_test.npy")
    src = [int(e["source_index"]) for e in el]
    # responses are driven by the images through the simulated RFs
    c = [np.corrcoef(te[:, i], rates[:, j])[0, 1] for i, j in enumerate(src)]
    print("mean corr(test response, true rate) = %.3f over %d electrodes" % (np.mean(c), len(c)))
    assert np.mean(c) > 0.5, np.mean(c)
    assert 6 not in {a["id"] for a in m["arrays"]}, "the unusable array survived the filter"
    assert all(float(e["reliability"]) > 0.4 for e in el)
    for e in el[:20]:
        g = gt[int(e["source_index"])]
        assert abs(float(e["rf_x"]) - g["rf_x"]) < 1e-5 and e["area"] == g["area"]
    if s2:  # same seed: identical numbers
        assert np.array_equal(tr, load(s2, "responses_train.npy"))
        assert np.array_equal(load(s, "stimuli_test.npy"), load(s2, "stimuli_test.npy"))


def check_simulate_tr(s, fx, s2=None):
    m, el, tr, te = common(s)
    tc = load(s, "timecourse.npy")
    T = m["n_train"] + m["n_test"] * m["n_repetitions"]
    assert tc.shape == (len(el), T, 300), tc.shape
    st = load(s, "responses_train_st.npy")
    assert st.shape == (m["n_train"], len(el), 5)
    # the area response is the mean of the time course over the area's window
    w = {"V1": 100, "V4": 133, "IT": 166}
    for i in (0, len(el) // 2, len(el) - 1):
        a = w[el[i]["area"]]
        assert np.allclose(tr[:, i], tc[i, : m["n_train"], a: a + 134].mean(1), atol=1e-4)
        assert np.allclose(st[:, i, 1], tc[i, : m["n_train"], a + 26: a + 53].mean(1), atol=1e-4)
    # responses rise after the latency: the mean over the window exceeds the pre-onset baseline
    assert tc[:, :, 150:200].mean() > tc[:, :, :100].mean()


def check_npy(s, fx, s2=None):
    m, el, tr, te = common(s)
    z = np.load(os.path.join(fx, "rec.npz"))
    assert m["n_repetitions"] == 3 and [st["step"] for st in m["preprocessing"]][:2] == ["zscore_per_day", "average_repetitions"]
    # z-scored per electrode per day: day-0 train trials and test trials on day 0 have mean 0
    day = z["train_day"]
    raw = z["train"]
    e = 5
    d0 = np.concatenate([raw[day == 0, e], z["test_reps"][:, :, e].reshape(-1)[z["test_day"] == 0]])
    assert np.allclose(tr[day == 0, e], (raw[day == 0, e] - d0.mean()) / d0.std(), atol=1e-4)
    assert np.allclose(te, load(s, "responses_test_reps.npy").mean(1), atol=1e-5)
    # stimuli: the red mark of image i (top half) is (i*37)%256 / 255
    st = load(s, "stimuli_train.npy")
    assert abs(st[3, 0, 0, 0] - (3 * 37 % 256) / 255) < 1e-6, st[3, 0, 0, 0]
    assert el[0]["area"] == "V1" and el[31]["area"] == "IT" and el[31]["array"] == "16"


def check_npy_plain(s, fx, s2=None):
    m, el, tr, te = common(s)
    assert np.allclose(tr, np.load(os.path.join(fx, "train.npy")), atol=1e-6)
    assert np.allclose(te, np.load(os.path.join(fx, "test.npy")), atol=1e-6)
    assert m["n_repetitions"] == 0 and m["image_size"] == 128


def check_tvsd(s, fx, s2=None):
    m, el, tr, te = common(s)
    import h5py
    with h5py.File(os.path.join(fx, "THINGS_normMUA.mat"), "r") as f:
        train = f["train_MUA"][()]
        reps = np.transpose(f["test_MUA_reps"][()], (1, 0, 2))
    keep = [int(e["source_index"]) for e in el]
    assert keep == list(range(14, 31)), keep  # reliab > 0.4 and RF present (31 has none)
    assert np.allclose(tr, train[:, keep]) and np.allclose(load(s, "responses_test_reps.npy"), reps[:, :, keep])
    assert all(e["area"] == ("V1" if int(e["array"]) <= 8 else "V4" if int(e["array"]) <= 12 else "IT") for e in el)
    assert m["monkey"] == "N"


def check_tvsd_trials(s, fx, s2=None):
    m, el, tr, te = common(s)
    import h5py
    with h5py.File(os.path.join(fx, "THINGS_normMUA.mat"), "r") as f:
        train = f["train_MUA"][()]
    tc = load(s, "timecourse.npy")
    # channel map undone: after the per-day z-score, normMUA channel e's time course after onset is
    # an affine function of its train level within a day (train image t was recorded on day 1 + t % 2)
    day1 = np.arange(20)[::2]
    for e in range(32):
        assert np.corrcoef(tc[e, day1, 150], train[day1, e])[0, 1] > 0.999, e
    # monkey F: arrays 9-13 are IT, 14-16 V4
    assert {e["area"] for e in el if int(e["array"]) == 10} == {"IT"} and {e["area"] for e in el if int(e["array"]) == 15} == {"V4"}
    assert load(s, "responses_train_st.npy").shape == (20, 32, 5)
    # z-scored per channel per day over the area window: per day the windowed mean is ~0
    assert abs(tr.mean()) < 0.5


def check_nwb(s, fx, s2=None):
    m, el, tr, te = common(s)
    level = np.load(os.path.join(fx, "nwb_levels.npy"))
    shown = np.load(os.path.join(fx, "nwb_shown.npy"))
    counts = np.bincount(shown)
    train_imgs, test_imgs = np.where(counts == 1)[0], np.where(counts > 1)[0]
    assert m["n_train"] == len(train_imgs) and m["n_test"] == len(test_imgs) and m["n_repetitions"] == 3
    # column c is electrode table row E-1-c; response window V1 = 0..133 ms, 200 ms of response
    E = level.shape[1]
    cols = [E - 1 - c for c in range(E)]
    for c in (0, 10, 31):
        frac = {"V1": 134, "V4": 134, "IT": 134 - 1}[el[c]["area"]]
        start = {"V1": 0, "V4": 33, "IT": 66}[el[c]["area"]]
        on = max(0, min(200, start + 134) - start) / 134.0
        assert np.allclose(tr[:, c], level[train_imgs, c] * on, atol=0.02), (c, frac)
    assert el[0]["area"] == "IT" and el[0]["array"] == "16"  # table row 31
    assert m["image_size"] == 16


if __name__ == "__main__":
    kind, s, fx = sys.argv[1:4]
    globals()["check_" + kind](s, fx, sys.argv[4] if len(sys.argv) > 4 else None)
    print("check_%s ok" % kind)
