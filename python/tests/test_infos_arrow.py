"""Info files written by Java (nuload example-infos) read from Python: zero-copy mapping, shapes,
the mmdet3d / PETR pkl structure of nuload.infos.load, value round trip and third-party readers."""

import json
import math
import pickle

import numpy as np
import pytest

import pyarrow as pa

from nuload import infos as I  # noqa: E402

ANN = "example-infos-mini_train.arrow"
TEST = "example-infos-test.arrow"
REAL_PKL = "keyframe-scene-0061/bevfusion_infos_v0x.pkl"

PETR_KEYS = [
    "lidar_token", "lidar_path", "token", "sweeps", "cams", "lidar2ego_translation",
    "lidar2ego_rotation", "ego2global_translation", "ego2global_rotation", "timestamp",
]
GT_KEYS = ["gt_boxes", "gt_names", "gt_velocity", "num_lidar_pts", "num_radar_pts", "valid_flag"]
FRAME_KEYS = [
    "is_key_frame", "data_path", "type", "timestamp", "sample_data_token", "sensor2lidar_rotation",
    "sensor2lidar_translation", "intrinsics", "extrinsics", "lidar2img",
]


@pytest.fixture(scope="session")
def dump(examples):
    return json.loads((examples / "example-infos.json").read_text())


@pytest.fixture(scope="session")
def real(real_dir):
    p = real_dir / REAL_PKL
    assert p.exists(), f"real converter output {p} missing (testdata/ is part of the checkout)"
    with open(p, "rb") as f:
        return pickle.load(f)


def _shape(v):
    if isinstance(v, np.ndarray):
        return ("ndarray", v.dtype.kind, v.dtype.itemsize if v.dtype.kind != "U" else 0, v.shape)
    if isinstance(v, list):
        return ("list", tuple(type(x).__name__ for x in v))
    return (type(v).__name__,)


def test_should_map_the_file_without_allocating(examples):
    before = pa.total_allocated_bytes()
    table = I.open_table(examples / ANN)
    assert table.num_rows == 5
    assert pa.total_allocated_bytes() == before
    with pa.memory_map(str(examples / ANN)) as src:
        t2 = pa.ipc.open_file(src).read_all()
        assert t2.num_rows == 5
    assert pa.total_allocated_bytes() == before


def test_should_carry_schema_metadata(examples):
    md = I.file_metadata(I.open_table(examples / ANN).schema)
    assert md["nuload.format_version"] == "1"
    assert md["nusc.version"] == "v1.0-mini"
    assert md["nuload.split"] == "mini_train"
    assert json.loads(md["nuload.options"])["max_sweeps"] == 10
    for key in ("nuload.source_fingerprint", "nuload.created_by"):
        assert key in md


def _shaped_fields(field, path="", named=True):
    p = (f"{path}.{field.name}" if path else field.name) if named else path
    md = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
    if "shape" in md:
        yield p, field, json.loads(md["shape"])
    t = field.type
    if pa.types.is_struct(t):
        for i in range(t.num_fields):
            yield from _shaped_fields(t.field(i), p)
    elif pa.types.is_list(t) or pa.types.is_fixed_size_list(t):
        yield from _shaped_fields(t.value_field, p, named=False)


def _column(table, path, leaf_type):
    parts = path.split(".")
    arr = table.column(parts[0]).combine_chunks()
    for part in parts[1:]:
        while not pa.types.is_struct(arr.type):
            arr = arr.flatten()
        arr = arr.field(part)
    while not (pa.types.is_fixed_size_list(arr.type) and arr.type.value_type == leaf_type.value_type):
        arr = arr.flatten()
    return arr


def test_should_reshape_matrix_columns_to_the_documented_shapes(examples):
    table = I.open_table(examples / ANN)
    seen = set()
    for path, field, shape in _shaped_fields_of(table.schema):
        assert pa.types.is_fixed_size_list(field.type), path
        assert field.type.value_type == pa.float64(), path
        assert field.type.list_size == int(np.prod(shape)), path
        arr = _column(table, path, field.type)
        values = arr.flatten().to_numpy(zero_copy_only=True)
        m = values.reshape((-1, *shape))
        assert m.shape[0] == len(arr)
        seen.add(path.split(".")[-1])
    md = {k.decode(): v.decode() for k, v in table.schema.field("lidar2ego_rotation").metadata.items()}
    assert md["order"] == "wxyz"
    assert {"sensor2lidar_rotation", "cam_intrinsic", "gt_boxes", "gt_velocity"} <= seen
    r = _column(table, "cams.sensor2lidar_rotation", pa.list_(pa.float64(), 9)).flatten().to_numpy().reshape(-1, 3, 3)
    assert np.allclose(np.einsum("nij,nkj->nik", r, r), np.eye(3), atol=1e-9)  # rotations


