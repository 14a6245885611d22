"""nuload.torch.Loader: one constructor that owns a `nuload serve` child and yields mmdet3d batches."""

import json
import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from conftest import REPO, run_nuload

import nuload.infos
from nuload.server import ServerError
from nuload.torch import Loader


@pytest.fixture(autouse=True)
def nuload_home(monkeypatch):
    monkeypatch.setenv("NULOAD_HOME", str(REPO))


def own_rings(pid=None):
    prefix = f"nuload-{os.getpid() if pid is None else pid}-"
    return sorted(p for p in os.listdir("/dev/shm") if p.startswith(prefix))


def alive(pid):
    """Whether pid runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


@pytest.fixture(scope="module")
def tokens(synth_mini_infos):
    return [r["token"] for r in nuload.infos.load(synth_mini_infos)["infos"]]


def test_eval_loader_yields_the_mmdet3d_test_structure_in_dataset_order(synth_mini_infos, synth_mini,
                                                                         tokens, tmp_path):
    with Loader(synth_mini_infos, synth_mini, config="petrv1", batch_size=4, workers=2, train=False,
                epochs=1) as loader:
        assert len(loader) == math.ceil(len(tokens) / 4)
        batches = list(loader)
    assert len(batches) == len(loader)
    got = [m["sample_idx"] for data in batches for m in data["img_metas"][0]]
    assert got == tokens
    data = batches[0]
    assert set(data) == {"img", "img_metas"}
    img = data["img"][0]
    assert img.dtype == torch.float32 and tuple(img.shape) == (4, 6, 3, 320, 800)
    meta = data["img_metas"][0][0]
    assert meta["pad_shape"] == [(320, 800, 3)] * 6
    assert meta["img_shape"] == [(320, 800, 3)] * 6
    assert meta["ori_shape"] == (900, 1600, 3, 6)
    assert len(meta["lidar2img"]) == 6
    assert all(m.dtype == np.float64 and m.shape == (4, 4) for m in meta["lidar2img"])
    # the same pixels and matrices as `nuload preview` of the first sample
    out = tmp_path / "preview"
    run_nuload("preview", "--infos", synth_mini_infos, "--dataroot", synth_mini, "--sample", 0,
               "--preset", "petrv1", "--out", out)
    assert np.array_equal(img[0].numpy(), np.load(out / "img.npy"))
    ref = json.loads((out / "meta.json").read_text())
    np.testing.assert_allclose(np.stack(meta["lidar2img"]), np.array(ref["lidar2img"]), rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.stack(meta["extrinsics"]), np.array(ref["extrinsics"]), rtol=0, atol=1e-9)


def test_train_loader_yields_the_mmdet3d_train_structure_built_from_copies(synth_mini_infos, synth_mini):
    loader = Loader(synth_mini_infos, synth_mini, config="petrv2", batch_size=2, workers=2, epochs=1)
    it = iter(loader)
    first = next(it)
    second = next(it)
    assert set(first) == {"img", "img_metas", "gt_bboxes_3d", "gt_labels_3d"}
    assert tuple(first["img"].shape) == (2, 12, 3, 320, 800)
    assert len(first["gt_bboxes_3d"]) == 2 and len(first["gt_labels_3d"]) == 2
    for boxes, labels in zip(first["gt_bboxes_3d"], first["gt_labels_3d"]):
        assert boxes.dtype == torch.float32 and boxes.shape[1] == 9
        assert labels.dtype == torch.int64 and labels.shape[0] == boxes.shape[0]
    assert len(first["img_metas"][0]["timestamp"]) == 12
    first["img_metas"][0]["input_shape"] = (320, 800)  # extract_img_feat writes into the metas
    assert "input_shape" not in second["img_metas"][0]
    before = float(first["img"].sum())
    loader.close()  # the ring is unmapped: what was handed out must not point into it
    assert float(first["img"].sum()) == before
    assert float(sum(b.sum() for b in first["gt_bboxes_3d"])) == float(
        sum(b.sum() for b in first["gt_bboxes_3d"]))


def test_len_is_the_batches_distributed_sampler_gives_each_rank(synth_mini_infos, synth_mini, tokens):
    n = len(tokens)
    for world, rank, batch in ((2, 1, 3), (3, 0, 2), (1, 0, 5)):
        sampler = torch.utils.data.DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=True)
        expected = len(torch.utils.data.DataLoader(range(n), batch_size=batch, sampler=sampler))
        loader = Loader(synth_mini_infos, synth_mini, batch_size=batch, rank=rank, world_size=world)
        assert len(loader) == expected, (world, rank, batch)


def test_rank_and_world_size_come_from_the_torchrun_environment(synth_mini_infos, synth_mini, monkeypatch):
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    loader = Loader(synth_mini_infos, synth_mini)
    assert (loader.rank, loader.world_size) == (3, 4)
    assert loader.ring.endswith("-rank3.ring") and f"nuload-{os.getpid()}-" in loader.ring


def test_two_epochs_are_served_in_order_through_the_sampler_hook(synth_mini_infos, synth_mini, tokens):
    with Loader(synth_mini_infos, synth_mini, config="petrv1", batch_size=4, workers=2, epochs=2,
                structure="dict", dtype="uint8") as loader:
        orders = []
        for epoch in range(2):
            loader.sampler.set_epoch(epoch)  # what mmdet's DistSamplerSeedHook calls
            seen = []
            for data in loader:
                assert data["epoch"] == epoch
                assert data["img"].dtype == torch.float32  # uint8 normalised before hand-over
                seen += data["sample_tokens"]
            orders.append(seen)
    assert sorted(orders[0]) == sorted(tokens) == sorted(orders[1])
    assert orders[0] != orders[1], "each epoch has its own shuffle"


def test_uint8_batches_are_normalised_like_the_float32_ones(synth_mini_infos, synth_mini):
    kw = dict(config="petrv1", batch_size=2, workers=1, train=False, epochs=1, structure="dict")
    with Loader(synth_mini_infos, synth_mini, dtype="float32", **kw) as f32:
        a = next(iter(f32))["img"]
    with Loader(synth_mini_infos, synth_mini, dtype="uint8", **kw) as u8:
        b = next(iter(u8))["img"]
    # the exact pipeline rounds to uint8 before normalising, so the two agree to float32 rounding
    assert torch.allclose(a, b, atol=1e-4), float((a - b).abs().max())


def test_the_server_is_a_child_of_the_trainer_and_close_leaves_nothing(synth_mini_infos, synth_mini):
    loader = Loader(synth_mini_infos, synth_mini, batch_size=2, workers=2, train=True, epochs=100)
    next(iter(loader))
    pid = loader.server_pid
    assert parent_of(pid) == os.getpid()
    assert os.path.exists(loader.ring)
    loader.close()
    assert not alive(pid)
    assert own_rings() == []


def test_a_server_failure_reaches_the_trainer_with_the_servers_own_message(synth_mini_infos, tmp_path):
    empty = tmp_path / "no-files"
    empty.mkdir()
    with Loader(synth_mini_infos, empty, batch_size=2, workers=1, epochs=1, timeout=20) as loader:
        with pytest.raises(ServerError) as e:
            list(loader)
    message = str(e.value)
    assert "nuload serve (pid" in message
    assert str(empty) in message, message  # the server names the file it could not read
    assert own_rings() == []


TRAINER = r"""
import json, os, sys, time
sys.path.insert(0, {python!r})
from nuload.torch import Loader
loader = Loader({infos!r}, {dataroot!r}, batch_size=2, workers=1, epochs=100)
batch = next(iter(loader))
print(json.dumps({{"server": loader.server_pid, "ring": loader.ring}}), flush=True)
if {end!r} == "exception":
    raise RuntimeError("the training step failed")
