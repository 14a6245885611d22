"""nuload for PyTorch training scripts.

``Loader`` is the drop-in for a DataLoader: one constructor starts ``nuload serve`` as a child of the
trainer, honours the pipeline config, and yields batches in the framework's own structure::

    from nuload.torch import Loader
    loader = Loader("infos/nuscenes_infos_train.arrow", "/data/nuscenes", config="petrv2",
                    batch_size=1, workers=8, epochs=24)
    for epoch in range(24):
        loader.set_epoch(epoch)          # optional: epochs are served in order
        for data in loader:              # mmdet3d's forward_train(**data) structure
            losses = model(return_loss=True, **data)

``RingDataset`` reads a ring of a server started by hand (below).

PyTorch view of a nuload ring: an IterableDataset yielding one epoch of batches per iteration.

    from nuload.torch import RingDataset
    ds = RingDataset("/dev/shm/nuload-ring-{rank}", timeout=30)   # {rank} filled from the rank
    for epoch in range(epochs):
        ds.set_epoch(epoch)
        for batch in ds:                 # or DataLoader(ds, batch_size=None, num_workers=0)
            loss = model(batch["img"])    # torch.from_numpy views into shared memory, no copy

The batches are already assembled by the producer, so iterate the dataset directly or through a
DataLoader with `batch_size=None` and `num_workers=0`. Each batch's tensors are valid until the next
batch is taken (lease); with `pin_memory=True` they are copied into reused pinned buffers instead
(needs CUDA), which are valid until the next batch too.

Ragged metadata (`gt_boxes`, `gt_labels`) comes as a list of numpy arrays, one per sample, when the
dataset is iterated directly; a DataLoader (`batch_size=None`) converts each into a torch tensor.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import tempfile

import torch
from torch.utils.data import IterableDataset, get_worker_info

from nuload import batches as _batches
from nuload.ring import ProducerGone, RingReader
from nuload.server import Server, ServerError

UNBOUNDED_EPOCHS = 1_000_000
"""Epochs a ``Loader(epochs=None)`` asks the server for: it serves until ``close()``."""


def _default_rank_world():
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))


class RingDataset(IterableDataset):
    """Batches of one rank's ring, one epoch per iteration (see the module docstring)."""

    def __init__(self, path, timeout=30.0, pin_memory=False, rank=None, world_size=None):
        super().__init__()
        default_rank, default_world = _default_rank_world()
        self.rank = default_rank if rank is None else int(rank)
        self.world_size = default_world if world_size is None else int(world_size)
        self.path = str(path).format(rank=self.rank)
        self.timeout = timeout
        self.pin_memory = bool(pin_memory)
        if self.pin_memory and not torch.cuda.is_available():
            raise ValueError("pin_memory=True needs CUDA; this torch has no CUDA device")
        self.epoch = 0
        self._reader = None
        self._pinned = {}

    def set_epoch(self, epoch):
        """Selects the epoch the next iteration serves; the producer serves epochs in order."""
        self.epoch = int(epoch)

    def _open(self):
        if get_worker_info() is not None:
            raise RuntimeError("RingDataset is already batched by the producer: use num_workers=0")
        if self._reader is None:
            reader = RingReader(self.path, timeout=self.timeout)
            if (reader.rank, reader.world_size) != (self.rank, self.world_size):
                reader.close()
                raise ValueError(
                    f"ring {self.path} serves rank {reader.rank} of {reader.world_size}, "
                    f"this dataset is rank {self.rank} of {self.world_size}"
                )
            self._reader = reader
        return self._reader

    def _to_torch(self, name, array):
        tensor = torch.from_numpy(array)
        if not self.pin_memory:
            return tensor
        buf = self._pinned.get(name)
        if buf is None or buf.shape[1:] != tensor.shape[1:] or buf.shape[0] < tensor.shape[0]:
            buf = torch.empty((self._reader.batch_size, *tensor.shape[1:]), dtype=tensor.dtype, pin_memory=True)
            self._pinned[name] = buf
        out = buf[: tensor.shape[0]]
        out.copy_(tensor)
        return out

    def __iter__(self):
        reader = self._open()
        while True:
            batch = reader.next_batch()
            if batch is None:
                return
            if batch.epoch != self.epoch:
                raise RuntimeError(
                    f"ring {self.path} is serving epoch {batch.epoch} but set_epoch({self.epoch}) was called; "
                    "epochs are served in order"
                )
            out = {}
            for key in batch:
                value = batch[key]
                out[key] = self._to_torch(key, value) if hasattr(value, "dtype") else value
            out["sample_indices"] = torch.from_numpy(batch.sample_indices.copy())
            out["epoch"] = batch.epoch
            end = batch.end_of_epoch
            yield out
            if end:
                # The consumer asked for more after the epoch's last batch, so that batch's lease
                # ends here rather than with the next epoch. After the last epoch, read on to the
                # end-of-stream marker (next_batch releases the batch and returns None), so the
                # producer sees every batch released and exits cleanly.
                if batch.epoch + 1 < reader.epochs:
                    batch.release()
                    return

    def close(self):
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def rank_and_world(rank=None, world_size=None):
    """This process's rank and the world size: as given, else from ``torch.distributed`` when it is
    initialised, else from ``RANK`` / ``WORLD_SIZE`` (what torchrun sets), else 0 and 1."""
    default_rank, default_world = _default_rank_world()
    rank = default_rank if rank is None else int(rank)
    world = default_world if world_size is None else int(world_size)
    if world < 1 or not 0 <= rank < world:
        raise ValueError(f"rank {rank} is not in a world of {world}")
    return rank, world


