"""The skip audit that ends `./nuload test`: an undocumented skip fails the run."""

import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
AUDIT = REPO / ".ci" / "skip_audit.py"


def write_report(root, name, body):
    d = root / "loader-x" / "target" / "surefire-reports"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(f'<?xml version="1.0"?>\n<testsuite name="s">{body}</testsuite>\n')


def audit(root):
    return subprocess.run([sys.executable, str(AUDIT), str(root)], capture_output=True, text=True)


def test_a_skip_for_a_missing_library_fails_the_run(tmp_path):
    write_report(tmp_path, "TEST-a.xml",
                 '<testcase classname="dev.X" name="t"><skipped message="libisal.so.2 not installed"/>'
                 "</testcase>")
    run = audit(tmp_path)
    assert run.returncode == 1
    assert "NOT ALLOWED: dev.X#t: libisal.so.2 not installed" in run.stdout


def test_reports_without_skips_pass_and_are_counted(tmp_path):
    write_report(tmp_path, "TEST-a.xml", '<testcase classname="dev.X" name="t"/>'
                 '<testcase classname="dev.X" name="u"/>')
    run = audit(tmp_path)
    assert run.returncode == 0, run.stderr
    assert "2 test cases in 1 reports, no undocumented skip" in run.stdout


def test_no_reports_at_all_fails_the_run(tmp_path):
    assert audit(tmp_path).returncode == 1
