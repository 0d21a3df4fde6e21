"""Read pytest's JUnit XML report, print one plain closing line, and judge the run.

Usage: python tools/test_summary.py REPORT.xml --pytest-status N --min-tests M

Prints ``N passed, N failed, N skipped`` (failed counts failures and errors) and exits
non-zero when pytest exited non-zero, when the report is missing or unreadable, or when
fewer than ``M`` tests ran (passed + failed): a run that collected nothing must not pass.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import xml.etree.ElementTree as ET


def counts(report: pathlib.Path) -> dict[str, int]:
    """Passed, failed (failures + errors) and skipped tests in a JUnit XML report."""
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return {"passed": total - failed - skipped, "failed": failed, "skipped": skipped}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=pathlib.Path)
    parser.add_argument("--pytest-status", type=int, required=True)
    parser.add_argument("--min-tests", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        c = counts(args.report)
    except (OSError, ET.ParseError) as error:
        print(f"test summary: no readable pytest report at {args.report} ({error})", file=sys.stderr)
        print("0 passed, 0 failed, 0 skipped")
        return 1
    ran = c["passed"] + c["failed"]
    problems = []
    if args.pytest_status != 0:
        problems.append(f"pytest exited with status {args.pytest_status}")
    if ran < args.min_tests:
        problems.append(f"only {ran} tests ran, fewer than the floor of {args.min_tests}")
    for problem in problems:
        print(f"test summary: FAILED: {problem}", file=sys.stderr)
    print(f"{c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