def _shaped_fields_of(schema):
    for f in schema:
        yield from _shaped_fields(f)


def test_should_have_the_structure_of_the_real_converter_output(examples, real):
    ours = I.load(examples / ANN, dataroot="data/nuscenes")["infos"][3]
    theirs = real["infos"][0]
    assert set(real.keys()) == {"infos", "metadata"}
    # the real pkl comes from a converter without lidar_token and with its own key order
    assert set(theirs) <= set(ours)
    assert list(ours) == PETR_KEYS + GT_KEYS
    for k in theirs:
        if k in ("cams", "sweeps"):
            continue
        assert _shape(ours[k]) == _shape(theirs[k]), k
    assert list(ours["cams"]) == list(theirs["cams"])
    for cam, entry in theirs["cams"].items():
        assert list(ours["cams"][cam]) == list(entry), cam
        for k, v in entry.items():
            assert _shape(ours["cams"][cam][k]) == _shape(v), (cam, k)
    ref = theirs["sweeps"][0]
    for sw in ours["sweeps"]:
        assert list(sw) == list(ref)
        for k, v in ref.items():
            assert _shape(sw[k]) == _shape(v), k
    assert ours["cams"]["CAM_FRONT"]["data_path"].startswith("data/nuscenes/samples/CAM_FRONT/")


def test_should_give_annotation_arrays_the_converter_dtypes(examples):
    infos = I.load(examples / ANN)["infos"]
    r = infos[2]
    n = len(r["gt_names"])
    assert n == 4
    assert r["gt_boxes"].dtype == np.float64 and r["gt_boxes"].shape == (n, 7)
    assert r["gt_names"].dtype.kind == "U" and r["gt_names"].shape == (n,)
    assert r["gt_velocity"].dtype == np.float64 and r["gt_velocity"].shape == (n, 2)
    assert r["num_lidar_pts"].dtype == np.int64 and r["num_radar_pts"].dtype == np.int64
    assert r["valid_flag"].dtype == np.bool_ and r["valid_flag"].shape == (n,)
    assert np.isnan(r["gt_velocity"][0]).all()
    empty = infos[1]  # no boxes: the shapes the converter gives, float64 where np.array([]) is
    assert [empty[k].shape for k in GT_KEYS] == [(0, 7), (0,), (0, 2), (0,), (0,), (0,)]
    assert empty["gt_names"].dtype == np.float64 and empty["valid_flag"].dtype == np.bool_


def test_should_leave_out_annotation_keys_for_the_test_version(examples):
    d = I.load(examples / TEST)
    assert d["metadata"] == {"version": "v1.0-test"}
    for r in d["infos"]:
        assert list(r) == PETR_KEYS
    assert list(I.load(examples / TEST, lidar_token=False)["infos"][0])[0] == "lidar_path"


def test_should_round_trip_the_values_written_by_java(examples, dump):
    for name in (ANN, TEST):
        got = I.load(examples / name)["infos"]
        want = dump[name]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g["token"] == w["token"] and g["lidar_token"] == w["lidar_token"]
            assert g["lidar_path"] == w["lidar_path"] and g["timestamp"] == w["timestamp"]
            for k in ("lidar2ego_translation", "lidar2ego_rotation", "ego2global_translation",
                      "ego2global_rotation"):
                assert g[k] == w[k], k
            for j, cam in enumerate(w["cams"]):
                gc = g["cams"][cam["type"]]
                assert list(g["cams"])[j] == cam["type"]
                _same_sensor(gc, cam, camera=True)
            assert len(g["sweeps"]) == len(w["lidar_sweeps"])
            for gs, ws in zip(g["sweeps"], w["lidar_sweeps"]):
                _same_sensor(gs, ws, camera=False)
            if "gt_boxes" in w:
                n = len(w["gt_names"])
                assert g["gt_names"].tolist() == w["gt_names"]
                np.testing.assert_array_equal(g["gt_boxes"].ravel(), np.array(w["gt_boxes"], float))
                np.testing.assert_array_equal(g["gt_velocity"].ravel(), _floats(w["gt_velocity"]))
                assert g["num_lidar_pts"].tolist() == w["num_lidar_pts"]
                assert g["num_radar_pts"].tolist() == w["num_radar_pts"]
                assert g["valid_flag"].tolist() == w["valid_flag"]
                assert g["gt_boxes"].shape == (n, 7)


