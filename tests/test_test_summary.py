"""tools/test_summary.py: the guard that keeps a run that ran nothing from passing."""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_tool():
    spec = importlib.util.spec_from_file_location("test_summary", ROOT / "tools" / "test_summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(tmp_path, tests, failures=0, errors=0, skipped=0):
    path = tmp_path / "junit.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites>'
        f'<testsuite name="pytest" errors="{errors}" failures="{failures}" skipped="{skipped}" tests="{tests}">'
        "</testsuite></testsuites>"
    )
    return path


def run(tool, path, status, floor, capsys):
    code = tool.main([str(path), "--pytest-status", str(status), "--min-tests", str(floor)])
    return code, capsys.readouterr()


def test_a_full_green_run_passes_and_prints_the_plain_line(tmp_path, capsys):
    tool = load_tool()
    code, out = run(tool, report(tmp_path, 900, skipped=3), 0, 840, capsys)
    assert code == 0
    assert out.out.strip().splitlines()[-1] == "897 passed, 0 failed, 3 skipped"


@pytest.mark.parametrize(
    "tests, failures, errors, skipped, status, floor, reason",
    [
        (0, 0, 0, 0, 0, 840, "only 0 tests ran"),          # crashed workers: nothing collected
        (500, 0, 0, 0, 0, 840, "only 500 tests ran"),      # half the suite vanished
        (900, 2, 1, 0, 1, 840, "pytest exited with status 1"),
        (10, 0, 0, 10, 0, 1, "only 0 tests ran"),          # everything skipped
        (900, 0, 0, 0, 2, 840, "status 2"),                # interrupted
    ],
)
def test_runs_that_must_fail(tmp_path, capsys, tests, failures, errors, skipped, status, floor, reason):
    tool = load_tool()
    code, out = run(tool, report(tmp_path, tests, failures, errors, skipped), status, floor, capsys)
    assert code == 1
    assert reason in out.err
    passed = tests - failures - errors - skipped
    assert out.out.strip().splitlines()[-1] == f"{passed} passed, {failures + errors} failed, {skipped} skipped"


def test_a_missing_report_fails(tmp_path, capsys):
    tool = load_tool()
    code, out = run(tool, tmp_path / "absent.xml", 0, 1, capsys)
    assert code == 1
    assert "no readable pytest report" in out.err
