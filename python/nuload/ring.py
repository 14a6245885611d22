"""Trainer-side reader of the nuload batch ring (docs/format/ring.md), numpy only.

    from nuload.ring import RingReader
    with RingReader("/dev/shm/nuload-ring", timeout=30) as reader:
        for batch in reader:
            img = batch["img"]              # numpy view [B, ...] into shared memory, no copy
            tokens = batch["sample_tokens"]  # list of str
            batch.release()                 # hands the slot back (taking the next one does too)

A batch is a lease: its arrays stay valid until it is released or the next batch is taken; after
that the producer may overwrite the memory. Copy what must outlive the lease.

A producer that fails, dies or stops beating makes iteration raise ProducerGone within `timeout`
seconds, with the producer's last error message when it left one. The reader never creates a file;
when it raises ProducerGone it removes the ring file if no process holds the ring's flock any more
(the producer was killed, or exited after recording its error), so nothing is left in /dev/shm.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
import time
from collections.abc import Mapping

import numpy as np

__all__ = ["RingReader", "Batch", "ProducerGone", "RingFormatError", "RingBusy"]

# ---- docs/format/ring.md: header ----
MAGIC = 0x474E4952444C554E
VERSION = 1
HEADER_LENGTH = 4096
OFF_MAGIC = 0
OFF_VERSION = 8
OFF_FILE_LENGTH = 16
OFF_SLOT_COUNT = 24
OFF_BATCH_SIZE = 28
OFF_SLOT_STRIDE = 32
OFF_SLOTS_OFFSET = 40
OFF_DESCRIPTOR_OFFSET = 48
OFF_TENSOR_COUNT = 52
OFF_DESCRIPTOR_ENTRY_LENGTH = 56
OFF_SAMPLE_TABLE_OFFSET = 64
OFF_METADATA_OFFSET = 72
OFF_METADATA_CAPACITY = 80
OFF_BATCHES_PER_EPOCH = 88
OFF_EPOCHS = 96
OFF_RANK = 100
OFF_WORLD_SIZE = 104
OFF_PRODUCER_PID = 128
OFF_PRODUCER_HEARTBEAT_MS = 144
OFF_PUBLISH_CURSOR = 160
OFF_STREAM_STATE = 168
OFF_ERROR_LENGTH = 172
OFF_CONSUMER_PID = 192
OFF_CONSUMER_HEARTBEAT_MS = 200
OFF_CONSUMER_CURSOR = 208
OFF_CONSUMER_WAIT_NS = 216
OFF_ERROR_MESSAGE = 1024
ERROR_MESSAGE_CAPACITY = 3072
STATE_FAILED = 2
# ---- descriptor entry ----
ENTRY_NAME = 0
ENTRY_NAME_CAPACITY = 48
ENTRY_DTYPE = 48
ENTRY_NDIM = 52
ENTRY_SHAPE = 56
ENTRY_SLOT_OFFSET = 120
# ---- slot header ----
SLOT_SEQ_WORD = 0
SLOT_EPOCH = 16
SLOT_BATCH_INDEX = 20
SLOT_SAMPLE_COUNT = 24
SLOT_FLAGS = 28
SLOT_SKIPPED_COUNT = 32
SLOT_METADATA_LENGTH = 36
SLOT_METADATA_RECORDS = 40
FLAG_END_OF_EPOCH = 1
FLAG_END_OF_STREAM = 2
SAMPLE_SKIPPED = 1
# ---- metadata record ----
RECORD_HEADER_LENGTH = 32
KIND_STRINGS = 1
KIND_RAGGED = 2

DTYPES = {
    1: np.dtype("<u1"),
    2: np.dtype("<i1"),
    3: np.dtype("<i2"),
    4: np.dtype("<u2"),
    5: np.dtype("<i4"),
    6: np.dtype("<i8"),
    7: np.dtype("<f2"),
    8: np.dtype("<f4"),
    9: np.dtype("<f8"),
}

HEARTBEAT_INTERVAL_S = 0.1
PRODUCER_CHECK_NS = 5_000_000  # least time between two producer liveness checks while waiting
CONSUMER_BUSY_MS = 1000  # a consumer heartbeat younger than this marks a live consumer
# How long a consumer that reports the producer gone waits for it to let go of the ring's lock
# before removing the ring: a failed producer is still exiting, and a killed JVM's pid looks gone
# (a zombie) while its other threads are still closing its files.
PRODUCER_EXIT_WAIT_S = 1.0


class ProducerGone(RuntimeError):
    """The producer failed, died, or stopped beating; `producer_error` is its last error or None."""

    def __init__(self, message, producer_error=None):
        super().__init__(message)
        self.producer_error = producer_error


class RingBusy(RuntimeError):
    """Another live consumer is attached to the ring (one consumer per ring)."""


class RingFormatError(ValueError):
    """The file is not a nuload ring, or has a format version this reader does not read."""


def _align8(n):
    return (n + 7) & ~7


def _remove_if_abandoned(path, wait=0.0):
    """Removes the ring file `path` when no process holds its flock (its producer is gone), waiting
    up to `wait` seconds for a held lock; True when it removed it (docs/format/ring.md, Clean-up)."""
    deadline = time.monotonic() + wait
    while True:
        removed = _remove_unlocked(path)
        if removed is not None:
            return removed
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


def _remove_unlocked(path):
    """One try: True removed, False nothing to remove, None the lock is held. The lock is taken on
    the file `path` names and the name is unlinked only while it still names that file (a producer
    renames a new ring over the name only while it holds the old one's lock)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False  # gone already
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        held = os.fstat(fd)
        now = os.stat(path)
        if (held.st_dev, held.st_ino) != (now.st_dev, now.st_ino):
            return None  # the name was moved to another file since it was opened: look again
        os.unlink(path)
        return True
    except OSError:
        return False  # gone meanwhile, or another user's file in a sticky /dev/shm: not ours to report
    finally:
        os.close(fd)


def _pid_alive(pid):
    """True while `pid` exists and is not a zombie (same PID namespace)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        state = stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3]
        return state not in (b"Z", b"X")
    except OSError:
        return True


class Batch(Mapping):
    """One batch: tensors as numpy views `[size, ...]` and metadata (lists), keyed by name.

    Attributes: `sequence`, `epoch`, `batch_index`, `size`, `end_of_epoch`, `sample_indices`
    (int32 array), `skipped` (bool array: rows zeroed by the bad-sample policy).
    """

    def __init__(self, reader, sequence, slot):
        self._reader = reader
        self.sequence = sequence
        self._released = False
        base = reader._slots_offset + reader._slot_stride * slot
        hdr = reader._slot_headers[slot]
        self.epoch = int(hdr[SLOT_EPOCH // 4])
        self.batch_index = int(hdr[SLOT_BATCH_INDEX // 4])
        self.size = int(hdr[SLOT_SAMPLE_COUNT // 4])
        flags = int(hdr[SLOT_FLAGS // 4])
        self.end_of_epoch = bool(flags & FLAG_END_OF_EPOCH)
        self.skipped_count = int(hdr[SLOT_SKIPPED_COUNT // 4])
        table = reader._tables[slot][: self.size]
        self.sample_indices = table[:, 0].view("<i4")
        self.skipped = table[:, 1] == SAMPLE_SKIPPED
        self._items = {name: view[: self.size] for name, view in reader._tensor_views[slot].items()}
        self._items.update(
            reader._parse_metadata(
                base + reader._metadata_offset, int(hdr[SLOT_METADATA_RECORDS // 4])
            )
        )

    def _check(self):
        if self._released:
            raise RuntimeError(f"batch {self.sequence} was released; its memory may be overwritten")

    def __getitem__(self, key):
        self._check()
        return self._items[key]

    def __iter__(self):
        self._check()
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    @property
    def released(self):
        return self._released

    def release(self):
        """Hands the slot back to the producer (idempotent)."""
        self._reader._release(self)

    def __repr__(self):
        return (
            f"Batch(sequence={self.sequence}, epoch={self.epoch}, index={self.batch_index}, "
            f"size={self.size}, keys={list(self._items)})"
        )


class RingReader:
    """Consumer of one ring file. Iterate it for batches; use it as a context manager."""

    def __init__(self, path, timeout=30.0):
        self.path = os.fspath(path)
        self.timeout = float(timeout)
        self._current = None
        self._ended = False
        self._closed = False
        self._mm = self._open()
        mm = self._mm
        self._u32 = np.frombuffer(mm, dtype="<u4", count=HEADER_LENGTH // 4)
        self._u64 = np.frombuffer(mm, dtype="<u8", count=HEADER_LENGTH // 8)
        u32, u64 = self._u32, self._u64
        if int(u64[OFF_FILE_LENGTH // 8]) != len(mm):
            raise RingFormatError(f"{self.path}: file_length {int(u64[2])} != mapped {len(mm)}")
        self.slot_count = int(u32[OFF_SLOT_COUNT // 4])
        self.batch_size = int(u32[OFF_BATCH_SIZE // 4])
        self._slot_stride = int(u64[OFF_SLOT_STRIDE // 8])
        self._slots_offset = int(u64[OFF_SLOTS_OFFSET // 8])
        self._metadata_offset = int(u64[OFF_METADATA_OFFSET // 8])
        self.batches_per_epoch = int(u64[OFF_BATCHES_PER_EPOCH // 8])
        self.epochs = int(u32[OFF_EPOCHS // 4])
        self.rank = int(u32[OFF_RANK // 4])
        self.world_size = int(u32[OFF_WORLD_SIZE // 4])
        self.producer_pid = int(u64[OFF_PRODUCER_PID // 8])
        self.layout = self._read_descriptor()
        sample_table = int(u64[OFF_SAMPLE_TABLE_OFFSET // 8])
        self._seq_words = []
        self._slot_headers = []
        self._tables = []
        self._tensor_views = []
        for s in range(self.slot_count):
            base = self._slots_offset + self._slot_stride * s
            self._seq_words.append(np.frombuffer(mm, dtype="<u8", count=1, offset=base))
            self._slot_headers.append(np.frombuffer(mm, dtype="<u4", count=16, offset=base))
            self._tables.append(
                np.frombuffer(
                    mm, dtype="<u4", count=2 * self.batch_size, offset=base + sample_table
                ).reshape(self.batch_size, 2)
            )
            views = {}
            for name, (dtype, shape, offset) in self.layout.items():
                count = self.batch_size * int(np.prod(shape, dtype=np.int64))
                views[name] = np.frombuffer(
                    mm, dtype=dtype, count=count, offset=base + offset
                ).reshape((self.batch_size, *shape))
            self._tensor_views.append(views)
        other = int(u64[OFF_CONSUMER_PID // 8])
        beat = int(u64[OFF_CONSUMER_HEARTBEAT_MS // 8])
        if (other not in (0, os.getpid()) and beat != 0 and _pid_alive(other)
                and time.time() * 1000 - beat < CONSUMER_BUSY_MS):
            self._mm_close_quietly()
            raise RingBusy(f"ring {self.path} already has a live consumer (pid {other}); one consumer per ring")
        self._next_sequence = int(u64[OFF_CONSUMER_CURSOR // 8])
        u64[OFF_CONSUMER_HEARTBEAT_MS // 8] = int(time.time() * 1000)
        u64[OFF_CONSUMER_PID // 8] = os.getpid()
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, name="nuload-ring-heartbeat", daemon=True)
        self._beat.start()

    def _mm_close_quietly(self):
        self._u32 = self._u64 = None
        self._seq_words = self._slot_headers = self._tables = self._tensor_views = None
        self._closed = True
        try:
            self._mm.close()
        except BufferError:
            pass

    # ---- opening ----
    def _open(self):
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR)
            except FileNotFoundError:
                fd = None
            if fd is not None:
                try:
                    size = os.fstat(fd).st_size
                    if size >= HEADER_LENGTH:
                        mm = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
                        version = struct.unpack_from("<I", mm, OFF_VERSION)[0]
                        if version != 0:
                            magic = struct.unpack_from("<Q", mm, OFF_MAGIC)[0]
                            if magic != MAGIC:
                                mm.close()
                                raise RingFormatError(f"{self.path} is not a nuload ring (magic {magic:#x})")
                            if version != VERSION:
                                mm.close()
                                raise RingFormatError(
                                    f"{self.path}: ring format version {version}, this reader reads {VERSION}"
                                )
                            return mm
                        mm.close()
                finally:
                    os.close(fd)
            if time.monotonic() > deadline:
                raise ProducerGone(f"no ready ring at {self.path} within {self.timeout:g} s")
            time.sleep(0.01)

    def _read_descriptor(self):
        mm = self._mm
        count = int(self._u32[OFF_TENSOR_COUNT // 4])
        at = int(self._u32[OFF_DESCRIPTOR_OFFSET // 4])
        entry = int(self._u32[OFF_DESCRIPTOR_ENTRY_LENGTH // 4])
        layout = {}
        for i in range(count):
            e = at + entry * i
            name = bytes(mm[e + ENTRY_NAME : e + ENTRY_NAME + ENTRY_NAME_CAPACITY]).split(b"\0", 1)[0].decode()
            code, ndim = struct.unpack_from("<II", mm, e + ENTRY_DTYPE)
            shape = struct.unpack_from(f"<{ndim}q", mm, e + ENTRY_SHAPE)
            (offset,) = struct.unpack_from("<Q", mm, e + ENTRY_SLOT_OFFSET)
            if code not in DTYPES:
                raise RingFormatError(f"{self.path}: tensor {name} has unknown dtype code {code}")
            layout[name] = (DTYPES[code], tuple(int(d) for d in shape), int(offset))
        return layout

    # ---- metadata ----
    def _parse_metadata(self, at, records):
        mm = self._mm
        out = {}
        for _ in range(records):
            length, kind, code, ndim, name_len = struct.unpack_from("<IBBBB", mm, at)
            inner = struct.unpack_from(f"<{ndim}i", mm, at + 8)
            (rows,) = struct.unpack_from("<I", mm, at + 24)
            name = bytes(mm[at + RECORD_HEADER_LENGTH : at + RECORD_HEADER_LENGTH + name_len]).decode()
            p = at + RECORD_HEADER_LENGTH + _align8(name_len)
            counts = np.frombuffer(mm, dtype="<u4", count=rows, offset=p)
            p += _align8(4 * rows)
            if kind == KIND_STRINGS:
                values = []
                for n in counts.tolist():
                    values.append(bytes(mm[p : p + n]).decode("utf-8"))
                    p += n
            elif kind == KIND_RAGGED:
                dtype = DTYPES[code]
                per_row = int(np.prod(inner, dtype=np.int64))
                values = []
                for n in counts.tolist():
                    values.append(
                        np.frombuffer(mm, dtype=dtype, count=n * per_row, offset=p).reshape((n, *inner))
                    )
                    p += n * per_row * dtype.itemsize
            else:
                raise RingFormatError(f"{self.path}: metadata record {name} has unknown kind {kind}")
            out[name] = values
            at += length
        return out

    # ---- iteration ----
    def __iter__(self):
        return self

    def __next__(self):
        batch = self.next_batch()
        if batch is None:
            raise StopIteration
        return batch

    def next_batch(self):
        """Releases the current batch and waits for the next; None at the end of the stream."""
        self._release(self._current)
        if self._ended:
            return None
        if self._closed:
            raise RuntimeError("ring reader is closed")
        s = self._next_sequence
        slot = s % self.slot_count
        word = self._seq_words[slot]
        want = 2 * s + 2
        if int(word[0]) != want:
            t0 = time.perf_counter_ns()
            next_check = t0
            spins = 0
            while int(word[0]) != want:
                now = time.perf_counter_ns()
                if now >= next_check:
                    # reads /proc and the error record: a few looks per 10 ms are plenty
                    self._check_producer()
                    next_check = now + PRODUCER_CHECK_NS
                spins += 1
                time.sleep(0 if spins < 50 else 0.0005)
            self._u64[OFF_CONSUMER_WAIT_NS // 8] += time.perf_counter_ns() - t0
        if self._slot_headers[slot][SLOT_FLAGS // 4] & FLAG_END_OF_STREAM:
            self._ended = True
            self._next_sequence = s + 1
            self._u64[OFF_CONSUMER_CURSOR // 8] = self._next_sequence
            return None
        self._current = Batch(self, s, slot)
        return self._current

    def _release(self, batch):
        if batch is None or batch._released or batch is not self._current:
            if batch is not None:
                batch._released = True
            return
        batch._released = True
        self._current = None
        self._next_sequence += 1
        self._u64[OFF_CONSUMER_CURSOR // 8] = self._next_sequence

    def producer_error(self):
        n = min(int(self._u32[OFF_ERROR_LENGTH // 4]), ERROR_MESSAGE_CAPACITY)
        return bytes(self._mm[OFF_ERROR_MESSAGE : OFF_ERROR_MESSAGE + n]).decode("utf-8", "replace")

    def _check_producer(self):
        if int(self._u32[OFF_STREAM_STATE // 4]) == STATE_FAILED:
            error = self.producer_error()
            _remove_if_abandoned(self.path, wait=min(PRODUCER_EXIT_WAIT_S, self.timeout))
            raise ProducerGone(f"producer of ring {self.path} failed: {error}", error)
        alive = _pid_alive(self.producer_pid)
        silent = time.time() - int(self._u64[OFF_PRODUCER_HEARTBEAT_MS // 8]) / 1000.0
        if alive and silent <= self.timeout:
            return
        # a stopped producer still holds the lock: its ring stays
        _remove_if_abandoned(self.path, wait=0.0 if alive else min(PRODUCER_EXIT_WAIT_S, self.timeout))
        error = self.producer_error() or None
        tail = f"; its last error: {error}" if error else "; it left no error"
        if not alive:
            raise ProducerGone(f"producer pid {self.producer_pid} of ring {self.path} is gone{tail}", error)
        if silent > self.timeout:
            raise ProducerGone(
                f"producer pid {self.producer_pid} of ring {self.path} has not beaten for "
                f"{silent:.1f} s (timeout {self.timeout:g} s){tail}",
                error,
            )

    def _heartbeat(self):
        while not self._stop.wait(HEARTBEAT_INTERVAL_S):
            self._u64[OFF_CONSUMER_HEARTBEAT_MS // 8] = int(time.time() * 1000)

    # ---- lifetime ----
    def close(self):
        """Releases the current batch, stops the heartbeat and detaches (idempotent)."""
        if self._closed or not hasattr(self, "_beat"):
            return
        self._release(self._current)
        self._closed = True
        self._stop.set()
        self._beat.join()
        if not self._ended:
            # Leaving mid-stream: heartbeat 0 tells the producer at once (docs/format/ring.md).
            self._u64[OFF_CONSUMER_HEARTBEAT_MS // 8] = 0
        self._u32 = self._u64 = None
        self._seq_words = self._slot_headers = self._tables = self._tensor_views = None
        try:
            self._mm.close()
        except BufferError:
            pass  # arrays handed out still view the mapping; it is unmapped when they are freed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass


def _summarize(argv=None):
    """`python3 -m nuload.ring PATH`: reads every batch of a ring and prints a JSON summary
    (batches, samples, per-tensor shape and dtype, the mean of the first tensor, seconds)."""
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python3 -m nuload.ring", description=_summarize.__doc__)
    p.add_argument("path")
    p.add_argument("--timeout", type=float, default=60.0)
    a = p.parse_args(argv)
    batches = samples = 0
    tensors = {}
    means = []
    t0 = time.perf_counter()
    with RingReader(a.path, timeout=a.timeout) as reader:
        first = next(iter(reader.layout), None)
        for batch in reader:
            batches += 1
            samples += batch.size
            for name in reader.layout:
                arr = batch[name]
                tensors[name] = {"shape": list(arr.shape), "dtype": str(arr.dtype)}
            if first is not None:
                means.append(float(np.asarray(batch[first], dtype=np.float64).mean()))
            batch.release()
    seconds = time.perf_counter() - t0
    print(json.dumps({
        "batches": batches, "samples": samples, "seconds": round(seconds, 3),
        "samples_per_s": round(samples / seconds, 2) if seconds > 0 else 0.0,
        "tensors": tensors, "first_tensor_mean": round(float(np.mean(means)), 4) if means else None,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(_summarize())
