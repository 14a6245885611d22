"""PyTorch view of a nuload ring: an IterableDataset yielding one epoch of batches per iteration.

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

import os

import torch
from torch.utils.data import IterableDataset, get_worker_info

from nuload.ring import RingReader


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
