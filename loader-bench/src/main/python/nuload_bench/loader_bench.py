"""Time to first batch and steady samples/s of ``nuload.torch.Loader`` and of a PyTorch DataLoader
over the Python reference pipeline, one after the other in this one process (``nuload bench``,
serve stage; data only: no model step, so the time between batches is the loader's).

    python3 loader-bench/src/main/python/nuload_bench/loader_bench.py --infos INFOS.arrow \\
        --dataroot D [--config petrv1] [--batch-size 2] [--workers 2] [--samples 10] \\
        [--train | --eval] [--mode exact|fast] [--dtype float32|float16|uint8]

1. nuload: ``Loader(..., structure="mmdet3d")`` is constructed, iterated for the first batch (the
   server's start is in that time: launcher, JVM, reading the info file, the first decode), then for
   ``--samples`` more batches; the peak resident set of its ``nuload serve`` child (VmHWM of
   ``loader.server_pid``) is read before the loader is closed.
2. DataLoader: the dataset (the info file loaded by ``nuload.infos``) and a
   ``torch.utils.data.DataLoader`` with ``num_workers=--workers`` processes running
   ``nuload_bench.petr_reference`` (Pillow + numpy: decode, resize, crop, flip, normalise, pad,
   the ``lidar2img`` geometry and the GT filter) with an mmdet3d-like collate are built and
   iterated the same way; its workers' peak resident sets are summed.

Before either, untimed: the launcher is run once (``nuload --version``: it builds the jar when the
sources changed and records the JVM start-up cache), and every camera file of the info file is read
once, so that both start with a warm page cache. The peak resident set of this (trainer) process is
reset before each loader (``/proc/self/clear_refs``, where the kernel allows it: else the
DataLoader's figure is the peak of both). Resident sets count shared pages in each process, as
``top`` shows them; forked DataLoader workers count the pages they inherited from the trainer.

The last line printed is one JSON object: the settings, ``nuload`` and ``dataloader`` (each
``first_batch_s``, ``steady_samples_per_s``, ``batches``, ``samples``, ``trainer_peak_rss_mib`` and
``server_peak_rss_mib`` / ``workers_peak_rss_mib``), and the ratios ``steady_ratio`` (nuload over
the DataLoader) and ``first_batch_ratio`` (the DataLoader's time to first batch over nuload's).
"""

import argparse
import gc
import itertools
import json
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[4]
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("NULOAD_HOME", str(REPO))  # the checkout this script belongs to

import numpy as np  # noqa: E402
import torch  # noqa: E402

import nuload.config  # noqa: E402
import nuload.infos  # noqa: E402
from nuload import server as nuload_server  # noqa: E402
from nuload.torch import Loader  # noqa: E402
from nuload_bench import petr_reference as petr  # noqa: E402


def vm_hwm_mib(pid="self"):
    """VmHWM (peak resident set) of a process in MiB, or None where /proc does not tell."""
    return petr.vm_hwm_kib(pid) / 1024 or None


