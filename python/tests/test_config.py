"""nuload.config: a user's training config (preset, mmdet3d .py, Paddle3D .yml, JSON, dict) as the
checked nuload-pipeline/1 dict (docs/format/pipeline-config.md), its refusals and its CLI. The
configs under configs/ are small hand-written stand-ins for PETR's and Paddle3D's own."""

import copy
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

from nuload import config

HERE = pathlib.Path(__file__).resolve().parent
CONFIGS = HERE / "configs"
REPO = HERE.parents[1]
PETR_CONFIG_JAVA = REPO / "loader-nuscenes/src/main/java/dev/nuload/nuscenes/petr/PetrConfig.java"

PETRV2_PY = CONFIGS / "petrv2_vovnet_gridmask_p4_800x320.py"
PETRV1_PY = CONFIGS / "petr_vovnet_gridmask_p4_800x320.py"
PETRV2_YML = CONFIGS / "petrv2_vovnet_gridmask_p4_800x320.yml"


def fixture(name):
    return str(CONFIGS / name)


def without_source(cfg):
    return {k: v for k, v in cfg.items() if k != "source"}


def refusal(source):
    with pytest.raises(ValueError) as e:
        config.load(source)
    return str(e.value)


def petrv2_variant(tmp_path, edit, name="variant.py", extra=""):
    """Writes a child of the PETRv2 fixture whose two pipelines are the base's after
    ``edit(train, test)`` (lists of transform dicts, changed in place); returns its path."""
    base = config.read_py_config(PETRV2_PY)
    train, test = copy.deepcopy(base["train_pipeline"]), copy.deepcopy(base["test_pipeline"])
    edit(train, test)
    path = tmp_path / name
    path.write_text(
        f"_base_ = {str(PETRV2_PY)!r}\n"
        f"train_pipeline = {train!r}\n"
        f"test_pipeline = {test!r}\n"
        "data = dict(train=dict(pipeline=train_pipeline), val=dict(pipeline=test_pipeline),\n"
        "            test=dict(pipeline=test_pipeline))\n" + extra
    )
    return str(path)


def step(pipeline, type_):
    return next(t for t in pipeline if t["type"] == type_)


# --- the Java presets -----------------------------------------------------------------------------


def _java_args(text):
    """The top-level arguments of ``new PetrConfig(...)`` in a Java method body."""
    body = text[text.index("new PetrConfig(") + len("new PetrConfig("):]
    args, depth, cur = [], 0, ""
    for ch in body:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            if depth == 0:
                break
            depth -= 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return args + [cur.strip()]


def _java_presets():
    """PetrConfig.java's two presets, component by component (literal values as Python values)."""
    src = PETR_CONFIG_JAVA.read_text()
    header = src[src.index("public record PetrConfig("):]
    names = re.findall(r"^\s+\w[\w<>\[\]]*\s+(\w+)[,)]", header[: header.index("{")], re.M)

    def strings(const):
        m = re.search(const + r"\s*=\s*List\.of\((.*?)\);", src, re.S)
        return re.findall(r'"(\w+)"', m.group(1))

    def numbers(s):
        return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", s)]

    def value(arg, previous):
        if arg.startswith("v2."):
            return previous[arg[3:]]
        if arg in ("CAMERAS", "CLASSES"):
            return strings(arg)
        if arg.startswith('"'):
            return arg.strip('"')
        if arg in ("true", "false"):
            return arg == "true"
        if arg.startswith("new ChannelNormalization"):
            mean, std = re.findall(r"\{([^}]*)\}", arg)
            to_rgb = arg.rstrip(")").endswith("true")
            return {"mean": numbers(mean), "std": numbers(std), "to_rgb": to_rgb}
        if arg.startswith("new double[]"):
            return numbers(arg)
        if re.fullmatch(r"-?\d+", arg):
            return int(arg)
        return float(arg) if re.fullmatch(r"-?\d*\.\d+", arg) else arg  # ImageMode.EXACT etc.

    out = {}
    for method in ("petrv2_800x320", "petrv1_800x320"):
        start = src.index(f"public static PetrConfig {method}()")
        args = _java_args(src[start:])
        assert len(args) == len(names), (method, args, names)
        out[method] = {n: value(a, out.get("petrv2_800x320")) for n, a in zip(names, args)}
    return out


