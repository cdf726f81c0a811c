#!/usr/bin/python3
"""PyTorch golden vectors for every op of compute/ops.h.

Usage: /usr/bin/python3 make_golden.py OUT_DIR

Writes OUT_DIR/<case>/<array>.npy (float32) and OUT_DIR/index.json. index.json is the single source
of truth for the C side (tests/ops/): for each case it names the op and its parameters; the C test
derives every output shape from those parameters and the input shapes, so a disagreement about a
shape is a test failure too. Array names follow the C runners (tests/ops/runners_*.c): inputs
(x, w, b, dy, ...), outputs (y, ...) and gradients (dx, dw, ...). Backward passes use a random
upstream gradient dy (or dloss for losses), which is saved as well.

Deterministic (fixed seeds, CPU, float32) and small: the whole set is about 0.65 MB, made in ~2 s.
"""
import io
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.nn.functional as F

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)
# padding="same" with an even kernel is used on purpose (to pin the convention); its notice is noise.
warnings.filterwarnings("ignore", message=".*padding=.same.*")


def atomic_write(path, data):
    """Writes bytes to a temporary name, fsyncs, then renames, so a reader never sees half a file."""
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def npy_bytes(arr):
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(arr, dtype=np.float32))
    return buf.getvalue()


class Case:
    def __init__(self, name, op, params=None):
        self.name = name
        self.op = op
        self.params = params or {}
        self.arrays = {}

    def put(self, key, t):
        if isinstance(t, torch.Tensor):
            t = t.detach().cpu().numpy()
        # A copy: numpy() shares memory with the tensor, which an optimiser step updates in place.
        arr = np.array(t, dtype=np.float32, copy=True)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        self.arrays[key] = arr


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def leaf(t):
    return t.clone().requires_grad_(True)


def grads_of(y, dy, tensors):
    """Backward with upstream gradient dy; returns the gradients of `tensors` (zeros if unused)."""
    gs = torch.autograd.grad(y, tensors, grad_outputs=dy, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g for g, t in zip(gs, tensors)]


# ---- op families ---------------------------------------------------------------------------------

def case_linear(name, n, fin, fout, bias):
    c = Case(name, "linear", {"bias": bias})
    x, w = leaf(randn(n, fin)), leaf(randn(fout, fin) * 0.5)
    b = leaf(randn(fout)) if bias else None
    y = F.linear(x, w, b)
    dy = randn(*y.shape)
    ins = [x, w] + ([b] if bias else [])
    gs = grads_of(y, dy, ins)
    c.put("x", x), c.put("w", w), c.put("y", y), c.put("dy", dy), c.put("dx", gs[0]), c.put("dw", gs[1])
    if bias:
        c.put("b", b), c.put("db", gs[2])
    return c


def case_conv2d(name, xshape, wshape, stride, pad, groups, bias, check_same=False):
    """pad = (top, bottom, left, right); asymmetric padding is done with F.pad then an unpadded conv,
    which is exactly what the op's asymmetric padding means."""
    c = Case(name, "conv2d", {"stride": list(stride), "pad": list(pad), "groups": groups, "bias": bias})
    x, w = leaf(randn(*xshape)), leaf(randn(*wshape) * 0.5)
    b = leaf(randn(wshape[0])) if bias else None
    t, bo, l, r = pad
    y = F.conv2d(F.pad(x, (l, r, t, bo)), w, b, stride=stride, groups=groups)
    if check_same:
        # The op's conv2d_params_same must agree with PyTorch padding='same' (k even: more after).
        y_same = F.conv2d(x, w, b, stride=1, padding="same", groups=groups)
        assert torch.allclose(y, y_same, atol=1e-5), name + ": padding='same' convention differs"
    dy = randn(*y.shape)
    ins = [x, w] + ([b] if bias else [])
    gs = grads_of(y, dy, ins)
    c.put("x", x), c.put("w", w), c.put("y", y), c.put("dy", dy), c.put("dx", gs[0]), c.put("dw", gs[1])
    if bias:
        c.put("b", b), c.put("db", gs[2])
    return c


