"""The nbgrader course made from the book's exercises (``tools/course.py``).

Fast checks (no nbgrader run): every exercise of every chapter has a grading
specification and the generator refuses, naming the label, any exercise without one, any
specification of an exercise that no longer exists and any edit whose code has changed;
points follow the levels and at least 60 % of them are autograded; per-student
parameters are deterministic, found from the nbgrader folder, and differ between ids.

With nbgrader itself (its own SQLite gradebook, in a temporary course folder): every
assignment is generated and released; the released notebooks hold no solution code, no
hidden test and no written solution, and every autograded cell has points; then
``nbgrader autograde`` grades

* the instructor's solutions of every assignment (student ``ada``): every autograded
  point;
* the released blank notebooks of every assignment (student ``blank``): no autograded
  point, and nothing raises except the answer cells and their tests;
* on three assignments (one per part and the Q-learning chapter): a submission with one
  wrong answer (student ``eve``) loses exactly that exercise's points; a second student
  (``cyd``) has different parameters for every exercise that has them, passes with their own
  correct answers and fails exactly the exercises with parameters when handing in ada's
  answers; and grading ada's submission again gives the same scores.

These tests skip with the reason when nbgrader is missing; under ``CI=true`` they fail
instead. The time each autograde run took is printed (``-s`` shows it). While editing
specifications, ``KOBOLD_COURSE_CHAPTERS=bellman,phase_diagrams`` (comma-separated) limits
the nbgrader runs to those chapters (ignored under ``CI=true``).
"""

from __future__ import annotations

import copy
import importlib.util
import os
import pathlib
import subprocess
import sys
import time

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import course  # noqa: E402
import course_spec  # noqa: E402

#: the three assignments of the expensive cases: one per part, and the Q-learning chapter
THREE = {"arbitrage_and_carnot": "arbitrage_and_carnot_ex1",
         "glauber_dynamics": "glauber_dynamics_ex2",
         "learning_kobold": "learning_kobold_ex1"}
TERM_SEED = "test-term"
#: two ids whose parameters differ in every exercise with parameters of the three assignments
#: (under TERM_SEED; with few choices per parameter, some pairs of ids share a value)
STUDENTS = ("ada", "cyd")


def _unavailable(reason: str):
    """Skip, or fail under CI=true (where the course tests must run)."""
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"{reason} (CI=true: the nbgrader tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def _require_nbgrader():
    if importlib.util.find_spec("nbgrader") is None:
        _unavailable("nbgrader is not installed (pip install -r requirements.txt)")


def _only() -> list[str]:
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        return []
    return [name for name in os.environ.get("KOBOLD_COURSE_CHAPTERS", "").split(",") if name]


def chapters() -> list[pathlib.Path]:
    return course.chapters_with_exercises(ROOT)


#: The nbgrader runs are split in two halves, one per test file, so that pytest-xdist's
#: ``--dist loadfile`` can give them to its two workers (one file of all autogrades took
#: about 10 minutes in one worker while the other sat idle). This file grades half 0;
#: ``test_assignments_second_half.py`` loads a second copy of this module with
#: ``HALF = 1``. Each half holds one or two of the three expensive assignments.
HALVES = (
    {"coins_and_entropy", "arbitrage_and_carnot", "glauber_dynamics", "bellman",
     "value_landscape", "kobolds_at_scale"},
    {"temperature_as_price", "exact_engine", "ising_models", "policy_matrix",
     "phase_diagrams", "learning_kobold", "what_the_kobold_knows"},
)
HALF = 0


def _in_half(name: str) -> bool:
    """Whether ``name`` is graded by this half (a chapter in neither half goes to half 0)."""
    return name in HALVES[HALF] or (HALF == 0 and not any(name in h for h in HALVES))


def graded_chapters() -> list[pathlib.Path]:
    """The chapters this file's nbgrader tests run (its half; KOBOLD_COURSE_CHAPTERS limits them)."""
    only = _only()
    return [p for p in chapters() if _in_half(p.stem) and (not only or p.stem in only)]


def three() -> dict[str, str]:
    only = _only()
    return {name: label for name, label in THREE.items() if _in_half(name) and (not only or name in only)}