@pytest.mark.parametrize(
    "preset,method", [("petrv2", "petrv2_800x320"), ("petrv1", "petrv1_800x320")]
)
def test_preset_names_give_the_java_presets_values(preset, method):
    j = _java_presets()[method]
    c = config.load(preset)
    assert c["name"] == j["name"]
    assert c["cameras"] == j["cameras"] and c["frames"] == j["frames"]
    ida = c["ida_aug_conf"]
    assert (ida["W"], ida["H"]) == (j["sourceWidth"], j["sourceHeight"])
    assert ida["final_dim"] == [j["finalHeight"], j["finalWidth"]]
    assert ida["resize_lim"] == [j["resizeMin"], j["resizeMax"]]
    assert ida["bot_pct_lim"] == [j["botPctMin"], j["botPctMax"]]
    assert ida["rand_flip"] == j["randFlip"] and ida["rot_lim"] == [0.0, 0.0]
    grst = c["global_rot_scale_trans"]
    assert grst["rot_range"] == [j["globalRotMin"], j["globalRotMax"]]
    assert grst["scale_ratio_range"] == [j["scaleMin"], j["scaleMax"]]
    assert c["img_norm_cfg"] == j["normalization"]
    assert c["size_divisor"] == j["sizeDivisor"]
    assert c["class_names"] == j["classes"]
    assert c["use_valid_flag"] == j["useValidFlag"]
    assert c["point_cloud_range"] == j["pointCloudRange"]
    assert c["sweep_range"] == [j["sweepRangeMin"], j["sweepRangeMax"]]
    assert c["sweep_interval"] == j["sweepInterval"]


def test_preset_aliases_of_the_java_side_give_the_same_preset():
    assert config.load("petrv2_800x320") == config.load("petrv2")
    assert config.load("petr_800x320") == config.load("petrv1_800x320") == config.load("petrv1")


def test_doc_example_is_what_the_petrv2_preset_gives():
    doc = (REPO / "docs/format/pipeline-config.md").read_text()
    example = json.loads(re.search(r"```json\n(.*?)```", doc, re.S).group(1))
    assert example == config.load("petrv2")


# --- mmdet3d Python configs -----------------------------------------------------------------------


def test_petrv2_py_config_reads_the_values_of_the_petrv2_preset():
    got = config.load(PETRV2_PY)
    assert got["source"] == str(PETRV2_PY)
    assert without_source(got) == without_source(config.load("petrv2"))


def test_petrv1_py_config_reads_the_values_of_the_petrv1_preset():
    assert without_source(config.load(PETRV1_PY)) == without_source(config.load("petrv1"))


def test_base_file_values_are_merged_under_the_child():
    cfg = config.read_py_config(PETRV2_PY)
    assert cfg["data"]["val"]["test_mode"] is True  # only the base's data.val says so
    assert cfg["data"]["val"]["ann_file"].endswith("mmdet3d_nuscenes_30f_infos_val.pkl")  # child's
    assert cfg["checkpoint_config"] == {"interval": 1}  # from the second base file
    assert cfg["point_cloud_range"] == [-51.2, -51.2, -5.0, 51.2, 51.2, 3.0]  # the child's wins
    assert "_base_" not in cfg and "eval_pipeline" in cfg


def test_a_child_dict_merges_into_the_base_dataset_and_keeps_its_pipeline():
    got = config.load(fixture("petrv2_child_changes_dicts.py"))
    assert got["use_valid_flag"] is False
    assert without_source(dict(got, name="x", use_valid_flag=True)) == without_source(
        dict(config.load("petrv2"), name="x")
    )


def test_delete_key_replaces_the_base_dict():
    train = config.read_py_config(fixture("petrv2_delete_train_dataset.py"))["data"]["train"]
    assert "use_valid_flag" not in train and "box_type_3d" not in train and "_delete_" not in train
    assert config.load(fixture("petrv2_delete_train_dataset.py"))["use_valid_flag"] is False


def test_transform_values_win_over_top_level_names():
    path = fixture("petrv2_child_changes_dicts.py")
    top = config.read_py_config(path)["ida_aug_conf"]
    assert top["rand_flip"] is False and top["H"] == 900  # merged into the base's top-level dict
    assert config.load(path)["ida_aug_conf"]["rand_flip"] is True  # what the transforms hold


