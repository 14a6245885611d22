import os
import pathlib
import shutil
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


@pytest.fixture(scope="session", autouse=True)
def no_ring_file_left():
    """Fails the session when a file named like this session's rings (ring_support.RING_PREFIX:
    rings, temporary files, anything beside them) is left in the ring directory, and removes it."""
    import ring_support  # imports this module: not at the top

    before = set(ring_support.ring_files())
    yield
    left = [name for name in ring_support.ring_files() if name not in before]
    for name in left:
        try:
            os.unlink(ring_support.RING_DIR / name)
        except FileNotFoundError:
            pass
    assert not left, f"the tests left {left} in {ring_support.RING_DIR}"


@pytest.fixture(scope="session")
def consumer_binary(tmp_path_factory):
    """The C consumer example (examples/c/ring_consumer.c on include/nuload_ring.h), built with gcc,
    and the CLI jar its producers need."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.fail("gcc is needed to build the C consumer example (.ci/run installs it)")
    out = tmp_path_factory.mktemp("c") / "ring_consumer"
    subprocess.run([gcc, "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", str(REPO / "include"),
                    str(REPO / "examples" / "c" / "ring_consumer.c"), "-o", str(out)], check=True)
    run_nuload("serve-pattern", "--help")
    return out


@pytest.fixture(scope="session")
def real_dir():
    return REAL


@pytest.fixture(scope="session")
def examples(tmp_path_factory):
    """The folder `nuload example-infos` writes: example-infos-mini_train.arrow (annotated, one
    sample without boxes), example-infos-test.arrow (no annotation columns) and their JSON dump."""
    out = tmp_path_factory.mktemp("example-infos")
    run_nuload("example-infos", out)
    return out


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
