"""The safetensors file format (8-byte header length, JSON header, raw little-endian data), written
from its specification because the `safetensors` package is not available from Debian. save_file
orders and pads like safetensors.torch.save_file: tensors sorted by name, header padded with spaces
to a multiple of 8 bytes."""
import json
import struct

import numpy as np
import torch

_DTYPES = {torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64), torch.float64: ("F64", np.float64)}
_BY_NAME = {v[0]: (k, v[1]) for k, v in _DTYPES.items()}


def save_file(tensors, path, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        code, npdt = _DTYPES[t.dtype]
        data = t.numpy().astype(npdt).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, info in header.items():
        tdt, npdt = _BY_NAME[info["dtype"]]
        b, e = info["data_offsets"]
        arr = np.frombuffer(raw[base + b:base + e], dtype=npdt).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta
