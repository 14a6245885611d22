"""nuload.ring against a real producer process (`nuload serve-pattern`): every batch recomputed
independently, worker-count invariance, sharding, and the failure behaviour of docs/format/ring.md."""

import os
import re
import signal
import time

import numpy as np
import pytest

from nuload.ring import ProducerGone, RingReader
from ring_support import (
    assert_batch_matches,
    cleanup,
    ring_path,
    shard,
    start_holding_consumer,
    start_producer,
    wait_ready,
)

V, H, W = 2, 8, 12


@pytest.fixture(scope="module", autouse=True)
def cli_built(nuload):
    nuload("serve-pattern", "--help")  # builds the CLI jar once, outside any timing


@pytest.fixture
def ring():
    path = ring_path()
    yield path
    cleanup(path)


def consume_all(path, timeout=60):
    seen = []
    with RingReader(path, timeout=timeout) as reader:
        for batch in reader:
            assert_batch_matches(batch, V, H, W)
            seen.append((batch.epoch, batch.batch_index, batch.sample_indices.tolist(), batch.end_of_epoch))
            batch.release()
    return seen


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_two_ranks_cover_the_dataset_once_per_epoch_with_every_batch_recomputed(workers, ring):
    n, batch_size, epochs, seed = 22, 4, 2, 3
    per_rank = {}
    for rank in (0, 1):
        path = f"{ring}-r{rank}"
        try:
            proc = start_producer(path, "--samples", n, "--batch-size", batch_size, "--workers", workers,
                                  "--epochs", epochs, "--shuffle", "--seed", seed,
                                  "--rank", rank, "--world-size", 2)
            per_rank[rank] = consume_all(path)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            assert "6 batches, 22 samples" in out
            assert not os.path.exists(path), "the producer removes the ring after the last release"
        finally:
            cleanup(path)
    for epoch in range(epochs):
        served = []
        for rank in (0, 1):
            batches = [b for b in per_rank[rank] if b[0] == epoch]
            assert [b[1] for b in batches] == [0, 1, 2]
            assert [b[3] for b in batches] == [False, False, True]
            indices = [i for b in batches for i in b[2]]
            assert indices == shard(n, rank, 2, shuffle=True, seed=seed, epoch=epoch)
            served += indices
        assert sorted(served) == list(range(n))


@pytest.mark.parametrize("drop_last", [False, True])
def test_shards_match_torch_distributed_sampler_without_shuffle(drop_last, ring):
    import torch.utils.data as torch_data
    n, world = 10, 4
    for rank in (1, 3):
        path = f"{ring}-r{rank}"
        try:
            args = ["--samples", n, "--batch-size", 3, "--workers", 2, "--rank", rank, "--world-size", world]
            proc = start_producer(path, *args, *(["--drop-last"] if drop_last else []))
            got = [i for b in consume_all(path) for i in b[2]]
            proc.communicate(timeout=60)
        finally:
            cleanup(path)
        sampler = torch_data.DistributedSampler(range(n), num_replicas=world, rank=rank,
                                                shuffle=False, drop_last=drop_last)
        assert got == list(sampler)


def test_batch_views_are_numpy_arrays_into_the_ring_and_release_ends_the_lease(ring):
    proc = start_producer(ring, "--samples", 8, "--batch-size", 4, "--workers", 2)
    with RingReader(ring, timeout=60) as reader:
        batch = next(reader)
        img = batch["img"]
        assert isinstance(img, np.ndarray) and img.dtype == np.uint8
        assert img.base is not None, "a view, not a copy"
        assert batch["lidar2img"].shape == (4, V, 4, 4)
        assert batch["sample_tokens"] == [f"sample-{i:06d}" for i in range(4)]
        batch.release()
        with pytest.raises(RuntimeError, match="released"):
            batch["img"]
        second = next(reader)
        assert second.sample_indices.tolist() == [4, 5, 6, 7]
        assert list(reader) == []
    assert proc.wait(timeout=60) == 0


def test_killed_producer_raises_producer_gone_within_the_timeout(ring):
    proc = start_producer(ring, "--samples", 40, "--batch-size", 2, "--workers", 1, "--epochs", 1000)
    with RingReader(ring, timeout=5) as reader:
        next(reader)
        os.kill(proc.pid, signal.SIGKILL)  # not reaped yet: a zombie must count as gone too
        t0 = time.monotonic()
        with pytest.raises(ProducerGone, match=f"pid {proc.pid}"):
            for _ in reader:
                pass
        assert time.monotonic() - t0 < 5 + 2
    proc.wait(timeout=30)


def test_producer_error_reaches_the_consumer_naming_the_sample(ring):
    proc = start_producer(ring, "--samples", 12, "--batch-size", 4, "--workers", 2, "--bad", 9)
    with RingReader(ring, timeout=30) as reader:
        with pytest.raises(ProducerGone) as info:
            for _ in reader:
                pass
    assert "sample 9 (epoch 0" in info.value.producer_error
    assert "pattern sample 9 is marked bad" in str(info.value)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert "sample 9" in err


def test_skip_policy_zeroes_and_marks_the_bad_sample(ring):
    proc = start_producer(ring, "--samples", 8, "--batch-size", 4, "--workers", 2, "--bad", 2,
                          "--bad-samples", "SKIP")
    with RingReader(ring, timeout=60) as reader:
        batch = next(reader)
        assert batch.skipped.tolist() == [False, False, True, False]
        assert not batch["img"][2].any()
        assert batch["sample_tokens"][2] == ""
        np.testing.assert_array_equal(batch["img"][3], np.asarray(batch["img"][3]))
        rest = list(reader)
        assert len(rest) == 1
    assert proc.wait(timeout=60) == 0


