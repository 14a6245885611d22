"""nuload.infos.load's lazy ``infos``: a Sequence whose records, built on access from the mapped
file, equal the eager loader's list (keys, order, types, dtypes, shapes, writable arrays) on the
example, synthetic and real scene-0523 info files, and that survives pickling and DataLoader
workers (fork and spawn)."""

import os
import pickle
import shutil
from collections.abc import Sequence

import numpy as np
import pytest

from nuload import infos as I

FLAVORS = ["mmdet3d", "petr"]
FILES = ["example-annotated", "example-test", "synth-meta", "scene-0523"]


@pytest.fixture(scope="module")
def scene_0523_infos(nuload, real_dir, tmp_path_factory):
    """The info file of the real scene-0523 fixture (its val split, 40 samples)."""
    out = tmp_path_factory.mktemp("scene-0523-infos")
    nuload("infos", "--dataroot", real_dir / "scene-0523", "--version", "v1.0-trainval", "--out", out)
    return out / "nuscenes_infos_val.arrow"


@pytest.fixture(scope="module")
def synth_meta_infos(nuload, tmp_path_factory):
    """The mini_train info file of a synthetic v1.0-mini with tables only (2 scenes, seed 7: 41
    samples, up to 10 LiDAR sweeps and 30 camera-sweep entries); no sensor files, so seconds to
    make instead of the minutes of conftest's synth_mini."""
    root = tmp_path_factory.mktemp("synth-meta")
    nuload("synth", "--out", root, "--version", "v1.0-mini", "--scenes", "2", "--seed", "7", "--meta-only")
    out = tmp_path_factory.mktemp("synth-meta-infos")
    nuload("infos", "--dataroot", root, "--version", "v1.0-mini", "--out", out)
    return out / "nuscenes_infos_mini_train.arrow"


@pytest.fixture(scope="module")
def info_file(request, examples):
    """An info file by name (FILES); the synthetic and real ones are built only when asked for."""
    def get(name):
        if name == "example-annotated":
            return examples / "example-infos-mini_train.arrow"
        if name == "example-test":
            return examples / "example-infos-test.arrow"
        if name == "synth-meta":
            return request.getfixturevalue("synth_meta_infos")
        return request.getfixturevalue("scene_0523_infos")

    return get


@pytest.fixture
def annotated(examples):
    return examples / "example-infos-mini_train.arrow"


@pytest.fixture
def built(monkeypatch):
    """Counts the records the per-row builder makes (I._record) and the rows each column decode
    reads (I._batch_columns)."""
    counts = {"records": 0, "decoded_rows": []}
    record, columns = I._record, I._batch_columns

    def counting_record(*args, **kwargs):
        counts["records"] += 1
        return record(*args, **kwargs)

    def counting_columns(batch, flavor):
        counts["decoded_rows"].append(batch.num_rows)
        return columns(batch, flavor)

    monkeypatch.setattr(I, "_record", counting_record)
    monkeypatch.setattr(I, "_batch_columns", counting_columns)
    return counts


def assert_same(a, b, path="record"):
    """Strict equality: same types, key order, dtypes, shapes, writability and values (NaN = NaN)."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, np.ndarray):
        assert (a.dtype, a.shape) == (b.dtype, b.shape), path
        assert a.flags.writeable and b.flags.writeable, path
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for j, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{j}]")
    else:
        assert a == b or (a != a and b != b), f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("flavor", FLAVORS)
@pytest.mark.parametrize("name", FILES)
def test_lazy_records_equal_the_eager_list(info_file, name, flavor):
    path = info_file(name)
    eager = I.load(path, flavor=flavor, lazy=False)["infos"]
    lazy = I.load(path, flavor=flavor)["infos"]
    assert len(lazy) == len(eager) > 0
    for i in range(len(eager)):
        assert_same(lazy[i], eager[i], f"{name}[{i}]")


@pytest.mark.parametrize("flavor", FLAVORS)
def test_lazy_records_keep_the_dataroot_and_lidar_token_options(info_file, flavor):
    path = info_file("scene-0523")
    kw = dict(flavor=flavor, dataroot="/data/nuscenes", lidar_token=False)
    eager = I.load(path, lazy=False, **kw)["infos"]
    lazy = I.load(path, **kw)["infos"]
    assert_same(lazy[7], eager[7])
    assert lazy[7]["cams"]["CAM_FRONT"]["data_path"].startswith("/data/nuscenes/samples/")


@pytest.fixture(scope="module")
def many_batches(info_file, tmp_path_factory):
    """scene-0523's info file rewritten in record batches of 7 rows (6 batches, the last of 5)."""
    import pyarrow as pa

    table = I.open_table(info_file("scene-0523"))
    path = tmp_path_factory.mktemp("many-batches") / "infos.arrow"
    with pa.OSFile(str(path), "wb") as f, pa.ipc.new_file(f, table.schema) as w:
        w.write_table(table, max_chunksize=7)
    assert pa.ipc.open_file(pa.memory_map(str(path))).num_record_batches == 6
    return path


