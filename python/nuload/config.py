"""The data settings of a user's own PETR-family training config, as one checked
``nuload-pipeline/1`` dict (``docs/format/pipeline-config.md``; which config names and transforms
each source maps to which key: ``docs/format/pipeline-config-sources.md``).

``load(source)`` takes

* a preset name: ``"petrv2"`` or ``"petrv1"`` (also ``petrv2_800x320``, ``petr_800x320``,
  ``petrv1_800x320``), the values of the Java presets ``PetrConfig.petrv2_800x320()`` and
  ``petrv1_800x320()``;
* an mmdet3d / PETR Python config (``.py``), run as mmcv 1.x ``Config.fromfile`` runs it: the
  file is executed as Python, its ``_base_`` files (a path or a list, relative to the file) are
  loaded first and its dicts merged into theirs (a dict with ``_delete_=True`` replaces instead),
  and ``{{ _base_.key }}`` and ``{{ fileDirname }}``-style placeholders are filled in. **The file
  runs as Python in this process, as it does in training: load only configs you would train with.**
* a Paddle3D YAML config (``.yml`` / ``.yaml``, with Paddle3D's ``_base_`` and ``_inherited_``);
  only this needs PyYAML (``pip install pyyaml``, the ``config`` extra);
* a ``.json`` file already in the ``nuload-pipeline/1`` form, or a dict in that form;

and returns a new dict of that form: every key present, floats as floats, lists as lists, checked.

From a training config it reads what the framework would run: the transforms of the training
pipeline (``data.train.pipeline``, else ``train_pipeline``; Paddle3D ``train_dataset.transforms``)
and the settings of the training dataset, taking each transform's class default where the config
leaves a parameter out. The evaluation pipelines (``data.val`` / ``data.test`` / ``test_pipeline``;
Paddle3D ``val_dataset``) must agree with it. Whatever nuload cannot serve as the config says -- an
unknown transform, a parameter value nuload does not honour, an unknown key, three frames -- raises
``ConfigError`` (a ``ValueError``) whose message names the file, the key path and why. ::

    from nuload import config
    cfg = config.load("projects/configs/petrv2/petrv2_vovnet_gridmask_p4_800x320.py")
    cfg["frames"], cfg["ida_aug_conf"]["final_dim"]      # 2, [320, 800]

On the command line (``nuload serve --config`` runs this for ``.py`` / ``.yml`` / ``.yaml``)::

    python3 -m nuload.config CONFIG [--name NAME]

prints the dict as one compact JSON object on stdout and exits 0. A refused or broken config prints
one line ``nuload.config: <message>`` on stderr and exits 3 (bad data); a CONFIG that is neither a
file nor a preset, or a bad option, exits 2 (usage).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import math
import os
import re
import sys
import traceback
import types
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import CAM_ORDER

FORMAT = "nuload-pipeline/1"
"""The ``format`` value of the dicts this module reads and writes."""

EXIT_USAGE = 2
EXIT_BAD_DATA = 3

PETR_CAMERAS = CAM_ORDER
"""PETR's view order of one frame (the info file's ``cams`` order)."""

PETR_CLASSES = (
    "car",
    "truck",
    "construction_vehicle",
    "bus",
    "trailer",
    "barrier",
    "motorcycle",
    "bicycle",
    "pedestrian",
    "traffic_cone",
)
"""The nuScenes detection classes in the order of PETR's configs."""

MMDET3D_CLASSES = (
    "car",
    "truck",
    "trailer",
    "bus",
    "construction_vehicle",
    "bicycle",
    "motorcycle",
    "pedestrian",
    "traffic_cone",
    "barrier",
)
"""mmdet3d's ``NuScenesDataset.CLASSES``: the labels when ``data.train`` has no ``classes``."""

PADDLE3D_CLASSES = (
    "pedestrian",
    "car",
    "motorcycle",
    "bicycle",
    "bus",
    "truck",
    "construction_vehicle",
    "trailer",
    "barrier",
    "traffic_cone",
)
"""Paddle3D's ``CLASS_MAP`` order: the labels when ``train_dataset`` has no ``class_names``."""

SWEEP_INTERVAL = 0.083
"""Seconds per camera frame that PETR's sweep loader assumes for padded sweeps (a constant there)."""

KEYS = (
    "format",
    "name",
    "source",
    "cameras",
    "frames",
    "ida_aug_conf",
    "global_rot_scale_trans",
    "img_norm_cfg",
    "size_divisor",
    "class_names",
    "point_cloud_range",
    "use_valid_flag",
    "sweep_range",
    "sweep_interval",
)
"""Top-level keys of the form, in the order they are written."""

IDA_KEYS = ("H", "W", "final_dim", "resize_lim", "bot_pct_lim", "rot_lim", "rand_flip")
GRST_KEYS = ("rot_range", "scale_ratio_range", "translation_std", "reverse_angle")
NORM_KEYS = ("mean", "std", "to_rgb")


class ConfigError(ValueError):
    """A config nuload refuses: the message names the file, the key path and why."""


class SourceError(ValueError):
    """The source names no config: not a preset, not a file, or not a kind of file read here."""


# -------------------------------------------------------------------------------------------------
# Presets: the literal values of PetrConfig.java


def _petr_800x320(name: str, frames: int) -> Dict[str, Any]:
    return {
        "format": FORMAT,
        "name": name,
        "source": None,
        "cameras": list(PETR_CAMERAS),
        "frames": frames,
        "ida_aug_conf": {
            "H": 900,
            "W": 1600,
            "final_dim": [320, 800],
            "resize_lim": [0.47, 0.625],
            "bot_pct_lim": [0.0, 0.0],
            "rot_lim": [0.0, 0.0],
            "rand_flip": True,
        },
        "global_rot_scale_trans": {
            "rot_range": [-0.3925, 0.3925],
            "scale_ratio_range": [0.95, 1.05],
            "translation_std": [0.0, 0.0, 0.0],
            "reverse_angle": True,
        },
        "img_norm_cfg": {
            "mean": [103.53, 116.28, 123.675],
            "std": [57.375, 57.12, 58.395],
            "to_rgb": False,
        },
        "size_divisor": 32,
        "class_names": list(PETR_CLASSES),
        "point_cloud_range": [-51.2, -51.2, -5.0, 51.2, 51.2, 3.0],
        "use_valid_flag": True,
        "sweep_range": [3, 27],
        "sweep_interval": SWEEP_INTERVAL,
    }


_PRESETS = {
    "petrv2": ("petrv2_vovnet_gridmask_p4_800x320", 2),
    "petrv2_800x320": ("petrv2_vovnet_gridmask_p4_800x320", 2),
    "petrv1": ("petr_vovnet_gridmask_p4_800x320", 1),
    "petr_800x320": ("petr_vovnet_gridmask_p4_800x320", 1),
    "petrv1_800x320": ("petr_vovnet_gridmask_p4_800x320", 1),
}


def preset(name: str) -> Dict[str, Any]:
    """Returns a preset (``petrv2``, ``petrv1`` or an alias the Java side accepts) as a new dict."""
    if name not in _PRESETS:
        raise SourceError(f"unknown preset {name} (petrv2, petrv1)")
    return _petr_800x320(*_PRESETS[name])