def test_killed_consumer_makes_the_producer_stop_after_its_timeout(ring):
    proc = start_producer(ring, "--samples", 40, "--batch-size", 2, "--workers", 1, "--epochs", 1000,
                          "--consumer-timeout", 2)
    consumer = start_holding_consumer(ring)
    try:
        consumer.kill()
        consumer.wait(timeout=30)
        t0 = time.monotonic()
        out, err = proc.communicate(timeout=30)
        assert time.monotonic() - t0 < 2 + 5
    finally:
        if consumer.poll() is None:
            consumer.kill()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert f"stopped: consumer pid {consumer.pid}" in out
    assert not os.path.exists(ring), "the producer removes the ring when the consumer is gone"


def test_ring_larger_than_free_space_is_refused_naming_both_sizes(ring):
    free = os.statvfs(os.path.dirname(ring))
    available = free.f_bavail * free.f_frsize
    side = 8192
    per_slot = 64 * 2 * 3 * side * side
    slots = available // per_slot + 2
    proc = start_producer(ring, "--samples", 4, "--batch-size", 64, "--height", side, "--width", side,
                          "--slots", slots)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err
    assert "needs" in err and "bytes" in err and "available" in err
    assert not os.path.exists(ring)


def test_stale_ring_from_a_crashed_run_is_replaced(ring):
    with open(ring, "wb") as f:
        f.write(b"NULDRING" + bytes(8184))  # a leftover, no producer holds its lock
    proc = start_producer(ring, "--samples", 6, "--batch-size", 3, "--workers", 1)
    seen = consume_all(ring)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "replaced stale ring" in out
    assert [b[2] for b in seen] == [[0, 1, 2], [3, 4, 5]]


def test_second_producer_on_a_live_ring_is_refused(ring):
    first = start_producer(ring, "--samples", 6, "--batch-size", 3, "--workers", 1)
    try:
        wait_ready(ring)
        second = start_producer(ring, "--samples", 6, "--batch-size", 3, "--workers", 1)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 4, err
        assert "another live producer" in err and f"pid {first.pid}" in err
        seen = consume_all(ring)
        assert len(seen) == 2
        assert first.wait(timeout=60) == 0
    finally:
        if first.poll() is None:
            first.kill()


def test_reader_times_out_when_no_ring_appears(ring):
    t0 = time.monotonic()
    with pytest.raises(ProducerGone, match="no ready ring"):
        RingReader(ring, timeout=0.5)
    assert time.monotonic() - t0 < 3


def test_stopped_producer_is_reported_after_the_heartbeat_timeout(ring):
    proc = start_producer(ring, "--samples", 40, "--batch-size", 2, "--workers", 1, "--epochs", 1000)
    try:
        with RingReader(ring, timeout=2) as reader:
            next(reader)
            os.kill(proc.pid, signal.SIGSTOP)  # alive but silent
            t0 = time.monotonic()
            with pytest.raises(ProducerGone, match="has not beaten"):
                for _ in reader:
                    pass
            assert 2 <= time.monotonic() - t0 + 0.5 < 2 + 3
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_inspect_describes_a_live_ring_without_attaching(ring, nuload):
    proc = start_producer(ring, "--samples", 40, "--batch-size", 2, "--workers", 1, "--epochs", 10)
    try:
        wait_ready(ring)
        out = nuload("inspect", ring).stdout
        assert "format version 1, 4 slots" in out
        assert "tensor img" in out and "uint8" in out and "[B, 2, 3, 8, 12]" in out
        assert f"producer pid {proc.pid} (alive)" in out and "consumer none" in out
        assert len(consume_all(ring)) == 200
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_terminated_producer_leaves_its_reason_for_the_consumer(ring):
    proc = start_producer(ring, "--samples", 40, "--batch-size", 2, "--workers", 1, "--epochs", 1000)
    try:
        with RingReader(ring, timeout=10) as reader:
            next(reader)
            os.kill(proc.pid, signal.SIGTERM)
            with pytest.raises(ProducerGone) as info:
                for _ in reader:
                    pass
        assert "stopped by a signal" in (info.value.producer_error or "")
    finally:
        proc.kill()
        proc.wait(timeout=30)


def test_status_line_reports_slots_and_waits_of_a_slow_consumer(ring):
    proc = start_producer(ring, "--samples", 24, "--batch-size", 2, "--workers", 1)
    with RingReader(ring, timeout=30) as reader:
        for batch in reader:
            time.sleep(0.25)  # a trainer step slower than the loader
            batch.release()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    lines = [ln for ln in err.splitlines() if ln.startswith("serve: ")]
    assert len(lines) >= 2, err
    parsed = [re.fullmatch(r"serve: \d+ batches, \d+ samples, [\d.]+ samples/s, slots full (\d)/4, "
                           r"consumer wait (\d+)%, producer wait (\d+)%", ln) for ln in lines]
    assert all(parsed), lines
    assert max(int(m.group(1)) for m in parsed) >= 3, lines
    assert int(parsed[-1].group(3)) > 50 and int(parsed[-1].group(2)) < 50, lines


def test_second_consumer_on_a_ring_is_refused_while_the_first_is_alive(ring):
    from nuload.ring import RingBusy

    proc = start_producer(ring, "--samples", 8, "--batch-size", 2, "--workers", 1)
    consumer = start_holding_consumer(ring)
    try:
        with pytest.raises(RingBusy, match=f"pid {consumer.pid}"):
            RingReader(ring, timeout=10)
    finally:
        consumer.kill()
        consumer.wait(timeout=30)
        proc.kill()
        proc.wait(timeout=30)
