"""`nuload serve` end to end on the real PETR path: real producer processes (training
augmentation, shuffled, two epochs, ranks 0 and 1 of 2, for 1, 2 and 4 workers) read by real
consumer processes (python/tests/serve_consumer.py on nuload.ring.RingReader, and the C example
examples/c/ring_consumer.c), every batch checked against the same samples computed one by one in
another process by the hidden `nuload sample-digests` (no engine, no sampler, no ring), the order
against the shuffle and DistributedSampler sharding written from docs/format/ring.md
(ring_support.shard), the in-process Java API and nuload.torch against the same, and one float32
exact sample (PETRv2 preset, two frames) against `nuload preview`."""

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest

import ring_support
from conftest import REPO

N = 9  # --limit: odd, so a world of 2 pads one sample (DistributedSampler rule)
BATCH = 3  # per rank and epoch: 5 samples -> batches of 3 and 2
SEED = 5
EPOCHS = 2
WORLD = 2
FAST = ("--frames", 1, "--dtype", "uint8", "--mode", "fast")
EXACT_N = 3
EXACT = ("--dtype", "float32", "--mode", "exact")  # the preset's two frames
CONSUMER = REPO / "python" / "tests" / "serve_consumer.py"
DIGEST_FIELDS = ("token", "img", "lidar2img", "intrinsics", "timestamps", "img_shape", "gt_boxes",
                 "gt_labels", "boxes")


def _digests(nuload, infos, dataroot, limit, *options):
    proc = nuload("sample-digests", "--infos", infos, "--dataroot", dataroot, "--seed", SEED,
                  "--epochs", EPOCHS, "--limit", limit, *options)
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    assert len(lines) == limit * EPOCHS, proc.stdout
    return {(d["epoch"], d["sample"]): d for d in lines}


@pytest.fixture(scope="module")
def fast_digests(nuload, infos, synth_mini):
    return _digests(nuload, infos, synth_mini, N, *FAST)


@pytest.fixture(scope="module")
def exact_digests(nuload, infos, synth_mini):
    return _digests(nuload, infos, synth_mini, EXACT_N, *EXACT)


def _start_serve(path, infos, dataroot, *args):
    """Starts `nuload serve`; its output goes to a temporary file (no pipe to fill up)."""
    log = tempfile.TemporaryFile("w+")
    proc = subprocess.Popen(
        [str(x) for x in (REPO / "nuload", "serve", "--infos", infos, "--dataroot", dataroot,
                          "--ring", path, "--seed", SEED, "--epochs", EPOCHS, "--slots", 2, *args)],
        stdout=log, stderr=subprocess.STDOUT, text=True)
    proc.log = log
    return proc


def _output(proc):
    proc.log.seek(0)
    return proc.log.read()


def _wait_serving(proc, path, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            ring_support.wait_ready(path, timeout=0.5)
            return
        except AssertionError:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited {proc.returncode} before the ring was ready"
                                     f"\n{_output(proc)}")
    raise AssertionError(f"no ready ring at {path} within {timeout} s")


def _serve_and_consume(infos, dataroot, shards, consumer):
    """Starts one `nuload serve` per (path, args) in shards at once, then one consumer process per
    ring (consumer(path) is its argv); returns each consumer's stdout, in shard order."""
    serves, readers = [], []
    try:
        for path, args in shards:
            serves.append(_start_serve(path, infos, dataroot, *args))
        for (path, _), proc in zip(shards, serves):
            _wait_serving(proc, path)
            readers.append(subprocess.Popen(consumer(path), stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True))
        outs = []
        for reader in readers:
            out, err = reader.communicate(timeout=300)
            assert reader.returncode == 0, f"consumer exited {reader.returncode}\n{err}"
            outs.append(out)
        for proc in serves:
            proc.wait(timeout=120)
            assert proc.returncode == 0, f"serve exited {proc.returncode}\n{_output(proc)}"
        return outs
    finally:
        for p in serves + readers:
            if p.poll() is None:
                p.kill()
                p.wait()
        for p in serves:
            p.log.close()
        for path, _ in shards:
            ring_support.cleanup(path)


def _python_consumer(path):
    return [sys.executable, str(CONSUMER), str(path), "--timeout", "120", "--checksums"]


_served = {}


@pytest.fixture(scope="module")
def served(infos, synth_mini):
    """served(workers) -> [rank 0 batches, rank 1 batches], each a list of the consumer's
    per-batch dicts; both ranks run at once, as in a two-process training job."""
    def get(workers):
        if workers not in _served:
            base = ring_support.ring_path()
            shards = [(f"{base}-r{rank}",
                       ("--batch-size", BATCH, "--workers", workers, "--limit", N, "--rank", rank,
                        "--world-size", WORLD, *FAST))
                      for rank in range(WORLD)]
            outs = _serve_and_consume(infos, synth_mini, shards, _python_consumer)
            _served[workers] = [[json.loads(x) for x in out.splitlines()] for out in outs]
        return _served[workers]
    yield get
    _served.clear()


