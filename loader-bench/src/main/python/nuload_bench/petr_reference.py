"""Reference PETR / PETRv2 image pipeline in Pillow + numpy (nuload spec part B, 3.3.1 and 3.3.6-3.3.9).

It does what the PETR repository's transforms do, in the same order and with the same libraries:
``LoadMultiViewImageFromFiles(to_float32=True)`` (decode to B,G,R uint8 -> float32; OpenCV is not
installed here, so the JPEG is decoded by Pillow's bundled libjpeg-turbo with the same defaults,
accurate integer IDCT and smooth chroma upsampling, and the channels are reversed),
``ResizeCropFlipImage`` (``Image.fromarray(uint8)`` -> ``resize`` with BICUBIC, Pillow's default for
RGB since 7.0 -> ``crop`` -> optional ``FLIP_LEFT_RIGHT`` -> ``rotate(0)`` -> float32),
``NormalizeMultiviewImage`` (float32 ``(x - mean) * (1 / std)``) and ``PadMultiViewImage`` (zeros to
a multiple of the divisor), then stacks CHW. The geometry of ``ResizeCropFlipImage`` (the ida
matrix on the intrinsics, ``lidar2img = intrinsics @ extrinsics.T``) and of
``GlobalRotScaleTransImage`` is here too, in float64 numpy, from the info's ``cam_intrinsic`` and
``sensor2lidar_*`` as PETR's ``get_data_info`` builds them.

The sizes, ranges and normalisation come from a ``PipelineConfig`` (the image keys of a
``nuload-pipeline/1`` config, docs/format/pipeline-config.md); every function defaults to
``PETRV2`` (PETRv2 800x320), the module constants below.

Used by the Java parity tests (``compare``, ``parity``) and as the Python side of ``nuload bench``
(``bench``).

Usage:
  python3 petr_reference.py compare --java OUT.npy --resize W H --crop L T R B [--flip]
          [--normalized] [--config CFG.json] IMAGE...
  python3 petr_reference.py parity --job JOB.json
  python3 petr_reference.py bench --images LIST.txt --samples N --views V --processes P --seed S
"""

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

import numpy as np
from PIL import Image

MEAN = (103.530, 116.280, 123.675)
STD = (57.375, 57.120, 58.395)
FINAL_H, FINAL_W = 320, 800
SRC_H, SRC_W = 900, 1600
RESIZE_LIM = (0.47, 0.625)


@dataclass(frozen=True)
class PipelineConfig:
    """The image settings of a PETR pipeline: ``ida_aug_conf`` (``final_dim`` is (fH, fW)),
    ``img_norm_cfg`` and ``PadMultiViewImage.size_divisor``. The defaults are PETRv2 800x320."""

    final_dim: tuple = (FINAL_H, FINAL_W)
    resize_lim: tuple = RESIZE_LIM
    bot_pct_lim: tuple = (0.0, 0.0)
    rand_flip: bool = True
    H: int = SRC_H
    W: int = SRC_W
    mean: tuple = MEAN
    std: tuple = STD
    to_rgb: bool = False
    size_divisor: int = 32

    @classmethod
    def from_pipeline(cls, cfg):
        """From a ``nuload-pipeline/1`` config (a dict, or the path of its .json), with the
        format's defaults for the keys it leaves out."""
        if not isinstance(cfg, dict):
            with open(cfg) as f:
                cfg = json.load(f)
        ida = cfg["ida_aug_conf"]
        norm = cfg["img_norm_cfg"]
        return cls(final_dim=tuple(ida["final_dim"]), resize_lim=tuple(ida["resize_lim"]),
                   bot_pct_lim=tuple(ida.get("bot_pct_lim", (0.0, 0.0))),
                   rand_flip=bool(ida.get("rand_flip", False)),
                   H=int(ida.get("H", 900)), W=int(ida.get("W", 1600)),
                   mean=tuple(norm["mean"]), std=tuple(norm["std"]),
                   to_rgb=bool(norm.get("to_rgb", False)),
                   size_divisor=int(cfg.get("size_divisor", 32)))


PETRV2 = PipelineConfig()


def load_bgr_float32(path):
    """``mmcv.imread(path, 'unchanged')`` then ``astype(np.float32)``: H x W x 3, B,G,R."""
    with Image.open(path) as im:
        rgb = np.asarray(im.convert("RGB"))
    return rgb[:, :, ::-1].astype(np.float32)


