"""Trains a small PETR-shaped detector on CPU, fed by nuload (default) or by a PyTorch DataLoader.

The model is real and small: a ResNet-18 trunk (the torchvision architecture, written out here so
the example needs torch alone; random initialisation, nothing is downloaded) over every camera view,
and a light head that embeds each camera's pose from ``img_metas[b]['lidar2img']`` (its centre and
viewing direction in the lidar frame) and predicts, per sample, how many GT boxes of each class there
are (``log1p`` of the counts, a smooth-L1 loss). Training runs real gradient steps on real batches in
the mmdet3d structure, so switching the data source is the one-line change a PETR user makes:

    loader = Loader(infos, dataroot, config=PIPELINE, batch_size=B, workers=W)   # nuload
    loader = reference_loader(infos, dataroot, PIPELINE, B, W)                   # DataLoader

    python3 examples/python/train_petr_tiny.py --infos INFOS.arrow --dataroot D --steps 300
    python3 examples/python/train_petr_tiny.py --infos INFOS.arrow --dataroot D --steps 300 --dataloader

The pipeline is PETR with six views at a user-chosen ``final_dim`` of 128x352 (padded by 32: no
padding needed), to keep a CPU step short; nuload honours it like any config. The last line printed
is a JSON summary: steps, samples, seconds, samples/s, the mean loss of the first and of the last
tenth of the steps.
"""

import argparse
import json
import math
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

import nuload.config  # noqa: E402
import nuload.infos  # noqa: E402

PIPELINE = nuload.config.load("petrv1")
PIPELINE["name"] = "petr_resnet18_tiny_128x352"
PIPELINE["ida_aug_conf"] = dict(PIPELINE["ida_aug_conf"], final_dim=[128, 352], resize_lim=[0.22, 0.28])
PIPELINE = nuload.config.load(PIPELINE)  # checked like a user's config


# ---- the model -------------------------------------------------------------------------------

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.down is None else self.down(x)))


