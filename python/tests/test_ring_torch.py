"""nuload.torch.RingDataset over a real producer: zero-copy tensors, set_epoch, rank checks."""

import numpy as np
import pytest

import torch

from nuload.torch import RingDataset  # noqa: E402
from ring_support import cleanup, expected_sample, ring_path, shard, start_producer  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def cli_built(nuload):
    nuload("serve-pattern", "--help")


def test_epochs_iterate_in_order_with_zero_copy_tensors():
    base = ring_path()
    path = f"{base}-1"
    proc = start_producer(path, "--samples", 9, "--batch-size", 2, "--workers", 2, "--epochs", 2,
                          "--shuffle", "--seed", 4, "--rank", 1, "--world-size", 2)
    ds = RingDataset(f"{base}-{{rank}}", timeout=60, rank=1, world_size=2)
    try:
        for epoch in range(2):
            ds.set_epoch(epoch)
            got = []
            for batch in torch.utils.data.DataLoader(ds, batch_size=None, num_workers=0):
                img = batch["img"]
                assert isinstance(img, torch.Tensor) and img.dtype == torch.uint8
                view = ds._reader._current["img"]
                assert img.data_ptr() == view.ctypes.data, "torch.from_numpy, no copy"
                for r, s in enumerate(batch["sample_indices"].tolist()):
                    want = expected_sample(s, epoch, 2, 8, 12)
                    np.testing.assert_array_equal(img[r].numpy(), want["img"])
                    assert batch["sample_tokens"][r] == want["sample_tokens"]
                got += batch["sample_indices"].tolist()
            assert got == shard(9, 1, 2, shuffle=True, seed=4, epoch=epoch)
        assert list(ds) == []
        assert proc.wait(timeout=60) == 0
    finally:
        ds.close()
        if proc.poll() is None:
            proc.kill()
        cleanup(path)


def test_wrong_epoch_or_rank_is_refused():
    path = ring_path()
    proc = start_producer(path, "--samples", 4, "--batch-size", 2, "--workers", 1)
    try:
        with pytest.raises(ValueError, match="serves rank 0 of 1"):
            iter(RingDataset(path, timeout=60, rank=1, world_size=2)).__next__()
        ds = RingDataset(path, timeout=60, rank=0, world_size=1)
        ds.set_epoch(3)
        with pytest.raises(RuntimeError, match="serving epoch 0 but set_epoch\\(3\\)"):
            next(iter(ds))
        ds.close()
    finally:
        proc.kill()
        proc.wait()
        cleanup(path)


def test_iterating_every_epoch_releases_every_batch_so_the_producer_ends_cleanly():
    path = ring_path()
    proc = start_producer(path, "--samples", 5, "--batch-size", 2, "--workers", 1, "--epochs", 2)
    ds = RingDataset(path, timeout=60)
    try:
        seen = 0
        for epoch in range(2):
            ds.set_epoch(epoch)
            seen += sum(len(b["sample_tokens"]) for b in ds)
        ds.close()
        out, err = proc.communicate(timeout=60)
        assert seen == 10  # 5 samples per epoch, as batches of 2, 2 and 1
        assert proc.returncode == 0, err
        assert "stopped:" not in out, out
    finally:
        if proc.poll() is None:
            proc.kill()
        cleanup(path)
