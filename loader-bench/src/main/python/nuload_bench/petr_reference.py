"""Reference PETR / PETRv2 image pipeline in Pillow + numpy (nuload spec part B, 3.3.1 and 3.3.6-3.3.9).

It does what the PETR repository's transforms do, in the same order and with the same libraries:
``LoadMultiViewImageFromFiles(to_float32=True)`` (decode to B,G,R uint8 -> float32; OpenCV is not
installed here, so the JPEG is decoded by Pillow's bundled libjpeg-turbo with the same defaults,
accurate integer IDCT and smooth chroma upsampling, and the channels are reversed),
``ResizeCropFlipImage`` (``Image.fromarray(uint8)`` -> ``resize`` with BICUBIC, Pillow's default for
RGB since 7.0 -> ``crop`` -> optional ``FLIP_LEFT_RIGHT`` -> ``rotate(0)`` -> float32),
``NormalizeMultiviewImage`` (float32 ``(x - mean) * (1 / std)``) and ``PadMultiViewImage`` (zeros to
a multiple of the divisor), then stacks CHW.

Used by the Java parity tests (``compare``) and as the Python side of ``nuload bench`` (``bench``).

Usage:
  python3 petr_reference.py compare --java OUT.npy --resize W H --crop L T R B [--flip]
          [--normalized] IMAGE...
  python3 petr_reference.py bench --images LIST.txt --samples N --views V --processes P --seed S
"""

import argparse
import json
import os
import sys
import time

import numpy as np
from PIL import Image

MEAN = (103.530, 116.280, 123.675)
STD = (57.375, 57.120, 58.395)
FINAL_H, FINAL_W = 320, 800
SRC_H, SRC_W = 900, 1600
RESIZE_LIM = (0.47, 0.625)


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


def normalize(img, mean=MEAN, std=STD):
    """``mmcv.imnormalize`` with to_rgb=False: float32 ``(x - mean) * (1 / std)``."""
    m = np.asarray(mean, dtype=np.float64).astype(np.float32)
    inv = (1.0 / np.asarray(std, dtype=np.float64)).astype(np.float32)
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


def train_params(rng):
    """One ``ResizeCropFlipImage`` draw in training mode (spec 3.3.6)."""
    r = rng.uniform(*RESIZE_LIM)
    new_w, new_h = int(SRC_W * r), int(SRC_H * r)
    crop_h = int((1 - rng.uniform(0.0, 0.0)) * new_h) - FINAL_H
    crop_w = int(rng.uniform(0, max(0, new_w - FINAL_W)))
    flip = bool(rng.choice([0, 1]))
    return (new_w, new_h), (crop_w, crop_h, crop_w + FINAL_W, crop_h + FINAL_H), flip


def sample_tensor(paths, resize_dims, crop, flip, normalized=True):
    """The per-sample image pipeline: [V, 3, H, W] float32."""
    views = []
    for p in paths:
        img = resize_crop_flip(load_bgr_float32(p), resize_dims, crop, flip)
        if normalized:
            img = pad(normalize(img))
        views.append(img)
    return np.ascontiguousarray(np.stack(views).transpose(0, 3, 1, 2))


def cmd_compare(a):
    want_u8 = sample_tensor(a.images, tuple(a.resize), tuple(a.crop), a.flip, normalized=False)
    got = np.load(a.java)
    if got.shape != want_u8.shape and not a.normalized:
        print(json.dumps({"error": f"shape {got.shape} != {want_u8.shape}"}))
        return 1
    if a.normalized:
        want = sample_tensor(a.images, tuple(a.resize), tuple(a.crop), a.flip, normalized=True)
        if got.shape != want.shape:
            print(json.dumps({"error": f"shape {got.shape} != {want.shape}"}))
            return 1
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        limit = 1.0 / min(STD) + 1e-5
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
    return n, _vm_hwm_kib()


def _vm_hwm_kib():
    """Peak RSS of this process from /proc (ru_maxrss is not used: a process started by a JVM
    inherits the JVM's high-water mark there, and a forked worker its parent's)."""
    try:
        with open("/proc/self/status") as f:
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
    rss_kib = worker_kib if a.processes == 1 else _vm_hwm_kib() + worker_kib
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
    c.add_argument("images", nargs="+")
    b = sub.add_parser("bench")
    b.add_argument("--images", required=True)
    b.add_argument("--samples", type=int, default=8)
    b.add_argument("--views", type=int, default=12)
    b.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    b.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    return cmd_compare(a) if a.cmd == "compare" else cmd_bench(a)


if __name__ == "__main__":
    sys.exit(main())