def test_base_placeholders_take_the_base_values():
    child = config.read_py_config(fixture("petrv2_vovnet_gridmask_p4_600x240.py"))
    base = config.read_py_config(PETRV2_PY)
    assert step(child["train_pipeline"], "Collect3D")["meta_keys"] == base["meta_keys"]


def test_non_default_final_dim_is_read_from_the_py_and_the_yaml():
    py = config.load(fixture("petrv2_vovnet_gridmask_p4_600x240.py"))
    yml = config.load(fixture("petrv2_vovnet_gridmask_p4_600x240.yml"))
    for got in (py, yml):
        assert got["ida_aug_conf"]["final_dim"] == [240, 600]
        assert got["ida_aug_conf"]["resize_lim"] == [0.36, 0.48]
        assert got["frames"] == 2
    assert without_source(py) == without_source(yml)


def test_pipeline_without_sweep_loader_serves_one_frame():
    assert config.load(PETRV1_PY)["frames"] == 1


def test_pipeline_without_global_rot_scale_gives_null(tmp_path):
    def edit(train, test):
        train.remove(step(train, "GlobalRotScaleTransImage"))

    path = petrv2_variant(tmp_path, edit)
    assert config.load(path)["global_rot_scale_trans"] is None


def test_normalize_without_to_rgb_takes_petrs_class_default_true(tmp_path):
    def edit(train, test):
        for p in (train, test):
            del step(p, "NormalizeMultiviewImage")["to_rgb"]

    assert config.load(petrv2_variant(tmp_path, edit))["img_norm_cfg"]["to_rgb"] is True


def test_python_config_without_data_reads_the_top_level_pipelines(tmp_path):
    base = config.read_py_config(PETRV2_PY)
    train = copy.deepcopy(base["train_pipeline"])
    step(train, "ObjectNameFilter")["classes"] = list(config.MMDET3D_CLASSES)
    path = tmp_path / "no_data.py"
    path.write_text(f"train_pipeline = {train!r}\ntest_pipeline = {base['test_pipeline']!r}\n")
    got = config.load(path)
    # no dataset dict: mmdet3d's dataset defaults (its class order, use_valid_flag False)
    assert got["class_names"] == list(config.MMDET3D_CLASSES) and got["use_valid_flag"] is False
    assert got["frames"] == 2 and got["ida_aug_conf"] == config.load("petrv2")["ida_aug_conf"]


# --- Paddle3D YAML configs ------------------------------------------------------------------------


def test_paddle3d_yaml_gives_the_same_pipeline_as_the_py_config():
    assert without_source(config.load(PETRV2_YML)) == without_source(config.load(PETRV2_PY))


def test_paddle3d_petrv1_yaml_without_use_valid_flag_masks_by_lidar_points():
    got = config.load(fixture("petr_vovnet_gridmask_p4_800x320.yml"))
    assert got["frames"] == 1 and got["use_valid_flag"] is False
    assert without_source(dict(got, use_valid_flag=True)) == without_source(config.load("petrv1"))


def test_paddle3d_base_is_merged_under_the_child():
    cfg = config.read_yaml_config(fixture("petrv2_vovnet_gridmask_p4_600x240.yml"))
    assert cfg["train_dataset"]["use_valid_flag"] is True  # from the base file
    rcf = step(cfg["train_dataset"]["transforms"], "ResizeCropFlipImage")
    assert rcf["sample_aug_cfg"]["final_dim"] == [240, 600]  # the child's list replaced the base's


def test_paddle3d_inherited_false_replaces_the_base_dict(tmp_path):
    base_transforms = config.read_yaml_config(PETRV2_YML)["train_dataset"]["transforms"]
    path = tmp_path / "child.yml"
    path.write_text(
        f"_base_: {PETRV2_YML}\n"
        "train_dataset:\n"
        "  _inherited_: False\n"
        "  type: NuscenesMVDataset\n"
        "  dataset_root: data/nuscenes/\n"
        "  mode: train\n"
        "  class_names: [car, truck, construction_vehicle, bus, trailer, barrier, motorcycle,\n"
        "                bicycle, pedestrian, traffic_cone]\n"
        f"  transforms: {json.dumps(base_transforms)}\n"
    )
    assert config.load(path)["use_valid_flag"] is False


# --- JSON and dicts -------------------------------------------------------------------------------


def test_json_in_the_form_is_read_back_unchanged():
    got = config.load(fixture("petrv2_800x320.json"))
    assert got == json.loads((CONFIGS / "petrv2_800x320.json").read_text())
    assert got["source"].endswith(".py")  # the JSON's own source, not the JSON file


