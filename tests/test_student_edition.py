"""The student edition keeps every exercise, drops every solution, and is the course's release.

``tools/student_edition.py`` writes the released assignments of the nbgrader course
(``tools/course.py``) as the student edition, so there is one student version. Running
the released notebooks is checked in ``test_assignments.py``, where nbgrader grades them
blank: nothing raises there except the empty answer cells and their tests.

Like the other nbgrader tests these skip with the reason when nbgrader is missing, and fail
under ``CI=true``.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "tools"))


def _require_nbgrader():
    if importlib.util.find_spec("nbgrader") is None:
        reason = "nbgrader is not installed (pip install -r requirements.txt)"
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(f"{reason} (CI=true: the student-edition tests must run, not skip)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def command_run(tmp_path_factory):
    """The documented command (python tools/student_edition.py chapters TARGET), warnings as errors."""
    _require_nbgrader()
    target = tmp_path_factory.mktemp("student_edition")
    result = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", str(ROOT / "tools" / "student_edition.py"),
         str(ROOT / "chapters"), str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return target, result


@pytest.fixture(scope="module")
def edition(command_run) -> pathlib.Path:
    target, result = command_run
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def test_the_documented_command_writes_the_edition_without_warnings(command_run):
    target, result = command_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Warning" not in result.stderr, result.stderr[-3000:]
    assert f"wrote {len(CHAPTERS)} student notebooks" in result.stdout
    assert sorted(p.name for p in target.glob("*.ipynb")) == [p.name for p in CHAPTERS]
    assert (target / "kobold_course.py").is_file()
    assert sorted(p.name for p in (target / "data").rglob("*")) == \
        sorted(p.name for p in (ROOT / "chapters" / "data").rglob("*"))


def test_kobold_lib_no_longer_carries_the_builder():
    import kobold_lib

    assert not hasattr(kobold_lib, "make_student_edition")
    assert importlib.util.find_spec("kobold_lib.student_edition") is None


def test_no_solution_is_left_and_every_exercise_stays(edition):
    for original in CHAPTERS:
        book = nbformat.read(original, as_version=4)
        student = nbformat.read(edition / original.name, as_version=4)
        text = "\n".join(cell.source for cell in student.cells)
        assert "{solution-start}" not in text and "{solution-end}" not in text, original.name
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, original.name
        assert not any("solution" in cell.metadata.get("tags", []) for cell in student.cells), original.name
        assert not any(cell.get("outputs") for cell in student.cells if cell.cell_type == "code"), original.name
        exercises = [c for c in book.cells if "{exercise}" in c.source]
        assert exercises, f"{original.name} has no exercises"
        assert sum("{exercise}" in c.source for c in student.cells) == len(exercises)
        removed = [c for c in book.cells if "solution" in c.metadata.get("tags", [])]
        assert removed, f"{original.name} has no tagged solution cells"
        for cell in removed:
            assert cell.source.strip() not in text, f"{original.name}: a solution survived"


def test_every_exercise_is_followed_by_its_answer_cells(edition):
    for original in CHAPTERS:
        student = nbformat.read(edition / original.name, as_version=4)
        cells = student.cells
        starts = [i for i, c in enumerate(cells) if "{exercise}" in c.source] + [len(cells)]
        for here, after in zip(starts, starts[1:]):
            answers = [c for c in cells[here + 1:after] if c.metadata.get("nbgrader", {}).get("solution")]
            assert answers, f"{original.name}: the exercise of cell {here} has no answer cell"
            assert all("YOUR CODE HERE" in c.source or "YOUR ANSWER HERE" in c.source for c in answers)


def test_the_edition_is_the_course_release(edition, tmp_path):
    """The same generator writes the course: its release notebooks equal the edition's."""
    import course

    (tmp_path / "nbgrader_config.py").write_text((ROOT / "course" / "nbgrader_config.py").read_text())
    course.generate(tmp_path, chapters=["bellman"], root=ROOT)
    release = nbformat.read(tmp_path / "release" / "bellman" / "bellman.ipynb", as_version=4)
    student = nbformat.read(edition / "bellman.ipynb", as_version=4)
    assert [c.source for c in release.cells] == [c.source for c in student.cells]
    assert (tmp_path / "release" / "bellman" / "kobold_course.py").read_text() == \
        (edition / "kobold_course.py").read_text()
