"""The safetensors file format (8-byte header length, JSON header, raw little-endian data), written
from its specification because the `safetensors` package is not available from Debian. save_file
orders and pads like safetensors.torch.save_file: tensors sorted by name, header padded with spaces
to a multiple of 8 bytes."""
import json
import struct

import numpy as np
import torch

# dtype -> (code, integer dtype of the same width: the raw little-endian bits are written, so bfloat16,
# which numpy lacks, goes the same way as the others)
_DTYPES = {torch.float32: ("F32", torch.int32), torch.float64: ("F64", torch.int64),
           torch.float16: ("F16", torch.int16), torch.bfloat16: ("BF16", torch.int16),
           torch.int64: ("I64", torch.int64)}
_BY_NAME = {v[0]: (k, v[1]) for k, v in _DTYPES.items()}
_NUMPY_RAW = {torch.int32: np.int32, torch.int64: np.int64, torch.int16: np.int16}


def save_file(tensors, path, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        code, raw = _DTYPES[t.dtype]
        data = t.view(raw).numpy().tobytes()
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
        tdt, rawdt = _BY_NAME[info["dtype"]]
        b, e = info["data_offsets"]
        arr = np.frombuffer(raw[base + b:base + e], dtype=_NUMPY_RAW[rawdt]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy()).view(tdt)
    return out, meta