@pytest.mark.parametrize("flavor", FLAVORS)
def test_records_across_record_batches_equal_the_eager_list(info_file, many_batches, flavor):
    eager = I.load(info_file("scene-0523"), flavor=flavor, lazy=False)["infos"]
    lazy = I.load(many_batches, flavor=flavor)["infos"]
    assert_same(I.load(many_batches, flavor=flavor, lazy=False)["infos"], eager, "eager")
    assert_same([lazy[i] for i in range(-len(lazy), 0)], eager, "index")
    assert_same(list(lazy), eager, "iteration")
    assert_same(list(lazy[5:37:3]), eager[5:37:3], "slice")
    assert_same(list(lazy[::-1].sorted_by_timestamp()), eager, "sorted")


def test_load_is_lazy_by_default_and_eager_on_request(annotated):
    lazy, eager = I.load(annotated), I.load(annotated, lazy=False)
    assert isinstance(lazy["infos"], I.LazyInfos) and isinstance(lazy["infos"], Sequence)
    assert type(eager["infos"]) is list
    assert lazy["metadata"] == eager["metadata"] == {"version": "v1.0-mini"}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_iteration_yields_the_eager_list(info_file, flavor):
    path = info_file("scene-0523")
    eager = I.load(path, flavor=flavor, lazy=False)["infos"]
    got = list(I.load(path, flavor=flavor)["infos"])
    assert type(got) is list
    assert_same(got, eager, "list(infos)")


def test_negative_index_counts_from_the_end(annotated):
    eager = I.load(annotated, lazy=False)["infos"]
    lazy = I.load(annotated)["infos"]
    assert_same(lazy[-1], eager[-1])
    assert_same(lazy[-len(eager)], eager[0])


def test_slice_is_a_lazy_view_of_the_same_records(info_file, built):
    path = info_file("scene-0523")
    eager = I.load(path, flavor="petr", lazy=False)["infos"]
    lazy = I.load(path, flavor="petr")["infos"]
    built["records"] = 0
    views = [lazy[3:30:4], lazy[::-7], lazy[5:][::3][-2:], lazy[100:]]
    assert built["records"] == 0
    assert all(isinstance(v, I.LazyInfos) for v in views)
    for view, want in zip(views, [eager[3:30:4], eager[::-7], eager[5:][::3][-2:], eager[100:]]):
        assert len(view) == len(want)
        assert_same(list(view), want, "slice")


def test_len_builds_no_record(info_file, built):
    lazy = I.load(info_file("scene-0523"), flavor="petr")["infos"]
    assert len(lazy) == 40 and len(lazy[::2]) == 20 and len(lazy.sorted_by_timestamp()) == 40
    assert built == {"records": 0, "decoded_rows": []}


def test_one_access_decodes_only_its_row(info_file, built):
    lazy = I.load(info_file("scene-0523"), flavor="petr")["infos"]
    lazy[17]
    lazy[-1]
    assert built == {"records": 2, "decoded_rows": [1, 1]}


def test_accesses_give_independent_writable_records(annotated):
    lazy = I.load(annotated, flavor="petr")["infos"]
    first = lazy[4]
    first["sweeps"][0]["CAM_FRONT"]["intrinsics"][0, 0] *= 0.5  # PETR's ResizeCropFlipImage does this
    first["cams"]["CAM_FRONT"]["cam_intrinsic"][0, 0] = 1.0
    first["gt_boxes"][:] = 0
    again = lazy[4]
    k = first["sweeps"][0]["CAM_FRONT"]["intrinsics"][0, 0]
    assert again["sweeps"][0]["CAM_FRONT"]["intrinsics"][0, 0] == 2 * k
    assert again["cams"]["CAM_FRONT"]["cam_intrinsic"][0, 0] != 1.0
    assert again["gt_boxes"].any()


@pytest.mark.parametrize("index", [5, -6, 10**9])
def test_out_of_range_index_raises_index_error(annotated, index):
    lazy = I.load(annotated)["infos"]  # 5 records
    with pytest.raises(IndexError, match="out of range"):
        lazy[index]


def test_out_of_range_index_of_a_slice_raises_index_error(annotated):
    view = I.load(annotated)["infos"][1:3]
    with pytest.raises(IndexError, match="out of range"):
        view[2]


