"""`nuload extract` talks to a person at a terminal: a progress line redrawn in place on a real
pseudo-terminal, and no control sequences when its output goes to a pipe."""

import io
import os
import pty
import select
import subprocess
import tarfile

from conftest import REPO


def make_tgz(path, files=40, size=256 * 1024):
    rnd = os.urandom(size)
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for i in range(files):
            data = rnd[i:] + rnd[:i]
            info = tarfile.TarInfo(f"samples/CAM_FRONT/img_{i:03d}.jpg")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def run_on_pty(args, timeout=300):
    """Runs the command with stdin, stdout and stderr on a new pseudo-terminal; returns
    (exit code, everything it wrote)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    out = bytearray()
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], timeout)
            if not ready:
                proc.kill()
                raise AssertionError("no output from the command within the timeout: " + out.decode())
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command closed the terminal
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(leader)
    return proc.wait(timeout=timeout), out.decode("utf-8", "replace")


def test_extract_draws_a_progress_line_in_place_on_a_terminal(tmp_path):
    tgz = make_tgz(tmp_path / "part1.tgz")
    code, out = run_on_pty([str(REPO / "nuload"), "extract", str(tgz), "--to", str(tmp_path / "out")])
    assert code == 0, out
    # each redraw clears the line first; the last clear makes room for the final summary
    parts = out.split("\r\x1b[K")
    redraws, summary = parts[1:-1], parts[-1]
    assert redraws, out
    for line in redraws:
        assert line.startswith("extract: ") and "\n" not in line, line
        for part in ("% ", "MB read", "files", "MB/s written", "ETA "):
            assert part in line, line
    assert "part1.tgz" in summary and "extracted" in summary and "40 files" in summary, summary
    assert len(list((tmp_path / "out" / "samples" / "CAM_FRONT").iterdir())) == 40


def test_extract_writes_no_control_sequences_when_piped(tmp_path):
    tgz = make_tgz(tmp_path / "part1.tgz", files=4)
    proc = subprocess.run([str(REPO / "nuload"), "extract", str(tgz), "--to", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" not in proc.stderr + proc.stdout
    assert "\r" not in proc.stderr + proc.stdout
