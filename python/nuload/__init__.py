"""Trainer-side package of nuload (info files, the shared-memory batch ring, training configs)."""

__version__ = "0.1.0"

CAM_ORDER = (
    "CAM_FRONT",
    "CAM_FRONT_RIGHT",
    "CAM_FRONT_LEFT",
    "CAM_BACK",
    "CAM_BACK_LEFT",
    "CAM_BACK_RIGHT",
)
"""PETR's view order of one frame: the info files' ``cams`` insertion order (spec 2.5). Here, in the
package root, so that ``nuload.config`` uses it without ``nuload.infos``'s numpy."""