def test_non_integer_index_raises_type_error(annotated):
    with pytest.raises(TypeError, match="integers or slices"):
        I.load(annotated)["infos"]["token"]


def test_eq_compares_record_by_record_with_a_list(annotated):
    eager = I.load(annotated, lazy=False)["infos"]
    lazy = I.load(annotated)["infos"]
    assert lazy == eager and eager == lazy and lazy == tuple(eager) and not lazy != eager
    assert lazy[1:] != eager and lazy[1:] == eager[1:]
    eager[2]["gt_boxes"][0, 0] += 1.0
    assert lazy != eager
    assert lazy == I.load(annotated)["infos"]
    assert lazy != I.load(annotated, flavor="petr")["infos"]
    assert (lazy == "not a list") is False


def test_index_count_and_in_find_a_record(annotated):
    lazy = I.load(annotated)["infos"]
    rec = lazy[3]
    assert rec in lazy and lazy.index(rec) == 3 and lazy.count(rec) == 1
    assert lazy.index(rec, -2) == 3
    other = I.load(annotated, lidar_token=False)["infos"][3]
    assert other not in lazy and lazy.count(other) == 0
    with pytest.raises(ValueError):
        lazy.index(rec, 0, 3)


def test_sorted_by_timestamp_is_the_order_of_sorted(info_file, built):
    lazy = I.load(info_file("scene-0523"))["infos"]
    shuffled = lazy[::-1]  # a view out of timestamp order (the file is in timestamp order)
    built["records"] = 0
    view = shuffled.sorted_by_timestamp()
    assert built["records"] == 0
    want = sorted(list(shuffled), key=lambda e: e["timestamp"])
    assert [r["token"] for r in view] == [r["token"] for r in want]
    assert view == want


def test_pickle_round_trip_reopens_the_file(info_file):
    lazy = I.load(info_file("scene-0523"), flavor="petr", dataroot="/data/nuscenes")["infos"]
    data = pickle.dumps(lazy)
    assert len(data) < 2000  # path, options and a range: no record
    back = pickle.loads(data)
    assert isinstance(back, I.LazyInfos) and len(back) == 40 and back._source._mapped is None
    assert_same(back[9], lazy[9])
    assert back == lazy
    view = pickle.loads(pickle.dumps(lazy.sorted_by_timestamp()[::5]))
    assert_same(list(view), list(lazy[::5]))


def test_pickled_copy_raises_when_the_file_changed(examples, tmp_path):
    path = tmp_path / "infos.arrow"
    shutil.copy(examples / "example-infos-mini_train.arrow", path)
    data = pickle.dumps(I.load(path)["infos"])
    shutil.copy(examples / "example-infos-test.arrow", path)
    with pytest.raises(ValueError, match="changed since it was loaded"):
        pickle.loads(data)[0]


def first_lidar2img(info):
    """CAM_FRONT's lidar2img in the newest camera-sweep entry, zeros without one."""
    return info["sweeps"][0]["CAM_FRONT"]["lidar2img"] if info["sweeps"] else np.zeros((4, 4), np.float32)


class TinyDataset:
    """A torch map-style dataset over lazy infos, as mmdet3d's holds data_infos."""

    def __init__(self, infos):
        self.data_infos = infos

    def __len__(self):
        return len(self.data_infos)

    def __getitem__(self, i):
        info = self.data_infos[i]
        return {
            "index": i,
            "token": info["token"],
            "lidar2img": first_lidar2img(info),
            "pid": os.getpid(),
            "mapped_pid": self.data_infos._source._mapped.pid,
        }


@pytest.mark.parametrize("context", ["fork", "spawn"])
def test_dataloader_workers_read_the_lazy_infos(info_file, context):
    torch = pytest.importorskip("torch")
    path = info_file("scene-0523")
    eager = I.load(path, flavor="petr", lazy=False)["infos"]
    lazy = I.load(path, flavor="petr")["infos"]
    lazy[0]  # mapped and used in the parent before the workers start
    loader = torch.utils.data.DataLoader(TinyDataset(lazy), batch_size=None, num_workers=2,
                                         multiprocessing_context=context)
    items = list(loader)
    assert [it["index"] for it in items] == list(range(len(eager)))
    assert [it["token"] for it in items] == [r["token"] for r in eager]
    for it, r in zip(items, eager):
        np.testing.assert_array_equal(it["lidar2img"].numpy(), first_lidar2img(r))
    pids = {it["pid"] for it in items}
    assert len(pids) == 2 and os.getpid() not in pids
    assert all(it["mapped_pid"] == it["pid"] for it in items)  # each worker mapped the file itself
