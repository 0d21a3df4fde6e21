"""Make the nbgrader course of the book: one graded assignment per chapter.

Every chapter notebook is turned into an nbgrader *source* notebook: the chapter as it
is (outputs cleared), and after each exercise the cells that grade it, built from the
exercise's specification in ``tools/course_spec/<chapter>.py``:

* where the book's solution prints the answer, a read-only cell that draws the
  student's own parameters (``kobold_course.parameters(label)``, deterministic in the
  term seed of ``course/nbgrader_config.py``, the student id and the label);
* for the part graded by hand, a Markdown answer cell (the book's written solution
  between nbgrader's solution markers) with the grader's rubric above it;
* for the autograded part, an answer cell holding the chapter's solution code (with
  the student's parameters put in) between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``, and a read-only test cell with the points: visible sanity
  tests, then hidden tests that recompute the reference answer with ``kobold_lib``.

Then ``nbgrader generate_assignment`` makes the release (the student version) of every
assignment. The chapters are never edited: they stay the one source of every exercise
text and solution. The student edition (``tools/student_edition.py``) is the release.

Usage (from the repository root; ``bash tools/assignments.sh`` installs what it needs first)::

    python tools/course.py                 # write course/ and release every assignment
    python tools/course.py --no-release    # only write course/source/
    python tools/course.py --check         # check the specifications against the chapters
    python tools/course.py --course DIR --chapters bellman,learning_kobold
"""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap
import time

import nbformat

TOOLS = pathlib.Path(__file__).resolve().parent
ROOT = TOOLS.parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import course_spec  # noqa: E402
import exercise_table  # noqa: E402

CHAPTERS_DIR = ROOT / "chapters"
COURSE_DIR = ROOT / "course"
HELPER = TOOLS / "course_spec" / "kobold_course.py"
COURSE_ID = "kobolds-and-coins"
DEFAULT_TERM_SEED = "kobolds-and-coins"

CONFIG_TEMPLATE = '''\
# nbgrader configuration of the course "Kobolds and Coins".
# Written by tools/course.py when missing; edit it freely (the generator keeps it).
# Run every nbgrader command from this folder (course/).
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "{course_id}"
# every assignment (one per chapter) re-runs its chapter: allow slow cells (a busy machine
# made one cell of phase_diagrams take over ten minutes)
c.Execute.timeout = 1800
# The term seed: every student's parameters are drawn from it, the student id and the
# exercise label. Change it (then run `bash tools/assignments.sh` again) to give a whole
# class new numbers. It travels with the assignments in kobold_course.py.
c.KoboldCourse.term_seed = "{term_seed}"
# `nbgrader autograde` runs each submission with no browser: it leaves the chapters' widget
# cells (`kl.live_figure` or `interact`, tagged nbval-ignore-output as in the book) out of
# the copy it runs.
# They define nothing the exercises use, and the notebook runner was seen to hang on them
# on a busy machine, waiting for a widget message that never came.
from nbconvert.preprocessors import Preprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec)


class DropWidgetCells(Preprocessor):
    """Leave the interactive widget cells out of the copy that nbgrader autograde runs."""

    def __call__(self, nb, resources):  # always on (nbconvert's preprocessors start disabled)
        return self.preprocess(nb, resources)

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not (
            cell.cell_type == "code" and "nbval-ignore-output" in cell.metadata.get("tags", [])
            and ("live_figure" in cell.source or "interact" in cell.source)
            and "nbgrader" not in cell.metadata)]
        return nb, resources


c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, DropWidgetCells, CheckCellMetadata]
# `nbgrader zip_collect <chapter>`: how to read the student id and the notebook from the
# names of files downloaded from a learning platform, e.g. "ada_1234_bellman.ipynb" or
# "ada_bellman.ipynb" (the id is what comes before the first underscore; adapt to yours)
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>(?:{chapters})[.]ipynb)$"
)
'''

