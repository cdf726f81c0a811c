"""PyTorch reference for the VGG19 perceptual loss (model/vgg19.c). Usage: vgg19_reference.py OUTDIR

Writes into OUTDIR:
  weights.safetensors   torchvision VGG19 `features` (random He-initialised weights, so that features
                        keep their scale down to conv5_4) plus a classifier.0.weight the loader must ignore
  CASE_yhat.npy, CASE_y.npy, CASE_setup.npy ([resize, loss weight]), CASE_loss.npy, CASE_grad.npy
                        for each case (image side, resize) below: the loss and weight * dloss/dy_hat,
                        computed in float64 the naive way (each cut features[:k] run on its own)
  CASE_flips.npy        how dy_hat would change if a decision near a tie flipped (see flip_directions)
  bad_*.safetensors     files the loader must refuse (missing, misshapen, integer, non-finite tensor;
                        not a safetensors file at all)
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model"))
from safetensors_py import save_file  # noqa: E402

# torchvision's cfg "E" (VGG19): numbers are 3x3 conv output channels, "M" a 2x2 max-pool.
VGG19_CFG = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]
CONV_INDICES = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
CUTS = [8, 15, 22, 29, 35]
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
# (name, batch, image side, resize, loss weight): resize above, equal to and not a multiple of 16 (the
# odd sides after pooling drop their last row and column, as in PyTorch).
CASES = [("r64", 2, 32, 64, 0.69), ("r32", 2, 32, 32, 1.0), ("r40", 1, 24, 40, 0.5)]


def vgg19_features():
    layers, cin = [], 3
    for v in VGG19_CFG:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers += [nn.Conv2d(cin, v, kernel_size=3, padding=1), nn.ReLU(inplace=False)]
            cin = v
    features = nn.Sequential(*layers)
    convs = [i for i, m in enumerate(features) if isinstance(m, nn.Conv2d)]
    assert convs == CONV_INDICES and len(features) == 37, convs
    return features


def perceptual_loss(features, y_hat, y, resize):
    mean = torch.tensor(MEAN, dtype=y.dtype).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=y.dtype).view(1, 3, 1, 1)

    def prepare(x):
        x = F.interpolate(x, size=(resize, resize), mode="bilinear", align_corners=False)
        return (x - mean) / std

    a, b = prepare(y_hat), prepare(y)
    return torch.stack([F.l1_loss(features[:k](a), features[:k](b)) for k in CUTS]).mean()


def flip_directions(features, y_hat, y, resize, weight, tau=2e-6):
    """The gradient is piecewise smooth: a ReLU, a max-pool window or an L1 sign whose decision is within
    float32 rounding of a tie can legitimately go the other way in a float32 implementation, and one such
    flip moves the gradient of a whole receptive field. For every decision within tau (relative to the
    largest magnitude of its tensor) of a tie on the y_hat path, returns the change of weight * dloss/dy_hat
    if that decision flipped, as rows of an array [sites, N, 3, S, S]."""
    mean = torch.tensor(MEAN, dtype=y.dtype).view(1, 3, 1, 1)
    std = torch.tensor(STD, dtype=y.dtype).view(1, 3, 1, 1)

    def prepare(x):
        return (F.interpolate(x, size=(resize, resize), mode="bilinear", align_corners=False) - mean) / std

    def tracked(x):
        pre, act, pooled = {}, {}, {}
        for i in range(CUTS[-1]):
            x = features[i](x)
            if isinstance(features[i], nn.Conv2d):
                pre[i] = x
            elif isinstance(features[i], nn.ReLU):
                act[i - 1] = x            # keyed by its conv's index
            else:
                pooled[i] = x
        return pre, act, pooled

    y_hat = y_hat.detach().requires_grad_(True)
    pre, act, pooled = tracked(prepare(y_hat))
    with torch.no_grad():
        pre_y, _, _ = tracked(prepare(y))
    loss = weight * torch.stack([F.l1_loss(pre[k - 1], pre_y[k - 1]) for k in CUTS]).mean()
    d_act = dict(zip(act, torch.autograd.grad(loss, list(act.values()), retain_graph=True)))
    d_pooled = dict(zip(pooled, torch.autograd.grad(loss, list(pooled.values()), retain_graph=True)))

    def jacobian_row(t, k):
        return torch.autograd.grad(t.flatten()[k], y_hat, retain_graph=True)[0]

    rows = []
    for i, p in pre.items():
        flat, scale = p.detach().flatten(), p.detach().abs().max()
        if i in act:   # ReLU: the gradient of a near-zero input passes or not
            for k in torch.nonzero(flat.abs() < tau * scale).flatten().tolist():
                sign = -1.0 if flat[k] > 0 else 1.0
                rows.append(sign * d_act[i].flatten()[k] * jacobian_row(p, k))
        if i + 1 in CUTS:   # L1 at a cut: sign(f_hat - f) near a tie
            diff = (p - pre_y[i]).detach().flatten()
            share = weight / len(CUTS) / p.numel()
            for k in torch.nonzero(diff.abs() < tau * scale).flatten().tolist():
                rows.append(-2.0 * torch.sign(diff[k]) * share * jacobian_row(p, k))
    for i, q in pooled.items():   # max-pool: the two largest of a window near a tie
        a = act[i - 2]
        n, c, h, w = a.shape
        win = a.detach()[:, :, :h // 2 * 2, :w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2)
        win = win.permute(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
        top, arg = win.sort(-1, descending=True)
        # (a window whose runner-up is a ReLU zero is the ReLU decision above, not a second site)
        near = (top[..., 0] - top[..., 1] < tau * a.detach().abs().max()) & (top[..., 1] > 0)
        for idx in torch.nonzero(near).tolist():
            b, ch, r, col = idx
            pos = [(b, ch, 2 * r + int(arg[b, ch, r, col, j]) // 2, 2 * col + int(arg[b, ch, r, col, j]) % 2)
                   for j in (0, 1)]
            ks = [((pb * c + pc) * h + ph) * w + pw for pb, pc, ph, pw in pos]
            g = d_pooled[i][b, ch, r, col]
            rows.append(g * (jacobian_row(a, ks[1]) - jacobian_row(a, ks[0])))
    shape = (0,) + tuple(y_hat.shape)
    return torch.stack(rows).numpy() if rows else np.zeros(shape)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1234)
    features = vgg19_features()
    tensors = {}
    for i in CONV_INDICES:
        conv = features[i]
        nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
        nn.init.normal_(conv.bias, 0.0, 0.05)
        tensors[f"features.{i}.weight"] = conv.weight.detach().clone()
        tensors[f"features.{i}.bias"] = conv.bias.detach().clone()
    extra = {"classifier.0.weight": torch.randn(16, 8)}
    save_file({**tensors, **extra}, os.path.join(out, "weights.safetensors"))

    features = features.double()
    rng = np.random.default_rng(7)
    for name, batch, side, resize, weight in CASES:
        y_hat = rng.random((batch, 3, side, side), dtype=np.float32)
        y = rng.random((batch, 3, side, side), dtype=np.float32)
        yh = torch.from_numpy(y_hat).double().requires_grad_(True)
        loss = perceptual_loss(features, yh, torch.from_numpy(y).double(), resize)
        (grad,) = torch.autograd.grad(weight * loss, yh)
        np.save(os.path.join(out, f"{name}_yhat.npy"), y_hat)
        np.save(os.path.join(out, f"{name}_y.npy"), y)
        np.save(os.path.join(out, f"{name}_setup.npy"), np.array([resize, weight], dtype=np.float64))
        np.save(os.path.join(out, f"{name}_loss.npy"), np.array([loss.item()], dtype=np.float64))
        np.save(os.path.join(out, f"{name}_grad.npy"), grad.numpy())
        flips = flip_directions(features, yh, torch.from_numpy(y).double(), resize, weight)
        np.save(os.path.join(out, f"{name}_flips.npy"), flips)
        print(f"{name}: batch {batch}, image {side}, resize {resize}: loss {loss.item():.6f}, "
              f"max |grad| {grad.abs().max().item():.3e}, {len(flips)} decisions near a tie")

    def bad(fname, upto, name, value):
        """The tensors before `upto` (in conv order, weight before bias), then `name` changed to value
        (None: left out). Dropping the tail keeps the files small; the loader names the first problem."""
        names = [f"features.{i}.{kind}" for i in CONV_INDICES for kind in ("weight", "bias")]
        t = {k: tensors[k] for k in names[:names.index(upto)]}
        t.update(extra)
        if value is not None:
            t[name] = value
        save_file(t, os.path.join(out, fname))

    bad("bad_missing.safetensors", "features.21.bias", "features.21.bias", None)
    bad("bad_shape.safetensors", "features.10.weight", "features.10.weight", torch.randn(256, 64, 3, 3))
    bad("bad_dtype.safetensors", "features.0.bias", "features.0.bias", torch.zeros(64, dtype=torch.int64))
    nan_weight = tensors["features.34.weight"].clone()
    nan_weight[3, 2, 1, 0] = float("nan")
    bad("bad_nan.safetensors", "features.34.bias", "features.34.weight", nan_weight)
    with open(os.path.join(out, "bad_text.safetensors"), "w") as f:
        f.write("these are not VGG19 weights, nor a safetensors file\n")


if __name__ == "__main__":
    main()