class ResNet18Trunk(nn.Module):
    """ResNet-18 up to its last stage (stride 32, 512 channels)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                                  nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(self.stem(x))


def camera_rays(img_metas):
    """Per sample and view: the camera centre and viewing direction in the lidar frame, from the
    inverse of ``lidar2img`` (what PETR's position embedding inverts too). [B, V, 6]."""
    out = []
    for meta in img_metas:
        rays = []
        for m in meta["lidar2img"]:
            inv = np.linalg.inv(m)
            centre = inv @ np.array([0.0, 0.0, 0.0, 1.0])
            ahead = inv @ np.array([0.0, 0.0, 1.0, 1.0])  # a pixel at depth 1 in front of the camera
            centre, ahead = centre[:3] / centre[3], ahead[:3] / ahead[3]
            direction = (ahead - centre) / np.linalg.norm(ahead - centre)
            rays.append(np.concatenate([centre, direction]))
        out.append(rays)
    return torch.tensor(np.array(out), dtype=torch.float32)


class TinyPetr(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.trunk = ResNet18Trunk()
        self.camera = nn.Sequential(nn.Linear(6, 64), nn.ReLU(), nn.Linear(64, 512))
        self.head = nn.Sequential(nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, classes))

    def forward(self, img, img_metas):
        b, v = img.shape[:2]
        features = self.trunk(img.reshape(b * v, *img.shape[2:])).mean(dim=(2, 3)).view(b, v, -1)
        features = features + self.camera(camera_rays(img_metas))
        return self.head(features.mean(dim=1))


def targets(gt_labels_3d, classes):
    """log1p of the per-class GT box counts of each sample: [B, classes]."""
    counts = torch.stack([torch.bincount(l, minlength=classes)[:classes] for l in gt_labels_3d])
    return torch.log1p(counts.to(torch.float32))


# ---- the DataLoader baseline: the Python reference pipeline in worker processes ----------------

class ReferencePetr(torch.utils.data.Dataset):
    """One sample of the Python PETR pipeline (Pillow + numpy, ``nuload_bench.petr_reference``) in
    the same structure: image tensor, ``lidar2img`` per view, class indices of the kept GT boxes."""

    def __init__(self, infos, dataroot, pipeline, seed=0):
        from nuload_bench import petr_reference as petr

        self.petr = petr
        self.infos = nuload.infos.load(infos, flavor="petr", dataroot=dataroot)["infos"]
        self.cfg = petr.PipelineConfig.from_pipeline(pipeline)
        self.classes = list(pipeline["class_names"])
        self.range = np.array(pipeline["point_cloud_range"], dtype=np.float64)
        self.seed, self.epoch = seed, 0

    def __len__(self):
        return len(self.infos)

    def __getitem__(self, i):
        info = self.infos[i]
        aug = self.petr.train_augmentation(np.random.default_rng([self.seed, self.epoch, i]), self.cfg)
        views = list(info["cams"].values())
        img = self.petr.sample_tensor([v["data_path"] for v in views], aug["resize_dims"], aug["crop"],
                                      aug["flip"], cfg=self.cfg)
        _, lidar2img = self.petr.geometry(views, aug)
        boxes = np.asarray(info["gt_boxes"], dtype=np.float64).reshape(-1, 7)
        keep = (np.asarray(info["valid_flag"], dtype=bool)
                & (boxes[:, 0] > self.range[0]) & (boxes[:, 1] > self.range[1])
                & (boxes[:, 0] < self.range[3]) & (boxes[:, 1] < self.range[4]))
        labels = [self.classes.index(n) for n, k in zip(info["gt_names"], keep) if k and n in self.classes]
        return torch.from_numpy(img), list(lidar2img), torch.tensor(labels, dtype=torch.int64)


def collate(samples):
    return {"img": torch.stack([s[0] for s in samples]),
            "img_metas": [{"lidar2img": s[1]} for s in samples],
            "gt_labels_3d": [s[2] for s in samples]}


def reference_batches(args):
    ds = ReferencePetr(args.infos, args.dataroot, PIPELINE, args.seed)
    for epoch in range(10 ** 6):
        ds.epoch = epoch
        yield from torch.utils.data.DataLoader(
            ds, batch_size=args.batch_size, shuffle=True, num_workers=args.workers, collate_fn=collate,
            generator=torch.Generator().manual_seed(args.seed + epoch))


def nuload_batches(args):
    from nuload.torch import Loader

    with Loader(args.infos, args.dataroot, config=PIPELINE, batch_size=args.batch_size,
                workers=args.workers, seed=args.seed) as loader:
        for epoch in range(10 ** 6):
            loader.set_epoch(epoch)
            yield from loader


# ---- training --------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--infos", required=True)
    p.add_argument("--dataroot", required=True)
    p.add_argument("--dataloader", action="store_true",
                   help="feed the model from a PyTorch DataLoader running the Python pipeline")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    classes = len(PIPELINE["class_names"])
    model = TinyPetr(classes)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    batches = reference_batches(args) if args.dataloader else nuload_batches(args)
    losses, samples = [], 0
    t0 = time.perf_counter()
    for step, data in zip(range(args.steps), batches):
        loss = nn.functional.smooth_l1_loss(model(data["img"], data["img_metas"]),
                                            targets(data["gt_labels_3d"], classes))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        samples += data["img"].shape[0]
        if not args.quiet:
            print(f"step {step}: loss {losses[-1]:.4f}", flush=True)
    batches.close()
    seconds = time.perf_counter() - t0
    tenth = max(1, math.ceil(len(losses) / 10))
    summary = {"source": "dataloader" if args.dataloader else "nuload", "steps": len(losses),
               "samples": samples, "seconds": round(seconds, 2),
               "samples_per_s": round(samples / seconds, 2) if seconds > 0 else 0.0,
               "first_loss": float(np.mean(losses[:tenth])), "last_loss": float(np.mean(losses[-tenth:]))}
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
