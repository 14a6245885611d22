"""nuload preview against independent Python: the Pillow/numpy PETR reference pipeline for the
pixels and numpy spec formulas (on the nuload.infos records) for the matrices."""

import json
import sys

import numpy as np
import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "loader-bench" / "src" / "main" / "python"))

from nuload import infos  # noqa: E402
from nuload_bench import petr_reference as ref  # noqa: E402

CAMS = ["CAM_FRONT", "CAM_FRONT_RIGHT", "CAM_FRONT_LEFT", "CAM_BACK", "CAM_BACK_LEFT", "CAM_BACK_RIGHT"]
IDA_TEST = np.array([[0.5, 0, 0], [0, 0.5, -130], [0, 0, 1]])  # spec 3.8, test pipeline


@pytest.fixture(scope="module")
def preview(tmp_path_factory, nuload, real_dir):
    root = real_dir / "scene-0523"
    assert root.is_dir(), f"real fixture missing: {root} (testdata/ is part of the checkout)"
    tmp = tmp_path_factory.mktemp("preview")
    nuload("infos", "--dataroot", root, "--version", "v1.0-trainval", "--out", tmp / "infos")
    arrow = tmp / "infos" / "nuscenes_infos_val.arrow"
    out = tmp / "out"
    nuload("preview", "--infos", arrow, "--dataroot", root, "--sample", "1", "--out", out)
    meta = json.loads((out / "meta.json").read_text())
    record = infos.load(str(arrow), flavor="petr")["infos"][1]
    return root, np.load(out / "img.npy"), meta, record


def test_preview_pixels_match_the_pillow_reference_pipeline(preview):
    root, img, meta, _ = preview
    want = ref.sample_tensor([root / f for f in meta["filename"]], (800, 450), (0, 130, 800, 450),
                             flip=False)
    assert img.dtype == np.float32 and img.shape == want.shape == (12, 3, 320, 800)
    assert np.abs(img - want).max() <= 1 / min(ref.STD) + 1e-5


def test_preview_lidar2img_matches_the_spec_formulas(preview):
    _, _, meta, rec = preview
    got = np.array(meta["lidar2img"])
    for v, cam in enumerate(CAMS):
        c = rec["cams"][cam]
        r_l2c = np.linalg.inv(np.asarray(c["sensor2lidar_rotation"]))
        t_l2c = np.eye(4)
        t_l2c[:3, :3] = r_l2c
        t_l2c[:3, 3] = -r_l2c @ np.asarray(c["sensor2lidar_translation"])
        k4 = np.eye(4)
        k4[:3, :3] = IDA_TEST @ np.asarray(c["cam_intrinsic"])
        want = k4 @ t_l2c
        np.testing.assert_allclose(got[v], want, rtol=1e-6, atol=1e-6 * np.abs(want).max())
    # past frame: test index 14 clamps to the last of the 6 sweeps (the previous keyframe)
    assert len(rec["sweeps"]) == 6
    for v, cam in enumerate(CAMS):
        s = rec["sweeps"][5][cam]
        k4 = np.asarray(s["intrinsics"], dtype=np.float64).copy()
        k4[:3, :3] = IDA_TEST @ k4[:3, :3]
        want = k4 @ np.asarray(s["extrinsics"], dtype=np.float64).T
        # the pkl matrices are float32: relative 1e-6
        np.testing.assert_allclose(got[6 + v], want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


def test_preview_meta_names_views_and_shapes(preview):
    _, _, meta, _ = preview
    assert meta["views"] == CAMS + [c + "@prev" for c in CAMS]
    assert meta["img_shape"] == [320, 800]
    assert len(meta["intrinsics"]) == 12 and np.array(meta["intrinsics"]).shape == (12, 4, 4)
