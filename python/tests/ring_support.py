"""Helpers for the ring tests: a real `nuload serve-pattern` producer process and the pattern
source and sampler recomputed independently from docs/format/ring.md."""

import os
import pathlib
import subprocess
import sys
import time
import uuid

import numpy as np

from conftest import REPO

MASK = (1 << 64) - 1


RING_DIR = pathlib.Path("/dev/shm") if os.path.isdir("/dev/shm") else pathlib.Path("/tmp")
# Every ring this test session creates starts with RING_PREFIX (the pytest process's pid keeps it
# apart from sessions running beside it): conftest.py checks at the end that none is left.
RING_PREFIX = f"nuload-test-{os.getpid()}-"


def ring_path():
    return RING_DIR / f"{RING_PREFIX}{uuid.uuid4().hex[:12]}"


def ring_files(prefix=RING_PREFIX):
    """The names in RING_DIR that start with `prefix`, sorted."""
    return sorted(name for name in os.listdir(RING_DIR) if name.startswith(prefix))


def cleanup(path):
    """Removes a ring a test left on purpose (a failed or stopped producer's)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def start_producer(path, *args, **popen):
    """Starts `nuload serve-pattern --ring PATH ARGS...`; stdout/stderr are pipes."""
    return subprocess.Popen(
        [str(REPO / "nuload"), "serve-pattern", "--ring", str(path), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


HOLDING_CONSUMER = """
import sys, time
sys.path.insert(0, {python!r})
from nuload.ring import RingReader
r = RingReader({ring!r}, timeout=60)
next(r)
print("got one", flush=True)
time.sleep(600)
"""


def start_holding_consumer(path):
    """Starts a Python consumer process that takes one batch of the ring and holds it (sleeping);
    returns once it has the batch. Kill it when done."""
    consumer = subprocess.Popen(
        [sys.executable, "-c", HOLDING_CONSUMER.format(python=str(REPO / "python"), ring=str(path))],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = consumer.stdout.readline().strip()
    if line != "got one":
        consumer.kill()
        consumer.wait(timeout=30)
        raise AssertionError(f"the consumer of {path} printed {line!r} instead of taking a batch")
    return consumer


def wait_ready(path, timeout=60):
    """Waits until the ring file exists with a non-zero version."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                head = f.read(12)
            if len(head) == 12 and int.from_bytes(head[8:12], "little") != 0:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    raise AssertionError(f"no ready ring at {path} within {timeout} s")


def order(n, shuffle, seed, epoch):
    """The epoch order of docs/format/ring.md (SplitMix64 Fisher-Yates), written from the doc."""
    a = list(range(n))
    if shuffle:
        state = (seed + epoch) & MASK
        for i in range(n - 1, 0, -1):
            state = (state + 0x9E3779B97F4A7C15) & MASK
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            z ^= z >> 31
            j = z % (i + 1)
            a[i], a[j] = a[j], a[i]
    return a


def shard(n, rank, world, shuffle=False, seed=0, epoch=0, drop_last=False):
    idx = order(n, shuffle, seed, epoch)
    per = n // world if drop_last else -(-n // world)
    total = per * world
    padded = [idx[i % n] for i in range(total)]
    return padded[rank:total:world]


def expected_sample(s, e, views, height, width):
    v, c, y, x = np.meshgrid(
        np.arange(views), np.arange(3), np.arange(height), np.arange(width), indexing="ij"
    )
    img = ((7 * s + 13 * e + 5 * v + 3 * c + 11 * y + x) % 256).astype(np.uint8)
    lidar2img = (s + e / 2 + np.arange(views * 16) / 128).astype(np.float32).reshape(views, 4, 4)
    n = s % 4
    k, j = np.meshgrid(np.arange(n), np.arange(9), indexing="ij")
    boxes = (s + k / 4 + j / 16).astype(np.float32).reshape(n, 9)
    labels = ((s + np.arange(n)) % 10).astype(np.int32)
    return {
        "img": img,
        "lidar2img": lidar2img,
        "stamp": np.int64(1000003 * s + e),
        "sample_tokens": f"sample-{s:06d}",
        "gt_boxes": boxes,
        "gt_labels": labels,
    }


def assert_batch_matches(batch, views, height, width):
    assert batch["img"].shape == (batch.size, views, 3, height, width)
    for r, s in enumerate(batch.sample_indices.tolist()):
        want = expected_sample(s, batch.epoch, views, height, width)
        np.testing.assert_array_equal(batch["img"][r], want["img"])
        np.testing.assert_array_equal(batch["lidar2img"][r], want["lidar2img"])
        assert batch["stamp"][r] == want["stamp"]
        assert batch["sample_tokens"][r] == want["sample_tokens"]
        np.testing.assert_array_equal(batch["gt_boxes"][r], want["gt_boxes"])
        np.testing.assert_array_equal(batch["gt_labels"][r], want["gt_labels"])