# ------------------------------------------------------------------ specifications


def test_every_exercise_is_specified_and_points_follow_the_levels():
    rows = course.points_table(ROOT)
    labels = [row[1] for row in rows]
    assert len(labels) == len(set(labels))
    for path in chapters():
        nb = nbformat.read(path, as_version=4)
        for exercise in course.chapter_exercises(nb):
            spec = course_spec.load(path.stem)[exercise["label"]]
            assert spec.auto + spec.manual == course_spec.LEVEL_POINTS[exercise["level"]], exercise["label"]
            if "comput" not in exercise["kind"] and "check" not in exercise["kind"]:
                assert spec.manual > 0, f"{exercise['label']} is pen-and-paper: it needs a written answer"
    auto = sum(row[2] for row in rows)
    total = auto + sum(row[3] for row in rows)
    assert auto >= 0.6 * total, f"only {auto} of {total} points are autograded"


def test_a_missing_or_stale_specification_is_refused_by_name():
    path = ROOT / "chapters" / "arbitrage_and_carnot.ipynb"
    specs = dict(course_spec.load("arbitrage_and_carnot"))
    missing = dict(specs)
    del missing["arbitrage_and_carnot_ex2"]
    with pytest.raises(course.SpecError, match="arbitrage_and_carnot_ex2"):
        course.source_notebook(path, missing)
    stale = dict(specs, arbitrage_and_carnot_ex9=specs["arbitrage_and_carnot_ex1"])
    with pytest.raises(course.SpecError, match="arbitrage_and_carnot_ex9"):
        course.source_notebook(path, stale)
    broken = dict(specs)
    broken["arbitrage_and_carnot_ex1"] = course_spec.Exercise(
        **{**specs["arbitrage_and_carnot_ex1"].__dict__, "edits": (("p_h1 = 0.31", "p_h1 = 0"),)})
    with pytest.raises(course.SpecError, match="arbitrage_and_carnot_ex1.*no longer finds"):
        course.source_notebook(path, broken)
    wrong_points = dict(specs)
    wrong_points["arbitrage_and_carnot_ex4"] = course_spec.Exercise(
        **{**specs["arbitrage_and_carnot_ex4"].__dict__, "auto": 1.0})
    with pytest.raises(course.SpecError, match="arbitrage_and_carnot_ex4"):
        course.source_notebook(path, wrong_points)


def test_the_committed_config_collects_every_chapter():
    """course/nbgrader_config.py is committed: its zip_collect pattern names every assignment."""
    import re

    text = (ROOT / "course" / "nbgrader_config.py").read_text()
    names = re.search(r"\(\?P<file_id>\(\?:([\w|]+)\)", text)
    assert names, "course/nbgrader_config.py sets no FileNameCollectorPlugin.named_regexp"
    assert names.group(1).split("|") == [p.stem for p in chapters()], \
        "update the chapter list of course/nbgrader_config.py (tools/course.py config_text writes it)"


