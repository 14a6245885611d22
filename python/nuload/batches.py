"""Ring batches turned into the structures trainers consume (``shared/trainer-integration.md`` §1.2-1.7).

Every structure is built from copies: nothing returned here points into the ring's shared memory, so
the ring slot can be handed back as soon as a structure is built.

- ``mmdet3d_train``: what mmdet3d v0.x / PETR's ``forward_train`` receives after a stock
  ``MMDataParallel`` / ``MMDistributedDataParallel`` scatter: ``img`` ``[B, V, 3, pH, pW]``,
  ``img_metas`` (B fresh dicts), ``gt_bboxes_3d`` (B ``LiDARInstance3DBoxes(t, box_dim=9)`` when
  mmdet3d is importable, else B float32 tensors of the same bottom-centre rows) and ``gt_labels_3d``
  (B int64 tensors).
- ``mmdet3d_test``: the evaluation structure ``img=[tensor]``, ``img_metas=[[dict, ...]]``.
- ``plain``: one dict of tensors (and lists for the ragged fields), the ring's own field names.
"""

from __future__ import annotations

import numpy as np
import torch


def box_types():
    """``(LiDARInstance3DBoxes, Box3DMode.LIDAR)`` when mmdet3d is importable, else ``(None, None)``."""
    try:
        from mmdet3d.core.bbox import Box3DMode, LiDARInstance3DBoxes
    except ImportError:
        return None, None
    return LiDARInstance3DBoxes, Box3DMode.LIDAR


class Normalizer:
    """Turns a uint8 image batch into the normalised float32 one the reference pipeline produces:
    ``(x - mean) / std`` per channel (channels in the order the ring holds them) on the tensor's
    device, with the padding (right and bottom of each view's ``img_shape``) set to 0 as
    ``PadMultiViewImage`` pads after normalising."""

    def __init__(self, mean, std):
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, 1, 3, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, 1, 3, 1, 1)

    def __call__(self, img, img_shape):
        mean, std = self.mean.to(img.device), self.std.to(img.device)
        out = img.to(torch.float32)  # the one new tensor: the rest is in place
        out.sub_(mean).div_(std)
        for b, (h, w) in enumerate(img_shape.tolist()):
            out[b, :, :, h:, :] = 0
            out[b, :, :, :, w:] = 0
        return out


def _matrices(array):
    return [np.array(m, dtype=np.float64, copy=True) for m in array]


def img_metas(batch, pipeline, box_type=None, box_mode=None):
    """The B per-sample meta dicts of one ring batch (fresh and mutable: ``extract_img_feat`` writes
    ``input_shape`` into them). ``pipeline`` is the ``nuload-pipeline/1`` dict of the served config."""
    img = batch["img"]
    views, pad_h, pad_w = img.shape[1], img.shape[3], img.shape[4]
    aug = pipeline["ida_aug_conf"]
    norm = pipeline["img_norm_cfg"]
    metas = []
    for b, token in enumerate(batch["sample_tokens"]):
        h, w = (int(x) for x in batch["img_shape"][b])
        metas.append({
            "sample_idx": token,
            "ori_shape": (int(aug["H"]), int(aug["W"]), 3, views),
            "img_shape": [(h, w, 3)] * views,
            "pad_shape": [(pad_h, pad_w, 3)] * views,
            "scale_factor": 1.0,
            "lidar2img": _matrices(batch["lidar2img"][b]),
            "intrinsics": _matrices(batch["intrinsics"][b]),
            "extrinsics": _matrices(batch["extrinsics"][b]),
            "timestamp": [float(t) for t in batch["timestamps"][b]],
            "img_norm_cfg": {"mean": np.array(norm["mean"], dtype=np.float32),
                             "std": np.array(norm["std"], dtype=np.float32),
                             "to_rgb": bool(norm["to_rgb"])},
            "box_type_3d": box_type if box_type is not None else "LiDAR",
            "box_mode_3d": box_mode if box_mode is not None else 0,
        })
    return metas


def gt_boxes_3d(batch, box_type=None):
    """Per sample: the GT boxes as bottom-centre rows (x, y, z_bottom, w, l, h, yaw, vx, vy), wrapped
    as ``LiDARInstance3DBoxes(t, box_dim=9)`` (default origin: the rows are bottom-centre already)
    when the class is given, else float32 tensors."""
    out = []
    for rows in batch["gt_boxes"]:
        t = torch.tensor(np.array(rows, dtype=np.float32, copy=True).reshape(-1, 9))
        out.append(box_type(t, box_dim=9) if box_type is not None else t)
    return out


def gt_labels_3d(batch, device=None):
    """Per sample: the class indices as int64 tensors (on ``device`` when given)."""
    return [torch.tensor(np.array(labels, dtype=np.int64, copy=True), device=device)
            for labels in batch["gt_labels"]]


def mmdet3d_train(img, batch, pipeline, device=None):
    box_type, box_mode = box_types()
    return {
        "img": img,
        "img_metas": img_metas(batch, pipeline, box_type, box_mode),
        "gt_bboxes_3d": gt_boxes_3d(batch, box_type),
        "gt_labels_3d": gt_labels_3d(batch, device),
    }


def mmdet3d_test(img, batch, pipeline, device=None):
    box_type, box_mode = box_types()
    return {"img": [img], "img_metas": [img_metas(batch, pipeline, box_type, box_mode)]}


def plain(img, batch, pipeline, device=None):
    out = {"img": img}
    for name in ("lidar2img", "intrinsics", "extrinsics", "timestamps", "img_shape"):
        out[name] = torch.tensor(np.array(batch[name], copy=True))
    out["gt_boxes"] = [torch.tensor(np.array(r, dtype=np.float32, copy=True).reshape(-1, 9))
                       for r in batch["gt_boxes"]]
    out["gt_labels"] = [torch.tensor(np.array(r, dtype=np.int64, copy=True)) for r in batch["gt_labels"]]
    out["sample_tokens"] = list(batch["sample_tokens"])
    out["sample_indices"] = torch.tensor(np.array(batch.sample_indices, copy=True))
    out["epoch"] = batch.epoch
    return out


STRUCTURES = {"mmdet3d": (mmdet3d_train, mmdet3d_test), "dict": (plain, plain)}