def reset_peak_rss():
    """Resets this process's VmHWM to its current resident set; False where the kernel refuses."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class ReferenceDataset(torch.utils.data.Dataset):
    """One sample of the Python reference pipeline in the structure ``nuload.batches`` builds: the
    image tensor [V, 3, H, W], fresh metas (lidar2img, intrinsics, extrinsics, shapes, timestamps),
    bottom-centre GT boxes [N, 9] float32 and int64 labels (training only)."""

    def __init__(self, infos, dataroot, pipeline, train, seed):
        if pipeline["frames"] != 1:
            raise ValueError(f"the reference DataLoader serves one frame; {pipeline['name']} has "
                             f"{pipeline['frames']}")
        self.infos = nuload.infos.load(infos, flavor="petr", dataroot=dataroot)["infos"]
        self.pipeline, self.train, self.seed, self.epoch = pipeline, train, seed, 0
        self.cfg = petr.PipelineConfig.from_pipeline(pipeline)
        self.grst = pipeline["global_rot_scale_trans"]

    def __len__(self):
        return len(self.infos)

    def __getitem__(self, i):
        info, cfg = self.infos[i], self.cfg
        rotation, scale = 0.0, 1.0
        if self.train:
            rng = np.random.default_rng([self.seed, self.epoch, i])
            aug = petr.train_augmentation(rng, cfg)
            rotation = float(rng.uniform(*self.grst["rot_range"]))
            scale = float(rng.uniform(*self.grst["scale_ratio_range"]))
        else:
            aug = petr.test_augmentation(cfg)
        views = [info["cams"][c] for c in self.pipeline["cameras"]]
        img = petr.sample_tensor([v["data_path"] for v in views], aug["resize_dims"], aug["crop"],
                                 aug["flip"], cfg=cfg)
        intrinsics, lidar2img = petr.geometry(views, aug, rotation, scale)
        h, w = cfg.final_dim
        meta = {"sample_idx": info["token"], "ori_shape": (cfg.H, cfg.W, 3, len(views)),
                "img_shape": [(h, w, 3)] * len(views),
                "pad_shape": [(img.shape[2], img.shape[3], 3)] * len(views), "scale_factor": 1.0,
                "lidar2img": list(lidar2img), "intrinsics": list(intrinsics),
                "extrinsics": [petr.view_matrices(v)[1] for v in views],
                "timestamp": [(info["timestamp"] - v["timestamp"]) / 1e6 for v in views],
                "box_type_3d": "LiDAR"}
        if not self.train:
            return torch.from_numpy(img), meta
        boxes, labels = self._targets(info, rotation, scale)
        return torch.from_numpy(img), meta, boxes, labels

    def _targets(self, info, rotation, scale):
        """get_ann_info, ObjectRangeFilter and ObjectNameFilter (as PetrTargets), then the boxes
        rotated and scaled as GlobalRotScaleTransImage moves the points."""
        classes, r = self.pipeline["class_names"], self.pipeline["point_cloud_range"]
        gt = np.asarray(info.get("gt_boxes", np.zeros((0, 7))), dtype=np.float64).reshape(-1, 7)
        vel = np.nan_to_num(np.asarray(info.get("gt_velocity", np.zeros((0, 2)))).reshape(-1, 2))
        names = list(info.get("gt_names", []))
        keep = (np.asarray(info.get("valid_flag", np.zeros(0, bool)), dtype=bool)
                & (gt[:, 0] > r[0]) & (gt[:, 1] > r[1]) & (gt[:, 0] < r[3]) & (gt[:, 1] < r[4])
                & np.array([n in classes for n in names], dtype=bool).reshape(-1))
        boxes = np.concatenate([gt, vel], axis=1)[keep]
        boxes[:, 2] -= boxes[:, 5] / 2
        c, s = np.cos(rotation), np.sin(rotation)
        rot = np.array([[c, -s], [s, c]])
        boxes[:, 0:2] = boxes[:, 0:2] @ rot.T * scale
        boxes[:, 7:9] = boxes[:, 7:9] @ rot.T * scale
        boxes[:, 2:6] *= scale
        boxes[:, 6] += rotation
        labels = [classes.index(n) for n, k in zip(names, keep) if k]
        return (torch.from_numpy(boxes.astype(np.float32)),
                torch.tensor(labels, dtype=torch.int64))


def collate_train(samples):
    """What mmdet3d's forward_train receives after scatter (nuload.batches.mmdet3d_train)."""
    return {"img": torch.stack([s[0] for s in samples]), "img_metas": [s[1] for s in samples],
            "gt_bboxes_3d": [s[2] for s in samples], "gt_labels_3d": [s[3] for s in samples]}


def collate_test(samples):
    """The evaluation structure img=[tensor], img_metas=[[dict, ...]] (nuload.batches.mmdet3d_test)."""
    return {"img": [torch.stack([s[0] for s in samples])], "img_metas": [[s[1] for s in samples]]}


def batch_samples(data):
    img = data["img"]
    return (img[0] if isinstance(img, list) else img).shape[0]