def _helper(tmp_path, seed="term-1"):
    target = tmp_path / f"kobold_course_{abs(hash(seed))}.py"
    course.write_helper(target, seed, {"x_ex1": {"a": list(range(50)), "b": [0.1, 0.2, 0.3]}})
    spec = importlib.util.spec_from_file_location(target.stem, target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_parameters_are_deterministic_and_found_from_the_nbgrader_folder(tmp_path, monkeypatch):
    helper = _helper(tmp_path)
    draws = {s: helper.parameters("x_ex1", student=s, quiet=True) for s in ("ada", "bob", "cyd", "dan")}
    assert draws["ada"] == helper.parameters("x_ex1", student="ada", quiet=True)
    assert len({d["a"] for d in draws.values()}) > 1, "different ids get different parameters"
    other_term = _helper(tmp_path, seed="term-2")
    assert any(other_term.parameters("x_ex1", student=s, quiet=True) != draws[s] for s in draws), \
        "a new term seed gives the class new parameters"
    for folder in ("submitted", "autograded", "feedback"):
        where = tmp_path / folder / "zoe" / "bellman"
        where.mkdir(parents=True)
        monkeypatch.chdir(where)
        monkeypatch.setenv("KOBOLD_STUDENT_ID", "someone-else")
        assert helper.student_id() == "zoe", "the grader's folder decides whose notebook it is"
    monkeypatch.chdir(tmp_path)
    assert helper.student_id() == "someone-else"
    monkeypatch.delenv("KOBOLD_STUDENT_ID")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    with pytest.raises(RuntimeError, match="student_id.txt"):
        helper.student_id()
    (tmp_path / "student_id.txt").write_text("\n  kim \n")
    assert helper.student_id() == "kim"
    with pytest.raises(ValueError, match="no per-student parameters"):
        helper.parameters("y_ex2", student="kim")


def test_per_student_parameters_never_repeat_the_books_own_values():
    """Each parameter's choices leave out the number the book's solution uses."""
    for path in chapters():
        nb = nbformat.read(path, as_version=4)
        for exercise in course.chapter_exercises(nb):
            spec = course_spec.load(path.stem)[exercise["label"]]
            for old, new in spec.edits:
                for name, choices in spec.params.items():
                    if f"P['{name}']" in new and old.count("=") == 1 and "(" not in old:
                        book_value = old.split("=")[1].strip()
                        assert book_value not in {repr(c) for c in choices}, (exercise["label"], name)


# ------------------------------------------------------------------ nbgrader: generate and release


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    _require_nbgrader()
    where = tmp_path_factory.mktemp("course")
    (where / "nbgrader_config.py").write_text(course.config_text(TERM_SEED, ROOT))
    start = time.perf_counter()
    names = course.generate(where, chapters=[p.stem for p in graded_chapters()], root=ROOT)
    print(f"\ngenerated and released {len(names)} assignments in {time.perf_counter() - start:.0f} s")
    assert names == [p.stem for p in graded_chapters()]
    return where


def _cells(nb, kind):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


def test_release_has_no_solution_and_no_hidden_test_and_every_graded_cell_has_points(generated):
    for path in graded_chapters():
        name = path.stem
        source = nbformat.read(generated / "source" / name / f"{name}.ipynb", as_version=4)
        release = nbformat.read(generated / "release" / name / f"{name}.ipynb", as_version=4)
        text = "\n".join(c.source for c in release.cells)
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "_kc.parameters",
                       "the names the tests read", "{solution-start}"):
            assert marker not in text, f"{name}: release holds {marker!r}"
        assert not any("solution" in c.metadata.get("tags", []) for c in release.cells)
        assert not any(c.get("outputs") for c in release.cells if c.cell_type == "code")
        book = nbformat.read(path, as_version=4)
        for exercise in course.chapter_exercises(book):
            for written in exercise["text"]:
                assert written not in text, f"{exercise['label']}: the written solution is in the release"
            for code in exercise["code"]:
                assert code not in text, f"{exercise['label']}: the solution code is in the release"
        graded = _cells(source, "grade")
        assert graded and all(c.metadata.nbgrader["points"] > 0 for c in graded), name
        released_graded = {c.metadata.nbgrader["grade_id"]: c for c in _cells(release, "grade")}
        assert set(released_graded) == {c.metadata.nbgrader["grade_id"] for c in graded}
        for cell in released_graded.values():
            assert cell.metadata.nbgrader["points"] > 0
        specs = course_spec.load(name)
        auto = sum(s.auto for s in specs.values())
        assert sum(c.metadata.nbgrader["points"] for c in graded if c.cell_type == "code") == auto
        answers = _cells(release, "solution")
        assert all("YOUR CODE HERE" in c.source or "YOUR ANSWER HERE" in c.source for c in answers)
        assert (generated / "release" / name / "kobold_course.py").is_file()
        assert (generated / "release" / name / "data").is_dir()


