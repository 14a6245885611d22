"""`nuload serve` end to end: a real producer process serving PETR batches from a synthetic
dataroot's info file, read by nuload.ring.RingReader in this (separate) Python process, and
checked against what `nuload preview` and the info file say about the same samples."""

import json
import os
import shutil
import subprocess
import time

import numpy as np
import pyarrow as pa
import pytest

import ring_support
from conftest import REPO
from nuload.ring import ProducerGone, RingReader


@pytest.fixture
def ring():
    path = ring_support.ring_path()
    yield path
    ring_support.cleanup(path)


def serve(ring_file, infos, dataroot, *args):
    return subprocess.Popen(
        [str(REPO / "nuload"), "serve", "--infos", str(infos), "--dataroot", str(dataroot),
         "--ring", str(ring_file), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_ready(proc, ring_file, timeout):
    """Waits for the ring to be ready, failing at once (with its output) if serve exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            ring_support.wait_ready(ring_file, timeout=0.5)
            return
        except AssertionError:
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"serve exited {proc.returncode} before the ring was ready"
                                     f"\n{out}\n{err}")
    raise AssertionError(f"no ready ring at {ring_file} within {timeout} s")


def consume(proc, ring_file, keep=None, timeout=120):
    """Reads every batch into per-batch dicts of copies."""
    wait_ready(proc, ring_file, timeout)
    batches = []
    with RingReader(ring_file, timeout=timeout) as r:
        for b in r:
            batches.append({
                "epoch": b.epoch,
                "tokens": list(b["sample_tokens"]),
                "skipped": b.skipped.copy(),
                **{k: np.array(b[k]) for k in (keep or ())},
                "gt_boxes": [np.array(x) for x in b["gt_boxes"]],
                "gt_labels": [np.array(x) for x in b["gt_labels"]],
            })
            b.release()
    return batches


def finish(proc, timeout=120):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"serve exited {proc.returncode}\n{out}\n{err}"
    return out


def test_eval_batches_hold_every_sample_in_file_order_equal_to_preview(
        ring, infos, synth_mini, tokens, nuload, tmp_path):
    proc = serve(ring, infos, synth_mini, "--eval", "--batch-size", 4, "--workers", 2)
    batches = consume(proc, ring, keep=("img", "lidar2img", "intrinsics", "img_shape", "extrinsics"))
    finish(proc)
    got = [t for b in batches for t in b["tokens"]]
    assert got == tokens
    last = len(tokens) - 1
    for row in (0, last):
        out = tmp_path / f"preview-{row}"
        nuload("preview", "--infos", infos, "--dataroot", synth_mini, "--sample", row,
               "--mode", "exact", "--out", out)
        b, i = batches[row // 4], row % 4
        ref = np.load(out / "img.npy")
        assert b["img"][i].shape == ref.shape
        assert np.array_equal(b["img"][i], ref), f"sample {row} differs from nuload preview"
        meta = json.loads((out / "meta.json").read_text())
        np.testing.assert_allclose(b["lidar2img"][i], np.array(meta["lidar2img"]), rtol=0,
                                   atol=1e-9)
        np.testing.assert_allclose(b["intrinsics"][i], np.array(meta["intrinsics"]), rtol=0,
                                   atol=1e-9)
        np.testing.assert_allclose(b["extrinsics"][i], np.array(meta["extrinsics"]), rtol=0,
                                   atol=1e-9)
        assert list(b["img_shape"][i]) == meta["img_shape"]


def test_training_batches_are_the_same_bytes_for_one_and_two_workers(ring, infos, synth_mini,
                                                                     tokens):
    args = ("--batch-size", 3, "--epochs", 2, "--seed", 11, "--dtype", "uint8", "--frames", 1)
    runs = []
    for workers in (1, 2):
        path = f"{ring}-{workers}"
        try:
            proc = serve(path, infos, synth_mini, *args, "--workers", workers)
            runs.append(consume(proc, path, keep=("img", "lidar2img")))
            finish(proc)
        finally:
            ring_support.cleanup(path)
    one, two = runs
    assert len(one) == len(two)
    for a, b in zip(one, two):
        assert a["tokens"] == b["tokens"]
        assert np.array_equal(a["img"], b["img"])
        assert np.array_equal(a["lidar2img"], b["lidar2img"])
        for x, y in zip(a["gt_boxes"], b["gt_boxes"]):
            assert np.array_equal(x, y)
    n = len(tokens)
    for epoch in (0, 1):
        got = [t for b in one if b["epoch"] == epoch for t in b["tokens"]]
        want = [tokens[i] for i in ring_support.order(n, True, 11, epoch)]
        assert got == want, f"epoch {epoch} order is not the documented shuffle"
    first = [b["img"] for b in one if b["epoch"] == 0][0]
    second = [b["img"] for b in one if b["epoch"] == 1][0]
    assert first.dtype == np.uint8 and first.shape[2] == 3
    assert not np.array_equal(first, second), "augmentation must change with the epoch"


def test_two_ranks_cover_the_split_exactly_once(ring, infos, synth_mini, tokens):
    procs, paths = [], []
    try:
        for rank in (0, 1):
            path = f"{ring}-r{rank}"
            paths.append(path)
            procs.append(serve(path, infos, synth_mini, "--eval", "--batch-size", 2,
                               "--workers", 1, "--rank", rank, "--world-size", 2, "--frames", 1,
                               "--dtype", "uint8"))
        seen = []
        for rank, path in enumerate(paths):
            got = [t for b in consume(procs[rank], path) for t in b["tokens"]]
            want = [tokens[i] for i in ring_support.shard(len(tokens), rank, 2)]
            assert got == want
            seen += got
        for p in procs:
            finish(p)
    finally:
        for p in paths:
            ring_support.cleanup(p)
    assert set(seen) == set(tokens)
    assert len(seen) - len(tokens) in (0, 1), "only the DistributedSampler padding repeats"


def _dataroot_missing_one_image(synth_mini, infos, tmp_path):
    """A dataroot of links to synth_mini whose first sample's CAM_FRONT image is absent."""
    table = pa.ipc.open_file(pa.memory_map(str(infos))).read_all()
    cams = table.column("cams")[0].as_py()
    cam = cams[0] if isinstance(cams, list) else cams
    rel = cam["data_path"]
    root = tmp_path / "root"
    root.mkdir()
    for entry in os.listdir(synth_mini):
        if entry != "samples":
            os.symlink(synth_mini / entry, root / entry)
    shutil.copytree(synth_mini / "samples", root / "samples", symlinks=False,
                    copy_function=os.symlink)
    os.unlink(root / rel)
    return root, rel


def test_missing_image_stops_the_producer_and_names_the_file(ring, infos, synth_mini, tmp_path):
    root, rel = _dataroot_missing_one_image(synth_mini, infos, tmp_path)
    proc = serve(ring, infos, root, "--eval", "--batch-size", 2, "--workers", 1, "--frames", 1)
    with pytest.raises(ProducerGone) as e:
        consume(proc, ring, timeout=60)
    proc.communicate(timeout=60)
    assert os.path.basename(rel) in str(e.value)


def test_skip_policy_marks_the_sample_with_the_missing_image(ring, infos, synth_mini, tmp_path):
    root, _ = _dataroot_missing_one_image(synth_mini, infos, tmp_path)
    proc = serve(ring, infos, root, "--eval", "--batch-size", 2, "--workers", 1, "--frames", 1,
                 "--dtype", "uint8", "--bad-samples", "skip")
    batches = consume(proc, ring)
    finish(proc)
    assert batches[0]["skipped"].tolist()[:2] == [True, False]
    assert sum(int(b["skipped"].sum()) for b in batches) == 1