def case_conv_transpose2d(name, xshape, wshape, stride, pad, output_pad, groups, bias):
    """pad = (ph, pw) symmetric per axis (PyTorch); stored as (top, bottom, left, right)."""
    ph, pw = pad
    c = Case(name, "conv_transpose2d", {"stride": list(stride), "pad": [ph, ph, pw, pw],
                                        "output_pad": list(output_pad), "groups": groups, "bias": bias})
    x, w = leaf(randn(*xshape)), leaf(randn(*wshape) * 0.5)
    cout = wshape[1] * groups
    b = leaf(randn(cout)) if bias else None
    y = F.conv_transpose2d(x, w, b, stride=stride, padding=pad, output_padding=output_pad, groups=groups)
    dy = randn(*y.shape)
    ins = [x, w] + ([b] if bias else [])
    gs = grads_of(y, dy, ins)
    c.put("x", x), c.put("w", w), c.put("y", y), c.put("dy", dy), c.put("dx", gs[0]), c.put("dw", gs[1])
    if bias:
        c.put("b", b), c.put("db", gs[2])
    return c


def case_batchnorm(name, xshape, training, momentum=0.1, eps=1e-5):
    ch = xshape[1]
    c = Case(name, "batchnorm", {"training": training, "momentum": momentum, "eps": eps})
    x = leaf(randn(*xshape) * 1.5 + 0.7)
    gamma = leaf(1.0 + 0.3 * randn(ch))
    beta = leaf(0.2 * randn(ch))
    rm = 0.5 * randn(ch)
    rv = 0.5 + torch.rand(ch)
    c.put("running_mean", rm), c.put("running_var", rv)
    rm_out, rv_out = rm.clone(), rv.clone()
    y = F.batch_norm(x, rm_out, rv_out, gamma, beta, training=training, momentum=momentum, eps=eps)
    dims = [0] + list(range(2, len(xshape)))
    if training:
        save_mean = x.detach().mean(dim=dims)
        save_invstd = 1.0 / torch.sqrt(x.detach().var(dim=dims, unbiased=False) + eps)
    else:
        save_mean = rm.clone()
        save_invstd = 1.0 / torch.sqrt(rv + eps)
    dy = randn(*y.shape)
    gs = grads_of(y, dy, [x, gamma, beta])
    c.put("x", x), c.put("gamma", gamma), c.put("beta", beta), c.put("dy", dy)
    c.put("y", y), c.put("running_mean_out", rm_out), c.put("running_var_out", rv_out)
    c.put("save_mean", save_mean), c.put("save_invstd", save_invstd)
    c.put("dx", gs[0]), c.put("dgamma", gs[1]), c.put("dbeta", gs[2])
    return c


def case_unary(name, op, shape, fn, params=None, scale=2.0, offset=0.0):
    c = Case(name, op, params)
    x = leaf(randn(*shape) * scale + offset)
    y = fn(x)
    dy = randn(*y.shape)
    (dx,) = grads_of(y, dy, [x])
    c.put("x", x), c.put("y", y), c.put("dy", dy), c.put("dx", dx)
    return c


def case_binary(name, op, ashape, bshape, fn):
    c = Case(name, op)
    a, b = leaf(randn(*ashape)), leaf(randn(*bshape))
    y = fn(a, b)
    dy = randn(*y.shape)
    da, db = grads_of(y, dy, [a, b])
    c.put("a", a), c.put("b", b), c.put("y", y), c.put("dy", dy), c.put("da", da), c.put("db", db)
    return c


def case_sum(name, shape, axis, keepdim):
    c = Case(name, "sum", {"axis": axis, "keepdim": keepdim})
    x = leaf(randn(*shape))
    y = x.sum(dim=axis, keepdim=keepdim)
    dy = randn(*y.shape)
    (dx,) = grads_of(y, dy, [x])
    c.put("x", x), c.put("y", y), c.put("dy", dy), c.put("dx", dx)
    return c


def case_mean(name, shape):
    c = Case(name, "mean")
    x = leaf(randn(*shape))
    out = x.mean()
    dloss = randn(1).reshape(())
    (dx,) = grads_of(out, dloss, [x])
    c.put("x", x), c.put("out", out), c.put("dloss", dloss), c.put("dx", dx)
    return c