# ------------------------------------------------------------------ nbgrader: autograde


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def submission(where, name, *, answers=True, wrong=None, params_of=None):
    """A student's notebook: the release with the answer cells filled in from the source.

    ``wrong``: a label whose answer is spoilt by its specification's ``wrong`` statement;
    ``params_of``: a student id whose parameters the answers use (a copied answer).
    """
    release = nbformat.read(where / "release" / name / f"{name}.ipynb", as_version=4)
    if not answers:
        return release
    source = nbformat.read(where / "source" / name / f"{name}.ipynb", as_version=4)
    solutions = {c.metadata.nbgrader["grade_id"]: c.source for c in _cells(source, "solution")}
    specs = course_spec.load(name)
    nb = copy.deepcopy(release)
    for cell in _cells(nb, "solution"):
        grade_id = cell.metadata.nbgrader["grade_id"]
        label = grade_id.rsplit("-", 1)[0]
        text = _strip_markers(solutions[grade_id])
        if cell.cell_type == "code":
            if params_of is not None and specs[label].params:
                text = f'P = kobold_course.parameters("{label}", student="{params_of}")\n{text}'
            if label == wrong:
                text = f"{text}\n{specs[label].wrong}"
        cell.source = text
    return nb


def hand_in(where, student, name, nb):
    folder = where / "submitted" / student / name
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


def autograde(where, assignment="*", student="*", force=False):
    command = [*course.nbgrader_command(), "autograde", assignment, "--student", student, "--log-level=WARN"]
    if force:
        command.append("--force")
    start = time.perf_counter()
    result = subprocess.run(command, cwd=where, capture_output=True, text=True, env=course.nbgrader_env())
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return elapsed


