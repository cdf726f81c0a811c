"""A PyTorch model of IRFA whose state_dict names are those of the public IRFA code
(shared/docs/checkpoint-tensors.txt), used to check that irfa's checkpoints and reconstructions agree
with PyTorch both ways. Written for these tests from the architecture description in
shared/docs/science.md; the discriminator returns logits (the public code's sigmoid is a bug)."""
import argparse
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_py import load_file, save_file


class Embedding(nn.Module):
    def __init__(self, electrodes, c):
        super().__init__()
        self.M = nn.ModuleList([nn.Sequential(nn.Linear(n, c // 2), nn.BatchNorm1d(c // 2), nn.ReLU())
                                for n in electrodes])

    def forward(self, xs):
        return torch.stack([m(x) for m, x in zip(self.M, xs)], dim=1)[..., None, None]


class Positional(nn.Module):
    def __init__(self, c, i):
        super().__init__()
        self.P = nn.ParameterDict({"x": nn.Parameter(torch.randn(1, 1, c // 2, 1, i) * c ** -0.5),
                                   "y": nn.Parameter(torch.randn(1, 1, c // 2, i, 1) * c ** -0.5)})

    def forward(self, m):
        i = self.P["x"].shape[4]
        return torch.cat(((m + self.P["x"]).expand(-1, -1, -1, i, -1),
                          (m + self.P["y"]).expand(-1, -1, -1, -1, i)), 2)


class Scale(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s

    def forward(self, x):
        return x * self.s


class Attention(nn.Module):
    def __init__(self, h, c, k):
        super().__init__()
        self.k = nn.Conv2d(h * c, h * c, 1, groups=h)
        self.v = nn.Conv2d(h * c, h * c, 1, groups=h)
        self.s = nn.Sequential(nn.Conv2d(c, c, k, padding="same"), Scale(1.0 / math.sqrt(c * k * k)))

    def forward(self, p):
        n, h, c, i, _ = p.shape
        score = self.s(self.k(p.flatten(1, 2)).view(-1, c, i, i)).view(n, h, c, i, i)
        w = F.softmax(score, 1)
        return (w * self.v(p.flatten(1, 2)).view(n, h, c, i, i)).sum(1), w


class IRF(nn.Module):
    def __init__(self, electrodes, c, i, k):
        super().__init__()
        self.m = Embedding(electrodes, c)
        self.p = Positional(c, i)
        self.t = Attention(len(electrodes), c, k)

    def forward(self, xs):
        return self.t(self.p(self.m(xs)))


class Skip(nn.Module):
    def __init__(self, depth, inner_depth, inner_count, inner):
        super().__init__()
        self.block = nn.Sequential(
            nn.Conv2d(depth, inner_depth, 4, 2, 1, bias=False), nn.BatchNorm2d(inner_depth), nn.LeakyReLU(0.2),
            inner, nn.ConvTranspose2d(inner_count, depth, 4, 2, 1, bias=False), nn.BatchNorm2d(depth))

    def forward(self, x):
        return F.relu(torch.cat([x, self.block(x)], 1))


class UNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        inner = Skip(512, 512, 512, nn.Identity())
        inner = Skip(256, 512, 1024, inner)
        inner = Skip(128, 256, 512, inner)
        inner = Skip(64, 128, 256, inner)
        self.layers = nn.Sequential(nn.Conv2d(c, 64, 4, 2, 1), nn.LeakyReLU(0.2), inner,
                                    nn.ConvTranspose2d(128, 3, 4, 2, 1), nn.Sigmoid())

    def forward(self, x):
        return self.layers(x)


class PatchGAN(nn.Module):
    def __init__(self, cin):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(cin, 64, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1, bias=False), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Conv2d(128, 256, 4, 2, 1, bias=False), nn.BatchNorm2d(256), nn.LeakyReLU(0.2),
            nn.Conv2d(256, 512, 4, 1, 1, bias=False), nn.BatchNorm2d(512), nn.LeakyReLU(0.2),
            nn.Conv2d(512, 1, 3, 2, 1))

    def forward(self, x):
        return self.layers(x)


class Model:
    def __init__(self, electrodes, c, i, k):
        self.electrodes = list(electrodes)
        self.irfa = IRF(electrodes, c, i, k)
        self.generator = UNet(c)
        self.discriminator = PatchGAN(c + 3)

    def state_dict(self):
        out = {}
        for prefix, mod in (("irfa.", self.irfa), ("generator.", self.generator), ("discriminator.", self.discriminator)):
            for k, v in mod.state_dict().items():
                out[prefix + k] = v
        return out

    def load_state_dict(self, sd):
        for prefix, mod in (("irfa.", self.irfa), ("generator.", self.generator), ("discriminator.", self.discriminator)):
            part = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
            mod.load_state_dict(part, strict=True)

    def eval(self):
        for mod in (self.irfa, self.generator, self.discriminator):
            mod.eval()

    @torch.no_grad()
    def reconstruct(self, responses):
        self.eval()
        x = torch.from_numpy(responses)
        xs, col = [], 0
        for n in self.electrodes:
            xs.append(x[:, col:col + n])
            col += n
        t, w = self.irfa(xs)
        return self.generator(t).numpy(), w.numpy()


VGG19_LAYOUT = [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"]
VGG_CUTS = (8, 15, 22, 29, 35)


def vgg19_features(weights=None, gen=None):
    """torchvision's VGG19 `features` (same indices), with weights from a dict or random ones."""
    layers, cin = [], 3
    for v in VGG19_LAYOUT:
        if v == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU()]
            cin = v
    feats = nn.Sequential(*layers)
    with torch.no_grad():
        for i, m in enumerate(feats):
            if isinstance(m, nn.Conv2d):
                if weights is not None:
                    m.weight.copy_(weights[f"features.{i}.weight"])
                    m.bias.copy_(weights[f"features.{i}.bias"])
                else:
                    m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * (2.0 / (m.weight[0].numel())) ** 0.5)
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.01)
    return feats.eval()


def vgg_loss(feats, y_hat, y, size):
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    a = (F.interpolate(y_hat, size=(size, size), mode="bilinear", align_corners=False) - mean) / std
    b = (F.interpolate(y, size=(size, size), mode="bilinear", align_corners=False) - mean) / std
    return sum(F.l1_loss(feats[:cut](a), feats[:cut](b)) for cut in VGG_CUTS) / len(VGG_CUTS)


def generator_step(model, responses, images, alpha, beta_pix, lr, eps, vgg=None, vgg_size=224, beta_vgg=0.69,
                   kink_margin=0.0):
    """The generator update of the public code (discriminator in training mode, logits), with Adam.
    kink_margin: refuse inputs that put a (leaky) ReLU input of the generator or discriminator within
    that distance of 0, where float32 rounding may send the gradient either way."""
    for mod in (model.irfa, model.generator, model.discriminator):
        mod.train()
    closest = []
    hooks = [mod.register_forward_hook(lambda mod, inp, out: closest.append(inp[0].detach().abs().min().item()))
             for net in (model.generator, model.discriminator) for mod in net.modules()
             if isinstance(mod, (nn.ReLU, nn.LeakyReLU))]
    params = list(model.irfa.parameters()) + list(model.generator.parameters())
    opt = torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999), eps=eps)
    x = torch.from_numpy(responses)
    xs, col = [], 0
    for n in model.electrodes:
        xs.append(x[:, col:col + n])
        col += n
    t, _ = model.irfa(xs)
    y_hat = model.generator(t)
    logits = model.discriminator(torch.cat([t, y_hat], 1))
    y = torch.from_numpy(images)
    loss = alpha * F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits)) + beta_pix * F.l1_loss(y_hat, y)
    if vgg is not None:
        for p in vgg.parameters():
            p.requires_grad_(False)
        loss = loss + beta_vgg * vgg_loss(vgg, y_hat, y, vgg_size)
    for h in hooks:
        h.remove()
    if min(closest) < kink_margin:
        sys.exit(f"these test inputs put a ReLU input {min(closest):.3g} from its kink (margin {kink_margin:g}): "
                 "the comparison would depend on rounding; choose another seed")
    opt.zero_grad()
    loss.backward()
    opt.step()
    return float(loss)


def config_from_state(sd):
    electrodes, j = [], 0
    while f"irfa.m.M.{j}.0.weight" in sd:
        electrodes.append(sd[f"irfa.m.M.{j}.0.weight"].shape[1])
        j += 1
    c = 2 * sd["irfa.m.M.0.0.weight"].shape[0]
    return electrodes, c, sd["irfa.p.P.x"].shape[4], sd["irfa.t.s.0.weight"].shape[2]


def randomise_running_stats(model, gen):
    """Non-trivial BatchNorm running statistics, so eval mode is really tested."""
    for mod in (model.irfa, model.generator, model.discriminator):
        for m in mod.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=gen) * 0.1)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 0.5 + 0.75)
                m.weight.data.copy_(1 + 0.1 * torch.randn(m.weight.shape, generator=gen))
                m.bias.data.copy_(0.1 * torch.randn(m.bias.shape, generator=gen))
                m.num_batches_tracked.fill_(7)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="a random model: checkpoint, responses and its reconstructions")
    mk.add_argument("--electrodes", default="5,7,1,4")
    mk.add_argument("--features", type=int, default=8)
    mk.add_argument("--grid", type=int, default=32)
    mk.add_argument("--kernel", type=int, default=4)
    mk.add_argument("--n", type=int, default=5)
    mk.add_argument("--seed", type=int, default=0)
    mk.add_argument("--checkpoint", required=True)
    mk.add_argument("--responses", required=True)
    mk.add_argument("--expected", required=True)
    mk.add_argument("--expected-spatial")
    rc = sub.add_parser("reconstruct", help="load a checkpoint (strict) and reconstruct")
    rc.add_argument("--checkpoint", required=True)
    rc.add_argument("--responses", required=True)
    rc.add_argument("--out", required=True)
    rc.add_argument("--out-spatial")
    st = sub.add_parser("step", help="one generator step (train mode) from a checkpoint, saved as a checkpoint")
    st.add_argument("--checkpoint", required=True)
    st.add_argument("--responses", required=True)
    st.add_argument("--images", required=True)
    st.add_argument("--out", required=True)
    st.add_argument("--alpha", type=float, default=0.01)
    st.add_argument("--beta-pix", type=float, default=0.3)
    st.add_argument("--lr", type=float, default=7.8e-4)
    st.add_argument("--eps", type=float, default=1e-8)
    st.add_argument("--vgg", help="VGG19 weights (features.N.*) to add the perceptual term")
    st.add_argument("--vgg-size", type=int, default=224)
    st.add_argument("--kink-margin", type=float, default=0.0,
                    help="fail when an activation input of G or D is closer than this to a ReLU kink")
    vg = sub.add_parser("vgg-weights", help="random VGG19 features weights with torchvision's names")
    vg.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.cmd == "make":
        torch.manual_seed(a.seed)
        gen = torch.Generator().manual_seed(a.seed + 1)
        electrodes = [int(v) for v in a.electrodes.split(",")]
        model = Model(electrodes, a.features, a.grid, a.kernel)
        randomise_running_stats(model, gen)
        save_file(model.state_dict(), a.checkpoint)   # no metadata, like safetensors.torch.save_file
        responses = torch.randn(a.n, sum(electrodes), generator=gen).numpy().astype(np.float32)
        np.save(a.responses, responses)
        rec, w = model.reconstruct(responses)
        np.save(a.expected, rec.astype(np.float32))
        if a.expected_spatial:
            np.save(a.expected_spatial, w.mean(axis=2).astype(np.float32))
    elif a.cmd == "step":
        sd, _ = load_file(a.checkpoint)
        electrodes, c, i, k = config_from_state(sd)
        model = Model(electrodes, c, i, k)
        model.load_state_dict(sd)
        vgg = vgg19_features(load_file(a.vgg)[0]) if a.vgg else None
        generator_step(model, np.load(a.responses).astype(np.float32), np.load(a.images).astype(np.float32),
                       a.alpha, a.beta_pix, a.lr, a.eps, vgg, a.vgg_size, kink_margin=a.kink_margin)
        save_file(model.state_dict(), a.out)
    elif a.cmd == "vgg-weights":
        feats = vgg19_features(gen=torch.Generator().manual_seed(5))
        save_file({f"features.{k}": v for k, v in feats.state_dict().items()}, a.out)
    else:
        sd, meta = load_file(a.checkpoint)
        electrodes, c, i, k = config_from_state(sd)
        model = Model(electrodes, c, i, k)
        model.load_state_dict(sd)
        responses = np.load(a.responses).astype(np.float32)
        rec, w = model.reconstruct(responses)
        np.save(a.out, rec.astype(np.float32))
        if a.out_spatial:
            np.save(a.out_spatial, w.mean(axis=2).astype(np.float32))
        if meta:
            print(json.dumps({"metadata_keys": sorted(meta)}))


if __name__ == "__main__":
    main()