# -------------------------------------------------------------------------------------------------
# Entry point


def load(
    source: Union[str, "os.PathLike[str]", Mapping[str, Any]], name: Optional[str] = None
) -> Dict[str, Any]:
    """Returns the ``nuload-pipeline/1`` dict of a preset name, a config file or a dict of the form.

    ``name`` replaces the ``name`` key (default: the preset's name, the config file's stem, or the
    JSON's / dict's own). Raises ``ConfigError`` (a ``ValueError``) for a config nuload refuses and
    ``SourceError`` (also a ``ValueError``) when ``source`` names no config.
    """
    if isinstance(source, Mapping):
        out = validate(source, "config dict")
    else:
        text = os.fspath(source)
        if text in _PRESETS and not os.path.exists(text):
            out = validate(preset(text), f"preset {text}")
        else:
            out = _load_file(text)
    if name is not None:
        if not isinstance(name, str) or not name:
            raise SourceError(f"name must be a non-empty string, got {_show(name)}")
        out["name"] = name
    return out


def _load_file(path: str) -> Dict[str, Any]:
    ext = os.path.splitext(path)[1].lower()
    if not os.path.isfile(path):
        if ext in (".py", ".yml", ".yaml", ".json"):
            raise SourceError(f"{path}: no such file")
        raise SourceError(f"{path}: neither a preset ({', '.join(_PRESETS)}) nor a config file")
    if ext == ".json":
        return _load_json(path)
    if ext == ".py":
        raw = _from_mmdet3d(read_py_config(path), path)
    elif ext in (".yml", ".yaml"):
        raw = _from_paddle3d(read_yaml_config(path), path)
    else:
        raise SourceError(f"{path}: not a .py, .yml, .yaml or .json config")
    stem = os.path.splitext(os.path.basename(path))[0]
    raw.values.update(format=FORMAT, name=stem, source=path)
    return validate(raw.values, path, raw.origins)


def _load_json(path: str) -> Dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not JSON: line {e.lineno} column {e.colno}: {e.msg}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text: {e}") from None
    return validate(data, path)


# -------------------------------------------------------------------------------------------------
# Validation of the nuload-pipeline/1 form


def _show(v: Any) -> str:
    """A value as messages show it (JSON-like: tuples as lists, true/false/null)."""
    try:
        return json.dumps(v)
    except (TypeError, ValueError):
        return repr(v)


