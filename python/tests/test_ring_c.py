"""The C header include/nuload_ring.h: offsets pinned to docs/format/ring.md, and the C consumer
example built with gcc reading a real producer's batches, checked against numpy recomputation."""

import re
import subprocess

import numpy as np
import pytest

import nuload.ring as pyring
from conftest import REPO
from ring_support import cleanup, expected_sample, ring_path, shard, start_producer

DOC = REPO / "docs" / "format" / "ring.md"
HEADER = REPO / "include" / "nuload_ring.h"
SECTIONS = {"## Header": "OFF_", "## Layout descriptor entry": "ENTRY_", "### Slot header": "SLOT_",
            "### Metadata record": "RECORD_"}


def documented_offsets():
    out, prefix = {}, None
    for line in DOC.read_text().splitlines():
        if line.startswith("#"):
            prefix = next((p for h, p in SECTIONS.items() if line.startswith(h)), None)
            continue
        m = re.match(r"\| (\d+) \| [^|]+ \| [^|]+ \| (\w+) \|", line)
        if prefix and m:
            out[prefix + m.group(2).upper()] = int(m.group(1))
    return out


def test_c_header_defines_every_documented_offset():
    macros = {m.group(1): int(m.group(2)) for m in
              re.finditer(r"#define NL_(\w+) (\d+)u?\b", HEADER.read_text())}
    doc = documented_offsets()
    assert len(doc) > 40
    assert {k: macros.get(k) for k in doc} == doc


def test_python_reader_offsets_match_the_document():
    doc = documented_offsets()
    mine = {k: v for k, v in vars(pyring).items()
            if re.fullmatch(r"(OFF|ENTRY|SLOT)_[A-Z_]+", k) and isinstance(v, int)
            and not k.endswith("_CAPACITY")}
    assert len(mine) > 30
    assert {k: doc.get(k) for k in mine} == mine


def checksum(buf):
    s = 0
    for b in np.frombuffer(buf, dtype=np.uint8).tolist():
        s = (s * 31 + b) & 0xFFFFFFFFFFFFFFFF
    return f"{s:016x}"


def test_c_consumer_reads_every_batch_of_a_real_producer(consumer_binary):
    path = ring_path()
    n, batch, epochs, seed, views, h, w = 11, 3, 2, 9, 2, 6, 5
    try:
        proc = start_producer(path, "--samples", n, "--batch-size", batch, "--workers", 2, "--epochs", epochs,
                              "--shuffle", "--seed", seed, "--rank", 1, "--world-size", 2,
                              "--views", views, "--height", h, "--width", w)
        c = subprocess.run([str(consumer_binary), str(path), "60000"], capture_output=True, text=True,
                           timeout=120)
        assert c.returncode == 0, c.stderr
        assert proc.wait(timeout=60) == 0
    finally:
        cleanup(path)
    lines = c.stdout.splitlines()
    expected = []
    seq = 0
    for e in range(epochs):
        order = shard(n, 1, 2, shuffle=True, seed=seed, epoch=e)
        for b in range(0, len(order), batch):
            rows = order[b:b + batch]
            samples = [expected_sample(s, e, views, h, w) for s in rows]
            sums = " ".join(
                f"{name}={checksum(np.stack([np.asarray(x[name]) for x in samples]).tobytes())}"
                for name in ("img", "lidar2img", "stamp"))
            boxes = sum(s % 4 for s in rows)
            expected.append(f"batch {seq} epoch {e} index {b // batch} size {len(rows)} samples "
                            f"{' '.join(map(str, rows))} {sums} token0=sample-{rows[0]:06d} boxes={boxes}")
            seq += 1
    assert lines == expected


def test_c_consumer_reports_a_killed_producer(consumer_binary):
    path = ring_path()
    proc = None
    try:
        proc = start_producer(path, "--samples", 20, "--batch-size", 2, "--workers", 1, "--epochs", 1000)
        # the timeout covers the producer's start on a loaded machine; a dead pid is seen at once
        c = subprocess.Popen([str(consumer_binary), str(path), "60000"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        first = c.stdout.readline()
        assert first.startswith("batch 0 ")
        proc.kill()
        out, err = c.communicate(timeout=30)
        assert c.returncode == 1
        assert f"producer pid {proc.pid} is gone" in err
        proc.wait(timeout=30)
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()  # a failed assertion must not leave the producer running
            proc.wait(timeout=30)
        cleanup(path)