def resize_crop_flip(img, resize_dims, crop, flip, rotate=0):
    """PETR ``ResizeCropFlipImage._img_transform`` on one float32 image (values integral)."""
    pil = Image.fromarray(np.uint8(img))
    pil = pil.resize(resize_dims, Image.Resampling.BICUBIC)
    pil = pil.crop(crop)
    if flip:
        pil = pil.transpose(method=Image.Transpose.FLIP_LEFT_RIGHT)
    pil = pil.rotate(rotate)
    return np.array(pil).astype(np.float32)


def normalize(img, mean=MEAN, std=STD, to_rgb=False):
    """``mmcv.imnormalize``: float32 ``(x - mean) * (1 / std)``, after B,G,R -> R,G,B when
    ``to_rgb``."""
    m = np.asarray(mean, dtype=np.float64).astype(np.float32)
    inv = (1.0 / np.asarray(std, dtype=np.float64)).astype(np.float32)
    if to_rgb:
        img = img[:, :, ::-1]
    return (img - m) * inv


def pad(img, divisor=32):
    """``PadMultiViewImage(size_divisor)``: zeros at the bottom and right."""
    h, w = img.shape[:2]
    ph = -(-h // divisor) * divisor
    pw = -(-w // divisor) * divisor
    if (ph, pw) == (h, w):
        return img
    out = np.zeros((ph, pw, img.shape[2]), dtype=img.dtype)
    out[:h, :w] = img
    return out


def augmentation(resize, crop_w, flip, cfg=PETRV2, bot_pct=0.0):
    """``ResizeCropFlipImage`` parameters from the resize ratio, the crop's left edge, the flip and
    the bottom-crop fraction: dict(resize, resize_dims, crop, flip)."""
    f_h, f_w = cfg.final_dim
    new_w, new_h = int(cfg.W * resize), int(cfg.H * resize)
    crop_h = int((1 - bot_pct) * new_h) - f_h
    return {"resize": resize, "resize_dims": (new_w, new_h),
            "crop": (crop_w, crop_h, crop_w + f_w, crop_h + f_h), "flip": bool(flip)}


def train_augmentation(rng, cfg=PETRV2):
    """One ``ResizeCropFlipImage`` draw in training mode (spec 3.3.6): resize ratio, bottom-crop
    fraction, crop offset, flip, in that order."""
    f_w = cfg.final_dim[1]
    r = rng.uniform(*cfg.resize_lim)
    new_w = int(cfg.W * r)
    bot_pct = rng.uniform(*cfg.bot_pct_lim)
    crop_w = int(rng.uniform(0, max(0, new_w - f_w)))
    flip = bool(cfg.rand_flip and rng.choice([0, 1]))
    return augmentation(r, crop_w, flip, cfg, bot_pct)


def test_augmentation(cfg=PETRV2):
    """The fixed test-mode parameters (spec 3.3.6): r = max(fH/H, fW/W), bottom crop at the mean
    of bot_pct_lim, centred horizontally, no flip."""
    f_h, f_w = cfg.final_dim
    r = max(f_h / cfg.H, f_w / cfg.W)
    crop_w = int(max(0, int(cfg.W * r) - f_w) / 2)
    return augmentation(r, crop_w, False, cfg, float(np.mean(cfg.bot_pct_lim)))


def train_params(rng, cfg=PETRV2):
    """One training draw as ``(resize_dims, crop, flip)``."""
    a = train_augmentation(rng, cfg)
    return a["resize_dims"], a["crop"], a["flip"]


def test_params(cfg=PETRV2):
    """The test-mode parameters as ``(resize_dims, crop, flip)``."""
    a = test_augmentation(cfg)
    return a["resize_dims"], a["crop"], a["flip"]


def sample_tensor(paths, resize_dims, crop, flip, normalized=True, cfg=PETRV2):
    """The per-sample image pipeline: [V, 3, H, W] float32 (normalised and padded), or the 8-bit
    values of the crop as float32 when not ``normalized``."""
    views = []
    for p in paths:
        img = resize_crop_flip(load_bgr_float32(p), resize_dims, crop, flip)
        if normalized:
            img = pad(normalize(img, cfg.mean, cfg.std, cfg.to_rgb), cfg.size_divisor)
        views.append(img)
    return np.ascontiguousarray(np.stack(views).transpose(0, 3, 1, 2))


def ida_matrix(resize, crop, flip):
    """The 3x3 image-augmentation matrix of ``ResizeCropFlipImage`` (BEVDet construction, rot 0):
    scale by r, shift by the crop, mirror about the crop's width."""
    a = np.eye(2) * resize
    b = -np.array(crop[:2], dtype=np.float64)
    if flip:
        m = np.array([[-1.0, 0.0], [0.0, 1.0]])
        a = m @ a
        b = m @ b + np.array([crop[2] - crop[0], 0.0])
    ida = np.eye(3)
    ida[:2, :2] = a
    ida[:2, 2] = b
    return ida


def view_matrices(view):
    """PETR ``get_data_info`` for one camera: (intrinsics 4x4, extrinsics 4x4) from the info's
    ``cam_intrinsic`` and ``sensor2lidar_rotation/translation``, or the view's own
    ``intrinsics``/``extrinsics`` (past camera frames carry them in the info)."""
    if "intrinsics" in view:
        return (np.array(view["intrinsics"], dtype=np.float64).reshape(4, 4),
                np.array(view["extrinsics"], dtype=np.float64).reshape(4, 4))
    rot = np.array(view["sensor2lidar_rotation"], dtype=np.float64).reshape(3, 3)
    lidar2cam_r = np.linalg.inv(rot)
    lidar2cam_t = np.array(view["sensor2lidar_translation"], dtype=np.float64) @ lidar2cam_r.T
    lidar2cam_rt = np.eye(4)
    lidar2cam_rt[:3, :3] = lidar2cam_r.T
    lidar2cam_rt[3, :3] = -lidar2cam_t
    viewpad = np.eye(4)
    viewpad[:3, :3] = np.array(view["cam_intrinsic"], dtype=np.float64).reshape(3, 3)
    return viewpad, lidar2cam_rt


def geometry(views, aug, rotation=0.0, scale=1.0):
    """(intrinsics [V,4,4], lidar2img [V,4,4]) after ``ResizeCropFlipImage`` and, for a rotation
    or scale, ``GlobalRotScaleTransImage`` (``lidar2img @ inv(Rz) @ inv(S)``)."""
    ida = ida_matrix(aug["resize"], aug["crop"], aug["flip"])
    c, s = np.cos(rotation), np.sin(rotation)
    rz = np.array([[c, -s, 0, 0], [s, c, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], dtype=np.float64)
    sc = np.diag([scale, scale, scale, 1.0])
    intrinsics, lidar2img = [], []
    for v in views:
        k, e = view_matrices(v)
        k = k.copy()
        k[:3, :3] = ida @ k[:3, :3]
        l2i = k @ e.T
        if rotation != 0.0 or scale != 1.0:
            l2i = l2i @ np.linalg.inv(rz) @ np.linalg.inv(sc)
        intrinsics.append(k)
        lidar2img.append(l2i)
    return np.stack(intrinsics), np.stack(lidar2img)


def cmd_compare(a):
    cfg = PipelineConfig.from_pipeline(a.config) if a.config else PETRV2
    want_u8 = sample_tensor(a.images, tuple(a.resize), tuple(a.crop), a.flip, normalized=False)
    got = np.load(a.java)
    if got.shape != want_u8.shape and not a.normalized:
        print(json.dumps({"error": f"shape {got.shape} != {want_u8.shape}"}))
        return 1
    if a.normalized:
        want = sample_tensor(a.images, tuple(a.resize), tuple(a.crop), a.flip, True, cfg)
        if got.shape != want.shape:
            print(json.dumps({"error": f"shape {got.shape} != {want.shape}"}))
            return 1
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        limit = 1.0 / min(cfg.std) + 1e-5
    else:
        diff = np.abs(got.astype(np.int32) - want_u8.astype(np.int32))
        limit = 1
    report = {
        "max_abs": float(diff.max()),
        "mean_abs": float(diff.mean()),
        "pixels_off": int((diff > 0).sum()),
        "elements": int(diff.size),
        "limit": limit,
    }
    print(json.dumps(report))
    return 0 if report["max_abs"] <= limit else 1


def _max_rel(got, want):
    return float((np.abs(got - want) / np.maximum(1.0, np.abs(want))).max())


def cmd_parity(a):
    """One sample of the Java pipeline against this reference. The job holds the config, the mode,
    the views (image path and calibration as the info has it), the Java sample's metas (the fields
    of ``nuload preview``'s meta.json) and the path of its image tensor (.npy). Test mode: the
    reference computes the parameters from the config; training: it takes the resize ratio, crop
    offset, flip, rotation and scale from the metas and derives the rest. Checked: the resize
    size, crop and flip, the normalised padded float32 tensor (must be identical) and the
    intrinsics and lidar2img (relative 1e-12)."""
    with open(a.job) as f:
        job = json.load(f)
    cfg = PipelineConfig.from_pipeline(job["config"])
    meta = job["meta"]
    given = meta["augmentation"]
    if job["mode"] == "test":
        aug = test_augmentation(cfg)
        rotation, scale = 0.0, 1.0
    else:
        aug = augmentation(given["resize"], given["crop"][0], given["flip"], cfg,
                           job.get("bot_pct", 0.0))
        rotation, scale = given["rot_angle"], given["scale_ratio"]
    report = {"resize_dims": list(aug["resize_dims"]), "crop": list(aug["crop"]),
              "flip": aug["flip"], "rot_angle": rotation, "scale_ratio": scale}
    problems = [f"{key}: java {given[key]}, reference {report[key]}"
                for key in ("resize_dims", "crop", "flip", "rot_angle", "scale_ratio")
                if report[key] != given[key]]
    want = sample_tensor([v["path"] for v in job["views"]], aug["resize_dims"], aug["crop"],
                         aug["flip"], True, cfg)
    got = np.load(job["img"])
    report["shape"] = list(want.shape)
    if got.shape != want.shape:
        problems.append(f"img shape: java {list(got.shape)}, reference {list(want.shape)}")
    else:
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        report["img_elements_differing"] = int((diff > 0).sum())
        report["img_max_abs"] = float(diff.max())
        if report["img_elements_differing"]:
            problems.append(f"img: {report['img_elements_differing']} elements differ")
    intrinsics, lidar2img = geometry(job["views"], aug, rotation, scale)
    for name, want_m in (("intrinsics", intrinsics), ("lidar2img", lidar2img)):
        got_m = np.array(meta[name], dtype=np.float64)
        if got_m.shape != want_m.shape:
            problems.append(f"{name}: java shape {list(got_m.shape)}, reference "
                            f"{list(want_m.shape)}")
            continue
        report[name + "_max_rel"] = _max_rel(got_m, want_m)
        if report[name + "_max_rel"] > 1e-12:
            problems.append(f"{name}: relative difference {report[name + '_max_rel']:.3g}")
    report["problems"] = problems
    print(json.dumps(report))
    return 1 if problems else 0


def _bench_worker(args):
    paths, samples, views, seed, wid = args
    rng = np.random.default_rng(seed + wid)
    n = 0
    for i in range(samples):
        start = (i * views) % len(paths)
        sel = [paths[(start + k) % len(paths)] for k in range(views)]
        resize_dims, crop, flip = train_params(rng)
        t = sample_tensor(sel, resize_dims, crop, flip)
        n += t.shape[0]
    return n, vm_hwm_kib()


def vm_hwm_kib(pid="self"):
    """Peak RSS of a process (default: this one) from /proc, 0 where it does not tell (ru_maxrss is
    not used: a process started by a JVM inherits the JVM's high-water mark there, and a forked
    worker its parent's)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmd_bench(a):
    with open(a.images) as f:
        paths = [line.strip() for line in f if line.strip()]
    per = [a.samples // a.processes + (1 if w < a.samples % a.processes else 0)
           for w in range(a.processes)]
    jobs = [(paths, per[w], a.views, a.seed, w) for w in range(a.processes)]
    t0 = time.perf_counter()
    if a.processes == 1:
        results = [_bench_worker(jobs[0])]
    else:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(a.processes) as pool:
            results = pool.map(_bench_worker, jobs)
    secs = time.perf_counter() - t0
    images = sum(n for n, _ in results)
    # the parent plus the largest worker (a single process is its own worker)
    worker_kib = max(k for _, k in results)
    rss_kib = worker_kib if a.processes == 1 else vm_hwm_kib() + worker_kib
    print(json.dumps({"samples": a.samples, "images": images, "seconds": secs,
                      "samples_per_s": a.samples / secs, "images_per_s": images / secs,
                      "peak_rss_kib": rss_kib}))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--java", required=True)
    c.add_argument("--resize", nargs=2, type=int, required=True)
    c.add_argument("--crop", nargs=4, type=int, required=True)
    c.add_argument("--flip", action="store_true")
    c.add_argument("--normalized", action="store_true")
    c.add_argument("--config", help="nuload-pipeline/1 .json (default: PETRv2 800x320)")
    c.add_argument("images", nargs="+")
    q = sub.add_parser("parity")
    q.add_argument("--job", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--images", required=True)
    b.add_argument("--samples", type=int, default=8)
    b.add_argument("--views", type=int, default=12)
    b.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    b.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    return {"compare": cmd_compare, "parity": cmd_parity, "bench": cmd_bench}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
