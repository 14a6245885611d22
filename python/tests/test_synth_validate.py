"""`nuload validate` accepts what `nuload synth` writes at full mini and trainval scale (metadata
only; the dataset with files is validated in test_synth_devkit.py), and the trainval-scale counts are
those of the real release."""

import re


def counts(stdout):
    line = next(l for l in stdout.splitlines() if l.startswith("counts:"))
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def test_full_mini_metadata_validates(tmp_path, nuload):
    nuload("synth", "--out", tmp_path, "--version", "v1.0-mini", "--meta-only")
    proc = nuload("validate", tmp_path, "--tables-only")
    assert "0 errors, 0 warnings" in proc.stdout, proc.stdout
    c = counts(proc.stdout)
    assert c["scene"] == 10 and c["sample"] == 404  # the release's (nuscenes-spec.md 1.3)


def test_trainval_scale_metadata_validates_with_release_sized_tables(tmp_path, nuload):
    nuload("synth", "--out", tmp_path, "--version", "v1.0-trainval", "--meta-only")
    proc = nuload("validate", tmp_path, "--tables-only")
    assert "0 errors, 0 warnings" in proc.stdout, proc.stdout
    c = counts(proc.stdout)
    assert c["scene"] == 850 and c["calibrated_sensor"] == 850 * 12 and c["log"] == 68
    assert c["sample"] == 34_149  # the release's (nuscenes-spec.md 1.3)
    assert 2_400_000 <= c["sample_data"] <= 2_800_000 and c["ego_pose"] == c["sample_data"]
    assert 1_000_000 <= c["sample_annotation"] <= 1_500_000
    assert 55_000 <= c["instance"] <= 75_000