def _info_rows(path):
    import pyarrow as pa

    with pa.memory_map(os.fspath(path)) as source:
        reader = pa.ipc.open_file(source)
        return sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))


def _ring_dir():
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else tempfile.gettempdir()


class _EpochSampler:
    """What mmdet's ``DistSamplerSeedHook`` and ``IterLoader`` look for: ``loader.sampler.set_epoch``."""

    def __init__(self, loader):
        self._loader = loader

    def set_epoch(self, epoch):
        self._loader.set_epoch(epoch)


class Loader:
    """Batches served by a ``nuload serve`` child process, in the trainer's own structure.

    Arguments:
        infos: Arrow info file (``nuload infos``).
        dataroot: the dataset root its paths are relative to.
        config: a preset name (``"petrv2"``, ``"petrv1"``), an mmdet3d ``.py`` or Paddle3D ``.yml``
            config, or a ``nuload-pipeline/1`` dict (``docs/format/pipeline-config.md``); default
            ``"petrv2"``.
        batch_size: samples per batch on this rank.
        workers: decode threads of the server (default: its cores).
        train: training pipeline (augmentation, shuffle) or the test pipeline (dataset order).
        frames: frames per sample (default: the config's).
        epochs: epochs to serve; ``None`` serves until ``close()``.
        seed: shuffle and augmentation seed.
        mode: ``"exact"`` (Pillow-identical pixels) or ``"fast"`` (DCT-scaled decode).
        dtype: element type in the ring: ``"float32"``, ``"float16"``, or ``"uint8"`` (4x fewer bytes;
            normalised into float32 on ``device`` before a batch is handed over).
        rank, world_size: the shard (default: ``torch.distributed``, else ``RANK``/``WORLD_SIZE``).
        structure: ``"mmdet3d"`` (default; the test structure when ``train=False``) or ``"dict"``.
        device: where ``img`` (and ``gt_labels_3d``) go, e.g. ``"cuda:0"``; default CPU.
        drop_last: cut the sample list to a multiple of the world size instead of padding it.
        timeout: seconds either side may stay silent before the other reports it.
        start_timeout: seconds to wait for the server's ring (its first start may build the jar).
        ring: the ring path (default: a new name in ``/dev/shm``, unique per process and rank).

    ``len(loader)`` is the batches per epoch on this rank (as ``DistributedSampler`` with a
    ``DataLoader`` of the same batch size gives). The server starts on the first iteration and is
    stopped by ``close()``, the context manager, or when the trainer process ends in any way.
    """

    def __init__(self, infos, dataroot, config=None, batch_size=1, workers=None, train=True,
                 frames=None, epochs=None, seed=0, mode="exact", dtype="float32", rank=None,
                 world_size=None, structure="mmdet3d", device=None, drop_last=False, timeout=60.0,
                 start_timeout=900.0, ring=None):
        from nuload import config as _config

        self.infos = os.fspath(infos)
        self.dataroot = os.fspath(dataroot)
        if not os.path.isfile(self.infos):
            raise FileNotFoundError(f"info file not found: {self.infos}")
        self.pipeline = _config.load("petrv2" if config is None else config)
        if frames is not None:
            self.pipeline = dict(self.pipeline, frames=int(frames))
        self.batch_size = int(batch_size)
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.workers = None if workers is None else int(workers)
        self.train = bool(train)
        self.epochs = None if epochs is None else int(epochs)
        if self.epochs is not None and self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}")
        self.seed = int(seed)
        if mode not in ("exact", "fast"):
            raise ValueError(f"mode must be 'exact' or 'fast', got {mode!r}")
        if dtype not in ("float32", "float16", "uint8"):
            raise ValueError(f"dtype must be 'float32', 'float16' or 'uint8', got {dtype!r}")
        self.mode, self.dtype = mode, dtype
        self.rank, self.world_size = rank_and_world(rank, world_size)
        if structure not in _batches.STRUCTURES:
            raise ValueError(f"structure must be one of {sorted(_batches.STRUCTURES)}, got {structure!r}")
        self.structure = structure
        self._build = _batches.STRUCTURES[structure][0 if self.train else 1]
        self.device = None if device is None else torch.device(device)
        self.drop_last = bool(drop_last)
        self.timeout = float(timeout)
        self.start_timeout = float(start_timeout)
        self.ring = ring or os.path.join(
            _ring_dir(), f"nuload-{os.getpid()}-{secrets.token_hex(4)}-rank{self.rank}.ring")
        self.samples = _info_rows(self.infos)
        per_rank = (self.samples // self.world_size if self.drop_last
                    else math.ceil(self.samples / self.world_size))
        self._batches_per_epoch = math.ceil(per_rank / self.batch_size)
        self.sampler = _EpochSampler(self)
        self._normalize = (_batches.Normalizer(self.pipeline["img_norm_cfg"]["mean"],
                                               self.pipeline["img_norm_cfg"]["std"])
                           if dtype == "uint8" else None)
        self._pinned = None
        self._epoch = 0
        self._next_stream_epoch = 0
        self._server = None
        self._reader = None
        self._config_file = None

    # ---- the torch.utils.data.DataLoader-like surface ----

    def __len__(self):
        return self._batches_per_epoch

    def set_epoch(self, epoch):
        """The epoch the next iteration serves. The server serves epochs in order from 0: an epoch
        other than the next one in its stream is refused."""
        self._epoch = int(epoch)

    def __iter__(self):
        if self._epoch != self._next_stream_epoch:
            raise ValueError(
                f"set_epoch({self._epoch}) but the server's next epoch is {self._next_stream_epoch}: "
                "nuload serves epochs in order from 0 (resuming at a later epoch is not supported yet)")
        if self.epochs is not None and self._epoch >= self.epochs:
            raise ValueError(
                f"Loader(epochs={self.epochs}) has served its epochs; epoch {self._epoch} was asked for")
        reader = self._open()
        return self._epoch_batches(reader)

    def _epoch_batches(self, reader):
        while True:
            try:
                batch = reader.next_batch()
            except ProducerGone as e:
                raise self._server.error(f"the server of ring {self.ring} stopped") from e
            if batch is None:
                return
            try:
                out = self._convert(batch)
                end, epoch = batch.end_of_epoch, batch.epoch
            finally:
                batch.release()
            yield out
            if end:
                self._next_stream_epoch = epoch + 1
                self._epoch = epoch + 1
                if self.epochs is not None and self._next_stream_epoch >= self.epochs:
                    # read on to the end-of-stream marker so the server sees every batch taken
                    try:
                        reader.next_batch()
                    except ProducerGone:
                        pass
                return

    def _convert(self, batch):
        img = self._image(batch)
        return self._build(img, batch, self.pipeline, self.device)

    def _image(self, batch):
        array = batch["img"]
        if self.device is not None and self.device.type == "cuda":
            img = self._to_device_pinned(array)
        else:
            img = torch.tensor(array) if self.device is None else torch.tensor(array).to(self.device)
        if self._normalize is not None:
            img = self._normalize(img, batch["img_shape"])
        return img

    def _to_device_pinned(self, array):
        """H2D through two pinned buffers used in turn; a buffer is refilled only after the copy
        that read it has finished (its CUDA event), so an asynchronous copy is never overwritten."""
        if self._pinned is None:
            self._pinned = [[torch.empty(array.shape, dtype=torch.from_numpy(array[:0]).dtype,
                                         pin_memory=True), None] for _ in range(2)]
            self._turn = 0
        entry = self._pinned[self._turn]
        self._turn ^= 1
        buf, event = entry
        if event is not None:
            event.synchronize()
        view = buf[: array.shape[0]]
        view.copy_(torch.from_numpy(array))
        out = view.to(self.device, non_blocking=True)
        entry[1] = torch.cuda.Event()
        entry[1].record()
        return out

    # ---- the server ----

    def _server_args(self):
        args = ["--infos", self.infos, "--dataroot", self.dataroot,
                "--batch-size", str(self.batch_size),
                "--epochs", str(self.epochs if self.epochs is not None else UNBOUNDED_EPOCHS),
                "--seed", str(self.seed), "--rank", str(self.rank), "--world-size", str(self.world_size),
                "--mode", self.mode, "--dtype", self.dtype,
                "--consumer-timeout", f"{self.timeout:g}"]
        if self.workers is not None:
            args += ["--workers", str(self.workers)]
        if not self.train:
            args.append("--eval")
        if self.drop_last:
            args.append("--drop-last")
        fd, self._config_file = tempfile.mkstemp(prefix="nuload-pipeline-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(self.pipeline, f)
        args += ["--config", self._config_file]
        return args

    def _open(self):
        if self._reader is not None:
            return self._reader
        self._server = Server(self._server_args(), self.ring)
        try:
            self._server.wait_for_ring(self.start_timeout)
            try:
                reader = RingReader(self.ring, timeout=self.timeout)
            except ProducerGone as e:
                raise self._server.error(f"the server's ring {self.ring} could not be read") from e
            if reader.batches_per_epoch != self._batches_per_epoch:
                reader.close()
                raise ServerError(f"the server serves {reader.batches_per_epoch} batches per epoch, "
                                  f"this loader expected {self._batches_per_epoch}")
        except BaseException:
            self.close()
            raise
        self._reader = reader
        return reader

    @property
    def server_pid(self):
        """The pid of the ``nuload serve`` child, or None before the first iteration."""
        return None if self._server is None else self._server.pid

    def close(self):
        """Stops the server and removes its ring; the loader cannot be iterated afterwards."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._server is not None:
            self._server.close()
        if self._config_file is not None:
            try:
                os.unlink(self._config_file)
            except FileNotFoundError:
                pass
            self._config_file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