time.sleep(600)
"""


@pytest.mark.parametrize("end", ["SIGKILL", "SIGTERM", "SIGINT", "exception"])
def test_a_trainer_that_ends_any_way_leaves_no_server_and_no_ring(synth_mini_infos, synth_mini, end):
    script = TRAINER.format(python=str(REPO / "python"), infos=str(synth_mini_infos),
                            dataroot=str(synth_mini), end=end)
    trainer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    line = trainer.stdout.readline()
    assert line, trainer.stderr.read()
    started = json.loads(line)
    assert alive(started["server"]) or end == "exception"
    if end != "exception":
        trainer.send_signal(getattr(signal, end))
    trainer.wait(timeout=60)
    deadline = time.monotonic() + 15
    while (alive(started["server"]) or os.path.exists(started["ring"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(started["server"]), f"the server outlived a trainer ended by {end}"
    assert not os.path.exists(started["ring"]), f"the ring stayed after a trainer ended by {end}"
    assert own_rings(trainer.pid) == []


def test_a_users_py_config_drives_the_served_pipeline(synth_mini_infos, synth_mini, tokens):
    config = REPO / "python" / "tests" / "configs" / "petrv2_vovnet_gridmask_p4_600x240.py"
    with Loader(synth_mini_infos, synth_mini, config=str(config), batch_size=4, workers=2, train=False,
                frames=1, epochs=1) as loader:
        data = next(iter(loader))
    img, metas = data["img"][0], data["img_metas"][0]
    assert tuple(img.shape) == (4, 6, 3, 256, 608)  # final_dim 240x600, padded by 32
    assert metas[0]["img_shape"] == [(240, 600, 3)] * 6
    assert metas[0]["pad_shape"] == [(256, 608, 3)] * 6
    assert [m["sample_idx"] for m in metas] == tokens[:4]
    assert float(img[:, :, :, 240:, :].abs().max()) == 0.0  # the padding rows are zero


def test_a_server_that_fails_before_its_ring_exists_reaches_the_trainer(tmp_path, synth_mini):
    import pyarrow as pa

    not_infos = tmp_path / "not_infos.arrow"
    with pa.OSFile(str(not_infos), "wb") as f, pa.ipc.new_file(f, pa.schema([("x", pa.int32())])) as w:
        w.write_table(pa.table({"x": pa.array([1, 2, 3], pa.int32())}))
    with Loader(not_infos, synth_mini, batch_size=1, epochs=1) as loader:
        with pytest.raises(ServerError) as e:
            next(iter(loader))
    assert "stopped before it created its ring" in str(e.value)
    assert str(not_infos) in str(e.value), str(e.value)
    assert own_rings() == []