_LABEL = re.compile(r"^:label:\s*(\S+)", re.M)
_SOLUTION_MARKER = re.compile(r"^\s*```\{solution-(start|end)\}")


class SpecError(ValueError):
    """A chapter and its grading specification do not match."""


# ------------------------------------------------------------------ reading the chapters


def chapter_exercises(notebook: nbformat.NotebookNode) -> list[dict]:
    """Every exercise of a chapter notebook, in order.

    Returns a list of dicts with ``label``, ``level``, ``kind``, ``cell`` (index of the
    exercise cell), ``code`` (the solution code cells' sources) and ``text`` (the written
    solution: the solution Markdown cells and any prose in the solution-start marker).
    """
    found: list[dict] = []
    current = None
    for index, cell in enumerate(notebook.cells):
        source = cell.source
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "markdown" and "```{exercise}" in source:
            match = _LABEL.search(source)
            if not match:
                raise SpecError(f"an exercise of cell {index} has no :label:")
            body = _LABEL.sub("", source.split("```{exercise}", 1)[1], count=1)
            level, kind = exercise_table.classify(body)
            current = {"label": match.group(1), "level": level, "kind": kind, "cell": index,
                       "code": [], "text": []}
            found.append(current)
            continue
        if current is None:
            continue
        marker = _SOLUTION_MARKER.match(source) if cell.cell_type == "markdown" else None
        if marker and marker.group(1) == "start":
            prose = _after_directive(source)
            if prose:
                current["text"].append(prose)
        elif "solution" in tags:
            (current["code"] if cell.cell_type == "code" else current["text"]).append(source.strip())
    return found


def _after_directive(source: str) -> str:
    """The prose that follows a ```{solution-start} directive in the same cell."""
    lines = source.splitlines()
    for i, line in enumerate(lines[1:], start=1):
        if line.strip().startswith("```"):
            return "\n".join(lines[i + 1:]).strip()
    return ""


def chapter_title(notebook: nbformat.NotebookNode) -> str:
    return exercise_table.chapter_title([{"source": notebook.cells[0].source}])[1]


