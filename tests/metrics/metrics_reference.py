#!/usr/bin/python3
"""Reference values for model/metrics.c, computed independently in numpy (float64).

usage: metrics_reference.py OUTDIR
Writes OUTDIR/<case>/{recon,stim}.npy (float32, N x 3 x S x S in [0, 1]) and the expected
ssim_matrix.npy, pearson_matrix.npy (N x N, [i, j] = reconstruction i vs stimulus j),
colour_recon.npy, colour_stim.npy (N) and identification.npy ([ssim, pixel r]), plus
OUTDIR/cases.txt listing the cases. metrics_test reference OUTDIR compares the C code with them.

SSIM follows scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
use_sample_covariance=False, data_range=1, channel_axis=0): Gaussian filtering with 'reflect'
(numpy 'symmetric') padding, the map cropped by the window radius (5), mean per channel, mean
over channels. When torch is importable, the same values are also computed the way pytorch-msssim
does (valid separable convolution) and must agree to 1e-10, so both conventions are checked.
"""
import os
import sys

import numpy as np

WIN, SIGMA, K1, K2 = 11, 1.5, 0.01, 0.03


def gaussian_window():
    x = np.arange(WIN, dtype=np.float64) - (WIN - 1) / 2
    g = np.exp(-x * x / (2 * SIGMA * SIGMA))
    g /= g.sum()
    return np.outer(g, g)


def gaussian_filter_reflect(img, w2d):
    """2-D correlation of an H x W image with the 11 x 11 window, 'reflect' boundary (as scipy)."""
    r = WIN // 2
    padded = np.pad(img, r, mode="symmetric")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (WIN, WIN))
    return np.einsum("ijkl,kl->ij", windows, w2d)


def ssim_channel(x, y):
    w = gaussian_window()
    C1, C2 = K1 ** 2, K2 ** 2
    ux, uy = gaussian_filter_reflect(x, w), gaussian_filter_reflect(y, w)
    uxx, uyy, uxy = (gaussian_filter_reflect(v, w) for v in (x * x, y * y, x * y))
    vx, vy, vxy = uxx - ux * ux, uyy - uy * uy, uxy - ux * uy
    s = ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2))
    r = WIN // 2
    return s[r:-r, r:-r].mean()


