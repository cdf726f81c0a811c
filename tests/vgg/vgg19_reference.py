"""PyTorch reference for the VGG19 perceptual loss (model/vgg19.c). Usage: vgg19_reference.py OUTDIR

Writes into OUTDIR:
  weights.safetensors   torchvision VGG19 `features` (random He-initialised weights, so that features
                        keep their scale down to conv5_4) plus a classifier.0.weight the loader must ignore
  CASE_yhat.npy, CASE_y.npy, CASE_setup.npy ([resize, loss weight]), CASE_loss.npy, CASE_grad.npy
                        for each case (image side, resize) below: the loss and weight * dloss/dy_hat,
                        computed in float64 the naive way (each cut features[:k] run on its own)
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
        print(f"{name}: batch {batch}, image {side}, resize {resize}: loss {loss.item():.6f}, "
              f"max |grad| {grad.abs().max().item():.3e}")

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
