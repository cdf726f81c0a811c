#!/usr/bin/python3
"""PyTorch reference for the AlexNet layer correlations of `irfa evaluate --alexnet` (model/alexnet.c).

usage: alexnet_reference.py OUTDIR
Writes into OUTDIR:
  weights.safetensors  torchvision AlexNet tensor names and shapes with random He-initialised weights
                       and small random biases, stored in mixed dtypes (F32, F64, F16, BF16) so that
                       every accepted dtype is read; the reference uses the stored (rounded) values
  CASE/session/        a session (evaluate_e2e.write_session) and CASE/recon.npy, for each case below
  expected.json        per case: the correlations, r[layer] for conv1..fc8, computed in float64 with
                       the activations of docs/metrics.md; and, per case, "variants": the values a
                       plausible mistake would give (other activations, other resizes, no
                       normalisation), which alexnet_e2e.py requires to be far from irfa's output, so the
                       comparison is shown to be able to fail
  bad_*.safetensors    files the loader must refuse (alexnet_e2e.py refuse)

torchvision is not needed: the network is an nn.Sequential with torchvision's module indices.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model"))
import evaluate_e2e  # noqa: E402
from safetensors_py import save_file  # noqa: E402

LAYERS = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
# (case, test images, stored stimulus side, reconstruction side): the stimuli are area-resized to the
# reconstruction side first (as every metric of irfa evaluate), then bilinearly to 224.
CASES = [("cpu32", 4, 64, 32), ("cpu224", 2, 224, 224), ("vulkan24", 2, 48, 24)]
# Stored dtype of each tensor: all four float types appear, fc6 (the big one) as F16.
DTYPES = {
    "features.0.weight": "F32", "features.0.bias": "F64", "features.3.weight": "F16", "features.3.bias": "F32",
    "features.6.weight": "BF16", "features.6.bias": "BF16", "features.8.weight": "F32", "features.8.bias": "F16",
    "features.10.weight": "F32", "features.10.bias": "F32", "classifier.1.weight": "F16",
    "classifier.1.bias": "F32", "classifier.4.weight": "F32", "classifier.4.bias": "F64",
    "classifier.6.weight": "BF16", "classifier.6.bias": "F32",
}
_TORCH = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64}


def save_safetensors(tensors, path):
    """tensors: name -> (dtype code, torch tensor), each stored in its own dtype."""
    save_file({name: t.detach().to(_TORCH[code]) for name, (code, t) in tensors.items()}, path)


def alexnet():
    """torchvision.models.alexnet's layout: features, avgpool, classifier (dropout off in eval)."""
    features = nn.Sequential(
        nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2))
    classifier = nn.Sequential(
        nn.Dropout(), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, 1000))
    model = nn.Module()
    model.features, model.avgpool, model.classifier = features, nn.AdaptiveAvgPool2d((6, 6)), classifier
    return model.eval()


def random_weights(model, gen):
    """He-normal weights (fan in, so activations keep their scale through the random network) and small
    random biases, rounded to their stored dtype; returns the state dict in float64."""
    state = {}
    for name, p in model.state_dict().items():
        if name.endswith("weight"):
            fan_in = p[0].numel()
            v = torch.randn(p.shape, generator=gen, dtype=torch.float64) * (2.0 / fan_in) ** 0.5
        else:
            v = (torch.rand(p.shape, generator=gen, dtype=torch.float64) - 0.5) * 0.2
        state[name] = v.to(_TORCH[DTYPES[name]]).to(torch.float64)
    assert sorted(state) == sorted(DTYPES), sorted(state)
    return state


def activations(model, x, which="relu", pooled=False):
    """Per layer the flattened activation [N, -1]. which="relu": the ReLU outputs of conv1..5, fc6, fc7
    and the fc8 logits (irfa's choice); "pre": the conv/fc outputs before their ReLU. pooled: conv1, conv2
    and conv5 after their max-pool instead."""
    f, c = model.features, model.classifier
    out, conv_idx = [], [0, 3, 6, 8, 10]
    for i, m in enumerate(f):
        y = m(x)
        if i in conv_idx and which == "pre":
            out.append(y)
        if isinstance(m, nn.ReLU) and which == "relu" and not (pooled and i in (1, 4, 11)):
            out.append(y)
        if isinstance(m, nn.MaxPool2d) and which == "relu" and pooled:
            out.append(y)
        x = y
    x = torch.flatten(model.avgpool(x), 1)
    for i, m in enumerate(c):
        y = m(x)
        if (i == 1 or i == 4) and which == "pre":
            out.append(y)
        if (i == 2 or i == 5) and which == "relu":
            out.append(y)
        x = y
    out.append(x)
    assert len(out) == 8, len(out)
    return [o.reshape(o.shape[0], -1) for o in out]


def prepare(images, align_corners=False, antialias=False, normalise=True):
    x = torch.from_numpy(images.astype(np.float64))
    if x.shape[-1] != 224:
        x = F.interpolate(x, size=(224, 224), mode="bilinear", align_corners=align_corners, antialias=antialias)
    if normalise:
        x = (x - torch.tensor(MEAN, dtype=x.dtype).view(1, 3, 1, 1)) / torch.tensor(STD, dtype=x.dtype).view(1, 3, 1, 1)
    return x


