#!/usr/bin/env python3
"""Runs `irfa bench` and the same IRFA configuration in PyTorch (fp32) side by side, alternating them
for --rounds rounds, and prints each round and the median ratios. Usage (from the repository root,
after building):

    /usr/bin/python3 scripts/bench_vs_pytorch.py [--device cpu|vulkan] [--torch-device cpu|cuda]
                                                 [--seconds S] [--rounds R] [--threads T]

The PyTorch side uses tests/model/irfa_torch.py (same architecture and state_dict names) and the same
step as `irfa bench`: attention + U-Net forward, discriminator (training mode) on cat(T, y_hat),
BCE-with-logits * alpha + L1 * beta_pix, backward, Adam on the generator and attention parameters.
It runs in its own process, so its peak memory is its own, and with the OpenBLAS kernels irfa ran
with (irfa picks AVX2/AVX-512 kernels on CPUs Debian's OpenBLAS does not recognise; PyTorch's GEMMs
go through the same OpenBLAS, so both get them)."""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))


def openblas_kernels():
    """The kernels of the OpenBLAS this process loaded (through PyTorch's BLAS), or None."""
    import ctypes
    for lib in ("libblas.so.3", "libopenblas.so.0"):
        try:
            f = ctypes.CDLL(lib).openblas_get_corename
        except (OSError, AttributeError):
            continue
        f.restype = ctypes.c_char_p
        return f().decode()
    return None


def bench_torch(device, seconds, batch, threads):
    import torch
    import torch.nn.functional as F
    sys.path.insert(0, os.path.join(here, "..", "tests", "model"))
    from irfa_torch import Model
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    electrodes = [64] * 15
    model = Model(electrodes, 32, 64, 4)
    for mod in (model.irfa, model.generator, model.discriminator):
        mod.to(device)
        mod.train()
    params = list(model.irfa.parameters()) + list(model.generator.parameters())
    opt = torch.optim.Adam(params, lr=7.8e-4, betas=(0.5, 0.999))
    xs = [torch.randn(batch, n, device=device) for n in electrodes]
    y = torch.rand(batch, 3, 64, 64, device=device)

    def sync():
        if device == "cuda":
            torch.cuda.synchronize()

    def step():
        t, _ = model.irfa(xs)
        y_hat = model.generator(t)
        logits = model.discriminator(torch.cat([t, y_hat], 1))
        loss = 0.01 * F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits)) + 0.3 * F.l1_loss(y_hat, y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(2):
        step()
    sync()
    n, t0 = 0, time.perf_counter()
    while True:
        step()
        sync()
        n += 1
        if time.perf_counter() - t0 >= seconds and n >= 3:
            break
    train = n * batch / (time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    if device == "cuda":
        peak = torch.cuda.max_memory_allocated() / 2**20
    for mod in (model.irfa, model.generator, model.discriminator):
        mod.eval()
    with torch.no_grad():
        for _ in range(2):
            model.generator(model.irfa(xs)[0])
        sync()
        n, t0 = 0, time.perf_counter()
        while True:
            model.generator(model.irfa(xs)[0])
            sync()
            n += 1
            if time.perf_counter() - t0 >= seconds and n >= 3:
                break
    infer = n * batch / (time.perf_counter() - t0)
    return {"train_samples_per_s": train, "infer_samples_per_s": infer, "peak_mb": peak,
            "blas_kernels": openblas_kernels()}


def run_irfa(a):
    out = subprocess.run([a.irfa, "bench", "--json", "--device", a.device, "--min-seconds", str(a.seconds),
                          "--batch", str(a.batch)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_torch(a, blas_kernels):
    env = dict(os.environ)
    if blas_kernels and "OPENBLAS_CORETYPE" not in env:
        env["OPENBLAS_CORETYPE"] = blas_kernels
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-only", "--torch-device", a.torch_device,
                          "--seconds", str(a.seconds), "--batch", str(a.batch), "--threads", str(a.threads)],
                         check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--irfa", default=os.path.join(here, "..", "build", "irfa"))
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--torch-device", default="cpu")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--torch-only", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.torch_only:
        print(json.dumps(bench_torch(a.torch_device, a.seconds, a.batch, a.threads)))
        return
    ratios = {"train": [], "inference": [], "peak memory": []}
    for r in range(a.rounds):
        ours = run_irfa(a)
        theirs = run_torch(a, ours.get("blas_kernels"))
        print(f"round {r + 1}: irfa ({ours['device']}): train {ours['train_samples_per_s']:.2f} samples/s, "
              f"inference {ours['infer_samples_per_s']:.2f} samples/s "
              f"({ours['infer_with_attention_samples_per_s']:.2f} writing w), peak {ours['peak_rss_mb']:.0f} MB")
        print(f"round {r + 1}: PyTorch ({a.torch_device}, {a.threads} threads, OpenBLAS {theirs['blas_kernels']} "
              f"kernels): train {theirs['train_samples_per_s']:.2f} samples/s, "
              f"inference {theirs['infer_samples_per_s']:.2f} samples/s, peak {theirs['peak_mb']:.0f} MB")
        ratios["train"].append(ours["train_samples_per_s"] / theirs["train_samples_per_s"])
        ratios["inference"].append(ours["infer_samples_per_s"] / theirs["infer_samples_per_s"])
        ratios["peak memory"].append(ours["peak_rss_mb"] / theirs["peak_mb"])
        sys.stdout.flush()
    print("ratios irfa/PyTorch (median of %d round%s): " % (a.rounds, "" if a.rounds == 1 else "s") +
          ", ".join(f"{k} {statistics.median(v):.2f}x (range {min(v):.2f}-{max(v):.2f})" for k, v in ratios.items()))


if __name__ == "__main__":
    main()
