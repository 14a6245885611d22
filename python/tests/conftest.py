import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))  # the nuload package, without installing it
REAL = REPO / "testdata" / "nuscenes-real"  # real nuScenes fixtures (testdata/NOTICE)


def run_nuload(*args, check=True):
    """Runs the real CLI through the launcher and returns the CompletedProcess."""
    proc = subprocess.run(
        [str(REPO / "nuload"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"nuload {' '.join(map(str, args))} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    return proc


@pytest.fixture(scope="session")
def nuload():
    return run_nuload


@pytest.fixture(scope="session")
def real_dir():
    return REAL


@pytest.fixture(scope="session")
def synth_mini(tmp_path_factory):
    """A synthetic v1.0-mini dataroot with sensor files: 2 scenes, seed 7, small lidar sweeps.
    Shared by the tests that need real JPEGs on disk (devkit view, serving)."""
    out = tmp_path_factory.mktemp("synth-mini")
    run_nuload("synth", "--out", out, "--version", "v1.0-mini", "--scenes", "2", "--seed", "7",
               "--lidar-points", "3000")
    return out


@pytest.fixture(scope="session")
def synth_mini_infos(synth_mini, tmp_path_factory):
    """The info file of synth_mini's split with the most samples (`nuload infos` output)."""
    import pyarrow as pa

    out = tmp_path_factory.mktemp("synth-mini-infos")
    run_nuload("infos", "--dataroot", synth_mini, "--version", "v1.0-mini", "--out", out)
    files = sorted(out.glob("nuscenes_infos_*.arrow"))
    assert files, f"no info file in {out}"
    return max(files, key=lambda f: pa.ipc.open_file(pa.memory_map(str(f))).read_all().num_rows)


@pytest.fixture(scope="session")
def infos(synth_mini_infos):
    """The synth_mini info file that the serving tests serve."""
    return synth_mini_infos


@pytest.fixture(scope="session")
def tokens(infos):
    """Its sample tokens in file order."""
    import pyarrow as pa

    return pa.ipc.open_file(pa.memory_map(str(infos))).read_all().column("token").to_pylist()
