#!/usr/bin/env python3
"""Fails the test run when a test skipped for a reason that is not documented.

A test that skips because a library is missing is a test that did not run. `./nuload test`
installs everything the suite needs first, so the only skips left are the few listed in ALLOWED
below (and in the README's "Tests" section, which must say the same). The audit reads the JUnit
XML reports: Maven Surefire's (`*/target/surefire-reports/TEST-*.xml`) and pytest's
(`target/pytest-junit.xml`), and prints one line per skipped test.

Usage: skip_audit.py REPO_ROOT
"""

import pathlib
import re
import sys
import xml.etree.ElementTree as ET

# (test id pattern, reason pattern, why this skip is acceptable). Keep the README in step.
ALLOWED = [
    (
        r"test_launcher\.py::test_launcher_skips_an_old_java_home_and_finds_jdk_25",
        r"no JDK 25 under /usr/lib/jvm",
        "a machine whose JDK 25 lives elsewhere (JAVA_HOME) cannot show the search of /usr/lib/jvm",
    ),
]


def skipped_cases(report):
    """Yields (test id, reason) for each skipped test case in one JUnit XML file."""
    root = ET.parse(report).getroot()
    for case in root.iter("testcase"):
        skipped = case.find("skipped")
        if skipped is None:
            continue
        reason = skipped.get("message") or (skipped.text or "").strip()
        cls = case.get("classname", "")
        name = case.get("name", "")
        if report.name == "pytest-junit.xml":
            test_id = cls.replace(".", "/") + ".py::" + name if cls else name
        else:
            test_id = f"{cls}#{name}"
        yield test_id, reason


def allowed(test_id, reason):
    return any(re.search(t, test_id) and re.search(r, reason) for t, r, _ in ALLOWED)


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    repo = pathlib.Path(argv[1])
    reports = sorted(repo.glob("*/target/surefire-reports/TEST-*.xml"))
    pytest_report = repo / "target" / "pytest-junit.xml"
    if pytest_report.exists():
        reports.append(pytest_report)
    if not reports:
        print("skip audit: no test reports found (did the tests run?)", file=sys.stderr)
        return 1
    cases = 0
    bad = []
    for report in reports:
        root = ET.parse(report).getroot()
        cases += sum(1 for _ in root.iter("testcase"))
        for test_id, reason in skipped_cases(report):
            ok = allowed(test_id, reason)
            print(f"skip audit: {'allowed' if ok else 'NOT ALLOWED'}: {test_id}: {reason}")
            if not ok:
                bad.append(test_id)
    if bad:
        print(
            f"skip audit: {len(bad)} test(s) skipped for an undocumented reason (a missing library"
            " or package is a failure: install it, see the README's Tests section)",
            file=sys.stderr,
        )
        return 1
    print(f"skip audit: {cases} test cases in {len(reports)} reports, no undocumented skip")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
