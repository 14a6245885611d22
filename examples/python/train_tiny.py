"""A tiny PyTorch training loop (CPU) fed either by `nuload serve` through the shared-memory ring or
by a plain PyTorch DataLoader running the Python PETR image pipeline, for comparison.

The model is deliberately small (one strided conv per view, pooled, a linear head) and learns to
predict how many GT boxes a sample has: real gradient steps on real batches, so the loop has the
shape of a trainer while the data path dominates.

    # nuload: start the producer, then train from its ring
    ./nuload serve --infos INFOS.arrow --dataroot D --ring /dev/shm/nuload-train --batch-size 2 \\
        --workers 2 --frames 1 --epochs 1 &
    python3 examples/python/train_tiny.py ring --ring /dev/shm/nuload-train

    # the same loop on a PyTorch DataLoader with the Python PETR pipeline (Pillow + numpy)
    python3 examples/python/train_tiny.py dataloader --infos INFOS.arrow --dataroot D \\
        --batch-size 2 --workers 2

`--step-ms T` replaces the model step by a fixed T ms of simulated compute (a trainer whose step
time is known), so the reported data wait is what a faster or slower model would see. The last line
is a JSON summary: steps, samples, seconds, samples/s and the fraction of the time spent waiting for
data (overall, and steady: after the first batch), first and last loss, and peak resident memory of
the trainer process and (DataLoader) of its worker processes.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "python"))
sys.path.insert(0, os.path.join(REPO, "loader-bench", "src", "main", "python"))

MEAN = torch.tensor([103.530, 116.280, 123.675]).view(1, 1, 3, 1, 1)  # B, G, R planes
STD = torch.tensor([57.375, 57.120, 58.395]).view(1, 1, 3, 1, 1)


class TinyDetectorHead(nn.Module):
    """[B, V, 3, H, W] -> predicted box count per sample."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, kernel_size=8, stride=8)
        self.head = nn.Linear(8, 1)

    def forward(self, img):
        b, v = img.shape[:2]
        x = torch.relu(self.conv(img.reshape(b * v, *img.shape[2:])))
        x = x.mean(dim=(2, 3))
        return self.head(x).view(b, v).mean(dim=1)


def as_float(img):
    """uint8 batches (served with --dtype uint8) are normalised here, as a GPU trainer would."""
    if img.dtype == torch.uint8:
        return (img.float() - MEAN) / STD
    return img.float()


def ring_batches(args):
    from nuload.torch import RingDataset

    ds = RingDataset(args.ring, timeout=args.timeout)
    for epoch in range(args.epochs):
        ds.set_epoch(epoch)
        for batch in ds:
            counts = torch.tensor([len(b) for b in batch["gt_boxes"]], dtype=torch.float32)
            yield as_float(batch["img"]), counts


class PetrImages(torch.utils.data.Dataset):
    """One sample of the Python PETR pipeline: 6 camera images decoded, resized, cropped, flipped,
    normalised and padded (nuload_bench.petr_reference), plus its GT box count."""

    def __init__(self, infos_path, dataroot, seed, limit=None):
        from nuload import infos as nuload_infos

        self.infos = nuload_infos.load(infos_path, flavor="petr", dataroot=dataroot)["infos"]
        if limit:
            self.infos = self.infos[:limit]
        self.seed = seed
        self.epoch = 0

    def __len__(self):
        return len(self.infos)

    def __getitem__(self, i):
        from nuload_bench import petr_reference as petr

        info = self.infos[i]
        rng = np.random.default_rng([self.seed, self.epoch, i])
        dims, crop, flip = petr.train_params(rng)
        paths = [cam["data_path"] for cam in info["cams"].values()]
        img = petr.sample_tensor(paths, dims, crop, flip)
        return torch.from_numpy(img), torch.tensor(float(len(info["gt_names"])))


