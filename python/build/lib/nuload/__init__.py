"""Trainer-side package of nuload (info files and the shared-memory batch ring)."""

__version__ = "0.1.0"