def timed(t0, it, batches):
    """Takes the first batch and then up to ``batches`` more from ``it``: the time to the first
    batch from t0, the steady samples/s after it, and the batches and samples after it."""
    next(it)
    first = time.perf_counter()
    n = samples = 0
    for data in itertools.islice(it, max(0, batches)):
        samples += batch_samples(data)
        n += 1
    end = time.perf_counter()
    return {"first_batch_s": first - t0,
            "steady_samples_per_s": samples / (end - first) if samples and end > first else 0.0,
            "batches": n, "samples": samples}


def run_nuload(a, pipeline):
    reset = reset_peak_rss()
    t0 = time.perf_counter()
    loader = Loader(a.infos, a.dataroot, config=pipeline, batch_size=a.batch_size, workers=a.workers,
                    train=a.train, epochs=1, seed=a.seed, mode=a.mode, dtype=a.dtype,
                    structure="mmdet3d")
    try:
        out = timed(t0, iter(loader), min(a.samples, len(loader) - 1))
        out["server_peak_rss_mib"] = vm_hwm_mib(loader.server_pid)
    finally:
        loader.close()
    out["trainer_peak_rss_mib"] = vm_hwm_mib()
    out["trainer_peak_reset"] = reset
    return out


def run_dataloader(a, pipeline):
    reset = reset_peak_rss()
    t0 = time.perf_counter()
    ds = ReferenceDataset(a.infos, a.dataroot, pipeline, a.train, a.seed)
    loader = torch.utils.data.DataLoader(
        ds, batch_size=a.batch_size, shuffle=a.train, num_workers=a.workers,
        collate_fn=collate_train if a.train else collate_test,
        generator=torch.Generator().manual_seed(a.seed))
    it = iter(loader)
    out = timed(t0, it, min(a.samples, len(loader) - 1))
    peaks = [vm_hwm_mib(w.pid) for w in getattr(it, "_workers", [])]
    out["workers_peak_rss_mib"] = sum(peaks) if peaks and None not in peaks else None
    del it
    gc.collect()
    out["trainer_peak_rss_mib"] = vm_hwm_mib()
    out["trainer_peak_reset"] = reset
    return out


def warm_up(a, pipeline):
    """Untimed: the launcher once (a stale jar is built here, not in the first batch) and every
    camera file read once (page cache)."""
    subprocess.run(nuload_server.find_launcher() + ["--version"], check=True, timeout=1800,
                   stdout=subprocess.DEVNULL)
    for info in nuload.infos.load(a.infos, flavor="petr", dataroot=a.dataroot)["infos"]:
        for cam in pipeline["cameras"]:
            with open(info["cams"][cam]["data_path"], "rb") as f:
                while f.read(1 << 20):
                    pass


def ratio(a, b):
    return a / b if a and b else None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--infos", required=True)
    p.add_argument("--dataroot", required=True)
    p.add_argument("--config", default="petrv1", help="preset name or config file (default petrv1)")
    p.add_argument("--batch-size", type=int, default=2)
    p.add_argument("--workers", type=int, default=2,
                   help="nuload decode threads and DataLoader worker processes (default 2)")
    p.add_argument("--samples", type=int, default=10,
                   help="batches measured after the first one (at most an epoch's; default 10)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--train", dest="train", action="store_true", default=True,
                   help="training pipeline: augmentation, shuffle (default)")
    g.add_argument("--eval", dest="train", action="store_false", help="test pipeline, in order")
    p.add_argument("--mode", choices=("exact", "fast"), default="exact")
    p.add_argument("--dtype", choices=("float32", "float16", "uint8"), default="float32")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    if a.samples < 1 or a.batch_size < 1 or a.workers < 1:
        p.error("--samples, --batch-size and --workers must be at least 1")
    pipeline = nuload.config.load(a.config)
    warm_up(a, pipeline)
    nl = run_nuload(a, pipeline)
    dl = run_dataloader(a, pipeline)
    summary = {"config": pipeline["name"], "batch_size": a.batch_size, "workers": a.workers,
               "train": a.train, "mode": a.mode, "dtype": a.dtype, "nuload": nl, "dataloader": dl,
               "steady_ratio": ratio(nl["steady_samples_per_s"], dl["steady_samples_per_s"]),
               "first_batch_ratio": ratio(dl["first_batch_s"], nl["first_batch_s"])}
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