def chapters_with_exercises(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """The chapter notebooks in the order of the table of contents."""
    return exercise_table.chapters_in_toc(root)


# ------------------------------------------------------------------ checking specifications


def check_specs(chapter: str, exercises: list[dict], specs: dict) -> None:
    """Raise SpecError (naming the label) wherever chapter and specification disagree."""
    labels = [e["label"] for e in exercises]
    missing = [label for label in labels if label not in specs]
    if missing:
        raise SpecError(f"{chapter}: no grading specification for exercise(s) {', '.join(missing)} "
                        f"(add them to tools/course_spec/{chapter}.py)")
    stale = [label for label in specs if label not in labels]
    if stale:
        raise SpecError(f"{chapter}: tools/course_spec/{chapter}.py specifies exercise(s) "
                        f"{', '.join(stale)} that the chapter no longer has")
    for exercise in exercises:
        label, spec = exercise["label"], specs[exercise["label"]]
        points = course_spec.LEVEL_POINTS[exercise["level"]]
        if abs(spec.auto + spec.manual - points) > 1e-9:
            raise SpecError(f"{label}: {spec.auto} autograded + {spec.manual} manual points, but a "
                            f"{exercise['level']} exercise is worth {points}")
        if spec.auto and not spec.hidden.strip():
            raise SpecError(f"{label}: autograded points without hidden tests")
        if spec.auto and not (spec.result.strip() or spec.code):
            raise SpecError(f"{label}: autograded points but no named result")
        if spec.manual and not spec.rubric.strip():
            raise SpecError(f"{label}: manual points without a rubric")
        if spec.manual and not exercise["text"]:
            raise SpecError(f"{label}: manual points but the chapter has no written solution")
        if spec.code is None and spec.auto and not exercise["code"]:
            raise SpecError(f"{label}: autograded from the chapter's solution code, but the chapter "
                            "has no solution code cell for it")
        code = "\n\n".join(exercise["code"])
        for old, _ in spec.edits:
            if old not in code:
                raise SpecError(f"{label}: the edit of {old!r} no longer finds that text in the "
                                f"chapter's solution code")
        for name, choices in spec.params.items():
            if not isinstance(choices, (list, tuple)) or len(choices) < 2:
                raise SpecError(f"{label}: parameter {name!r} needs a list of at least two values")


# ------------------------------------------------------------------ building notebooks


def _nbgrader(cell, grade_id: str, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = float(points)
    cell.metadata["nbgrader"] = meta
    return cell


def _points(x: float) -> str:
    text = f"{x:g}"
    return f"{text} point" + ("" if x == 1 else "s")


def _prose(text: str) -> str:
    """Markdown written as an indented triple-quoted string, as one paragraph per blank line."""
    paragraphs = textwrap.dedent(text).strip().split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _code(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def answer_code(exercise: dict, spec: course_spec.Exercise) -> str:
    """The solution code of the answer cell (without nbgrader's markers)."""
    if spec.code is not None:
        body = _code(spec.code)
    else:
        body = "\n\n".join(exercise["code"])
        for old, new in spec.edits:
            body = body.replace(old, new)
    if spec.result.strip():
        body = body.rstrip() + "\n\n# the names the tests read\n" + _code(spec.result)
    return body


def exercise_cells(exercise: dict, spec: course_spec.Exercise) -> list:
    """The grading cells that follow one exercise in the source notebook."""
    label = exercise["label"]
    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = []
    if spec.params:
        names = ", ".join(f"`{name}`" for name in spec.params)
        cells.append(new_md(
            "**Your own numbers.** In this assignment, solve the exercise with the parameters "
            f"printed by the next cell ({names}, in the dict `P`) instead of the book's values. "
            "They are drawn from your student id, so they are yours alone; check that the id "
            "it prints is yours."))
        cells.append(_nbgrader(new_code(f'import kobold_course\n\nP = kobold_course.parameters("{label}")'),
                               f"{label}-params", locked=True))
    if spec.manual:
        cells.append(new_md(
            f"**Written answer** ({_points(spec.manual)}, graded by hand). Write your answer in "
            f"the next cell (Markdown, with $\\LaTeX$ math).\n\n*What the grader looks for:* "
            + _prose(spec.rubric)))
        text = "\n\n".join(exercise["text"])
        cells.append(_nbgrader(new_md(text), f"{label}-written", solution=True, grade=True, points=spec.manual))
    if spec.auto:
        cells.append(new_md(
            f"**Answer cell** ({_points(spec.auto)}, autograded). " + _prose(spec.task)
            + "\n\nThe test cell after it checks the form of your answer; the grader's copy "
            "also checks the values (hidden tests)."))
        cells.append(_nbgrader(new_code(
            f"import kobold_lib as kl\n\n### BEGIN SOLUTION\n{answer_code(exercise, spec)}\n### END SOLUTION"),
            f"{label}-answer", solution=True))
        tests = [f"# tests of {label}"]
        if spec.visible.strip():
            tests.append(_code(spec.visible))
        hidden = ["### BEGIN HIDDEN TESTS", "import numpy as _np", "import kobold_lib as _kl"]
        if spec.params:
            hidden += ["import kobold_course as _kc", f'_P = _kc.parameters("{label}", quiet=True)']
        hidden += [_code(spec.hidden), "### END HIDDEN TESTS"]
        tests.append("\n".join(hidden))
        cells.append(_nbgrader(new_code("\n".join(tests)), f"{label}-tests", grade=True, locked=True,
                               points=spec.auto))
    return cells


def source_notebook(chapter_path: pathlib.Path, specs: dict) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one chapter."""
    book = nbformat.read(chapter_path, as_version=4)
    chapter = chapter_path.stem
    exercises = chapter_exercises(book)
    if not exercises:
        raise SpecError(f"{chapter}: the chapter has no exercises")
    check_specs(chapter, exercises, specs)
    by_cell = {e["cell"]: e for e in exercises}
    auto = sum(specs[e["label"]].auto for e in exercises)
    manual = sum(specs[e["label"]].manual for e in exercises)
    # the saved widget state is left out: the student's outputs are cleared, so nothing shows it
    metadata = {k: v for k, v in book.metadata.items() if k != "widgets"}
    nb = nbformat.v4.new_notebook(metadata=metadata)
    for index, cell in enumerate(book.cells):
        tags = cell.metadata.get("tags", [])
        if "solution" in tags or (cell.cell_type == "markdown" and _SOLUTION_MARKER.match(cell.source)):
            continue
        copy = nbformat.from_dict(json.loads(json.dumps(cell)))
        copy.pop("id", None)
        if copy.cell_type == "code":
            copy.outputs, copy.execution_count = [], None
            copy.metadata.pop("execution", None)
        nb.cells.append(copy)
        if index == 0:
            nb.cells.append(nbformat.v4.new_markdown_cell(intro(exercises, specs, auto, manual)))
        if index in by_cell:
            nb.cells.extend(exercise_cells(by_cell[index], specs[by_cell[index]["label"]]))
    for number, cell in enumerate(nb.cells):  # ids unique within the notebook, the same on every run
        cell["id"] = f"cell-{number:03d}"
    nbformat.validate(nb)
    return nb


def intro(exercises: list[dict], specs: dict, auto: float, manual: float) -> str:
    labels = ", ".join(e["label"].rsplit("_", 1)[1].replace("ex", "") for e in exercises)
    mine = any(specs[e["label"]].params for e in exercises)
    text = (
        f"**This chapter as a graded assignment.** Run the chapter from the top (its code "
        f"cells define what the exercises use), then answer exercises {labels} in the cells "
        f"that follow each of them: {_points(auto + manual)} in all, {_points(auto)} checked "
        f"automatically and {_points(manual)} graded by hand. Answer cells say `YOUR CODE "
        f"HERE` or `YOUR ANSWER HERE`; each autograded answer is followed by a test cell that "
        f"checks its form (run it), and the grader's copy checks the values too. Do not "
        f"change the other cells: the grader runs its own copy of them.")
    if mine:
        text += (
            "\n\nSome exercises give you **your own numbers**, drawn from your student id. "
            "When working on your own machine, write your id (as your instructor gave it) "
            "into a file `student_id.txt` beside this notebook, or set the environment "
            "variable `KOBOLD_STUDENT_ID`; on the course's JupyterHub your user name is used.")
    return text


# ------------------------------------------------------------------ the course folder


def config_text(seed: str = DEFAULT_TERM_SEED, root: pathlib.Path = ROOT) -> str:
    """The text of a new ``nbgrader_config.py``."""
    names = "|".join(p.stem for p in chapters_with_exercises(root))
    return CONFIG_TEMPLATE.format(course_id=COURSE_ID, term_seed=seed, chapters=names)


def term_seed(course: pathlib.Path) -> str:
    """The term seed set in ``course/nbgrader_config.py``."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    seed = config.KoboldCourse.get("term_seed", DEFAULT_TERM_SEED)
    if not isinstance(seed, str) or not seed:
        raise ValueError(f"{course / 'nbgrader_config.py'}: c.KoboldCourse.term_seed must be a non-empty string")
    return seed


def write_helper(target: pathlib.Path, seed: str, choices: dict) -> None:
    text = HELPER.read_text()
    text = text.replace('"__TERM_SEED__"', repr(seed))
    text = text.replace("__CHOICES__", json.dumps(choices, indent=4, sort_keys=True))
    target.write_text(text)


def write_sources(course: pathlib.Path, chapters: list[str] | None = None,
                  root: pathlib.Path = ROOT) -> list[str]:
    """Write ``course/nbgrader_config.py`` (if missing) and ``course/source/<chapter>/``.

    Returns the assignment names written, in the order of the table of contents.
    """
    course = pathlib.Path(course)
    course.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(config_text(DEFAULT_TERM_SEED, root))
    seed = term_seed(course)
    paths = every = chapters_with_exercises(root)
    known = [p.stem for p in paths]
    if chapters is not None:
        unknown = sorted(set(chapters) - set(known))
        if unknown:
            raise ValueError(f"chapters {unknown} are not chapters of the book; known: {known}")
        paths = [p for p in paths if p.stem in chapters]
    uncovered = sorted(set(known) - set(course_spec.CHAPTERS))
    if uncovered:
        raise SpecError(f"chapters {uncovered} have no grading specification module in tools/course_spec/")
    choices = {}  # the helper carries every chapter's parameters: the same file in every assignment
    for path in every:
        for label, spec in course_spec.load(path.stem).items():
            if spec.params:
                choices[label] = {k: list(v) for k, v in spec.params.items()}
    written = []
    for path in paths:
        nb = source_notebook(path, course_spec.load(path.stem))
        folder = course / "source" / path.stem
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / path.name)
        write_helper(folder / "kobold_course.py", seed, choices)
        data = path.parent / "data"
        if data.is_dir():
            shutil.copytree(data, folder / "data",
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        written.append(path.stem)
    return written


def nbgrader_command() -> list[str]:
    return [sys.executable, "-m", "nbgrader"]


def nbgrader_env() -> dict:
    """The environment for nbgrader: its own helpers (alembic) come from this Python's bin/."""
    import os

    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(pathlib.Path(sys.executable).parent), env.get("PATH", "")])
    return env


def release(course: pathlib.Path, assignments: list[str]) -> None:
    """Run ``nbgrader generate_assignment`` for every assignment (into course/release/)."""
    every = sorted(p.name for p in (pathlib.Path(course) / "source").iterdir() if p.is_dir())
    # one nbgrader run for the whole course (its start-up costs seconds), else one per assignment
    for name in ["*"] if sorted(assignments) == every else assignments:
        result = subprocess.run(
            [*nbgrader_command(), "generate_assignment", name, "--force", "--log-level=WARN"],
            cwd=course, capture_output=True, text=True, env=nbgrader_env())
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result.stdout}\n{result.stderr}")


