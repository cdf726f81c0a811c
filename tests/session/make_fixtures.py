"""Small input files for the session importer tests: NPY/NPZ + PNG stimuli + tables, a TVSD-shaped
MAT v7.3 pair (HDF5 with MATLAB's reversed dimensions and the 512-byte MAT header), an NWB-shaped
HDF5 file, and the malformed variants. Run with /usr/bin/python3 (numpy, h5py).

usage: make_fixtures.py KIND OUTDIR   (KIND: npy, tvsd, nwb, malformed)
"""
import csv
import io
import json
import os
import struct
import sys
import zlib

import h5py
import numpy as np

RNG = np.random.default_rng(42)
E, N_TRAIN, N_TEST, R = 32, 20, 5, 3   # 16 arrays x 2 electrodes


def write_png(path, rgb):
    """8-bit RGB PNG with the standard library only."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].astype(np.uint8).tobytes() for y in range(h))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def images(out, n, size=24):
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    names = []
    for i in range(n):
        img = RNG.integers(0, 256, (size, size, 3))
        img[: size // 2, :, 0] = (i * 37) % 256          # a per-image mark the tests can check
        name = "img_%03d.png" % i
        write_png(os.path.join(out, "images", name), img)
        names.append(name)
    return names


def image_table(out, names, path="image_table.csv"):
    with open(os.path.join(out, path), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["split", "index", "file"])
        for i in range(N_TRAIN):
            w.writerow(["train", i, names[i]])
        for i in range(N_TEST):
            w.writerow(["test", i, names[N_TRAIN + i]])


def electrodes(out):
    rows = [{"index": e, "array": e // 2 + 1, "area": "V1" if e < 16 else ("V4" if e < 24 else "IT"),
             "rf_x": 0.3 + 0.01 * e, "rf_y": 0.6, "rf_size": 0.05} for e in range(E)]
    with open(os.path.join(out, "electrodes.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(out, "electrodes.json"), "w") as f:
        json.dump({"electrodes": rows}, f)


def responses():
    signal = RNG.normal(size=(N_TRAIN + N_TEST, E))
    train = signal[:N_TRAIN] + 0.1 * RNG.normal(size=(N_TRAIN, E))
    reps = signal[N_TRAIN:, None, :] + 0.3 * RNG.normal(size=(N_TEST, R, E))
    return train.astype(np.float32), reps.astype(np.float32)


def make_npy(out):
    names = images(out, N_TRAIN + N_TEST)
    image_table(out, names)
    electrodes(out)
    train, reps = responses()
    arrays = dict(train=train, test_reps=reps, train_day=np.repeat([0, 1], N_TRAIN // 2),
                  test_day=np.tile(np.arange(R) % 2, N_TEST))
    np.savez(os.path.join(out, "rec.npz"), **arrays)
    np.savez_compressed(os.path.join(out, "rec_compressed.npz"), **arrays)
    np.save(os.path.join(out, "train.npy"), train.astype(np.float64))
    np.save(os.path.join(out, "test.npy"), reps.mean(1))


def npy_bytes(a):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a)
    return buf.getvalue()


def write_zip(path, members):
    """A ZIP written field by field so the tests can make its headers lie. members: dicts with name,
    data (uncompressed bytes), and optional deflate (default True), crc, usize (declared values)."""
    out, central = b"", b""
    for m in members:
        data = m["data"]
        if m.get("deflate", True):
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            packed, method = c.compress(data) + c.flush(), 8
        else:
            packed, method = data, 0
        crc = m.get("crc", zlib.crc32(data) & 0xFFFFFFFF)
        usize = m.get("usize", len(data))
        name = m["name"].encode()
        sizes = struct.pack("<III", crc, len(packed), usize)
        local = struct.pack("<IHHHHH", 0x04034B50, 20, 0, method, 0, 0x21) + sizes + struct.pack("<HH", len(name), 0)
        central += struct.pack("<IHHHHHH", 0x02014B50, 20, 20, 0, method, 0, 0x21) + sizes
        central += struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, len(out)) + name
        out += local + name + packed
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    with open(path, "wb") as f:
        f.write(out + central + eocd)


def make_bad_npz(d, train, reps):
    """Compressed archives with a wrong CRC, and with declared sizes that lie (zip-bomb style)."""
    good = lambda: [dict(name="train.npy", data=npy_bytes(train)), dict(name="test_reps.npy", data=npy_bytes(reps))]
    write_zip(os.path.join(d, "good_handmade.npz"), good())
    m = good()
    m[0]["crc"] = (zlib.crc32(m[0]["data"]) ^ 0x1) & 0xFFFFFFFF
    write_zip(os.path.join(d, "bad_crc.npz"), m)
    # 16 MiB of zeros behind a header that declares a 1000-byte array: inflating stops at 1000
    bomb = npy_bytes(np.zeros((2048, 2048), np.float32))
    write_zip(os.path.join(d, "bomb.npz"), [dict(name="train.npy", data=bomb, usize=1000), good()[1]])
    # and 3 GB declared for a few kilobytes: more than deflate can expand, refused before allocating
    write_zip(os.path.join(d, "bomb_ratio.npz"), [dict(name="train.npy", data=npy_bytes(train), usize=3 << 30), good()[1]])


def mat73(path):
    """An HDF5 file that MATLAB would recognise as v7.3: 512-byte user block with the MAT header."""
    f = h5py.File(path, "w", userblock_size=512)
    f.close()
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."
    with open(path, "r+b") as fh:
        fh.write(header.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM")
    return h5py.File(path, "a")


def make_tvsd(out):
    names = images(out, N_TRAIN + N_TEST)
    image_table(out, names)
    train, reps = responses()
    with mat73(os.path.join(out, "THINGS_normMUA.mat")) as f:
        # MATLAB [E, N] is stored as (N, E); [E, N, R] as (R, N, E)
        f["train_MUA"] = train
        f["test_MUA"] = reps.mean(1)
        f["test_MUA_reps"] = np.transpose(reps, (1, 0, 2))
        f["reliab"] = np.tile(np.linspace(0.0, 0.9, E, dtype=np.float32), (3, 1))
        f["oracle"] = np.ones((1, E), np.float32)
    # trials file: 300 samples x trials x E (MATLAB [E, T, 300]); channels in recording order
    T = N_TRAIN + N_TEST * R
    order = RNG.permutation(T)
    perm = RNG.permutation(E)                 # recording channel c holds normMUA channel perm[c]
    mua = np.zeros((300, T, E), np.float32)
    allmat = np.zeros((T, 6), np.float32)
    for k, t in enumerate(order):
        if t < N_TRAIN:
            level, row = train[t], [k + 1, t + 1, 0, 0, 1, 1 + (t % 2)]
        else:
            i, r = divmod(t - N_TRAIN, R)
            level, row = reps[i, r], [k + 1, 0, i + 1, r + 1, 1, 1 + r % 2]
        mua[100:, k, :] = level[perm]
        allmat[k] = row
    with mat73(os.path.join(out, "THINGS_MUA_trials.mat")) as f:
        f["ALLMUA"] = mua
        f["ALLMAT"] = allmat.T               # MATLAB [T, 6] stored as (6, T)
    np.save(os.path.join(out, "channel_map.npy"), (perm + 1).astype(np.int32))
    with open(os.path.join(out, "rf.csv"), "w") as fh:
        fh.write("index,rf_x,rf_y,rf_size\n" + "".join("%d,0.4,0.6,0.05\n" % e for e in range(E) if e != 31))


def make_nwb(out, with_templates=True):
    rate = 2000.0
    n_images = N_TRAIN + N_TEST
    shown = list(range(N_TRAIN)) + [N_TRAIN + i for i in range(N_TEST) for _ in range(R)]
    RNG.shuffle(shown)
    level = RNG.normal(size=(n_images, E)).astype(np.float32)
    starts = 0.5 + 0.4 * np.arange(len(shown))
    data = np.zeros((int((starts[-1] + 0.5) * rate), E), np.float32)
    for s, img in zip(starts, shown):
        on = int(round(s * rate))
        data[on: on + int(0.2 * rate)] = level[img]   # a response for 200 ms after onset
    with h5py.File(os.path.join(out, "rec.nwb"), "w") as f:
        f.attrs["nwb_version"] = "2.6.0"
        es = f.create_group("acquisition/MUA")
        es.attrs["neurodata_type"] = "ElectricalSeries"
        es["data"] = data
        st = es.create_dataset("starting_time", data=0.0)
        st.attrs["rate"] = rate
        es["electrodes"] = np.arange(E)[::-1].copy()    # column c is table row E-1-c
        t = f.create_group("general/extracellular_ephys/electrodes")
        t["id"] = np.arange(E)
        rows_area = ["V1" if r < 16 else ("V4" if r < 24 else "IT") for r in range(E)]
        t.create_dataset("location", data=np.array(rows_area, dtype=object), dtype=h5py.string_dtype())
        t.create_dataset("group_name", data=np.array(["array%d" % (r // 2 + 1) for r in range(E)], dtype=object),
                         dtype=h5py.string_dtype())
        tr = f.create_group("intervals/trials")
        tr["start_time"] = starts
        tr["stop_time"] = starts + 0.3
        tr["image_index"] = np.array(shown, np.int64)
        if with_templates:
            imgs = RNG.integers(0, 256, (n_images, 20, 30, 3)).astype(np.uint8)
            f["stimulus/templates/things/data"] = imgs
    np.save(os.path.join(out, "nwb_levels.npy"), level)
    np.save(os.path.join(out, "nwb_shown.npy"), np.array(shown))


def make_malformed(out):
    make_npy(out)
    train, reps = responses()
    d = out
    # NPY whose header announces more data than the file holds
    raw = open(os.path.join(d, "train.npy"), "rb").read()
    open(os.path.join(d, "truncated.npy"), "wb").write(raw[: len(raw) - 100])
    # header lies the other way: fewer elements than the data present
    np.save(os.path.join(d, "lying.npy"), train)
    b = bytearray(open(os.path.join(d, "lying.npy"), "rb").read())
    i = b.find(b"(%d, %d)" % train.shape)
    b[i: i + 8] = b"(10, 32)"
    open(os.path.join(d, "lying.npy"), "wb").write(bytes(b))
    np.save(os.path.join(d, "object.npy"), np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.save(os.path.join(d, "wrong_e.npy"), reps.mean(1)[:, :10])
    bad = train.copy(); bad[3, 4] = np.nan
    np.save(os.path.join(d, "nan.npy"), bad)
    bad = train.copy(); bad[1, 2] = np.inf
    np.save(os.path.join(d, "inf.npy"), bad)
    make_bad_npz(d, train, reps)
    # an image of another size, and an unreadable one
    os.makedirs(os.path.join(d, "images_badsize"), exist_ok=True)
    os.makedirs(os.path.join(d, "images_garbage"), exist_ok=True)
    for i in range(N_TRAIN + N_TEST):
        src = open(os.path.join(d, "images", "img_%03d.png" % i), "rb").read()
        open(os.path.join(d, "images_badsize", "img_%03d.png" % i), "wb").write(src)
        open(os.path.join(d, "images_garbage", "img_%03d.png" % i), "wb").write(src)
    write_png(os.path.join(d, "images_badsize", "img_007.png"), np.zeros((30, 24, 3), np.uint8))
    open(os.path.join(d, "images_garbage", "img_004.png"), "wb").write(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    # TVSD file without test_MUA, one with a NaN, and a file that is not HDF5
    with mat73(os.path.join(d, "no_test.mat")) as f:
        f["train_MUA"] = train
    with mat73(os.path.join(d, "nan.mat")) as f:
        t = train.copy(); t[2, 5] = np.nan
        f["train_MUA"] = t
        f["test_MUA"] = reps.mean(1)
    open(os.path.join(d, "not_hdf5.mat"), "wb").write(b"MATLAB 5.0 MAT-file" + b"\x00" * 200)
    # NWB without the stimulus presentation column
    make_nwb(d)
    with h5py.File(os.path.join(d, "rec.nwb"), "a") as f:
        pass
    os.rename(os.path.join(d, "rec.nwb"), os.path.join(d, "good.nwb"))
    make_nwb(d)
    with h5py.File(os.path.join(d, "rec.nwb"), "a") as f:
        del f["intervals/trials/image_index"]
    os.rename(os.path.join(d, "rec.nwb"), os.path.join(d, "no_image_index.nwb"))


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    {"npy": make_npy, "tvsd": make_tvsd, "nwb": make_nwb, "malformed": make_malformed}[kind](out)