def peak_rss_mib(pid="self"):
    """VmHWM (peak resident set) of a process in MiB, or None where /proc does not tell."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


WORKER_PEAKS = {}  # (epoch, DataLoader worker pid) -> largest VmHWM seen, MiB


def worker_peak_rss_mib():
    """The workers' peaks summed per epoch (each epoch starts new workers), the largest epoch."""
    per_epoch = {}
    for (epoch, _), rss in WORKER_PEAKS.items():
        per_epoch[epoch] = per_epoch.get(epoch, 0.0) + rss
    return max(per_epoch.values()) if per_epoch else None


def dataloader_batches(args):
    ds = PetrImages(args.infos, args.dataroot, args.seed, args.limit)
    for epoch in range(args.epochs):
        ds.epoch = epoch
        loader = torch.utils.data.DataLoader(
            ds, batch_size=args.batch_size, shuffle=True, num_workers=args.workers,
            generator=torch.Generator().manual_seed(args.seed + epoch),
            persistent_workers=False)
        it = iter(loader)
        for batch in it:
            # the workers' peaks, read while they live (they exit with the epoch)
            for w in getattr(it, "_workers", []):
                rss = peak_rss_mib(w.pid)
                if rss is not None:
                    key = (epoch, w.pid)
                    WORKER_PEAKS[key] = max(rss, WORKER_PEAKS.get(key, 0.0))
            yield batch


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="source", required=True)
    r = sub.add_parser("ring", help="batches from a running `nuload serve`")
    r.add_argument("--ring", required=True)
    r.add_argument("--timeout", type=float, default=60)
    d = sub.add_parser("dataloader", help="PyTorch DataLoader with the Python PETR pipeline")
    d.add_argument("--infos", required=True)
    d.add_argument("--dataroot", required=True)
    d.add_argument("--batch-size", type=int, default=2)
    d.add_argument("--workers", type=int, default=2)
    d.add_argument("--limit", type=int, default=None, help="use only the first N samples")
    for q in (r, d):
        q.add_argument("--epochs", type=int, default=1)
        q.add_argument("--seed", type=int, default=0)
        q.add_argument("--step-ms", type=float, default=None,
                       help="simulate a model step of this many ms instead of training")
        q.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    model = TinyDetectorHead()
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    batches = ring_batches(args) if args.source == "ring" else dataloader_batches(args)
    losses, samples, steps, waited = [], 0, 0, 0.0
    first_at, first_size, steady_waited = None, 0, 0.0
    print("train_tiny: waiting for batches", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    while True:
        w0 = time.perf_counter()
        try:
            img, target = next(batches)
        except StopIteration:
            break
        got = time.perf_counter()
        waited += got - w0
        if first_at is None:
            first_at, first_size = got, img.shape[0]
        else:
            steady_waited += got - w0
        if args.step_ms is not None:
            time.sleep(args.step_ms / 1000)
        else:
            loss = nn.functional.mse_loss(model(img), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss))
            if not args.quiet:
                print(f"step {steps}: batch {tuple(img.shape)}, loss {losses[-1]:.4f}", flush=True)
        samples += img.shape[0]
        steps += 1
    end = time.perf_counter()
    seconds = end - t0
    summary = {
        "source": args.source, "steps": steps, "samples": samples, "seconds": seconds,
        "samples_per_s": samples / seconds if seconds > 0 else 0.0,
        "wait_fraction": waited / seconds if seconds > 0 else 0.0,
        # after the first batch: start-up (workers, first decode, ring attach) left out
        "steady_samples_per_s": ((samples - first_size) / (end - first_at)
                                 if first_at is not None and samples > first_size else 0.0),
        "steady_wait_fraction": (steady_waited / (end - first_at)
                                 if first_at is not None and end > first_at else 0.0),
        "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None,
        # memory: this (trainer) process, and the DataLoader's worker processes summed (each
        # process's own resident set, shared pages counted in each, as top shows them)
        "peak_rss_mib": peak_rss_mib(),
        "worker_peak_rss_mib": worker_peak_rss_mib(),
    }
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