def generate(course: pathlib.Path = COURSE_DIR, chapters: list[str] | None = None,
             release_too: bool = True, root: pathlib.Path = ROOT) -> list[str]:
    """Write the course's sources and (by default) release every assignment."""
    assignments = write_sources(course, chapters, root)
    if release_too:
        release(pathlib.Path(course), assignments)
    return assignments


def points_table(root: pathlib.Path = ROOT) -> list[tuple[str, str, float, float]]:
    """(chapter, label, autograded points, manual points) of every exercise."""
    rows = []
    for path in chapters_with_exercises(root):
        specs = course_spec.load(path.stem)
        exercises = chapter_exercises(nbformat.read(path, as_version=4))
        check_specs(path.stem, exercises, specs)
        rows += [(path.stem, e["label"], specs[e["label"]].auto, specs[e["label"]].manual) for e in exercises]
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", default=str(COURSE_DIR), help="the course folder (default: course/)")
    parser.add_argument("--chapters", help="comma-separated chapter names (default: all)")
    parser.add_argument("--no-release", action="store_true", help="write the sources only")
    parser.add_argument("--check", action="store_true", help="only check the specifications")
    args = parser.parse_args(argv)
    try:
        if args.check:
            rows = points_table()
            auto = sum(r[2] for r in rows)
            total = auto + sum(r[3] for r in rows)
            print(f"{len(rows)} exercises specified: {total:g} points, {auto:g} autograded "
                  f"({auto / total:.0%})")
            return 0
        chapters = args.chapters.split(",") if args.chapters else None
        start = time.perf_counter()
        names = generate(pathlib.Path(args.course), chapters, not args.no_release)
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    where = "source/ and release/" if not args.no_release else "source/"
    print(f"wrote {len(names)} assignments to {args.course}/{where} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
