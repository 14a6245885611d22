"""Info files written by nuload (Arrow IPC, ``docs/format/infos-arrow.md``) as mmdet3d / PETR records.

``load(path)`` returns what the Python converters pickle (spec 2.4-2.11)::

    {'infos': records, 'metadata': {'version': 'v1.0-trainval'}}

each record with the same keys in the same order, Python lists where the pkl has lists and numpy
arrays (same dtypes and shapes, writable) where it has arrays. ``flavor='mmdet3d'`` puts the
LiDAR sweeps under ``sweeps`` (``nuscenes_infos_*.pkl``); ``flavor='petr'`` puts the PETRv2 camera
sweeps there (``mmdet3d_nuscenes_30f_infos_*.pkl`` / Paddle3D), with their float32
``intrinsics``, ``extrinsics`` and ``lidar2img`` derived from the stored camera matrix and
sensor-to-lidar transform with the very numpy operations of PETR's ``generate_sweep_pkl.py``.

``infos`` is lazy: a ``LazyInfos`` (a ``collections.abc.Sequence``) over the memory-mapped file.
``load`` reads the schema and the record batches' headers only, so opening a trainval train file
(27,659 rows, 2 GB) and taking ``len`` and two records takes 0.2-0.3 s and 9 MiB of private
memory, against 95-108 s and 8,248 MiB for the eager list (on a busy 2-core machine), in every
process that loads it (``loader-bench/.../nuload_bench/infos_lazy_bench.py``). The price moves to
each access: ``infos[i]`` decodes that one row (a one-row slice of its record batch) and builds a
new dict, a median of about 1.6 ms for a ``flavor='mmdet3d'`` record and 4 ms for a ``'petr'``
record (up to 30 camera-sweep entries of 6 frames, 5 arrays each), about what the eager loader
spends per record; nothing is cached, so two accesses give two independent dicts and a trainer
that reads each record once per epoch pays that once per epoch. ``len``, slices (``LazyInfos`` views) and
``sorted_by_timestamp()`` build no record; iterating builds every record it passes, 64 rows per
decode. ``load(..., lazy=False)`` gives the eager list (``list(infos)`` is the same list).

A ``LazyInfos`` pickles by path, flavor, dataroot and row numbers (about 450 bytes; 8 bytes a
row more for a reordered view): DataLoader workers under ``spawn`` map the file again, and so
does a ``fork`` child on its first access.

mmdet3d v0.17.1 ``NuScenesDataset`` and Paddle3D ``NuscenesMVDataset`` index ``data_infos[i]``
(``get_data_info``, ``get_ann_info``, ``get_cat_ids``) and take ``len(data_infos)`` for the
sampler flags, which the lazy sequence serves as a list would. Their loaders, though, build
``list(sorted(data['infos'], key=lambda e: e['timestamp']))``: iterating builds every record and
the list keeps them, the eager cost again. nuload's rows are in ``sample.json`` order, which is
not timestamp order (the official v1.0-mini ``sample.json`` is not), so the sort matters: a
subclass returns ``data['infos'].sorted_by_timestamp()[::load_interval]`` instead (the same
order, from the timestamp column alone; ``docs/usage.md`` shows both subclasses). mmdet3d's
``CBGSDataset`` calls ``get_cat_ids`` for every index once at construction: that builds (and
drops) every record.

Paths are stored relative to the dataset root. With ``dataroot`` they are joined to it (the
mmdet3d / PETR form); without, they stay relative (the Paddle3D form).

The file is opened with ``pyarrow.memory_map``: ``open_table`` is zero-copy; records copy what
they return into ordinary (writable) Python and numpy objects.
"""

from __future__ import annotations

import bisect
import operator
import os
from collections.abc import Sequence
from typing import Any, Dict, List, Optional

import numpy as np

from . import CAM_ORDER  # noqa: F401 -- ``cams`` insertion order, kept as nuload.infos.CAM_ORDER

FORMAT_MAJOR = "1"
"""Major version of the info file layout this module reads (``nuload.format_version``)."""


SWEEP_CAM_ORDER = (
    "CAM_FRONT",
    "CAM_FRONT_RIGHT",
    "CAM_BACK_RIGHT",
    "CAM_BACK",
    "CAM_BACK_LEFT",
    "CAM_FRONT_LEFT",
)
"""Camera order inside a camera-sweep entry (PETR generator order, spec 2.7)."""

