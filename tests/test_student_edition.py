"""The student edition keeps every exercise, drops every solution, and still runs."""

from __future__ import annotations

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
    """Execute the student notebook as a student would, in a fresh Jupyter kernel.

    It runs in a separate process (``python -m nbconvert --execute``), away from the
    pytest plugins (nbval) that manage kernels of their own in this process. The cell
    timeout is kept short: under heavy load we saw nbclient occasionally wait out a lost
    kernel message for exactly one timeout before carrying on normally, and a short
    timeout bounds that wait (no cell of the book takes more than a minute).
    """
    result = subprocess.run(
        [
            sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute",
            "--ExecutePreprocessor.timeout=120", "--output-dir", str(tmp_path), str(edition / name),
        ],
        capture_output=True,
        text=True,
        cwd=edition,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    nb = nbformat.read(tmp_path / name, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