def test_dict_config_is_returned_normalised():
    d = config.load("petrv2")
    d["ida_aug_conf"]["resize_lim"] = (0.47, 0.625)
    d["global_rot_scale_trans"]["translation_std"] = [0, 0, 0]
    d["point_cloud_range"] = (-51, -51, -5, 51, 51, 3)
    d = dict(reversed(list(d.items())))
    got = config.load(d)
    assert list(got) == list(config.KEYS)
    assert got["ida_aug_conf"]["resize_lim"] == [0.47, 0.625]
    assert got["global_rot_scale_trans"]["translation_std"] == [0.0, 0.0, 0.0]
    assert all(type(x) is float for x in got["point_cloud_range"])


def test_name_argument_replaces_the_name():
    assert config.load(PETRV2_PY, name="mine")["name"] == "mine"


def test_typo_key_in_a_dict_config_is_refused_with_a_suggestion():
    d = json.loads((CONFIGS / "bad_typo_key.json").read_text())
    msg = refusal(d)
    assert msg == "config dict: use_vaild_flag: unknown key (did you mean use_valid_flag?)"
    path = fixture("bad_typo_key.json")
    assert refusal(path).startswith(f"{path}: use_vaild_flag: unknown key")


def test_missing_key_in_a_dict_config_is_refused():
    d = config.load("petrv2")
    del d["ida_aug_conf"]["bot_pct_lim"]
    assert refusal(d) == "config dict: ida_aug_conf.bot_pct_lim: missing"


@pytest.mark.parametrize(
    "key,value,words",
    [
        ("frames", 3, "frames 3 is not served: nuload serves 1 or 2 frames"),
        ("frames", True, "must be an integer"),
        ("size_divisor", 0, "must be at least 1"),
        ("class_names", ["car", "pedestrain"],
         '"pedestrain" is not a nuScenes detection class (did you mean pedestrian?)'),
        ("cameras", ["CAM_FRONT", "CAM_FRONT"], "appears twice"),
        ("sweep_range", [3, 3], "min must be below max"),
        ("use_valid_flag", 1, "must be true or false"),
        ("format", "nuload-pipeline/2", 'must be "nuload-pipeline/1"'),
    ],
)
def test_bad_values_in_a_dict_config_are_refused_naming_the_key(key, value, words):
    d = config.load("petrv2")
    d[key] = value
    msg = refusal(d)
    assert msg.startswith(f"config dict: {key}") and words in msg


@pytest.mark.parametrize(
    "path,value,words",
    [
        (("ida_aug_conf", "rot_lim"), [-5.4, 5.4], "nuload does not rotate images"),
        (("ida_aug_conf", "resize_lim"), [0.6, 0.5], "min > max"),
        (("ida_aug_conf", "final_dim"), [320.0, 800], "must be an integer"),
        (("ida_aug_conf", "final_dim"), [0, 800], "must be at least 1"),
        (("global_rot_scale_trans", "translation_std"), [0.5, 0.5, 0.5], "does not translate"),
        (("global_rot_scale_trans", "reverse_angle"), False, "reverse_angle true only"),
        (("img_norm_cfg", "std"), [1.0, 0.0, 1.0], "every std must be positive"),
    ],
)
def test_values_nuload_cannot_serve_are_refused_in_a_dict_config(path, value, words):
    d = config.load("petrv2")
    d[path[0]][path[1]] = value
    msg = refusal(d)
    assert msg.startswith(f"config dict: {'.'.join(path)}") and words in msg


# --- refusals of training configs -----------------------------------------------------------------


def test_unknown_transform_is_refused_naming_file_pipeline_and_type():
    path = fixture("bad_gridmask_in_pipeline.py")
    msg = refusal(path)
    assert msg.startswith(f"{path}: train_pipeline[6]: transform GridMask is refused: ")
    assert "use_grid_mask" in msg  # why: PETR applies it in the model


def test_unknown_yaml_transform_is_refused_naming_file_pipeline_and_type():
    path = fixture("bad_photometric_distortion.yml")
    msg = refusal(path)
    assert msg.startswith(f"{path}: train_dataset.transforms[2]: transform "
                          "PhotoMetricDistortionMultiViewImage is refused: ")