FLAVORS = ("mmdet3d", "petr")


def _pa():
    try:
        import pyarrow as pa
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("nuload.infos needs pyarrow: pip install pyarrow") from e
    return pa


def open_table(path):
    """Returns the whole info file as a ``pyarrow.Table`` backed by a memory map (zero-copy).

    Args:
        path: the ``.arrow`` file.
    """
    pa = _pa()
    return pa.ipc.open_file(pa.memory_map(os.fspath(path), "r")).read_all()


def file_metadata(schema) -> Dict[str, str]:
    """Returns the schema metadata of an info file as a str -> str dict."""
    return {k.decode(): v.decode() for k, v in (schema.metadata or {}).items()}


def load(path, flavor: str = "mmdet3d", dataroot: Optional[str] = None, lidar_token: bool = True,
         lazy: bool = True):
    """Loads an info file as the mmdet3d v0.x / PETR pickle structure.

    Args:
        path: the ``.arrow`` info file written by nuload.
        flavor: ``'mmdet3d'`` (``sweeps`` = LiDAR sweeps) or ``'petr'`` (``sweeps`` = PETRv2
            camera sweeps with float32 matrices).
        dataroot: joined in front of every stored path when given; paths stay relative
            (Paddle3D style) when None.
        lidar_token: keep the ``lidar_token`` key (PETR / Paddle3D converters); False gives the
            vanilla mmdet3d v0.17.1 record.
        lazy: True (the default): ``infos`` is a ``LazyInfos`` sequence that builds each record
            from the memory-mapped file when it is accessed. False: ``infos`` is the list of
            every record, built now.

    Returns:
        ``{'infos': records, 'metadata': {'version': V}}``, records in file order.

    Raises:
        ValueError: naming the file when it is not a nuload info file of a supported version, or
            when ``flavor`` is unknown.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {FLAVORS}, got {flavor!r}")
    mapped = _Mapped(os.path.abspath(os.fspath(path)))
    metadata = {"version": mapped.meta["nusc.version"]}
    if lazy:
        source = _Source(mapped.path, mapped.identity(), mapped)
        return {"infos": LazyInfos(source, range(mapped.num_rows), flavor, dataroot, lidar_token),
                "metadata": metadata}
    join = _joiner(dataroot)
    infos: List[dict] = []
    for batch in mapped.batches:
        infos.extend(_batch_records(batch, flavor, join, lidar_token))
    return {"infos": infos, "metadata": metadata}


def _joiner(dataroot):
    return (lambda rel: os.path.join(dataroot, rel)) if dataroot is not None else (lambda rel: rel)


class _Mapped:
    """One process's memory map of an info file: its record batches (zero-copy views into the
    map, read once here so that later accesses from several threads share no reader state), the
    first row of each, and the schema metadata."""

    def __init__(self, path: str):
        pa = _pa()
        try:
            reader = pa.ipc.open_file(pa.memory_map(path, "r"))
        except (pa.ArrowInvalid, OSError) as e:
            raise ValueError(f"{path}: not a readable Arrow IPC file ({e})") from e
        meta = file_metadata(reader.schema)
        fv = meta.get("nuload.format_version")
        if fv is None:
            raise ValueError(
                f"{path}: schema metadata 'nuload.format_version' is missing (not a nuload info file?)")
        if fv.split(".")[0] != FORMAT_MAJOR:
            raise ValueError(
                f"{path}: info file format version {fv} is not supported (app={FORMAT_MAJOR} file={fv})")
        self.path = path
        self.meta = meta
        self.pid = os.getpid()
        self.batches = [reader.get_batch(b) for b in range(reader.num_record_batches)]
        self.starts = [0]
        for batch in self.batches:
            self.starts.append(self.starts[-1] + batch.num_rows)
        self.num_rows = self.starts[-1]

    def identity(self):
        """What must not change when another process maps the file again."""
        return (self.num_rows, tuple(sorted(self.meta.items())))

    def locate(self, row: int):
        """(record batch, row inside it) of a file row."""
        b = bisect.bisect_right(self.starts, row) - 1
        return self.batches[b], row - self.starts[b]


class _Source:
    """An info file shared by the views of one ``load``: mapped again in a process that did not
    map it (a fork child, an unpickled copy), and checked to be the file that was loaded."""

    def __init__(self, path: str, identity, mapped: Optional[_Mapped] = None):
        self.path = path
        self.identity = identity
        self._mapped = mapped

    def mapped(self) -> _Mapped:
        m = self._mapped
        if m is None or m.pid != os.getpid():
            m = _Mapped(self.path)
            if m.identity() != self.identity:
                raise ValueError(
                    f"{self.path}: the info file changed since it was loaded "
                    f"({self.identity[0]} rows then, {m.num_rows} now, or other schema metadata)")
            self._mapped = m
        return m


_ITER_CHUNK = 64
"""Rows decoded together while iterating (consecutive rows of one record batch)."""


class LazyInfos(Sequence):
    """The records of an info file as a read-only sequence that builds each record on access.

    ``infos[i]`` decodes row ``i`` alone from the memory-mapped file (a one-row slice of its
    record batch, through the same code as ``load(..., lazy=False)``) and returns a new dict equal
    to the eager loader's: same keys and order, lists, numpy dtypes and shapes, writable arrays.
    Nothing is cached: two accesses give two independent dicts.

    * ``len`` costs nothing; ``infos[a:b:c]`` and ``sorted_by_timestamp()`` return ``LazyInfos``
      views (row numbers only, no record is built); iteration decodes up to 64 consecutive rows
      at a time; ``list(infos)`` is the eager list.
    * ``==`` compares record by record with a list, a tuple or another view: numpy arrays are
      equal when dtype, shape and values (NaN where NaN) are; two views of the same file, flavor,
      dataroot and rows are equal without building records. ``in``, ``index`` and ``count`` use
      the same record equality (a record's arrays make ``dict ==`` raise).
    * Pickling stores the path, flavor, dataroot, lidar_token and row numbers; the copy maps the
      file again on first access, as does a fork child, and raises ``ValueError`` if the file
      now has other rows or schema metadata.
    """

    __hash__ = None  # mutable-looking and compared by value, like a list

    def __init__(self, source: _Source, rows, flavor: str, dataroot, lidar_token: bool):
        self._source = source
        self._rows = rows  # file row numbers: a range, or an int64 ndarray
        self.flavor = flavor
        self.dataroot = dataroot
        self.lidar_token = lidar_token
        self._join = _joiner(dataroot)

    @property
    def path(self) -> str:
        """The info file (absolute)."""
        return self._source.path

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._view(self._rows[i])
        try:
            k = operator.index(i)
        except TypeError:
            raise TypeError(f"info indices must be integers or slices, not {type(i).__name__}") from None
        n = len(self._rows)
        if not -n <= k < n:
            raise IndexError(f"info index {k} out of range ({n} records)")
        batch, off = self._source.mapped().locate(int(self._rows[k]))
        return self._records(batch, off, 1)[0]

    def __iter__(self):
        m = self._source.mapped()
        rows, n, k = self._rows, len(self._rows), 0
        while k < n:
            row = int(rows[k])
            batch, off = m.locate(row)
            most = min(_ITER_CHUNK, batch.num_rows - off, n - k)
            run = 1
            while run < most and int(rows[k + run]) == row + run:
                run += 1
            yield from self._records(batch, off, run)
            k += run

    def _records(self, batch, off: int, count: int):
        return _batch_records(batch.slice(off, count), self.flavor, self._join, self.lidar_token)

    def _view(self, rows) -> "LazyInfos":
        return LazyInfos(self._source, rows, self.flavor, self.dataroot, self.lidar_token)

    def sorted_by_timestamp(self) -> "LazyInfos":
        """A view of these records in the order of ``sorted(infos, key=lambda e: e['timestamp'])``
        (stable, as ``sorted`` is), computed from the ``timestamp`` column without building a
        record."""
        m = self._source.mapped()
        ts = np.concatenate([np.asarray(b.column(b.schema.get_field_index("timestamp")).to_numpy(),
                                        dtype=np.int64) for b in m.batches] or [np.zeros(0, np.int64)])
        rows = np.asarray(self._rows, dtype=np.int64)
        order = np.argsort(ts[rows], kind="stable")
        if np.array_equal(order, np.arange(len(rows))):
            return self._view(self._rows)
        return self._view(rows[order])

    def __eq__(self, other):
        if isinstance(other, LazyInfos):
            if self._same_view(other):
                return True
        elif not isinstance(other, (list, tuple)):
            return NotImplemented
        return len(self) == len(other) and all(_same(a, b) for a, b in zip(self, other))

    def _options(self):
        return (self._source.path, self._source.identity, self.flavor, self.dataroot, self.lidar_token)

    def _same_view(self, other: "LazyInfos") -> bool:
        return (self._options() == other._options() and len(self._rows) == len(other._rows)
                and np.array_equal(np.asarray(self._rows), np.asarray(other._rows)))

    def __contains__(self, value) -> bool:
        return any(_same(r, value) for r in self)

    def index(self, value, start: int = 0, stop: Optional[int] = None) -> int:
        lo, hi, _ = slice(start, stop).indices(len(self))
        for k, r in enumerate(self[lo:hi]):
            if _same(r, value):
                return lo + k
        raise ValueError("record is not in infos")

    def count(self, value) -> int:
        return sum(1 for r in self if _same(r, value))

    def __repr__(self) -> str:
        return (f"LazyInfos({self.path!r}, flavor={self.flavor!r}, dataroot={self.dataroot!r}, "
                f"{len(self)} records)")

    def __reduce__(self):
        path, identity, flavor, dataroot, lidar_token = self._options()
        return (_unpickle, (path, identity, self._rows, flavor, dataroot, lidar_token))


def _unpickle(path, identity, rows, flavor, dataroot, lidar_token) -> LazyInfos:
    return LazyInfos(_Source(path, identity), rows, flavor, dataroot, lidar_token)


def _same(a, b) -> bool:
    """Record equality: same types, dict keys in the same order, arrays of the same dtype, shape
    and values (NaN equal to NaN), floats equal or both NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape
                and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return a == b or (a != a and b != b)
    return bool(a == b)


# ----------------------------------------------------------------------------- column helpers


def _fixed(arr, *shape):
    """FixedSizeList<float64> array -> writable float64 ndarray (len, *shape)."""
    vals = arr.flatten().to_numpy(zero_copy_only=False)
    return np.array(vals, dtype=np.float64).reshape((len(arr),) + shape)


def _list_offsets(arr):
    off = arr.offsets.to_numpy()
    return off - off[0]


def _sensor_columns(struct, camera: bool):
    cols = {
        "type": struct.field("type").to_pylist(),
        "data_path": struct.field("data_path").to_pylist(),
        "sample_data_token": struct.field("sample_data_token").to_pylist(),
        "sensor2ego_translation": _fixed(struct.field("sensor2ego_translation"), 3).tolist(),
        "sensor2ego_rotation": _fixed(struct.field("sensor2ego_rotation"), 4).tolist(),
        "ego2global_translation": _fixed(struct.field("ego2global_translation"), 3).tolist(),
        "ego2global_rotation": _fixed(struct.field("ego2global_rotation"), 4).tolist(),
        "timestamp": struct.field("timestamp").to_pylist(),
        "sensor2lidar_rotation": _fixed(struct.field("sensor2lidar_rotation"), 3, 3),
        "sensor2lidar_translation": _fixed(struct.field("sensor2lidar_translation"), 3),
    }
    if camera:
        cols["cam_intrinsic"] = _fixed(struct.field("cam_intrinsic"), 3, 3)
    return cols


def _sensor_entry(c, i, join, camera: bool) -> dict:
    # key order of obtain_sensor2top (+ cam_intrinsic for cameras)
    e = {
        "data_path": join(c["data_path"][i]),
        "type": c["type"][i],
        "sample_data_token": c["sample_data_token"][i],
        "sensor2ego_translation": c["sensor2ego_translation"][i],
        "sensor2ego_rotation": c["sensor2ego_rotation"][i],
        "ego2global_translation": c["ego2global_translation"][i],
        "ego2global_rotation": c["ego2global_rotation"][i],
        "timestamp": c["timestamp"][i],
        "sensor2lidar_rotation": c["sensor2lidar_rotation"][i].copy(),
        "sensor2lidar_translation": c["sensor2lidar_translation"][i].copy(),
    }
    if camera:
        e["cam_intrinsic"] = c["cam_intrinsic"][i].copy()
    return e


def petr_matrices(cam_intrinsic, sensor2lidar_rotation, sensor2lidar_translation):
    """PETR's ``intrinsics``, ``extrinsics``, ``lidar2img`` (float32, (M,4,4) each), spec 2.5.3.

    The operations are those of PETR ``generate_sweep_pkl.py`` ``add_frame``, batched over M
    frames: ``lidar2cam_r = inv(R)``, ``lidar2cam_t = t @ lidar2cam_r.T``, ``E[:3,:3] =
    lidar2cam_r.T``, ``E[3,:3] = -lidar2cam_t``, ``viewpad`` = K in a 4x4 identity,
    ``lidar2img = viewpad @ E.T``; each cast to float32 at the end.
    """
    k = np.asarray(cam_intrinsic, dtype=np.float64).reshape(-1, 3, 3)
    r = np.asarray(sensor2lidar_rotation, dtype=np.float64).reshape(-1, 3, 3)
    t = np.asarray(sensor2lidar_translation, dtype=np.float64).reshape(-1, 3)
    m = len(r)
    lidar2cam_r = np.linalg.inv(r)
    lidar2cam_t = np.matmul(t[:, None, :], np.swapaxes(lidar2cam_r, 1, 2))[:, 0, :]
    ext = np.broadcast_to(np.eye(4), (m, 4, 4)).copy()
    ext[:, :3, :3] = np.swapaxes(lidar2cam_r, 1, 2)
    ext[:, 3, :3] = -lidar2cam_t
    viewpad = np.broadcast_to(np.eye(4), (m, 4, 4)).copy()
    viewpad[:, :3, :3] = k
    lidar2img = np.matmul(viewpad, np.swapaxes(ext, 1, 2))
    return viewpad.astype(np.float32), ext.astype(np.float32), lidar2img.astype(np.float32)


def _gt(names, boxes, vel, nl, nr, valid):
    """The annotation arrays with the converter's dtypes, including its N = 0 quirks."""
    n = len(names)
    if n == 0:
        # np.array([]) is float64: gt_names, num_*_pts and the velocity start that way
        return {
            "gt_boxes": np.zeros((0, 7), dtype=np.float64),
            "gt_names": np.array([]),
            "gt_velocity": np.array([]).reshape(-1, 2),
            "num_lidar_pts": np.array([]),
            "num_radar_pts": np.array([]),
            "valid_flag": np.array([], dtype=bool).reshape(-1),
        }
    return {
        "gt_boxes": boxes.copy(),
        "gt_names": np.array(names),
        "gt_velocity": vel.copy(),
        "num_lidar_pts": np.array(nl.tolist()),
        "num_radar_pts": np.array(nr.tolist()),
        "valid_flag": np.array(valid, dtype=bool).reshape(-1),
    }


def _batch_columns(batch, flavor) -> Dict[str, Any]:
    """Decodes the columns the records of ``flavor`` need from a record batch, or from a slice of
    one (``batch.slice(row, 1)``: then only that row's values are read). List offsets are made
    relative to the batch's first row."""
    col = batch.column
    names = batch.schema.names
    c: Dict[str, Any] = {
        "token": col(names.index("token")).to_pylist(),
        "lidar_token": col(names.index("lidar_token")).to_pylist(),
        "lidar_path": col(names.index("lidar_path")).to_pylist(),
        "timestamp": col(names.index("timestamp")).to_pylist(),
        "lidar2ego_translation": _fixed(col(names.index("lidar2ego_translation")), 3).tolist(),
        "lidar2ego_rotation": _fixed(col(names.index("lidar2ego_rotation")), 4).tolist(),
        "ego2global_translation": _fixed(col(names.index("ego2global_translation")), 3).tolist(),
        "ego2global_rotation": _fixed(col(names.index("ego2global_rotation")), 4).tolist(),
    }
    cams_arr = col(names.index("cams"))
    c["ncam"] = cams_arr.type.list_size
    c["cams"] = _sensor_columns(cams_arr.flatten(), camera=True)

    if flavor == "mmdet3d":
        ls = col(names.index("lidar_sweeps"))
        c["ls_off"] = _list_offsets(ls)
        c["ls"] = _sensor_columns(ls.flatten(), camera=False)
    else:
        cs = col(names.index("camera_sweeps"))
        c["cs_off"] = _list_offsets(cs)
        frames = cs.flatten().flatten()
        c["nfr"] = cs.type.value_type.list_size
        fr = {
            "channel": frames.field("channel").to_pylist(),
            "is_key_frame": frames.field("is_key_frame").to_pylist(),
            "data_path": frames.field("data_path").to_pylist(),
            "timestamp": frames.field("timestamp").to_pylist(),
            "sample_token": frames.field("sample_token").to_pylist(),
            "R": _fixed(frames.field("sensor2lidar_rotation"), 3, 3),
            "t": _fixed(frames.field("sensor2lidar_translation"), 3),
        }
        k = _fixed(frames.field("cam_intrinsic"), 3, 3)
        fr["intrinsics"], fr["extrinsics"], fr["lidar2img"] = petr_matrices(k, fr["R"], fr["t"])
        c["frames"] = fr

    if "gt_boxes" in names:
        def lst(name):
            a = col(names.index(name))
            return _list_offsets(a), a.flatten()

        gt = {}
        gt["gb_off"], gb = lst("gt_boxes")
        gt["boxes"] = _fixed(gb, 7)
        gt["gn_off"], gn = lst("gt_names")
        gt["names"] = gn.to_pylist()
        gt["gv_off"], gv = lst("gt_velocity")
        gt["vel"] = _fixed(gv, 2)
        gt["nl_off"], nl = lst("num_lidar_pts")
        gt["nl"] = np.asarray(nl.to_numpy(zero_copy_only=False), dtype=np.int64)
        gt["nr_off"], nr = lst("num_radar_pts")
        gt["nr"] = np.asarray(nr.to_numpy(zero_copy_only=False), dtype=np.int64)
        gt["vf_off"], vf = lst("valid_flag")
        gt["vf"] = np.asarray(vf.to_numpy(zero_copy_only=False), dtype=bool)
        c["gt"] = gt
    return c


def _record(c, i, flavor, join, lidar_token) -> Dict[str, Any]:
    """The record of row ``i`` of decoded columns ``c`` (``_batch_columns``), in the pkl's key order."""
    rec: Dict[str, Any] = {}
    if lidar_token:
        rec["lidar_token"] = c["lidar_token"][i]
    rec["lidar_path"] = join(c["lidar_path"][i])
    rec["token"] = c["token"][i]
    if flavor == "mmdet3d":
        off = c["ls_off"]
        rec["sweeps"] = [_sensor_entry(c["ls"], j, join, camera=False) for j in range(off[i], off[i + 1])]
    else:
        off, nfr, fr = c["cs_off"], c["nfr"], c["frames"]
        sweeps = []
        for e in range(off[i], off[i + 1]):
            entry = {}
            for f in range(e * nfr, (e + 1) * nfr):
                entry[fr["channel"][f]] = {
                    "is_key_frame": fr["is_key_frame"][f],
                    "data_path": join(fr["data_path"][f]),
                    "type": "camera",
                    "timestamp": fr["timestamp"][f],
                    # PETR/Paddle3D store the *sample* token under this key (spec 2.7)
                    "sample_data_token": fr["sample_token"][f],
                    "sensor2lidar_rotation": fr["R"][f].copy(),
                    "sensor2lidar_translation": fr["t"][f].copy(),
                    "intrinsics": fr["intrinsics"][f].copy(),
                    "extrinsics": fr["extrinsics"][f].copy(),
                    "lidar2img": fr["lidar2img"][f].copy(),
                }
            sweeps.append(entry)
        rec["sweeps"] = sweeps
    ncam, cams = c["ncam"], c["cams"]
    rec["cams"] = {
        cams["type"][i * ncam + j]: _sensor_entry(cams, i * ncam + j, join, camera=True) for j in range(ncam)
    }
    for key in ("lidar2ego_translation", "lidar2ego_rotation", "ego2global_translation",
                "ego2global_rotation", "timestamp"):
        rec[key] = c[key][i]
    gt = c.get("gt")
    if gt is not None:
        rec.update(
            _gt(
                gt["names"][gt["gn_off"][i] : gt["gn_off"][i + 1]],
                gt["boxes"][gt["gb_off"][i] : gt["gb_off"][i + 1]],
                gt["vel"][gt["gv_off"][i] : gt["gv_off"][i + 1]],
                gt["nl"][gt["nl_off"][i] : gt["nl_off"][i + 1]],
                gt["nr"][gt["nr_off"][i] : gt["nr_off"][i + 1]],
                gt["vf"][gt["vf_off"][i] : gt["vf_off"][i + 1]],
            )
        )
    return rec


def _batch_records(batch, flavor, join, lidar_token) -> List[Dict[str, Any]]:
    """The records of every row of a record batch (or of a slice of one)."""
    c = _batch_columns(batch, flavor)
    return [_record(c, i, flavor, join, lidar_token) for i in range(batch.num_rows)]
