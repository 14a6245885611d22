"""loader_bench.py (the serve stage's Loader rows of `nuload bench`) measures nuload.torch.Loader and a
PyTorch DataLoader over the Python reference pipeline one after the other in one process."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

SCRIPT = REPO / "loader-bench" / "src" / "main" / "python" / "nuload_bench" / "loader_bench.py"


def own_rings(pid):
    return sorted(p for p in os.listdir("/dev/shm") if p.startswith(f"nuload-{pid}-"))


@pytest.mark.parametrize("args", [["--train"], ["--eval", "--mode", "fast", "--dtype", "uint8"]],
                         ids=["train-exact-float32", "eval-fast-uint8"])
def test_loader_bench_measures_both_loaders_for_two_batches(synth_mini, synth_mini_infos, args):
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--infos", str(synth_mini_infos), "--dataroot", str(synth_mini),
         "--batch-size", "2", "--workers", "2", "--samples", "2", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, NULOAD_HOME=str(REPO)))
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["train"] == ("--train" in args)
    assert summary["workers"] == 2 and summary["batch_size"] == 2
    for side, memory in (("nuload", "server_peak_rss_mib"), ("dataloader", "workers_peak_rss_mib")):
        figures = summary[side]
        assert set(figures) >= {"first_batch_s", "steady_samples_per_s", "batches", "samples",
                                "trainer_peak_rss_mib", memory}, figures
        assert figures["batches"] == 2 and figures["samples"] == 4, figures
        assert figures["first_batch_s"] > 0 and figures["steady_samples_per_s"] > 0, figures
        assert figures["trainer_peak_rss_mib"] > 0 and figures[memory] > 0, figures
    assert summary["steady_ratio"] > 0 and summary["first_batch_ratio"] > 0
    assert own_rings(proc.pid) == [], "the Loader's ring stayed after the script ended"
