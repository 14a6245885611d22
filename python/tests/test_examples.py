"""The Python training-loop example runs on real batches: from a real `nuload serve` producer
through the ring, and from a PyTorch DataLoader running the Python PETR pipeline."""

import json
import subprocess
import sys

import pytest

import ring_support
from conftest import REPO

import torch  # noqa: F401  (the example trains with it)

EXAMPLE = REPO / "examples" / "python" / "train_tiny.py"


def run_example(*args):
    proc = subprocess.run([sys.executable, str(EXAMPLE), *map(str, args), "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_training_loop_takes_gradient_steps_on_served_batches(synth_mini, synth_mini_infos):
    ring = ring_support.ring_path()
    producer = subprocess.Popen(
        [str(REPO / "nuload"), "serve", "--infos", str(synth_mini_infos), "--dataroot",
         str(synth_mini), "--ring", str(ring), "--batch-size", "2", "--workers", "2",
         "--frames", "1", "--limit", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ring_support.wait_ready(ring, timeout=120)
        summary = run_example("ring", "--ring", ring)
        out, err = producer.communicate(timeout=120)
        assert producer.returncode == 0, err
    finally:
        producer.kill()
        ring_support.cleanup(ring)
    assert summary["steps"] == 2 and summary["samples"] == 4
    assert summary["first_loss"] is not None and summary["last_loss"] != summary["first_loss"]


def test_training_loop_takes_gradient_steps_on_dataloader_batches(synth_mini, synth_mini_infos):
    summary = run_example("dataloader", "--infos", synth_mini_infos, "--dataroot", synth_mini,
                          "--batch-size", 2, "--workers", 2, "--limit", 4)
    assert summary["steps"] == 2 and summary["samples"] == 4
    assert summary["first_loss"] is not None and summary["last_loss"] != summary["first_loss"]


PETR_TINY = REPO / "examples" / "python" / "train_petr_tiny.py"


@pytest.mark.parametrize("source", ["nuload", "dataloader"])
def test_petr_tiny_trains_a_resnet18_detector_whose_loss_falls(synth_mini, synth_mini_infos, source,
                                                             monkeypatch):
    monkeypatch.setenv("NULOAD_HOME", str(REPO))
    flag = ["--dataloader"] if source == "dataloader" else []
    proc = subprocess.run([sys.executable, str(PETR_TINY), "--infos", str(synth_mini_infos),
                           "--dataroot", str(synth_mini), "--steps", "20", "--quiet", *flag],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["source"] == source and summary["steps"] == 20
    assert summary["last_loss"] < 0.5 * summary["first_loss"], summary
