"""`./nuload demo`, the README's first command: every stage on a built-in dataset, quickly."""

import os
import pathlib
import re
import struct

from conftest import run_nuload


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def demo_rings():
    return sorted(p for p in os.listdir("/dev/shm") if p.startswith("nuload-demo-"))


def test_demo_runs_every_stage_reports_both_rates_and_writes_the_preview(tmp_path):
    before = demo_rings()
    out = tmp_path / "demo"
    proc = run_nuload("demo", "--out", out)
    for stage in range(1, 7):
        assert f"demo: [{stage}/6]" in proc.stdout, proc.stdout
    rows = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert re.search(r"\d+\.\d samples/s steady$", rows["serve"]), rows["serve"]
    assert re.search(r"\d+\.\d samples/s steady \(nuload \d+\.\dx\)$", rows["baseline"]), rows["baseline"]
    assert "0 errors" in rows["validate"]
    # 3 epochs of the scene's 10 samples in batches of 2
    assert rows["serve"].split()[1] == "15", rows["serve"]
    png = out / "preview.png"
    assert f"preview:  {png}" in proc.stdout
    assert png_size(png) == (3 * 800, 2 * 320)
    assert demo_rings() == before, "the demo's ring was left in /dev/shm"


def test_demo_refuses_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    proc = run_nuload("demo", "--out", tmp_path, check=False)
    assert proc.returncode == 4, proc.stderr
    assert "was not written by the demo" in proc.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"