def ssim(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return float(np.mean([ssim_channel(a[c], b[c]) for c in range(3)]))


def ssim_torch(a, b):
    """pytorch-msssim's convention: valid separable Gaussian convolution, mean per channel."""
    import torch
    import torch.nn.functional as F
    x = torch.from_numpy(a.astype(np.float64))[None]
    y = torch.from_numpy(b.astype(np.float64))[None]
    g1 = torch.from_numpy(gaussian_window()[WIN // 2] / gaussian_window()[WIN // 2].sum())
    gh = g1.view(1, 1, 1, WIN).repeat(3, 1, 1, 1)
    gv = g1.view(1, 1, WIN, 1).repeat(3, 1, 1, 1)

    def filt(t):
        return F.conv2d(F.conv2d(t, gh, groups=3), gv, groups=3)

    C1, C2 = K1 ** 2, K2 ** 2
    ux, uy = filt(x), filt(y)
    vx, vy, vxy = filt(x * x) - ux * ux, filt(y * y) - uy * uy, filt(x * y) - ux * uy
    cs = (2 * vxy + C2) / (vx + vy + C2)
    s = ((2 * ux * uy + C1) / (ux * ux + uy * uy + C1)) * cs
    return float(s.flatten(2).mean(-1).mean())


def pearson(a, b):
    """Pearson r over all values; 0 when either image is constant (the C convention)."""
    a = a.astype(np.float64).ravel() - a.astype(np.float64).mean()
    b = b.astype(np.float64).ravel() - b.astype(np.float64).mean()
    na, nb = np.sqrt((a * a).sum()), np.sqrt((b * b).sum())
    if na == 0 or nb == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def colourfulness(img):
    rgb = img.astype(np.float64) * 255.0
    rg = rgb[0] - rgb[1]
    yb = 0.5 * (rgb[0] + rgb[1]) - rgb[2]
    return float(np.sqrt(rg.std() ** 2 + yb.std() ** 2) + 0.3 * np.sqrt(rg.mean() ** 2 + yb.mean() ** 2))


def identification(sim):
    n = sim.shape[0]
    wins = [(sim[i, i] > np.delete(sim[i], i)).sum() for i in range(n)]
    return float(np.sum(wins)) / (n * (n - 1)), np.array(wins, dtype=np.float64) / (n - 1)


def all_metrics(recon, stim):
    n = recon.shape[0]
    ssim_m = np.array([[ssim(recon[i], stim[j]) for j in range(n)] for i in range(n)])
    r_m = np.array([[pearson(recon[i], stim[j]) for j in range(n)] for i in range(n)])
    return {
        "ssim_matrix": ssim_m,
        "pearson_matrix": r_m,
        "colour_recon": np.array([colourfulness(x) for x in recon]),
        "colour_stim": np.array([colourfulness(x) for x in stim]),
        "identification": np.array([identification(ssim_m)[0], identification(r_m)[0]]),
    }


# ---- test images -------------------------------------------------------------------------------

def structured_stimuli(S, rng):
    yy, xx = np.mgrid[0:S, 0:S].astype(np.float64) / (S - 1)
    imgs = [
        np.stack([xx, yy, 1 - xx]),                                        # colour gradients
        np.stack([((np.floor(xx * 6) + np.floor(yy * 6)) % 2)] * 3),      # grey checkerboard
        np.stack([((xx - .5) ** 2 + (yy - .4) ** 2 < .1) * .9, 0.2 + 0 * xx, 0.1 + 0 * xx]),  # red disc
        np.stack([0.5 + 0.4 * np.sin(12 * xx), 0.5 + 0 * xx, 0.5 - 0.4 * np.sin(12 * xx)]),   # stripes
        rng.uniform(0, 1, (3, S, S)),                                      # noise
        np.stack([0.3 + 0.6 * yy, 0.6 - 0.3 * xx, 0.2 + 0.5 * xx * yy]),   # smooth colour field
    ]
    return np.clip(np.array(imgs), 0, 1)


def structured_case(S, rng):
    stim = structured_stimuli(S, rng)
    recon = np.empty_like(stim)
    recon[0] = stim[0]                                                     # identical
    recon[1] = 1 - stim[1]                                                 # inverted
    recon[2] = np.clip(stim[2] + rng.normal(0, 0.1, stim[2].shape), 0, 1)  # noisy
    recon[3] = 0.5                                                         # constant grey
    recon[4] = np.roll(stim[4], 3, axis=2)                                 # shifted
    k = np.ones(5) / 5                                                     # blurred rows
    recon[5] = np.apply_along_axis(lambda r: np.convolve(r, k, mode="same"), 2, stim[5])
    return recon, stim


def random_case(n, S, rng):
    stim = rng.uniform(0, 1, (n, 3, S, S))
    mix = rng.uniform(0, 1, (n, 1, 1, 1))
    recon = np.clip(mix * stim + (1 - mix) * rng.uniform(0, 1, stim.shape), 0, 1)
    return recon, stim


def write_case(root, name, recon, stim):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    recon, stim = recon.astype(np.float32), stim.astype(np.float32)
    np.save(os.path.join(d, "recon.npy"), recon)
    np.save(os.path.join(d, "stim.npy"), stim)
    ref = all_metrics(recon, stim)
    for k, v in ref.items():
        np.save(os.path.join(d, k + ".npy"), v.astype(np.float64))
    try:
        import torch  # noqa: F401
        worst = max(abs(ssim_torch(recon[i], stim[j]) - ref["ssim_matrix"][i, j])
                    for i in range(len(recon)) for j in range(len(stim)))
        assert worst < 1e-10, f"{name}: skimage-style and pytorch-msssim-style SSIM differ by {worst}"
    except ImportError:
        pass
    return name


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: metrics_reference.py OUTDIR")
    root = sys.argv[1]
    rng = np.random.default_rng(20240611)
    cases = [
        write_case(root, "random_32", *random_case(7, 32, rng)),
        write_case(root, "structured_24", *structured_case(24, rng)),
        write_case(root, "structured_37", *structured_case(37, rng)),
        write_case(root, "minimum_11", *random_case(3, 11, rng)),
    ]
    with open(os.path.join(root, "cases.txt"), "w") as f:
        f.write("\n".join(cases) + "\n")
    print(f"wrote {len(cases)} reference cases to {root}")


if __name__ == "__main__":
    main()
