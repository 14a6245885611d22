"""The ./nuload launcher: JDK discovery and its error when there is none."""

import glob
import os
import subprocess

import pytest

from conftest import REPO


def launch(*args, **env):
    return subprocess.run([str(REPO / "nuload"), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_launcher_exits_4_naming_the_search_when_no_jdk_is_found(tmp_path):
    proc = launch("--version", JAVA_HOME=str(tmp_path / "none"), NULOAD_JDK_DIRS=str(tmp_path))
    assert proc.returncode == 4
    assert "no JDK >= 25 found" in proc.stderr and str(tmp_path) in proc.stderr


def test_launcher_skips_an_old_java_home_and_finds_jdk_25(tmp_path):
    old = "/usr/lib/jvm/java-17-openjdk-amd64"
    env = {"JAVA_HOME": old} if os.path.isdir(old) else {}
    proc = launch("--version", **env)
    assert proc.returncode == 0, proc.stderr
    assert "nuload " in proc.stdout and "JVM: 25" in proc.stdout


def test_launcher_test_command_has_help():
    proc = launch("test", "--help")
    assert proc.returncode == 0 and "Usage: ./nuload test" in proc.stdout


def test_launcher_takes_the_jdk_version_from_its_release_file(tmp_path):
    # A JDK folder whose release file says 17 around a real JDK 25 binary: the launcher believes
    # the file (it no longer starts a JVM to ask) and looks elsewhere.
    real = next((p for p in sorted(glob.glob("/usr/lib/jvm/*25*")) if os.path.isfile(p + "/release")), None)
    if real is None:
        pytest.skip("no JDK 25 under /usr/lib/jvm")
    fake = tmp_path / "fake-jdk"
    (fake / "bin").mkdir(parents=True)
    for tool in ("java", "javac"):
        (fake / "bin" / tool).symlink_to(os.path.join(real, "bin", tool))
    (fake / "release").write_text('JAVA_VERSION="17.0.2"\n')
    proc = launch("--version", JAVA_HOME=str(fake))
    assert proc.returncode == 0, proc.stderr
    assert f"JAVA_HOME={fake} is Java 17" in proc.stderr
    assert "JVM: 25" in proc.stdout