def correlations(model, recon, stim, **kw):
    which = kw.pop("which", "relu")
    pooled = kw.pop("pooled", False)
    with torch.no_grad():
        fr = activations(model, prepare(recon, **kw), which, pooled)
        fs = activations(model, prepare(stim, **kw), which, pooled)
    r = {}
    for name, a, b in zip(LAYERS, fr, fs):
        a, b = a.numpy().ravel(), b.numpy().ravel()
        a, b = a - a.mean(), b - b.mean()
        r[name] = float(a @ b / np.sqrt((a @ a) * (b @ b)))
    return r


def area_resize(stim, side):
    f = stim.shape[-1] // side
    assert f * side == stim.shape[-1]
    n = stim.shape[0]
    return stim.astype(np.float64).reshape(n, 3, side, f, side, f).mean(axis=(3, 5)).astype(np.float32)


def smooth_noise(rng, shape, block):
    n, c, s, _ = shape
    coarse = rng.uniform(0, 1, (n, c, -(-s // block), -(-s // block)))
    return np.repeat(np.repeat(coarse, block, axis=2), block, axis=3)[:, :, :s, :s]


def write_case(root, name, n, stored, side, model, rng):
    d = os.path.join(root, name)
    os.makedirs(d)
    stim_stored = evaluate_e2e.write_session(os.path.join(d, "session"), rng, n_test=n, size=stored)
    stim = area_resize(stim_stored, side) if stored != side else stim_stored
    # Reconstructions from close to the stimulus to mostly unrelated, so r is neither 0 nor 1.
    w = np.linspace(0.8, 0.3, n).reshape(-1, 1, 1, 1)
    recon = np.clip(w * stim + (1 - w) * smooth_noise(rng, stim.shape, max(2, side // 8)), 0, 1).astype(np.float32)
    np.save(os.path.join(d, "recon.npy"), recon)
    r = correlations(model, recon, stim)
    variants = {
        "pre-ReLU activations": correlations(model, recon, stim, which="pre"),
        "conv1/conv2/conv5 after their pool": correlations(model, recon, stim, pooled=True),
        "no ImageNet normalisation": correlations(model, recon, stim, normalise=False),
    }
    if side != 224:
        variants["resize with align_corners=True"] = correlations(model, recon, stim, align_corners=True)
    if stored != side:
        variants["stimuli at their stored size"] = correlations(model, recon, stim_stored)
    print(name, " ".join(f"{k} {v:.4f}" for k, v in r.items()))
    return {"r": r, "variants": variants, "n": n, "side": side}


def bad_files(root, state):
    def subset(names, **changes):
        t = {k: (DTYPES[k], state[k]) for k in names}
        t.update(changes)
        return t

    conv_names = [k for k in DTYPES if k.startswith("features.")]
    # features.8.bias missing: everything before it is right, so the loader must name that one.
    save_safetensors(subset([k for k in conv_names if k != "features.8.bias"]),
                     os.path.join(root, "bad_missing.safetensors"))
    # VGG-like first layer (3x3 instead of 11x11).
    save_safetensors(subset(conv_names, **{"features.3.weight": ("F32", torch.zeros(192, 64, 3, 3))}),
                     os.path.join(root, "bad_shape.safetensors"))
    # Right features, classifier.1 for another input size.
    save_safetensors(subset(conv_names, **{"classifier.1.weight": ("F32", torch.zeros(4096, 256))}),
                     os.path.join(root, "bad_shape_fc.safetensors"))
    save_safetensors(subset(conv_names, **{"features.0.bias": ("I64", torch.zeros(64, dtype=torch.int64))}),
                     os.path.join(root, "bad_dtype.safetensors"))
    nan = state["features.6.weight"].clone()
    nan.view(-1)[1234] = float("nan")
    save_safetensors(subset(conv_names, **{"features.6.weight": ("F32", nan)}), os.path.join(root, "bad_nan.safetensors"))
    with open(os.path.join(root, "bad_text.safetensors"), "w") as f:
        f.write("these are not AlexNet weights\n" * 10)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: alexnet_reference.py OUTDIR")
    root = sys.argv[1]
    os.makedirs(root, exist_ok=True)
    for entry in os.listdir(root):   # start clean: cases are folders, the rest files
        p = os.path.join(root, entry)
        if os.path.isdir(p):
            import shutil
            shutil.rmtree(p)
        else:
            os.remove(p)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(1234)
    model = alexnet().double()
    state = random_weights(model, gen)
    model.load_state_dict(state)
    save_safetensors({k: (DTYPES[k], v) for k, v in state.items()}, os.path.join(root, "weights.safetensors"))
    rng = np.random.default_rng(42)
    expected = {name: write_case(root, name, n, stored, side, model, rng) for name, n, stored, side in CASES}
    bad_files(root, state)
    with open(os.path.join(root, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)


if __name__ == "__main__":
    main()