def case_concat(name, shapes, axis):
    c = Case(name, "concat", {"axis": axis, "n": len(shapes)})
    xs = [leaf(randn(*s)) for s in shapes]
    y = torch.cat(xs, dim=axis)
    dy = randn(*y.shape)
    gs = grads_of(y, dy, xs)
    for i, (x, g) in enumerate(zip(xs, gs)):
        c.put("x%d" % i, x), c.put("dx%d" % i, g)
    c.put("y", y), c.put("dy", dy)
    return c


def case_slice(name, shape, axis, start, length):
    c = Case(name, "slice", {"axis": axis, "start": start, "length": length})
    x = leaf(randn(*shape))
    y = x.narrow(axis, start, length)
    dy = randn(*y.shape)
    (dx,) = grads_of(y, dy, [x])
    c.put("x", x), c.put("y", y), c.put("dy", dy), c.put("dx", dx)
    return c


def case_resize(name, shape, out_hw):
    c = Case(name, "resize_bilinear", {"out_h": out_hw[0], "out_w": out_hw[1]})
    x = leaf(randn(*shape))
    y = F.interpolate(x, size=out_hw, mode="bilinear", align_corners=False)
    dy = randn(*y.shape)
    (dx,) = grads_of(y, dy, [x])
    c.put("x", x), c.put("y", y), c.put("dy", dy), c.put("dx", dx)
    return c


def case_maxpool(name, shape, ties=False, offset=0.0):
    c = Case(name, "maxpool2x2")
    # Integer values make ties inside a window; PyTorch's CPU kernel keeps the first maximum,
    # which is the documented rule of the op.
    x = torch.randint(0, 3, shape).float() if ties else randn(*shape) + offset
    x = leaf(x)
    y = F.max_pool2d(x, kernel_size=2, stride=2)
    dy = randn(*y.shape)
    (dx,) = grads_of(y, dy, [x])
    c.put("x", x), c.put("y", y), c.put("dy", dy), c.put("dx", dx)
    return c


def case_l1(name, shape):
    c = Case(name, "l1_loss")
    pred, target = leaf(randn(*shape)), randn(*shape)
    out = F.l1_loss(pred, target)
    dloss = randn(1).reshape(())
    (dpred,) = grads_of(out, dloss, [pred])
    c.put("pred", pred), c.put("target", target), c.put("out", out), c.put("dloss", dloss)
    c.put("dpred", dpred)
    return c


def case_bce(name, shape, hard_targets, scale=4.0):
    c = Case(name, "bce_logits")
    logits = leaf(randn(*shape) * scale)   # wide range: both branches of the stable form
    target = torch.randint(0, 2, shape).float() if hard_targets else torch.rand(*shape)
    out = F.binary_cross_entropy_with_logits(logits, target)
    dloss = randn(1).reshape(())
    (dl,) = grads_of(out, dloss, [logits])
    c.put("logits", logits), c.put("target", target), c.put("out", out), c.put("dloss", dloss)
    c.put("dlogits", dl)
    return c


def case_separable_attention(name, n, h, c, H, W, k):
    """IRFA's transpose attention with keys/values in separable form, the naive way: materialise K and
    V, convolve every map (padding='same', with a bias, which must cancel in the softmax), softmax over
    heads, mix."""
    scale = 1.0 / (c * k * k) ** 0.5
    cs = Case(name, "separable_attention", {"scale": scale})
    ins = {"ka": randn(n, h, c), "kx": randn(h, c, W), "ky": randn(h, c, H),
           "va": randn(n, h, c), "vx": randn(h, c, W), "vy": randn(h, c, H),
           "ws": randn(c, c, k, k) * 0.7}
    ins = {key: leaf(v) for key, v in ins.items()}
    K = ins["ka"][:, :, :, None, None] + ins["kx"][None, :, :, None, :] + ins["ky"][None, :, :, :, None]
    V = ins["va"][:, :, :, None, None] + ins["vx"][None, :, :, None, :] + ins["vy"][None, :, :, :, None]
    S = F.conv2d(K.reshape(n * h, c, H, W), ins["ws"], randn(c), padding="same").reshape(n, h, c, H, W) * scale
    w = F.softmax(S, dim=1)
    t = (w * V).sum(1)
    dt = randn(*t.shape)
    names = ["ka", "kx", "ky", "va", "vx", "vy", "ws"]
    gs = grads_of(t, dt, [ins[key] for key in names])
    for key in names:
        cs.put(key, ins[key])
    for key, g in zip(names, gs):
        cs.put("d" + key, g)
    cs.put("t", t), cs.put("w", w), cs.put("dt", dt)
    return cs


