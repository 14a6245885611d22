"""A trainer-side process for the end-to-end serving tests: reads every batch of a ring with
nuload.ring.RingReader and prints one JSON line per batch with its header fields and, per row,
the sample token and the SHA-256 of every tensor row and metadata row (the same digests
`nuload sample-digests` prints). With --checksums it also prints, per tensor, the checksum the C
example examples/c/ring_consumer.c prints (s = s * 31 + byte over the batch's rows, mod 2^64).
With --torch RANK WORLD it reads through nuload.torch.RingDataset and a torch DataLoader instead,
one set_epoch per epoch, the way a training loop does (lines then carry epoch, samples and rows).

Usage: python3 serve_consumer.py RING [--timeout S] [--checksums | --torch RANK WORLD EPOCHS]
"""

import argparse
import hashlib
import json
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # the nuload package
from nuload.ring import RingReader  # noqa: E402

TENSORS = ("img", "lidar2img", "intrinsics", "timestamps", "img_shape", "extrinsics")


def sha256(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def c_checksum(a):
    """sum_k byte_k * 31^(n-1-k) mod 2^64, the C example's loop, vectorised."""
    b = np.ascontiguousarray(a).reshape(-1).view(np.uint8).astype(np.uint64)
    if b.size == 0:
        return f"{0:016x}"
    powers = np.full(b.size, 31, dtype=np.uint64)
    powers[0] = 1
    with np.errstate(over="ignore"):
        powers = np.cumprod(powers, dtype=np.uint64)[::-1]
        total = int(np.sum(b * powers, dtype=np.uint64))
    return f"{total:016x}"


def row(batch, r):
    out = {"token": batch["sample_tokens"][r]}
    for name in TENSORS:
        out[name] = sha256(batch[name][r])
    # np.asarray: a torch DataLoader turns the ragged rows into tensors (default_convert)
    out["gt_boxes"] = sha256(np.asarray(batch["gt_boxes"][r]).astype("<f4", copy=False))
    out["gt_labels"] = sha256(np.asarray(batch["gt_labels"][r]).astype("<i4", copy=False))
    out["boxes"] = int(len(batch["gt_labels"][r]))
    out["lidar2img_values"] = batch["lidar2img"][r].reshape(-1).tolist()
    return out


def read_torch(path, timeout, rank, world, epochs):
    import torch

    from nuload.torch import RingDataset

    ds = RingDataset(path, timeout=timeout, rank=rank, world_size=world)
    try:
        for epoch in range(epochs):
            ds.set_epoch(epoch)
            for b in torch.utils.data.DataLoader(ds, batch_size=None, num_workers=0):
                assert all(isinstance(b[n], torch.Tensor) for n in TENSORS)
                size = len(b["sample_tokens"])
                arrays = {n: b[n].numpy() for n in TENSORS}
                arrays.update({k: b[k] for k in ("sample_tokens", "gt_boxes", "gt_labels")})
                print(json.dumps({
                    "epoch": b["epoch"],
                    "samples": b["sample_indices"].tolist(),
                    "dtypes": {n: str(arrays[n].dtype) for n in TENSORS},
                    "rows": [row(arrays, r) for r in range(size)],
                }), flush=True)
    finally:
        ds.close()


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("ring")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--checksums", action="store_true")
    p.add_argument("--torch", nargs=3, type=int, metavar=("RANK", "WORLD", "EPOCHS"))
    a = p.parse_args(argv)
    if a.torch:
        read_torch(a.ring, a.timeout, *a.torch)
        return 0
    with RingReader(a.ring, timeout=a.timeout) as reader:
        for b in reader:
            line = {
                "sequence": b.sequence,
                "epoch": b.epoch,
                "index": b.batch_index,
                "size": b.size,
                "end_of_epoch": b.end_of_epoch,
                "samples": b.sample_indices.tolist(),
                "skipped": b.skipped.tolist(),
                "dtypes": {n: str(b[n].dtype) for n in TENSORS},
                "rows": [row(b, r) for r in range(b.size)],
            }
            if a.checksums:
                line["checksums"] = {n: c_checksum(b[n]) for n in TENSORS}
            b.release()
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