def test_a_transform_nuload_has_never_heard_of_is_refused(tmp_path):
    path = petrv2_variant(tmp_path, lambda train, test: train.insert(6, {"type": "MyAugmentation"}))
    msg = refusal(path)
    assert msg.startswith(f"{path}: train_pipeline[6]: transform MyAugmentation is refused: not a "
                          "transform nuload knows")


def test_three_frames_are_refused_naming_sweeps_num():
    path = fixture("bad_three_frames.py")
    assert refusal(path) == (
        f"frames 3 (sweeps_num 2 in {path}, train_pipeline[1] "
        "LoadMultiViewImageFromMultiSweepsFiles.sweeps_num) is not served: nuload serves 1 or 2 frames"
    )


def test_nonzero_rot_lim_is_refused_naming_the_transform_key():
    path = fixture("bad_rot_lim.py")
    assert refusal(path) == (
        f"{path}: train_pipeline[5] ResizeCropFlipImage.data_aug_conf.rot_lim: [-5.4, 5.4] is not "
        "served: nuload does not rotate images (rot_lim [0.0, 0.0] only)"
    )


def test_reverse_angle_left_to_the_class_default_is_refused(tmp_path):
    def edit(train, test):
        del step(train, "GlobalRotScaleTransImage")["reverse_angle"]

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert ("train_pipeline[6] GlobalRotScaleTransImage.reverse_angle (not given: the class "
            "default)") in msg
    assert "false is not served" in msg


def test_pad_empty_sweeps_false_is_refused(tmp_path):
    def edit(train, test):
        for p in (train, test):
            step(p, "LoadMultiViewImageFromMultiSweepsFiles")["pad_empty_sweeps"] = False

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert "LoadMultiViewImageFromMultiSweepsFiles.pad_empty_sweeps: false is not served" in msg


def test_sweep_loader_in_test_mode_during_training_is_refused(tmp_path):
    def edit(train, test):
        del step(train, "LoadMultiViewImageFromMultiSweepsFiles")["test_mode"]

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert ("test_mode (not given: the class default): true picks a fixed past frame in "
            "training") in msg


def test_unknown_transform_parameter_is_refused_with_a_suggestion(tmp_path):
    def edit(train, test):
        sweeps = step(train, "LoadMultiViewImageFromMultiSweepsFiles")
        sweeps["sweep_rang"] = sweeps.pop("sweep_range")

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert ("train_pipeline[1]: LoadMultiViewImageFromMultiSweepsFiles has no parameter "
            "sweep_rang (did you mean sweep_range?)") in msg


def test_evaluation_pipeline_that_differs_from_training_is_refused(tmp_path):
    def edit(train, test):
        step(test, "ResizeCropFlipImage")["data_aug_conf"] = dict(
            step(test, "ResizeCropFlipImage")["data_aug_conf"], final_dim=(256, 704))

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert "test_pipeline[2] ResizeCropFlipImage.data_aug_conf.final_dim: ida_aug_conf.final_dim " \
           "[256, 704] differs from the training pipeline's [320, 800]" in msg


def test_global_rot_scale_in_the_test_pipeline_is_refused(tmp_path):
    def edit(train, test):
        grst = dict(step(train, "GlobalRotScaleTransImage"), training=True)
        test.insert(3, grst)

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert ("test_pipeline[3]: GlobalRotScaleTransImage in an evaluation pipeline is not "
            "served") in msg


def test_transforms_out_of_petrs_order_are_refused(tmp_path):
    def edit(train, test):
        norm = step(train, "NormalizeMultiviewImage")
        train.remove(norm)
        train.insert(5, norm)  # before ResizeCropFlipImage

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert "ResizeCropFlipImage comes before NormalizeMultiviewImage" not in msg
    assert "NormalizeMultiviewImage comes before ResizeCropFlipImage" in msg


def test_ida_aug_conf_without_a_key_is_refused(tmp_path):
    def edit(train, test):
        for p in (train, test):
            step(p, "ResizeCropFlipImage")["data_aug_conf"] = {"final_dim": (240, 600)}

    msg = refusal(petrv2_variant(tmp_path, edit))
    assert "train_pipeline[5] ResizeCropFlipImage.data_aug_conf.H: missing" in msg


