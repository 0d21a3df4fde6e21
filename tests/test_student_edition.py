"""The student edition keeps every exercise, drops every solution, and still runs."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

from kobold_lib.student_edition import make_student_edition

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> pathlib.Path:
    target = tmp_path_factory.mktemp("student_edition")
    written = make_student_edition(ROOT / "chapters", target)
    assert [p.name for p in written] == [p.name for p in CHAPTERS]
    return target


def test_the_documented_command_writes_the_edition(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kobold_lib.student_edition", str(ROOT / "chapters"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"wrote {len(CHAPTERS)} student notebooks" in result.stdout
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in CHAPTERS]


def test_no_solution_is_left_and_every_exercise_stays(edition):
    for original in CHAPTERS:
        book = nbformat.read(original, as_version=4)
        student = nbformat.read(edition / original.name, as_version=4)
        text = "\n".join(cell.source for cell in student.cells)
        assert "{solution-start}" not in text and "{solution-end}" not in text, original.name
        assert not any("solution" in cell.metadata.get("tags", []) for cell in student.cells), original.name
        assert not any(cell.get("outputs") for cell in student.cells if cell.cell_type == "code"), original.name
        exercises = [c for c in book.cells if "{exercise}" in c.source]
        assert exercises, f"{original.name} has no exercises"
        assert sum("{exercise}" in c.source for c in student.cells) == len(exercises)
        removed = [c for c in book.cells if "solution" in c.metadata.get("tags", [])]
        assert removed, f"{original.name} has no tagged solution cells"


@pytest.mark.parametrize("name", [p.name for p in CHAPTERS])
def test_student_notebook_runs_top_to_bottom(edition, name, tmp_path):
    """Run the student notebook's code top to bottom, in a fresh IPython process.

    nbconvert exports the notebook as a script, which IPython runs non-interactively
    (any exception gives a non-zero exit). No Jupyter kernel is involved: nbval already
    runs every full notebook in a kernel, and under heavy load we saw a kernel-protocol
    stall (client and kernel both idle, waiting on each other for 10 minutes) that has
    nothing to do with the notebooks themselves.
    """
    script = tmp_path / (pathlib.Path(name).stem + ".py")
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "script", "--output-dir", str(tmp_path), str(edition / name)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert script.exists()
    result = subprocess.run(
        [sys.executable, "-m", "IPython", "--no-banner", "--quick", "--colors=nocolor", str(script)],
        capture_output=True,
        text=True,
        cwd=edition,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=900,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