def grades(where, student, name) -> dict[str, tuple[float, float, bool]]:
    """grade id -> (score, max score, needs manual grading), read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{where / 'gradebook.db'}", course.COURSE_ID) as gb:
        nb = gb.find_submission_notebook(name, name, student)
        return {g.name: (g.score, g.max_score, g.needs_manual_grade) for g in nb.grades}


def auto_lost(table) -> set[str]:
    """Labels whose autograded test cell did not get full points."""
    return {gid.rsplit("-", 1)[0] for gid, (score, top, _) in table.items()
            if gid.endswith("-tests") and score < top}


@pytest.fixture(scope="module")
def graded(generated):
    where = generated
    names = [p.stem for p in graded_chapters()]
    ada, second = STUDENTS
    for name in names:
        hand_in(where, ada, name, submission(where, name))
        hand_in(where, "blank", name, submission(where, name, answers=False))
    for name, label in three().items():
        hand_in(where, "eve", name, submission(where, name, wrong=label))
        hand_in(where, second, name, submission(where, name))
    timings = {"everything, first round": autograde(where)}
    result = {(s, n): grades(where, s, n) for s in (ada, "blank") for n in names}
    result.update({(s, n): grades(where, s, n) for s in ("eve", second) for n in three()})
    # the second student hands in ada's answers (computed with ada's parameters); ada is graded again
    for name in three():
        hand_in(where, second, name, submission(where, name, params_of=ada))
        timings[f"{second} copies {ada}, {name}"] = autograde(where, name, second, force=True)
        result[("second copies first", name)] = grades(where, second, name)
    again = names[0]
    timings[f"ada again, {again}"] = autograde(where, again, ada, force=True)
    result[("ada again", again)] = grades(where, ada, again)
    print("\nautograde times (s):", {k: round(v) for k, v in timings.items()})
    return where, result


def test_instructor_solutions_get_every_autograded_point(graded):
    _, result = graded
    for path in graded_chapters():
        table = result[("ada", path.stem)]
        assert not auto_lost(table), f"{path.stem}: the solutions lose points in {sorted(auto_lost(table))}"
        specs = course_spec.load(path.stem)
        for label, spec in specs.items():
            if spec.manual:
                assert table[f"{label}-written"][2], f"{label}: a written answer waits for the grader"


def test_blank_notebooks_get_nothing_and_raise_only_in_answers_and_tests(graded):
    where, result = graded
    for path in graded_chapters():
        name = path.stem
        table = result[("blank", name)]
        assert all(score == 0 for gid, (score, _, _) in table.items() if gid.endswith("-tests")), name
        nb = nbformat.read(where / "autograded" / "blank" / name / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            errors = [o for o in cell.outputs if o.output_type == "error"]
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                assert all(e.ename == "NotImplementedError" for e in errors), (name, meta["grade_id"])
            elif not meta.get("grade"):
                assert not errors, f"{name}: a chapter or parameter cell raised {[e.ename for e in errors]}"


def test_one_wrong_answer_loses_exactly_that_exercises_points(graded):
    _, result = graded
    for name, label in three().items():
        table = result[("eve", name)]
        assert auto_lost(table) == {label}, f"{name}: lost {sorted(auto_lost(table))}, expected {label}"
        assert table[f"{label}-tests"][0] == 0


def test_two_students_get_their_own_parameters(graded):
    where, result = graded
    ada, second = STUDENTS
    helper_path = where / "source" / graded_chapters()[0].stem / "kobold_course.py"
    spec = importlib.util.spec_from_file_location("kobold_course_test", helper_path)
    helper = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helper)
    for name in three():
        with_params = {label for label, s in course_spec.load(name).items() if s.params and s.auto}
        assert with_params, f"{name} has no exercise with per-student parameters"
        for label in with_params:
            assert helper.parameters(label, ada, quiet=True) != helper.parameters(label, second, quiet=True), label
        assert not auto_lost(result[(second, name)]), f"{name}: {second}'s own answers lose points"
        assert auto_lost(result[("second copies first", name)]) == with_params, name


def test_grading_is_deterministic(graded):
    _, result = graded
    again = graded_chapters()[0].stem
    assert result[("ada again", again)] == result[("ada", again)]


def test_every_generated_code_cell_compiles():
    for path in chapters():
        nb = course.source_notebook(path, course_spec.load(path.stem))
        for cell in nb.cells:
            if cell.cell_type == "code" and "nbgrader" in cell.metadata:
                compile(cell.source, cell.metadata.nbgrader["grade_id"], "exec")


def test_no_widget_state_in_the_sources_and_autograde_leaves_widget_cells_out():
    """The release carries no saved widget state, and the grader's copy no widget cell."""
    for path in chapters():
        nb = course.source_notebook(path, course_spec.load(path.stem))
        assert "widgets" not in nb.metadata, f"{path.stem}: saved widget state in the release"
    _require_nbgrader()
    from traitlets.config import Config

    namespace = {"get_config": Config}
    exec((ROOT / "course" / "nbgrader_config.py").read_text(), namespace)  # noqa: S102
    drop = namespace["DropWidgetCells"]()
    tag = {"tags": ["nbval-ignore-output"]}
    cells = [
        nbformat.v4.new_code_cell("kl.live_figure(draw, p=kl.slider(0, 1, 0.1))", metadata=tag),
        nbformat.v4.new_code_cell("interact(draw, p=(0, 1, 0.1));", metadata=tag),
        nbformat.v4.new_code_cell("kl.live_figure(draw, p=kl.slider(0, 1, 0.1))"),  # untagged
        nbformat.v4.new_code_cell("x = 1", metadata=tag),
        nbformat.v4.new_code_cell("kl.live_figure(f)", metadata={**tag, "nbgrader": {"grade": False}}),
    ]
    nb, _ = drop(nbformat.v4.new_notebook(cells=cells), {})
    assert [c.source for c in nb.cells] == [cells[2].source, "x = 1", "kl.live_figure(f)"]


def test_zip_collect_files_from_a_learning_platform(tmp_path):
    """`nbgrader zip_collect` files downloaded under the platform's names into submitted/."""
    _require_nbgrader()
    import zipfile

    (tmp_path / "nbgrader_config.py").write_text(course.config_text(TERM_SEED, ROOT))
    archive = tmp_path / "downloaded" / "bellman" / "archive"
    archive.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("my answers")])
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        zf.writestr("ada_1234_bellman.ipynb", nbformat.writes(nb))
        zf.writestr("bob-7_5678_assignsubmission_file_bellman.ipynb", nbformat.writes(nb))
    result = subprocess.run([*course.nbgrader_command(), "zip_collect", "bellman"], cwd=tmp_path,
                            capture_output=True, text=True, env=course.nbgrader_env())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for student in ("ada", "bob-7"):
        collected = tmp_path / "submitted" / student / "bellman" / "bellman.ipynb"
        assert collected.is_file(), f"{student}: {sorted(map(str, tmp_path.rglob('*.ipynb')))}"
        assert nbformat.read(collected, as_version=4).cells[0].source == "my answers"