def test_dataset_without_classes_and_other_class_names_is_refused(tmp_path):
    path = tmp_path / "no_classes.py"
    path.write_text(
        f"_base_ = {str(PETRV2_PY)!r}\n"
        "data = dict(train=dict(_delete_=True, type='CustomNuScenesDataset', ann_file='x.pkl',\n"
        "                       pipeline={{_base_.train_pipeline}}, use_valid_flag=True))\n"
    )
    msg = refusal(path)
    assert "data.train.classes (not given: mmdet3d's dataset order): mmdet3d labels the boxes in " \
           "NuScenesDataset's order" in msg


def test_cbgs_wrapper_is_refused(tmp_path):
    path = tmp_path / "cbgs.py"
    path.write_text(
        f"_base_ = {str(PETRV2_PY)!r}\n"
        "data = dict(train=dict(type='CBGSDataset', dataset=dict(type='CustomNuScenesDataset')))\n"
    )
    assert refusal(path) == f"{path}: data.train: CBGSDataset wraps another dataset: it changes " \
                            "which samples an epoch holds, and nuload serves the info file as it is"


def test_missing_base_file_is_refused_naming_the_child(tmp_path):
    path = tmp_path / "orphan.py"
    path.write_text("_base_ = ['../nowhere/nus-3d.py']\n")
    assert refusal(path).startswith(f"{path}: _base_ file ../nowhere/nus-3d.py does not exist")


def test_a_key_in_two_base_files_is_refused(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("x = 2\n")
    (tmp_path / "child.py").write_text("_base_ = ['a.py', 'b.py']\n")
    assert "its _base_ files both set x" in refusal(tmp_path / "child.py")


def test_a_base_chain_that_loops_is_refused(tmp_path):
    (tmp_path / "a.py").write_text("_base_ = 'b.py'\n")
    (tmp_path / "b.py").write_text("_base_ = 'a.py'\n")
    assert "comes back to this file" in refusal(tmp_path / "a.py")


def test_a_config_that_raises_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "raises.py"
    path.write_text("a = 1\nb = undefined_name\n")
    assert refusal(path) == (f"{path}: line 2: running it raised NameError: name "
                             "'undefined_name' is not defined")


def test_not_a_preset_nor_a_file_is_a_source_error():
    with pytest.raises(config.SourceError):
        config.load("petrv3")
    with pytest.raises(config.SourceError):
        config.load(str(CONFIGS / "missing.py"))


# --- PyYAML only for YAML -------------------------------------------------------------------------


def test_pyyaml_is_needed_only_for_a_yaml_config():
    code = (
        "import sys; sys.modules['yaml'] = None\n"  # makes `import yaml` fail
        "from nuload import config\n"
        f"config.load('petrv2'); config.load({str(PETRV2_PY)!r})\n"
        f"config.load({fixture('petrv2_800x320.json')!r})\n"
        "try:\n"
        f"    config.load({str(PETRV2_YML)!r})\n"
        "except RuntimeError as e:\n"
        "    print(e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "needs PyYAML (pip install pyyaml" in proc.stdout


# --- the CLI --------------------------------------------------------------------------------------


def _env():
    return dict(os.environ, PYTHONPATH=str(REPO / "python"))


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "nuload.config", *map(str, args)],
                          capture_output=True, text=True, env=_env(), timeout=60)


def test_cli_prints_json_and_exits_3_on_a_refused_config():
    ok = _cli(PETRV2_PY)
    assert ok.returncode == 0 and ok.stderr == ""
    assert ok.stdout.count("\n") == 1 and ": " not in ok.stdout  # one compact line
    assert json.loads(ok.stdout) == config.load(PETRV2_PY)
    bad = _cli(fixture("bad_three_frames.py"))
    assert bad.returncode == 3 and bad.stdout == ""
    assert bad.stderr.startswith("nuload.config: frames 3 (sweeps_num 2 in ")
    assert bad.stderr.count("\n") == 1


def test_cli_name_option_sets_the_name():
    out = _cli(PETRV2_YML, "--name", "petrv2_paddle")
    assert out.returncode == 0 and json.loads(out.stdout)["name"] == "petrv2_paddle"


def test_cli_exits_2_on_a_usage_error():
    missing = _cli(CONFIGS / "missing.py")
    assert missing.returncode == 2
    assert missing.stderr == f"nuload.config: {CONFIGS / 'missing.py'}: no such file\n"
    assert _cli(PETRV2_PY, "--frames", "2").returncode == 2
    assert _cli().returncode == 2