class _Checker:
    """Checks one dict of the form. Messages name ``where`` and the key path or, for a value read
    from a training config, the place in that config that gave it (``origins``)."""

    def __init__(self, where: str, origins: Optional[Mapping[str, str]] = None):
        self.where = where
        self.origins = origins or {}

    def fail(self, path: str, msg: str) -> ConfigError:
        return ConfigError(f"{self.where}: {self.origins.get(path, path)}: {msg}")

    def keys(self, d: Any, path: str, expected: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(d, Mapping):
            raise self.fail(path, f"must be an object with the keys {', '.join(expected)}, "
                                  f"got {_show(d)}")
        for k in d:
            if k not in expected:
                raise self.fail(_join(path, str(k)), f"unknown key{_did_you_mean(k, expected)}")
        for k in expected:
            if k not in d:
                raise self.fail(_join(path, k), "missing")
        return d

    def boolean(self, v: Any, path: str) -> bool:
        if not isinstance(v, bool):
            raise self.fail(path, f"must be true or false, got {_show(v)}")
        return v

    def integer(self, v: Any, path: str, minimum: Optional[int] = None) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(path, f"must be an integer, got {_show(v)}")
        if minimum is not None and v < minimum:
            raise self.fail(path, f"must be at least {minimum}, got {v}")
        return int(v)

    def number(self, v: Any, path: str) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise self.fail(path, f"must be a finite number, got {_show(v)}")
        return float(v)

    def string(self, v: Any, path: str) -> str:
        if not isinstance(v, str) or not v:
            raise self.fail(path, f"must be a non-empty string, got {_show(v)}")
        return v

    def seq(self, v: Any, path: str, n: Optional[int], item) -> list:
        if isinstance(v, (str, bytes)) or not isinstance(v, (list, tuple)):
            raise self.fail(path, f"must be a list, got {_show(v)}")
        if n is not None and len(v) != n:
            raise self.fail(path, f"must hold {n} values, got {_show(list(v))}")
        return [item(x, f"{path}[{i}]") for i, x in enumerate(v)]

    def numbers(self, v: Any, path: str, n: int) -> List[float]:
        return self.seq(v, path, n, self.number)

    def positive_ints(self, v: Any, path: str, n: int) -> List[int]:
        return self.seq(v, path, n, lambda x, p: self.integer(x, p, 1))

    def range2(self, v: Any, path: str, above: Optional[float] = None) -> List[float]:
        """``[min, max]`` with min <= max (and min > ``above`` when given)."""
        lo, hi = self.numbers(v, path, 2)
        if lo > hi:
            raise self.fail(path, f"{_show([lo, hi])} has min > max")
        if above is not None and lo <= above:
            raise self.fail(path, f"{_show([lo, hi])}: the min must be above {above}")
        return [lo, hi]

    def names(self, v: Any, path: str, allowed: Sequence[str], what: str) -> List[str]:
        out = self.seq(v, path, None, self.string)
        if not out:
            raise self.fail(path, "must not be empty")
        for i, s in enumerate(out):
            if s not in allowed:
                raise self.fail(f"{path}[{i}]", f"{_show(s)} is not {what}"
                                                f"{_did_you_mean(s, allowed)}")
            if s in out[:i]:
                raise self.fail(f"{path}[{i}]", f"{_show(s)} appears twice")
        return out


def validate(
    cfg: Mapping[str, Any], where: str = "config dict", origins: Optional[Mapping[str, str]] = None
) -> Dict[str, Any]:
    """Checks a dict of the ``nuload-pipeline/1`` form and returns it normalised: a new dict, keys
    in the documented order, floats as floats, lists as lists. ``where`` names it in messages;
    ``origins`` maps a key path (``ida_aug_conf.rot_lim``) to the place in a training config that
    gave the value."""
    c = _Checker(where, origins)
    c.keys(cfg, "", KEYS)
    if cfg["format"] != FORMAT:
        raise c.fail("format", f"must be {_show(FORMAT)}, got {_show(cfg['format'])}")
    frames = c.integer(cfg["frames"], "frames")
    if frames not in (1, 2):
        if "frames" in c.origins:
            raise _frames_error(frames, where, c.origins["frames"])
        raise c.fail("frames", f"frames {frames} is not served: nuload serves 1 or 2 frames")
    grst = cfg["global_rot_scale_trans"]
    sweep = c.seq(cfg["sweep_range"], "sweep_range", 2, lambda v, p: c.integer(v, p, 0))
    if sweep[0] >= sweep[1]:
        raise c.fail("sweep_range", f"{_show(sweep)}: the past frame is drawn from [min, max), "
                                    "so min must be below max")
    interval = c.number(cfg["sweep_interval"], "sweep_interval")
    if interval <= 0:
        raise c.fail("sweep_interval", f"must be positive, got {interval}")
    pcr = c.numbers(cfg["point_cloud_range"], "point_cloud_range", 6)
    if not all(pcr[i] < pcr[i + 3] for i in range(3)):
        raise c.fail("point_cloud_range", f"{_show(pcr)}: each min (the first three) must be below "
                                          "its max")
    return {
        "format": FORMAT,
        "name": c.string(cfg["name"], "name"),
        "source": None if cfg["source"] is None else c.string(cfg["source"], "source"),
        "cameras": c.names(cfg["cameras"], "cameras", PETR_CAMERAS, "a nuScenes camera"),
        "frames": frames,
        "ida_aug_conf": _check_ida(c, cfg["ida_aug_conf"]),
        "global_rot_scale_trans": None if grst is None else _check_grst(c, grst),
        "img_norm_cfg": _check_norm(c, cfg["img_norm_cfg"]),
        "size_divisor": c.integer(cfg["size_divisor"], "size_divisor", 1),
        "class_names": c.names(cfg["class_names"], "class_names", PETR_CLASSES,
                               "a nuScenes detection class"),
        "point_cloud_range": pcr,
        "use_valid_flag": c.boolean(cfg["use_valid_flag"], "use_valid_flag"),
        "sweep_range": sweep,
        "sweep_interval": interval,
    }


def _frames_error(frames: int, where: str, origin: str) -> ConfigError:
    """The refusal of a sweep loader's frame count, naming its sweeps_num."""
    return ConfigError(f"frames {frames} (sweeps_num {frames - 1} in {where}, {origin}) is not "
                       "served: nuload serves 1 or 2 frames")


def _check_ida(c: _Checker, ida: Any) -> Dict[str, Any]:
    p = "ida_aug_conf"
    c.keys(ida, p, IDA_KEYS)
    rot = c.range2(ida["rot_lim"], f"{p}.rot_lim")
    if rot != [0.0, 0.0]:
        raise c.fail(f"{p}.rot_lim", f"{_show(rot)} is not served: nuload does not rotate images "
                                     "(rot_lim [0.0, 0.0] only)")
    bot = c.range2(ida["bot_pct_lim"], f"{p}.bot_pct_lim")
    if bot[0] < 0 or bot[1] >= 1:
        raise c.fail(f"{p}.bot_pct_lim", f"{_show(bot)}: a bottom-crop fraction is in [0, 1)")
    return {
        "H": c.integer(ida["H"], f"{p}.H", 1),
        "W": c.integer(ida["W"], f"{p}.W", 1),
        "final_dim": c.positive_ints(ida["final_dim"], f"{p}.final_dim", 2),
        "resize_lim": c.range2(ida["resize_lim"], f"{p}.resize_lim", above=0.0),
        "bot_pct_lim": bot,
        "rot_lim": rot,
        "rand_flip": c.boolean(ida["rand_flip"], f"{p}.rand_flip"),
    }


def _check_grst(c: _Checker, grst: Any) -> Dict[str, Any]:
    p = "global_rot_scale_trans"
    c.keys(grst, p, GRST_KEYS)
    trans = c.numbers(grst["translation_std"], f"{p}.translation_std", 3)
    if trans != [0.0, 0.0, 0.0]:
        raise c.fail(f"{p}.translation_std", f"{_show(trans)} is not served: nuload does not "
                                             "translate the scene ([0, 0, 0] only, as PETR)")
    if c.boolean(grst["reverse_angle"], f"{p}.reverse_angle") is not True:
        raise c.fail(f"{p}.reverse_angle", "false is not served: nuload rotates the boxes as "
                                           "PETR's configs do (reverse_angle true only)")
    return {
        "rot_range": c.range2(grst["rot_range"], f"{p}.rot_range"),
        "scale_ratio_range": c.range2(grst["scale_ratio_range"], f"{p}.scale_ratio_range", 0.0),
        "translation_std": trans,
        "reverse_angle": True,
    }


def _check_norm(c: _Checker, norm: Any) -> Dict[str, Any]:
    p = "img_norm_cfg"
    c.keys(norm, p, NORM_KEYS)
    std = c.numbers(norm["std"], f"{p}.std", 3)
    if min(std) <= 0:
        raise c.fail(f"{p}.std", f"{_show(std)}: every std must be positive")
    return {
        "mean": c.numbers(norm["mean"], f"{p}.mean", 3),
        "std": std,
        "to_rgb": c.boolean(norm["to_rgb"], f"{p}.to_rgb"),
    }


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _did_you_mean(word: Any, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


# -------------------------------------------------------------------------------------------------
# mmcv 1.x Config.fromfile, as far as the data settings need it


_BASE = "_base_"
_DELETE = "_delete_"


def read_py_config(path: str) -> Dict[str, Any]:
    """Runs an mmdet3d-style Python config and its ``_base_`` chain; returns the merged dict as
    mmcv 1.x ``Config.fromfile`` holds it (the module-level names that do not start with ``__``
    and are not modules or functions), ``_delete_`` markers removed."""
    return _strip(_run_py(os.fspath(path), ()), _DELETE)


def _run_py(path: str, chain: Tuple[str, ...]) -> Dict[str, Any]:
    real = os.path.realpath(path)
    if real in chain:
        raise ConfigError(f"{path}: the _base_ chain comes back to this file")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
    base_vars: Dict[str, str] = {}
    text = _substitute(text, path, base_vars)
    try:
        code = compile(text, path, "exec")
    except SyntaxError as e:
        raise ConfigError(f"{path}: line {e.lineno}: Python syntax error: {e.msg}") from None
    ns: Dict[str, Any] = {"__file__": path, "__name__": "nuload_config"}
    try:
        exec(code, ns)  # a Python config is a program: mmcv runs it the same way
    except Exception as e:  # the config's own failure is a bad config
        lines = [fr.lineno for fr in traceback.extract_tb(e.__traceback__) if fr.filename == path]
        at = f"line {lines[-1]}: " if lines else ""
        raise ConfigError(f"{path}: {at}running it raised {type(e).__name__}: {e}") from None
    cfg = {
        k: v
        for k, v in ns.items()
        if not k.startswith("__") and not isinstance(v, (types.ModuleType, types.FunctionType))
    }
    cfg.pop("_deprecation_", None)
    if _BASE not in cfg:
        if base_vars:
            raise ConfigError(f"{path}: {{{{ _base_.{next(iter(base_vars.values()))} }}}} "
                              "without a _base_")
        return cfg
    bases = cfg.pop(_BASE)
    if isinstance(bases, str):
        bases = [bases]
    if not isinstance(bases, (list, tuple)) or not all(isinstance(b, str) for b in bases):
        raise ConfigError(f"{path}: _base_ must be a path or a list of paths, got {_show(bases)}")
    merged: Dict[str, Any] = {}
    for b in bases:
        bcfg = _run_py(_base_path(path, b), chain + (real,))
        dup = sorted(merged.keys() & bcfg.keys())
        if dup:
            raise ConfigError(f"{path}: its _base_ files both set {', '.join(dup)} "
                              "(mmcv allows a key in one base only)")
        merged.update(bcfg)
    return _merge(_fill_base_vars(cfg, base_vars, merged, path), merged, path, "")


def _substitute(text: str, path: str, base_vars: Dict[str, str]) -> str:
    """mmcv's placeholders: ``{{ fileDirname }}`` and its kin become the file's own names;
    ``{{ _base_.a.b }}`` becomes a unique string, replaced by the base value after the run."""
    stem, ext = os.path.splitext(os.path.basename(path))
    names = dict(fileDirname=os.path.dirname(path), fileBasename=os.path.basename(path),
                 fileBasenameNoExtension=stem, fileExtname=ext)
    for key, value in names.items():
        text = re.sub(r"\{\{\s*" + key + r"\s*\}\}", value.replace("\\", "/"), text)

    def token(m: "re.Match[str]") -> str:
        t = f"_nuload_base_{uuid.uuid4().hex[:8]}_"
        base_vars[t] = m.group(1)
        return repr(t)

    return re.sub(r"\{\{\s*" + _BASE + r"\.([\w.]+)\s*\}\}", token, text)


def _base_path(path: str, base: str) -> str:
    bpath = os.path.join(os.path.dirname(path), base)
    if not os.path.isfile(bpath):
        raise ConfigError(f"{path}: _base_ file {base} does not exist ({bpath})")
    return bpath


def _fill_base_vars(v: Any, base_vars: Mapping[str, str], base: Mapping[str, Any], path: str):
    if isinstance(v, str) and v in base_vars:
        out: Any = base
        for key in base_vars[v].split("."):
            if not isinstance(out, Mapping) or key not in out:
                raise ConfigError(f"{path}: {{{{ _base_.{base_vars[v]} }}}}: its _base_ files "
                                  f"have no {base_vars[v]}")
            out = out[key]
        return copy.deepcopy(out)
    if isinstance(v, dict):
        return {k: _fill_base_vars(x, base_vars, base, path) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_fill_base_vars(x, base_vars, base, path) for x in v)
    return v


def _merge(child: Mapping[str, Any], base: Mapping[str, Any], path: str, at: str) -> Dict[str, Any]:
    """mmcv's merge of a child config into its base: dicts merge key by key unless the child's
    has ``_delete_=True``; anything else (lists included) replaces."""
    out = dict(base)
    for k, v in child.items():
        if isinstance(v, dict) and k in out and not v.pop(_DELETE, False):
            if not isinstance(out[k], dict):
                raise ConfigError(f"{path}: {_join(at, k)} is a dict here but not in its _base_; "
                                  "give it _delete_=True to replace the base value")
            out[k] = _merge(v, out[k], path, _join(at, k))
        else:
            out[k] = v
    return out


def _strip(v: Any, marker: str) -> Any:
    """Drops a merge marker left where there was nothing to merge with."""
    if isinstance(v, dict):
        return {k: _strip(x, marker) for k, x in v.items() if k != marker}
    if isinstance(v, (list, tuple)):
        return type(v)(_strip(x, marker) for x in v)
    return v


# -------------------------------------------------------------------------------------------------
# Paddle3D's YAML configs


def read_yaml_config(path: str) -> Dict[str, Any]:
    """Reads a Paddle3D YAML config and its ``_base_`` chain; returns the merged dict as
    ``paddle3d.apis.Config`` holds it, ``_inherited_`` markers removed."""
    return _strip(_read_yaml(os.fspath(path), ()), "_inherited_")


def _read_yaml(path: str, chain: Tuple[str, ...]) -> Dict[str, Any]:
    try:
        import yaml
    except ImportError:
        raise RuntimeError(f"{path}: reading a Paddle3D YAML config needs PyYAML "
                           "(pip install pyyaml, or the nuload[config] extra)") from None
    real = os.path.realpath(path)
    if real in chain:
        raise ConfigError(f"{path}: the _base_ chain comes back to this file")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except yaml.YAMLError as e:
        raise ConfigError(f"{path}: not YAML: {e}".replace("\n", " ")) from None
    if not isinstance(cfg, dict):
        raise ConfigError(f"{path}: the YAML holds no mapping")
    if "_base_" in cfg:
        base = cfg.pop("_base_")
        if not isinstance(base, str):
            raise ConfigError(f"{path}: _base_ must be one path (Paddle3D), got {_show(base)}")
        cfg = _update_yaml(cfg, _read_yaml(_base_path(path, base), chain + (real,)))
    return cfg


def _update_yaml(child: Mapping[str, Any], base: Mapping[str, Any]) -> Dict[str, Any]:
    """Paddle3D's merge: dicts merge key by key unless the child's has ``_inherited_: false``."""
    child = dict(child)
    if child.get("_inherited_", True) is False:
        child.pop("_inherited_")
        return child
    out = dict(base)
    for k, v in child.items():
        merge = isinstance(v, dict) and isinstance(out.get(k), dict)
        out[k] = _update_yaml(v, out[k]) if merge else v
    return out


# -------------------------------------------------------------------------------------------------
# What the frameworks' transforms and datasets take, and which values nuload serves


_REQUIRED = object()  # a parameter without a class default
_ANY = object()  # any value is served (or the reader reads the value itself)


@dataclass(frozen=True)
class _P:
    """One parameter: its class default and the only value nuload serves (``_ANY``: any), with
    the reason."""

    default: Any
    served: Any = _ANY
    why: str = ""


def _same(a: Any, b: Any) -> bool:
    """Equality of config values: tuples and lists alike, ints and floats alike, bools apart."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


_NO_2D = "2-D targets are not served"
_SWEEPS = {
    "sweeps_num": _P(5),
    "to_float32": _P(False),
    "pad_empty_sweeps": _P(False, True, "nuload repeats the current images for a sample without "
                                        "past sweeps"),
    "sweep_range": _P([3, 27]),
    "sweeps_id": _P(None, None, "nuload draws the past frame from sweep_range"),
    "sensors": _P(list(PETR_CAMERAS), list(PETR_CAMERAS), "nuload orders the past frame's views "
                                                          "as the current ones (PETR's order)"),
    "test_mode": _P(True),
    "prob": _P(1.0, 1.0, "nuload always draws the past frame from sweep_range"),
}
_ANNOTATIONS = {
    "with_bbox_3d": _P(True, True, "nuload serves the 3-D boxes"),
    "with_label_3d": _P(True, True, "nuload serves the 3-D labels"),
    "with_attr_label": _P(False, False, "attribute labels are not served"),
    "with_mask_3d": _P(False, False, "3-D masks are not served"),
    "with_seg_3d": _P(False, False, "3-D segmentation is not served"),
}
_GRST = {
    "rot_range": _P([-0.3925, 0.3925]),
    "scale_ratio_range": _P([0.95, 1.05]),
    "translation_std": _P([0, 0, 0]),
    "reverse_angle": _P(False),
    "training": _P(True, True, "PETR and Paddle3D apply GlobalRotScaleTransImage whatever "
                               "training says; leave the transform out to train without it"),
}

_NOT_SERVED = {
    "GridMask": "GridMask belongs to the model in PETR (use_grid_mask); as a data transform it is "
                "not served",
    "PhotoMetricDistortionMultiViewImage": "it changes the pixel colours at random; nuload serves "
                                           "the decoded pixels",
    "ResizeMultiview3D": "nuload resizes and crops by ida_aug_conf (ResizeCropFlipImage) only",
    "RandomScaleImageMultiViewImage": "nuload resizes and crops by ida_aug_conf "
                                      "(ResizeCropFlipImage) only",
    "MSResizeCropFlipImage": "multi-scale views are not served; nuload resizes by "
                             "ResizeCropFlipImage only",
    "ResizeCropFlipRotImage": "StreamPETR's transform (2-D targets, image rotation) is not "
                              "served yet",
    "PETRFormatBundle3D": "StreamPETR's format bundle (2-D targets) is not served yet",
    "AlbuMultiview3D": "Albumentations transforms are not served",
    "LoadPointsFromFile": "nuload serves camera inputs; lidar points are not served",
    "LoadPointsFromMultiSweeps": "nuload serves camera inputs; lidar points are not served",
    "GlobalRotScaleTrans": "the point-cloud transform; camera pipelines use "
                           "GlobalRotScaleTransImage",
    "RandomFlip3D": "3-D flip augmentation is not served",
    "LoadMapsFromFiles": "BEV segmentation maps are not served",
}


def _petr_transforms(aug_key: str, range_filter: str, name_filter: str, to_rgb: bool):
    """The transforms of PETR's pipelines and their parameters, common to both frameworks."""
    return {
        "LoadMultiViewImageFromFiles": {"to_float32": _P(False)},
        "LoadMultiViewImageFromMultiSweepsFiles": dict(_SWEEPS),
        "LoadAnnotations3D": dict(_ANNOTATIONS),
        range_filter: {"point_cloud_range": _P(_REQUIRED)},
        name_filter: {"classes": _P(_REQUIRED)},
        "ResizeCropFlipImage": {aug_key: _P(None), "training": _P(True)},
        "GlobalRotScaleTransImage": dict(_GRST),
        "NormalizeMultiviewImage": {
            "mean": _P(_REQUIRED),
            "std": _P(_REQUIRED),
            "to_rgb": _P(to_rgb),
        },
        "PadMultiViewImage": {
            "size": _P(None, None, "nuload pads to a multiple of size_divisor only"),
            "size_divisor": _P(_REQUIRED),
            "pad_val": _P(0, 0, "nuload pads with 0"),
        },
    }


_UNCHANGED = "nuload decodes the images as stored (BGR, unchanged)"
_NO_FLIP = "test-time flip augmentation is not served"

_MMDET3D_TRANSFORMS = _petr_transforms("data_aug_conf", "ObjectRangeFilter", "ObjectNameFilter",
                                       to_rgb=True)
for _t in ("LoadMultiViewImageFromFiles", "LoadMultiViewImageFromMultiSweepsFiles"):
    _MMDET3D_TRANSFORMS[_t]["color_type"] = _P("unchanged", "unchanged", _UNCHANGED)
_MMDET3D_TRANSFORMS["LoadMultiViewImageFromMultiSweepsFiles"]["file_client_args"] = _P(None)
_MMDET3D_TRANSFORMS["LoadAnnotations3D"].update(
    with_bbox=_P(False, False, _NO_2D),
    with_label=_P(False, False, _NO_2D),
    with_mask=_P(False, False, _NO_2D),
    with_seg=_P(False, False, _NO_2D),
    with_bbox_depth=_P(False, False, _NO_2D),
    poly2mask=_P(True),
    seg_3d_dtype=_P("int"),
    file_client_args=_P(None),
)
_MMDET3D_TRANSFORMS.update(
    DefaultFormatBundle3D={"class_names": _P(None), "with_gt": _P(True), "with_label": _P(True)},
    Collect3D={"keys": _P(_REQUIRED), "meta_keys": _P(None)},
    MultiScaleFlipAug3D={
        "transforms": _P(_REQUIRED),
        "img_scale": _P(_REQUIRED),
        "pts_scale_ratio": _P(_REQUIRED),
        "flip": _P(False, False, _NO_FLIP),
        "flip_direction": _P("horizontal"),
        "pcd_horizontal_flip": _P(False, False, _NO_FLIP),
        "pcd_vertical_flip": _P(False, False, _NO_FLIP),
    },
)

_PADDLE3D_TRANSFORMS = _petr_transforms("sample_aug_cfg", "SampleRangeFilter", "SampleNameFilter",
                                        to_rgb=False)
for _t in ("LoadMultiViewImageFromFiles", "LoadMultiViewImageFromMultiSweepsFiles"):
    _PADDLE3D_TRANSFORMS[_t]["imread_flag"] = _P(-1, -1, _UNCHANGED)
_PADDLE3D_TRANSFORMS["LoadMultiViewImageFromFiles"].update(
    project_pts_to_img_depth=_P(False, False, "depth targets are not served"),
    cam_depth_range=_P(None),
    constant_std=_P(None),
)
_PADDLE3D_TRANSFORMS["SampleFilerByKey"] = {"keys": _P(_REQUIRED), "meta_keys": _P(None)}

_VELOCITY = "nuload serves the box velocities"


@dataclass(frozen=True)
class _Framework:
    """How one framework spells PETR's data path."""

    name: str
    aug_key: str  # ResizeCropFlipImage's ida_aug_conf parameter
    range_filter: str
    name_filter: str
    collect: Tuple[str, ...]  # the format/collect transforms: they select keys, nothing else
    wrapper: Optional[str]  # the test-time wrapper whose transforms are read too
    transforms: Dict[str, Dict[str, _P]]
    default_classes: Tuple[str, ...]
    classes_key: str  # the dataset's class list
    dataset_types: Tuple[str, ...]
    dataset_params: Dict[str, _P]
    fallbacks: Dict[Tuple[str, str], str] = field(default_factory=dict)  # -> top-level name


MMDET3D = _Framework(
    name="mmdet3d",
    aug_key="data_aug_conf",
    range_filter="ObjectRangeFilter",
    name_filter="ObjectNameFilter",
    collect=("DefaultFormatBundle3D", "Collect3D"),
    wrapper="MultiScaleFlipAug3D",
    transforms=_MMDET3D_TRANSFORMS,
    default_classes=MMDET3D_CLASSES,
    classes_key="classes",
    dataset_types=("NuScenesDataset", "CustomNuScenesDataset"),
    dataset_params={  # NuScenesDataset of mmdet3d v0.17 (PETR's CustomNuScenesDataset adds none)
        "type": _P(_REQUIRED),
        "data_root": _P(None),
        "ann_file": _P(_REQUIRED),
        "pipeline": _P(None),
        "classes": _P(None),
        "load_interval": _P(1, 1, "nuload serves every sample of the info file"),
        "with_velocity": _P(True, True, _VELOCITY),
        "modality": _P(None),
        "box_type_3d": _P("LiDAR", "LiDAR", "nuload serves boxes in the lidar frame"),
        "filter_empty_gt": _P(True),
        "test_mode": _P(False),
        "eval_version": _P("detection_cvpr_2019"),
        "use_valid_flag": _P(False),
        "samples_per_gpu": _P(None),
    },
    fallbacks={
        ("ResizeCropFlipImage", "data_aug_conf"): "ida_aug_conf",
        ("NormalizeMultiviewImage", "mean"): "img_norm_cfg",
        ("NormalizeMultiviewImage", "std"): "img_norm_cfg",
        ("ObjectRangeFilter", "point_cloud_range"): "point_cloud_range",
        ("ObjectNameFilter", "classes"): "class_names",
    },
)

PADDLE3D = _Framework(
    name="Paddle3D",
    aug_key="sample_aug_cfg",
    range_filter="SampleRangeFilter",
    name_filter="SampleNameFilter",
    collect=("SampleFilerByKey",),
    wrapper=None,
    transforms=_PADDLE3D_TRANSFORMS,
    default_classes=PADDLE3D_CLASSES,
    classes_key="class_names",
    dataset_types=("NuscenesMVDataset",),
    dataset_params={
        "type": _P(_REQUIRED),
        "dataset_root": _P(_REQUIRED),
        "ann_file": _P(None),
        "mode": _P("train"),
        "transforms": _P(None),
        "max_sweeps": _P(10),
        "class_balanced_sampling": _P(False, False, "nuload serves each sample once per epoch"),
        "class_names": _P(None),
        "queue_length": _P(None, None, "BEVFormer-style sample queues are not served"),
        "use_valid_flag": _P(False),
        "with_velocity": _P(True, True, _VELOCITY),
    },
)


# -------------------------------------------------------------------------------------------------
# Reading a training config


@dataclass
class _Step:
    """One transform of a pipeline, its parameters with the class defaults filled in."""

    type: str
    path: str  # "train_pipeline[5]"
    order: int
    params: Dict[str, Any]
    given: Tuple[str, ...]

    def at(self, param: str) -> str:
        """The place of a parameter, for messages."""
        note = "" if param in self.given else " (not given: the class default)"
        return f"{self.path} {self.type}.{param}{note}"


@dataclass
class _Values:
    """Values of the form read so far, and for each the place of the config that gave it."""

    values: Dict[str, Any] = field(default_factory=dict)
    origins: Dict[str, str] = field(default_factory=dict)

    def put(self, key: str, value: Any, origin: str) -> None:
        self.values[key] = value
        self.origins[key] = origin


_MISSING = object()

_EVAL_SAME = (
    ("frames",),
    ("ida_aug_conf", "H"),
    ("ida_aug_conf", "W"),
    ("ida_aug_conf", "final_dim"),
    ("ida_aug_conf", "bot_pct_lim"),
    ("img_norm_cfg", "mean"),
    ("img_norm_cfg", "std"),
    ("img_norm_cfg", "to_rgb"),
    ("size_divisor",),
    ("point_cloud_range",),
)
"""What an evaluation pipeline must have as the training one does (the fixed test augmentation
uses H, W, final_dim and the mean of bot_pct_lim)."""


class _Reader:
    """Reads the training config of one framework into the values of the form."""

    def __init__(self, fw: _Framework, cfg: Mapping[str, Any], where: str):
        self.fw, self.cfg, self.where = fw, cfg, where

    def fail(self, place: str, msg: str) -> ConfigError:
        return ConfigError(f"{self.where}: {place}: {msg}")

    def params(self, spec: Mapping[str, _P], given: Mapping[str, Any], place: str, what: str):
        """Checks the parameters of a transform or dataset against ``spec``; returns them with
        the class defaults filled in (``_REQUIRED`` where there is none)."""
        for k in given:
            if k != "type" and k not in spec:
                known = ", ".join(p for p in spec if p != "type")
                raise self.fail(place, f"{what} has no parameter {k}{_did_you_mean(k, spec)} "
                                       f"(it has {known})")
        out = {}
        for k, p in spec.items():
            v = given[k] if k in given else p.default
            if p.served is not _ANY and not _same(v, p.served):
                note = "" if k in given else " (not given: the class default)"
                raise self.fail(f"{place} {what}.{k}{note}", f"{_show(v)} is not served: {p.why} "
                                                             f"({_show(p.served)} only)")
            out[k] = v
        return out

    def scan(self, pipeline: Any, path: str, steps: Optional[Dict[str, _Step]] = None):
        """The transforms of a pipeline by type, those inside the test-time wrapper included."""
        steps = {} if steps is None else steps
        if isinstance(pipeline, (str, bytes)) or not isinstance(pipeline, (list, tuple)):
            raise self.fail(path, f"must be a list of transforms, got {_show(pipeline)}")
        for i, t in enumerate(pipeline):
            tpath = f"{path}[{i}]"
            if not isinstance(t, Mapping) or not isinstance(t.get("type"), str):
                raise self.fail(tpath, f"is not a transform (a dict with a type): {_show(t)}")
            typ = t["type"]
            spec = self.fw.transforms.get(typ)
            if spec is None:
                known = ", ".join(self.fw.transforms)
                why = _NOT_SERVED.get(typ, f"not a transform nuload knows (it knows {known})")
                raise self.fail(tpath, f"transform {typ} is refused: {why}")
            if typ in steps:
                raise self.fail(tpath, f"{typ} appears twice (also {steps[typ].path}); nuload "
                                       "applies it once")
            params = self.params(spec, t, tpath, typ)
            steps[typ] = _Step(typ, tpath, len(steps), params, tuple(k for k in t if k != "type"))
            if typ == self.fw.wrapper:
                self.check_wrapper(steps[typ])
                self.scan(params["transforms"], f"{tpath}.transforms", steps)
        return steps

    def check_wrapper(self, step: _Step) -> None:
        for k in ("transforms", "img_scale", "pts_scale_ratio"):
            self.required(step, k)
        scale, ratio = step.params["img_scale"], step.params["pts_scale_ratio"]
        scales = isinstance(scale, list) and len(scale) > 1
        if scales and all(isinstance(s, (list, tuple)) for s in scale) or (
            isinstance(ratio, (list, tuple)) and len(ratio) > 1
        ):
            raise self.fail(step.at("img_scale"), "multi-scale test-time augmentation is not "
                                                  "served (one scale only)")

    def required(self, step: _Step, param: str) -> Any:
        """A parameter without a usable class default: from the transform, else from the
        top-level name of the same meaning (mmdet3d configs), else refused."""
        v = step.params[param]
        if v is not _REQUIRED and v is not None:
            return v
        top = self.fw.fallbacks.get((step.type, param))
        if top is not None and top in self.cfg:
            v = self.cfg[top]
            if top == "img_norm_cfg":
                if not isinstance(v, Mapping) or param not in v:
                    raise self.fail(top, f"has no {param} for {step.path} {step.type}")
                v = v[param]
            return v
        also = f", nor is there a top-level {top}" if top else ""
        raise self.fail(f"{step.path} {step.type}", f"{param} is missing{also}; "
                                                    f"{self.fw.name}'s {step.type} needs it")

    def pipeline(self, pipeline: Any, path: str, training: bool) -> _Values:
        """The values one pipeline gives (``filter_classes``: its name filter's list)."""
        fw = self.fw
        steps = self.scan(pipeline, path)
        needed = ["LoadMultiViewImageFromFiles", "ResizeCropFlipImage", "NormalizeMultiviewImage",
                  "PadMultiViewImage"]
        if training:
            needed[1:1] = ["LoadAnnotations3D", fw.range_filter, fw.name_filter]
        for typ in needed:
            if typ not in steps:
                raise self.fail(path, f"has no {typ}; nuload serves PETR's pipeline, which has one")
        self.check_order(steps)
        out = _Values()
        self.read_sweeps(out, steps.get("LoadMultiViewImageFromMultiSweepsFiles"), path, training)
        self.read_ida(out, steps["ResizeCropFlipImage"], training)
        grst = steps.get("GlobalRotScaleTransImage")
        if grst is not None and not training:
            raise self.fail(grst.path, "GlobalRotScaleTransImage in an evaluation pipeline is not "
                                       "served: PETR applies it whatever training says, nuload "
                                       "evaluates without it")
        if grst is None:
            out.put("global_rot_scale_trans", None, f"{path} (no GlobalRotScaleTransImage)")
        else:
            values = {k: _listed(grst.params[k]) for k in GRST_KEYS}
            out.put("global_rot_scale_trans", values, f"{grst.path} GlobalRotScaleTransImage")
            for k in GRST_KEYS:
                out.origins[f"global_rot_scale_trans.{k}"] = grst.at(k)
        norm = steps["NormalizeMultiviewImage"]
        values = {k: _listed(self.required(norm, k)) for k in ("mean", "std")}
        values["to_rgb"] = norm.params["to_rgb"]
        out.put("img_norm_cfg", values, f"{norm.path} NormalizeMultiviewImage")
        for k in NORM_KEYS:
            given = k in norm.given or k == "to_rgb"
            out.origins[f"img_norm_cfg.{k}"] = norm.at(k) if given else f"img_norm_cfg.{k}"
        pad = steps["PadMultiViewImage"]
        out.put("size_divisor", self.required(pad, "size_divisor"), pad.at("size_divisor"))
        for typ, param, key in ((fw.range_filter, "point_cloud_range", "point_cloud_range"),
                                (fw.name_filter, "classes", "filter_classes")):
            if typ in steps:
                step = steps[typ]
                out.put(key, _listed(self.required(step, param)), step.at(param))
        return out

    def read_sweeps(self, out: _Values, sweeps: Optional[_Step], path: str, training: bool):
        if sweeps is None:
            out.put("frames", 1, f"{path} (no LoadMultiViewImageFromMultiSweepsFiles)")
            out.put("sweep_range", [3, 27], f"{path} (no LoadMultiViewImageFromMultiSweepsFiles)")
            return
        n = sweeps.params["sweeps_num"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise self.fail(sweeps.at("sweeps_num"), f"must be a whole number, got {_show(n)}")
        if 1 + n > 2:
            raise _frames_error(1 + n, self.where, sweeps.at("sweeps_num"))
        out.put("frames", 1 + n, sweeps.at("sweeps_num"))
        out.put("sweep_range", _listed(sweeps.params["sweep_range"]), sweeps.at("sweep_range"))
        mode = sweeps.params["test_mode"]
        if mode is not (not training):
            why = ("picks a fixed past frame in training; nuload draws it from sweep_range"
                   if training else
                   "draws the past frame at random in evaluation; nuload takes the fixed one")
            raise self.fail(sweeps.at("test_mode"), f"{_show(mode)} {why} (test_mode "
                                                    f"{_show(not training)} only)")

    def read_ida(self, out: _Values, rcf: _Step, training: bool) -> None:
        if rcf.params["training"] is not training:
            why = ("a training pipeline without random resize, crop and flip" if training
                   else "random resize, crop and flip in evaluation")
            raise self.fail(rcf.at("training"), f"{_show(rcf.params['training'])}: {why} is not "
                                                "served")
        key = self.fw.aug_key
        ida = self.required(rcf, key)
        at = rcf.at(key) if rcf.params[key] is not None else "ida_aug_conf"
        if not isinstance(ida, Mapping):
            raise self.fail(at, f"must be a dict, got {_show(ida)}")
        out.put("ida_aug_conf", _listed(ida), at)
        for k in list(ida) + list(IDA_KEYS):
            out.origins[f"ida_aug_conf.{k}"] = f"{at}.{k}"

    def check_order(self, steps: Mapping[str, _Step]) -> None:
        fw = self.fw
        before = [
            ("LoadMultiViewImageFromFiles", "LoadMultiViewImageFromMultiSweepsFiles"),
            ("LoadMultiViewImageFromMultiSweepsFiles", "ResizeCropFlipImage"),
            ("LoadMultiViewImageFromFiles", "ResizeCropFlipImage"),
            ("LoadAnnotations3D", fw.range_filter),
            ("LoadAnnotations3D", fw.name_filter),
            (fw.range_filter, "GlobalRotScaleTransImage"),
            (fw.name_filter, "GlobalRotScaleTransImage"),
            ("ResizeCropFlipImage", "GlobalRotScaleTransImage"),
            ("ResizeCropFlipImage", "NormalizeMultiviewImage"),
            ("NormalizeMultiviewImage", "PadMultiViewImage"),
        ] + [(t, c) for c in fw.collect for t in ("NormalizeMultiviewImage", "PadMultiViewImage")]
        for a, b in before:
            if a in steps and b in steps and steps[a].order > steps[b].order:
                raise self.fail(steps[b].path, f"{b} comes before {a} ({steps[a].path}); nuload "
                                               "applies them in PETR's order")

    def dataset(self, ds: Any, place: str, training: bool) -> Dict[str, Any]:
        fw = self.fw
        if not isinstance(ds, Mapping):
            raise self.fail(place, f"must be a dataset dict, got {_show(ds)}")
        if "dataset" in ds:
            raise self.fail(place, f"{ds.get('type')} wraps another dataset: it changes which "
                                   "samples an epoch holds, and nuload serves the info file as it is")
        if ds.get("type") not in fw.dataset_types:
            raise self.fail(f"{place}.type", f"{_show(ds.get('type'))} is not served: nuload "
                                             f"reads nuScenes infos ({', '.join(fw.dataset_types)})")
        params = self.params(fw.dataset_params, ds, place, str(ds["type"]))
        if training and fw is MMDET3D and params["test_mode"] is not False:
            raise self.fail(f"{place}.test_mode", f"{_show(params['test_mode'])}: a training "
                                                  "dataset without boxes is not served")
        mode = params.get("mode")
        if training and fw is PADDLE3D and not (isinstance(mode, str) and "train" in mode):
            raise self.fail(f"{place}.mode", f"{_show(mode)}: Paddle3D loads boxes only for a "
                                             "mode with 'train' in it")
        return params

    def read(self, train_ds: Optional[Mapping[str, Any]], ds_place: str, pipeline: Any,
             path: str, evals: Sequence[Tuple[Any, Any, str, str]]) -> _Values:
        """The training pipeline (at ``path``) and dataset (at ``ds_place``; None when the config
        has none), then each evaluation: (dataset or None, pipeline or None, pipeline path,
        dataset path)."""
        fw = self.fw
        out = self.pipeline(pipeline, path, True)
        params = self.dataset(train_ds, ds_place, True) if train_ds is not None else {}
        classes_at = f"{ds_place}.{fw.classes_key}"
        if params.get(fw.classes_key) is not None:
            classes = _listed(params[fw.classes_key])
        else:
            classes = list(fw.default_classes)
            classes_at += f" (not given: {fw.name}'s dataset order)"
            top = self.cfg.get("class_names")
            if fw is MMDET3D and top is not None and not _same(top, classes):
                raise self.fail(classes_at, f"mmdet3d labels the boxes in NuScenesDataset's order "
                                            f"{_show(classes)}, not in class_names "
                                            f"{_show(_listed(top))}; give the dataset "
                                            "classes=class_names")
        filt, filt_at = out.values.pop("filter_classes"), out.origins.pop("filter_classes")
        if not _same(filt, classes):
            raise self.fail(filt_at, f"{_show(filt)} differs from the labels' class list "
                                     f"{_show(classes)} ({classes_at}); nuload serves one list")
        out.put("class_names", classes, classes_at)
        said = train_ds is not None and "use_valid_flag" in train_ds
        out.put("use_valid_flag", params.get("use_valid_flag", False),
                f"{ds_place}.use_valid_flag" + ("" if said else " (not given: the class default)"))
        out.put("cameras", list(PETR_CAMERAS), "cameras")
        out.put("sweep_interval", SWEEP_INTERVAL, "sweep_interval")
        for ds, epipeline, epath, place in evals:
            if ds is not None:
                eclasses = self.dataset(ds, place, False).get(fw.classes_key)
                if eclasses is not None and not _same(eclasses, classes):
                    raise self.fail(f"{place}.{fw.classes_key}", f"{_show(_listed(eclasses))} "
                                    f"differs from the training classes {_show(classes)}; nuload "
                                    "serves one class list")
            if epipeline is not None:
                self.same_as_training(out, epipeline, epath)
        return out

    def same_as_training(self, train: _Values, pipeline: Any, path: str) -> None:
        """An evaluation pipeline must serve what the training one does, fixed augmentation aside."""
        ev = self.pipeline(pipeline, path, False)
        t, e = train.values, ev.values
        pairs = list(_EVAL_SAME) + ([("sweep_range",)] if t["frames"] == 2 else [])
        for keys in pairs:
            tv, evv = _dig(t, keys), _dig(e, keys)
            if evv is not _MISSING and tv is not _MISSING and not _same(tv, evv):
                name = ".".join(keys)
                raise self.fail(ev.origins.get(name, path), f"{name} {_show(evv)} differs from the "
                                f"training pipeline's {_show(tv)} ({train.origins.get(name, name)}); "
                                "nuload serves one setting for training and evaluation")
        if "filter_classes" in e and not _same(e["filter_classes"], t["class_names"]):
            raise self.fail(ev.origins["filter_classes"], f"{_show(e['filter_classes'])} differs "
                                                          f"from the training classes "
                                                          f"{_show(t['class_names'])}")


def _dig(d: Mapping[str, Any], keys: Sequence[str]) -> Any:
    for k in keys:
        if not isinstance(d, Mapping) or k not in d:
            return _MISSING
        d = d[k]
    return d


def _listed(v: Any) -> Any:
    """Tuples as lists, recursively (the JSON form has no tuples)."""
    if isinstance(v, (list, tuple)):
        return [_listed(x) for x in v]
    if isinstance(v, Mapping):
        return {k: _listed(x) for k, x in v.items()}
    return v


def _from_mmdet3d(cfg: Mapping[str, Any], where: str) -> _Values:
    r = _Reader(MMDET3D, cfg, where)
    data = cfg.get("data")
    if data is not None and not isinstance(data, Mapping):
        raise r.fail("data", f"must be a dict, got {_show(data)}")
    data = data or {}

    def split(name: str, top: str) -> Tuple[Any, Any, str, str]:
        """(dataset, pipeline, pipeline path, dataset path) of data.<name>; the pipeline is
        named after the top-level variable when it is that one."""
        ds, place = data.get(name), f"data.{name}"
        if ds is not None and (not isinstance(ds, Mapping) or "dataset" in ds):
            r.dataset(ds, place, name == "train")  # refuses a wrapper or a non-dict
        if ds is not None and ds.get("pipeline") is not None:
            same = top in cfg and _same(ds["pipeline"], cfg[top])
            return ds, ds["pipeline"], top if same else f"{place}.pipeline", place
        return ds, cfg.get(top), top, place

    train_ds, train_pipe, train_path, _ = split("train", "train_pipeline")
    if train_pipe is None:
        raise r.fail("train_pipeline", "there is no training pipeline (data.train.pipeline or "
                                       "train_pipeline)")
    evals: List[Tuple[Any, Any, str, str]] = []
    for name in ("val", "test"):
        ds, pipe, path, place = split(name, "test_pipeline")
        if pipe is not None and any(_same(pipe, e[1]) for e in evals):
            pipe = None  # the same pipeline as val's: checked once
        if pipe is not None or ds is not None:
            evals.append((ds, pipe, path, place))
    return r.read(train_ds, "data.train", train_pipe, train_path, evals)


def _from_paddle3d(cfg: Mapping[str, Any], where: str) -> _Values:
    r = _Reader(PADDLE3D, cfg, where)
    train_ds = cfg.get("train_dataset")
    if not isinstance(train_ds, Mapping):
        raise r.fail("train_dataset", f"must be a dataset dict, got {_show(train_ds)}")
    if train_ds.get("transforms") is None:
        raise r.fail("train_dataset.transforms", "missing: there is no training pipeline")
    evals = []
    val_ds = cfg.get("val_dataset")
    if val_ds is not None:
        if not isinstance(val_ds, Mapping) or val_ds.get("transforms") is None:
            raise r.fail("val_dataset.transforms", "missing")
        evals.append((val_ds, val_ds["transforms"], "val_dataset.transforms", "val_dataset"))
    transforms = train_ds["transforms"]
    return r.read(train_ds, "train_dataset", transforms, "train_dataset.transforms", evals)


# -------------------------------------------------------------------------------------------------
# Command line


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m nuload.config",
        description="Prints the nuload-pipeline/1 JSON of a preset (petrv2, petrv1), an mmdet3d "
        ".py config, a Paddle3D .yml/.yaml config or a .json of that form. Exits 3 (bad data) "
        "when nuload refuses the config, 2 when CONFIG names none.",
    )
    parser.add_argument("config", metavar="CONFIG", help="preset name or config file")
    parser.add_argument("--name", help="the name to write (default: the config file's stem)")
    args = parser.parse_args(argv)
    try:
        out = load(args.config, name=args.name)
    except SourceError as e:
        print(f"nuload.config: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as e:
        print(f"nuload.config: {e}", file=sys.stderr)
        return EXIT_BAD_DATA
    except RuntimeError as e:  # PyYAML missing
        print(f"nuload.config: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(out, separators=(",", ":"), allow_nan=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