def _rows(batches):
    for b in batches:
        for r, row in enumerate(b["rows"]):
            yield b, b["samples"][r], row


def _digest_of(row):
    return {k: row[k] for k in DIGEST_FIELDS}


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_every_served_sample_equals_its_in_process_computation(served, fast_digests, workers):
    checked = 0
    for rank, batches in enumerate(served(workers)):
        for b, sample, row in _rows(batches):
            want = fast_digests[(b["epoch"], sample)]
            assert _digest_of(row) == {k: want[k] for k in DIGEST_FIELDS}, (
                f"rank {rank} epoch {b['epoch']} batch {b['index']} sample {sample}")
            checked += 1
        assert all(not s for b in batches for s in b["skipped"])
        assert {b["dtypes"]["img"] for b in batches} == {"uint8"}
    assert checked == EPOCHS * WORLD * -(-N // WORLD)


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_each_rank_serves_its_documented_shuffled_shard_in_batches(served, workers):
    per_rank = -(-N // WORLD)
    sizes = [min(BATCH, per_rank - i) for i in range(0, per_rank, BATCH)]
    for rank, batches in enumerate(served(workers)):
        assert [b["sequence"] for b in batches] == list(range(EPOCHS * len(sizes)))
        for epoch in range(EPOCHS):
            mine = [b for b in batches if b["epoch"] == epoch]
            assert [b["index"] for b in mine] == list(range(len(sizes)))
            assert [b["size"] for b in mine] == sizes
            assert [b["end_of_epoch"] for b in mine] == [False] * (len(sizes) - 1) + [True]
            got = [s for b in mine for s in b["samples"]]
            want = ring_support.shard(N, rank, WORLD, shuffle=True, seed=SEED, epoch=epoch)
            assert got == want, f"rank {rank} epoch {epoch}"


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_two_ranks_cover_every_sample_exactly_once_per_epoch(served, tokens, workers):
    runs = served(workers)
    for epoch in range(EPOCHS):
        got = [s for batches in runs for b in batches if b["epoch"] == epoch for s in b["samples"]]
        assert sorted(set(got)) == list(range(N))
        padded = -(-N // WORLD) * WORLD - N
        first = ring_support.order(N, True, SEED, epoch)[0]
        # the only repeats are DistributedSampler's padding, taken from the epoch's order start
        assert sorted(got) == sorted(list(range(N)) + [first] * padded)
        served_tokens = {row["token"] for batches in runs for b, _, row in _rows(batches)
                         if b["epoch"] == epoch}
        assert served_tokens == set(tokens[:N])


def test_served_tokens_are_the_info_file_rows_of_their_sample_indices(served, tokens):
    for batches in served(2):
        for _, sample, row in _rows(batches):
            assert row["token"] == tokens[sample]


def test_worker_count_does_not_change_any_batch(served):
    def strip(runs):
        return [[{k: v for k, v in b.items() if k != "checksums"} for b in batches]
                for batches in runs]
    one = strip(served(1))
    assert strip(served(2)) == one
    assert strip(served(4)) == one


def test_in_process_java_loader_yields_the_batches_the_ring_serves(served, nuload, infos,
                                                                    synth_mini):
    rank = 1
    proc = nuload("sample-digests", "--in-process-loader", "--infos", infos, "--dataroot",
                  synth_mini, "--seed", SEED, "--epochs", EPOCHS, "--limit", N, "--batch-size",
                  BATCH, "--workers", 4, "--rank", rank, "--world-size", WORLD, *FAST)
    loader = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    header = ("sequence", "epoch", "index", "size", "end_of_epoch", "samples")
    ring = served(2)[rank]
    assert [{k: b[k] for k in header} for b in loader] == [{k: b[k] for k in header} for b in ring]
    assert ([[_digest_of(r) for r in b["rows"]] for b in loader]
            == [[_digest_of(r) for r in b["rows"]] for b in ring])


def test_the_two_epochs_are_served_in_different_orders(served):
    runs = served(1)
    orders = []
    for epoch in range(EPOCHS):
        shards = [[s for b in batches if b["epoch"] == epoch for s in b["samples"]]
                  for batches in runs]
        # the sampler's padded order, rebuilt from the rank-strided shards
        orders.append([shards[k % WORLD][k // WORLD] for k in range(sum(map(len, shards)))])
    assert sorted(set(orders[0])) == sorted(set(orders[1])) == list(range(N))
    assert orders[0] != orders[1]


def test_torch_ring_dataset_yields_the_in_process_samples_in_shard_order(infos, synth_mini,
                                                                         fast_digests):
    import torch  # noqa: F401
    rank = 1
    path = ring_support.ring_path()
    shards = [(path, ("--batch-size", BATCH, "--workers", 2, "--limit", N, "--rank", rank,
                      "--world-size", WORLD, *FAST))]
    out, = _serve_and_consume(
        infos, synth_mini, shards,
        lambda p: [sys.executable, str(CONSUMER), str(p), "--timeout", "120", "--torch", str(rank),
                   str(WORLD), str(EPOCHS)])
    batches = [json.loads(x) for x in out.splitlines()]
    for epoch in range(EPOCHS):
        got = [s for b in batches if b["epoch"] == epoch for s in b["samples"]]
        assert got == ring_support.shard(N, rank, WORLD, shuffle=True, seed=SEED, epoch=epoch)
    for b, sample, row in _rows(batches):
        want = fast_digests[(b["epoch"], sample)]
        assert _digest_of(row) == {k: want[k] for k in DIGEST_FIELDS}


def test_training_augmentation_changes_a_samples_image_between_epochs(served):
    imgs = {}
    for batches in served(1):
        for b, sample, row in _rows(batches):
            imgs.setdefault(sample, {})[b["epoch"]] = row["img"]
    assert all(len(set(by_epoch.values())) == EPOCHS for by_epoch in imgs.values())


@pytest.fixture(scope="module")
def exact_batches(infos, synth_mini):
    path = ring_support.ring_path()
    shards = [(path, ("--batch-size", 2, "--workers", 2, "--limit", EXACT_N, *EXACT))]
    out, = _serve_and_consume(infos, synth_mini, shards, _python_consumer)
    return [json.loads(x) for x in out.splitlines()]


def test_exact_float32_samples_equal_their_in_process_computation(exact_batches, exact_digests):
    assert {b["dtypes"]["img"] for b in exact_batches} == {"float32"}
    seen = []
    for b, sample, row in _rows(exact_batches):
        want = exact_digests[(b["epoch"], sample)]
        assert _digest_of(row) == {k: want[k] for k in DIGEST_FIELDS}, (
            f"epoch {b['epoch']} sample {sample}")
        seen.append((b["epoch"], sample))
    assert sorted(seen) == sorted(exact_digests)


def test_exact_float32_training_sample_equals_preview_with_the_same_seed_and_epoch(
        exact_batches, nuload, infos, synth_mini, tmp_path):
    epoch, sample = 1, EXACT_N - 1
    row = next(r for b, s, r in _rows(exact_batches) if b["epoch"] == epoch and s == sample)
    nuload("preview", "--infos", infos, "--dataroot", synth_mini, "--sample", sample, "--train",
           "--seed", SEED, "--epoch", epoch, "--mode", "exact", "--out", tmp_path)
    img = np.load(tmp_path / "img.npy")
    assert img.dtype == np.dtype("<f4")
    assert hashlib.sha256(np.ascontiguousarray(img).tobytes()).hexdigest() == row["img"]
    meta = json.loads((tmp_path / "meta.json").read_text())
    assert row["lidar2img_values"] == np.array(meta["lidar2img"], dtype="<f8").reshape(-1).tolist()


@pytest.fixture(scope="module")
def c_consumer(tmp_path_factory):
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.fail("gcc is needed to build the C consumer example (.ci/run installs it)")
    out = tmp_path_factory.mktemp("c-petr") / "ring_consumer"
    subprocess.run([gcc, "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I",
                    str(REPO / "include"), str(REPO / "examples" / "c" / "ring_consumer.c"),
                    "-o", str(out)], check=True)
    return out


def test_c_consumer_reads_the_same_petr_batches_as_the_python_reader(served, c_consumer, infos,
                                                                     synth_mini):
    rank = 1
    path = ring_support.ring_path()
    shards = [(path, ("--batch-size", BATCH, "--workers", 1, "--limit", N, "--rank", rank,
                      "--world-size", WORLD, *FAST))]
    out, = _serve_and_consume(infos, synth_mini, shards,
                              lambda p: [str(c_consumer), str(p), "120000"])
    want = []
    for b in served(4)[rank]:
        sums = " ".join(f"{name}={value}" for name, value in b["checksums"].items())
        boxes = sum(r["boxes"] for r in b["rows"])
        want.append(f"batch {b['sequence']} epoch {b['epoch']} index {b['index']} size {b['size']}"
                    f" samples {' '.join(map(str, b['samples']))} {sums}"
                    f" token0={b['rows'][0]['token']} boxes={boxes}")
    assert out.splitlines() == want
