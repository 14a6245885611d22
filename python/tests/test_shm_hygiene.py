"""What a ring leaves in its directory (/dev/shm): nothing, after a clean run, a producer killed with
SIGKILL while a consumer reads, a consumer killed with SIGKILL, or a producer that failed
(docs/format/ring.md, Clean-up). Real producer processes (`nuload serve-pattern`); each test lists
the names that start with its own ring's name before and after."""

import os
import signal
import subprocess
import time

import pytest

from nuload.ring import ProducerGone, RingReader
from ring_support import cleanup, ring_files, ring_path, start_holding_consumer, start_producer, wait_ready

LONG_RUN = ("--samples", 40, "--batch-size", 2, "--workers", 1, "--epochs", 1000)


@pytest.fixture(scope="module", autouse=True)
def cli_built(nuload):
    nuload("serve-pattern", "--help")  # builds the CLI jar once


@pytest.fixture
def ring():
    path = ring_path()
    assert ring_files(path.name) == []
    yield path
    cleanup(path)  # only when a test failed before its producer or consumer removed the ring


def wait_served_by(path, pid, timeout=60):
    """Waits until the ring file at `path` is one that producer `pid` made (its header's pid)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                head = f.read(136)
        except FileNotFoundError:
            head = b""
        if int.from_bytes(head[128:136], "little") == pid:
            return
        time.sleep(0.02)
    raise AssertionError(f"{path} is not served by pid {pid} within {timeout} s")


def stop(*procs):
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_clean_run_of_a_producer_and_a_python_consumer_leaves_nothing(ring):
    proc = start_producer(ring, "--samples", 8, "--batch-size", 2, "--workers", 2)
    try:
        with RingReader(ring, timeout=60) as reader:
            served = ring_files(ring.name)
            assert len(list(reader)) == 4
        out, err = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode == 0, err
    assert served == [ring.name], "no lock or temporary file beside the ring while it is served"
    assert ring_files(ring.name) == []


def test_producer_killed_while_a_python_consumer_reads_leaves_nothing_once_it_reports_producer_gone(ring):
    proc = start_producer(ring, *LONG_RUN)
    try:
        with RingReader(ring, timeout=10) as reader:
            next(reader)
            os.kill(proc.pid, signal.SIGKILL)
            with pytest.raises(ProducerGone, match=f"pid {proc.pid} of ring .* is gone"):
                for _ in reader:
                    pass
            assert ring_files(ring.name) == []
    finally:
        stop(proc)


def test_consumer_killed_leaves_nothing_once_the_producer_stops(ring):
    proc = start_producer(ring, *LONG_RUN, "--consumer-timeout", 2)
    try:
        consumer = start_holding_consumer(ring)
        os.kill(consumer.pid, signal.SIGKILL)
        consumer.wait(timeout=30)
        out, err = proc.communicate(timeout=30)
    finally:
        stop(proc)
    assert proc.returncode == 0, err
    assert f"stopped: consumer pid {consumer.pid}" in out
    assert ring_files(ring.name) == []


def test_failed_producer_leaves_nothing_once_the_consumer_reports_its_error(ring):
    proc = start_producer(ring, "--samples", 12, "--batch-size", 4, "--workers", 2, "--bad", 9)
    try:
        with RingReader(ring, timeout=30) as reader:
            with pytest.raises(ProducerGone, match="pattern sample 9 is marked bad"):
                for _ in reader:
                    pass
            assert ring_files(ring.name) == []
        proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode == 3


def test_stopped_producer_keeps_its_ring_when_the_consumer_times_out(ring):
    proc = start_producer(ring, *LONG_RUN)
    try:
        with RingReader(ring, timeout=1) as reader:
            next(reader)
            os.kill(proc.pid, signal.SIGSTOP)  # alive, silent, still holding the ring's lock
            with pytest.raises(ProducerGone, match="has not beaten"):
                for _ in reader:
                    pass
            assert ring_files(ring.name) == [ring.name]
    finally:
        stop(proc)


def test_ring_of_a_producer_killed_with_no_consumer_is_replaced_by_the_next_producer(ring):
    first = start_producer(ring, *LONG_RUN)
    try:
        wait_ready(ring)
        first.kill()
        first.wait(timeout=30)
        assert ring_files(ring.name) == [ring.name], "nobody saw it die: its ring stays"
        second = start_producer(ring, "--samples", 6, "--batch-size", 3, "--workers", 1)
        wait_served_by(ring, second.pid)  # the killed producer's ring until the second replaces it
        with RingReader(ring, timeout=60) as reader:
            batches = [batch.sample_indices.tolist() for batch in reader]
        out, err = second.communicate(timeout=60)
    finally:
        stop(first)
    assert second.returncode == 0, err
    assert "replaced stale ring" in out
    assert batches == [[0, 1, 2], [3, 4, 5]]
    assert ring_files(ring.name) == []


def test_producer_killed_while_the_c_consumer_reads_leaves_nothing_once_it_reports_producer_gone(
        ring, consumer_binary):
    proc = start_producer(ring, *LONG_RUN)
    try:
        c = subprocess.Popen([str(consumer_binary), str(ring), "5000"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        assert c.stdout.readline().startswith("batch 0 ")
        os.kill(proc.pid, signal.SIGKILL)
        out, err = c.communicate(timeout=30)
    finally:
        stop(proc)
    assert c.returncode == 1 and f"producer pid {proc.pid} is gone" in err, err
    assert ring_files(ring.name) == []
