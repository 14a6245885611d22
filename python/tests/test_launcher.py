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


AOT = REPO / "loader-nuscenes" / "target" / "nuload-cli.aot"
JAR = REPO / "loader-nuscenes" / "target" / "nuload-cli.jar"


def test_launcher_records_the_start_up_cache_for_its_jar_and_jdk():
    proc = launch("--version")
    assert proc.returncode == 0, proc.stderr
    assert AOT.is_file() and AOT.stat().st_size > 1_000_000
    assert AOT.stat().st_mtime >= JAR.stat().st_mtime
    jdk = (AOT.parent / "nuload-cli.aot.jdk").read_text().strip()
    assert os.path.isfile(os.path.join(jdk, "bin", "java"))


def test_launcher_starts_the_jvm_with_the_start_up_cache():
    launch("--version")  # records it when missing
    # The launcher turns the JVM's cache messages off; options given later turn them back on.
    proc = launch("--version", NULOAD_JAVA_OPTS="-Xlog:aot=info")
    assert proc.returncode == 0, proc.stderr
    assert f"Opened AOT cache {AOT}" in proc.stdout


def test_launcher_loads_picocli_from_the_start_up_cache():
    # picocli ships Java 5 class files, which the cache skips; the build rewrites them as Java 8.
    launch("--version")  # records it when missing
    proc = launch("extract", "--help", NULOAD_JAVA_OPTS="-Xlog:class+load=info")
    assert proc.returncode == 0, proc.stderr
    line = next(l for l in proc.stdout.splitlines() if " picocli.CommandLine " in l)
    assert "source: shared objects file" in line, line


def test_launcher_runs_without_the_cache_when_asked():
    proc = launch("--version", NULOAD_AOT="0", NULOAD_JAVA_OPTS="-Xlog:aot=info")
    assert proc.returncode == 0, proc.stderr
    assert "Opened AOT cache" not in proc.stdout


def test_launcher_runs_silently_past_a_damaged_start_up_cache():
    launch("--version")
    jdk_file = AOT.parent / "nuload-cli.aot.jdk"
    jdk = jdk_file.read_text()
    try:
        AOT.write_bytes(os.urandom(4096))  # newer than the jar: the launcher passes it on
        jdk_file.write_text(jdk)
        proc = launch("--version")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("nuload ") and "aot" not in proc.stdout.lower()
        assert proc.stderr == ""
    finally:
        AOT.unlink()  # the next launch records it again