def _floats(xs):
    return np.array([math.nan if x == "NaN" else x for x in xs], dtype=np.float64)


def _same_sensor(g, w, camera):
    assert g["data_path"] == w["data_path"] and g["type"] == w["type"]
    assert g["sample_data_token"] == w["sample_data_token"] and g["timestamp"] == w["timestamp"]
    for k in ("sensor2ego_translation", "sensor2ego_rotation", "ego2global_translation",
              "ego2global_rotation"):
        assert g[k] == w[k], k
    np.testing.assert_array_equal(g["sensor2lidar_rotation"].ravel(), w["sensor2lidar_rotation"])
    np.testing.assert_array_equal(g["sensor2lidar_translation"], w["sensor2lidar_translation"])
    if camera:
        np.testing.assert_array_equal(g["cam_intrinsic"].ravel(), w["cam_intrinsic"])


def test_should_build_petr_camera_sweeps(examples, dump):
    got = I.load(examples / ANN, flavor="petr", dataroot="/data/nuscenes")["infos"]
    for g, w in zip(got, dump[ANN]):
        assert list(g) == PETR_KEYS + GT_KEYS
        assert len(g["sweeps"]) == len(w["camera_sweeps"]) and len(g["sweeps"]) % 6 == 0
        for ge, we in zip(g["sweeps"], w["camera_sweeps"]):
            assert tuple(ge) == I.SWEEP_CAM_ORDER
            for wf in we:
                f = ge[wf["channel"]]
                assert list(f) == FRAME_KEYS
                assert f["type"] == "camera" and f["is_key_frame"] == wf["is_key_frame"]
                assert f["data_path"] == "/data/nuscenes/" + wf["data_path"]
                assert f["sample_data_token"] == wf["sample_token"]  # the converters' bug, kept
                assert f["sensor2lidar_rotation"].dtype == np.float64
                assert f["sensor2lidar_rotation"].shape == (3, 3)
                assert f["sensor2lidar_translation"].shape == (3,)
                for k in ("intrinsics", "extrinsics", "lidar2img"):
                    assert f[k].dtype == np.float32 and f[k].shape == (4, 4), k
                    want = np.array(wf[k]).reshape(4, 4)
                    np.testing.assert_allclose(f[k], want, rtol=1e-6, atol=1e-6, err_msg=k)
                # lidar2img = K4 . E^T (spec 2.5.3)
                np.testing.assert_allclose(
                    f["lidar2img"], f["intrinsics"].astype(float) @ f["extrinsics"].astype(float).T,
                    rtol=1e-5, atol=1e-3)
        assert g["sweeps"] == [] or g["sweeps"][5]["CAM_FRONT"]["is_key_frame"]


def test_should_return_writable_arrays(examples):
    r = I.load(examples / ANN, flavor="petr")["infos"][4]
    r["sweeps"][0]["CAM_FRONT"]["intrinsics"][0, 0] *= 0.5  # PETR's ResizeCropFlipImage does this
    r["cams"]["CAM_FRONT"]["cam_intrinsic"][0, 0] = 1.0


def test_should_name_the_file_when_it_is_not_an_info_file(tmp_path):
    bad = tmp_path / "bad.arrow"
    bad.write_text("not arrow")
    with pytest.raises(ValueError, match="bad.arrow"):
        I.load(bad)
    other = tmp_path / "other.arrow"
    t = pa.table({"x": [1, 2]})
    with pa.OSFile(str(other), "wb") as f, pa.ipc.new_file(f, t.schema) as w:
        w.write_table(t)
    with pytest.raises(ValueError, match="nuload.format_version"):
        I.load(other)
    with pytest.raises(ValueError, match="flavor"):
        I.load(other, flavor="bevfusion")


def test_should_be_readable_by_polars(examples):
    import polars as pl
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pl.read_ipc(str(examples / ANN), memory_map=True)
    assert df.height == 5
    assert df["token"].to_list() == I.open_table(examples / ANN).column("token").to_pylist()