def case_adam(name, shape, lr, betas, eps, weight_decay, steps=3):
    c = Case(name, "adam", {"lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps,
                            "weight_decay": weight_decay, "steps": steps})
    p = torch.nn.Parameter(randn(*shape))
    c.put("param", p)
    opt = torch.optim.Adam([p], lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
    for t in range(1, steps + 1):
        g = randn(*shape)
        c.put("grad%d" % t, g)
        p.grad = g.clone()
        opt.step()
        c.put("param%d" % t, p)
    st = opt.state[p]
    c.put("m", st["exp_avg"]), c.put("v", st["exp_avg_sq"])
    return c


def build_cases():
    torch.manual_seed(20240611)
    cs = []
    cs.append(case_linear("linear_3x5_to_7_bias", 3, 5, 7, True))
    cs.append(case_linear("linear_4x9_to_2_nobias", 4, 9, 2, False))

    cs.append(case_conv2d("conv2d_k3_s1_p1_bias", (2, 3, 7, 9), (5, 3, 3, 3), (1, 1), (1, 1, 1, 1), 1, True))
    cs.append(case_conv2d("conv2d_k4_s2_p1_nobias", (2, 3, 9, 7), (4, 3, 4, 4), (2, 2), (1, 1, 1, 1), 1, False))
    cs.append(case_conv2d("conv2d_same_k4_bias", (1, 2, 6, 7), (3, 2, 4, 4), (1, 1), (1, 2, 1, 2), 1, True,
                          check_same=True))
    cs.append(case_conv2d("conv2d_groups2_s2_asym_bias", (2, 4, 7, 9), (6, 2, 3, 3), (2, 2), (0, 1, 1, 0), 2,
                          True))
    cs.append(case_conv2d("conv2d_k1x3_s1x2_groups3", (1, 3, 5, 8), (3, 1, 1, 3), (1, 2), (0, 0, 1, 1), 3,
                          False))

    cs.append(case_conv_transpose2d("convT_k4_s2_p1_nobias", (2, 3, 5, 4), (3, 4, 4, 4), (2, 2), (1, 1), (0, 0),
                                    1, False))
    cs.append(case_conv_transpose2d("convT_k3_s2_p1_op1_groups2_bias", (1, 4, 3, 5), (4, 3, 3, 3), (2, 2), (1, 1),
                                    (1, 1), 2, True))
    cs.append(case_conv_transpose2d("convT_k3x2_s2x1_p1x0_op1x0_bias", (2, 2, 3, 4), (2, 3, 3, 2), (2, 1),
                                    (1, 0), (1, 0), 1, True))

    cs.append(case_batchnorm("bn1d_train", (6, 5), True))
    cs.append(case_batchnorm("bn1d_eval", (4, 5), False))
    cs.append(case_batchnorm("bn2d_train", (3, 4, 5, 3), True))
    cs.append(case_batchnorm("bn2d_eval", (2, 3, 3, 5), False))
    cs.append(case_batchnorm("bn2d_train_momentum03", (2, 2, 3, 3), True, momentum=0.3, eps=1e-3))

    cs.append(case_unary("relu_3x5x7x9", "relu", (3, 5, 7, 9), F.relu))
    cs.append(case_unary("leaky_relu_0.2_2x3x5x7", "leaky_relu", (2, 3, 5, 7),
                         lambda x: F.leaky_relu(x, 0.2), {"slope": 0.2}))
    cs.append(case_unary("sigmoid_3x5x7", "sigmoid", (3, 5, 7), torch.sigmoid))
    cs.append(case_unary("softmax_axis1_2x5x3x4", "softmax", (2, 5, 3, 4), lambda x: F.softmax(x, dim=1),
                         {"axis": 1}))
    cs.append(case_unary("softmax_axis-1_3x7", "softmax", (3, 7), lambda x: F.softmax(x, dim=-1), {"axis": -1}))
    cs.append(case_unary("softmax_axis-3_2x3x4x5x2", "softmax", (2, 3, 4, 5, 2), lambda x: F.softmax(x, dim=-3),
                         {"axis": -3}))
    cs.append(case_unary("scale_3x4", "scale", (3, 4), lambda x: -1.5 * x + 0.25, {"alpha": -1.5, "beta": 0.25}))

    cs.append(case_binary("add_same_3x5x7", "add", (3, 5, 7), (3, 5, 7), torch.add))
    # IRFA positional encoding: (N,h,C,H,W) + Px (1,1,C,1,W)
    cs.append(case_binary("add_bcast_posenc_2x3x4x5x6", "add", (2, 3, 4, 5, 6), (1, 1, 4, 1, 6), torch.add))
    cs.append(case_binary("add_bcast_both_3x1x5_4x1", "add", (3, 1, 5), (4, 1), torch.add))
    cs.append(case_binary("mul_bcast_2x3x4x5_3x1x1", "mul", (2, 3, 4, 5), (3, 1, 1), torch.mul))
    cs.append(case_binary("mul_bcast_posenc_2x3x4x1x1", "mul", (2, 3, 4, 1, 1), (1, 1, 4, 5, 1), torch.mul))
    cs.append(case_binary("mul_same_4x7", "mul", (4, 7), (4, 7), torch.mul))

    cs.append(case_sum("sum_axis1_3x5x7", (3, 5, 7), 1, False))
    cs.append(case_sum("sum_axis-1_keep_2x3x4", (2, 3, 4), -1, True))
    cs.append(case_sum("sum_axis0_5x3", (5, 3), 0, False))
    cs.append(case_mean("mean_3x5x7", (3, 5, 7)))

    cs.append(case_concat("concat_axis1_3parts", [(2, 3, 4, 5), (2, 1, 4, 5), (2, 2, 4, 5)], 1))
    cs.append(case_concat("concat_axis-1_2parts", [(3, 2), (3, 5)], -1))
    cs.append(case_concat("concat_axis0_2parts", [(1, 3, 2), (2, 3, 2)], 0))
    cs.append(case_slice("slice_axis1_2x7x3x4", (2, 7, 3, 4), 1, 2, 3))
    cs.append(case_slice("slice_axis-1_3x9", (3, 9), -1, 4, 5))

    cs.append(case_resize("resize_up_5x7_to_11x13", (2, 3, 5, 7), (11, 13)))
    cs.append(case_resize("resize_down_11x13_to_4x6", (1, 2, 11, 13), (4, 6)))
    cs.append(case_resize("resize_mixed_6x4_to_3x9", (1, 3, 6, 4), (3, 9)))

    cs.append(case_maxpool("maxpool_2x3x6x8", (2, 3, 6, 8)))
    cs.append(case_maxpool("maxpool_odd_1x2x7x9", (1, 2, 7, 9)))
    cs.append(case_maxpool("maxpool_ties_1x2x4x6", (1, 2, 4, 6), ties=True))

    cs.append(case_l1("l1_3x4x5", (3, 4, 5)))
    cs.append(case_bce("bce_soft_3x4x5", (3, 4, 5), False))
    cs.append(case_bce("bce_hard_2x9", (2, 9), True))

    # Larger cases for the Vulkan paths that only start above a size: GEMM 64x64 tiles (both extents
    # > 32), split-K (K >= 2048 with few tiles), multi-workgroup and split reductions (> 256 and
    # > 4096 elements), softmax's row kernel (contiguous axis >= 64), batchnorm channels > 256.
    cs.append(case_linear("linear_tiles_40x37_to_35_bias", 40, 37, 35, True))
    cs.append(case_linear("linear_splitk_2x2050_to_3_bias", 2, 2050, 3, True))
    cs.append(case_conv2d("conv2d_splitk_dw_2x2x34x34", (2, 2, 34, 34), (3, 2, 3, 3), (1, 1), (1, 1, 1, 1), 1,
                          True))
    cs.append(case_sum("sum_axis1_2x4500", (2, 4500), 1, False))
    cs.append(case_sum("sum_axis0_300x3", (300, 3), 0, True))
    cs.append(case_mean("mean_3x40x50", (3, 40, 50)))
    cs.append(case_unary("softmax_axis-1_3x300", "softmax", (3, 300), lambda x: F.softmax(x, dim=-1), {"axis": -1}))
    cs.append(case_unary("softmax_axis1_2x70", "softmax", (2, 70), lambda x: F.softmax(x, dim=1), {"axis": 1}))
    cs.append(case_batchnorm("bn2d_train_4x3x16x17", (4, 3, 16, 17), True))
    cs.append(case_l1("l1_5000", (5000,)))
    cs.append(case_bce("bce_soft_3x17x21", (3, 17, 21), False))

    # Edge cases: the U-Net's innermost layers (2x2 -> 1x1 -> 2x2), logits that overflow a naive
    # exp, windows whose maximum is negative, a resize to the same size (identity).
    cs.append(case_conv2d("conv2d_innermost_2x2_to_1x1", (2, 4, 2, 2), (3, 4, 4, 4), (2, 2), (1, 1, 1, 1), 1,
                          False))
    cs.append(case_conv_transpose2d("convT_innermost_1x1_to_2x2", (2, 3, 1, 1), (3, 2, 4, 4), (2, 2), (1, 1),
                                    (0, 0), 1, False))
    # exp(100) overflows float: only a max-subtracting softmax gets these right. (Logits far apart
    # instead would saturate it, leaving a backward that is pure rounding.)
    cs.append(case_unary("softmax_large_logits_axis-1_4x9", "softmax", (4, 9), lambda x: F.softmax(x, dim=-1),
                         {"axis": -1}, offset=100.0))
    cs.append(case_unary("softmax_negative_logits_axis0_6x4", "softmax", (6, 4), lambda x: F.softmax(x, dim=0),
                         {"axis": 0}, offset=-120.0))
    cs.append(case_unary("sigmoid_large_3x11", "sigmoid", (3, 11), torch.sigmoid, scale=40.0))
    cs.append(case_bce("bce_extreme_logits_3x11", (3, 11), False, scale=60.0))
    cs.append(case_maxpool("maxpool_negative_1x3x4x6", (1, 3, 4, 6), offset=-10.0))
    cs.append(case_resize("resize_same_4x5", (1, 2, 4, 5), (4, 5)))

    # IRFA attention: even kernel (asymmetric 'same' padding), odd kernel, 1x1, a grid as small as
    # the kernel, and a row wider than 64 (Vulkan's backward then uses 128-wide workgroups).
    cs.append(case_separable_attention("sepattn_k4_2x3x4x6x7", 2, 3, 4, 6, 7, 4))
    cs.append(case_separable_attention("sepattn_k3_3x2x3x5x5", 3, 2, 3, 5, 5, 3))
    cs.append(case_separable_attention("sepattn_k1_2x4x2x3x4", 2, 4, 2, 3, 4, 1))
    cs.append(case_separable_attention("sepattn_k4_grid4_1x2x3x4x5", 1, 2, 3, 4, 5, 4))
    cs.append(case_separable_attention("sepattn_k2_wide_2x2x2x3x70", 2, 2, 2, 3, 70, 2))

    cs.append(case_adam("adam_3steps_5x7", (5, 7), 1e-2, (0.5, 0.999), 1e-8, 0.0))
    cs.append(case_adam("adam_3steps_wd_4x3", (4, 3), 7.8e-4, (0.9, 0.99), 1e-6, 0.01))
    return cs


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: make_golden.py OUT_DIR\n")
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    cases = build_cases()
    index = {"torch": torch.__version__, "cases": []}
    total = 0
    for c in cases:
        d = os.path.join(out, c.name)
        os.makedirs(d, exist_ok=True)
        for key, arr in c.arrays.items():
            data = npy_bytes(arr)
            total += len(data)
            atomic_write(os.path.join(d, key + ".npy"), data)
        index["cases"].append({"name": c.name, "op": c.op, "params": c.params,
                               "arrays": sorted(c.arrays.keys())})
    atomic_write(os.path.join(out, "index.json"), json.dumps(index, indent=1).encode())
    print("make_golden: %d cases, %d bytes in %s" % (len(cases), total, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
