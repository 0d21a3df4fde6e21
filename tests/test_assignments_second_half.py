"""The second half of the nbgrader runs of ``test_assignments.py`` (see its ``HALVES``).

A second, independent copy of that module is loaded with ``HALF = 1``, and only its
tests that run nbgrader on the graded chapters (and their fixtures) are taken over, so
pytest-xdist can run the two halves in its two workers at once. The specification checks
and the other fast tests run once, in ``test_assignments.py``.
"""

from __future__ import annotations

import importlib.util
import pathlib

_spec = importlib.util.spec_from_file_location(
    "_assignments_second_half", pathlib.Path(__file__).with_name("test_assignments.py"))
_half = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_half)
_half.HALF = 1

generated = _half.generated
graded = _half.graded
test_release_has_no_solution_and_no_hidden_test_and_every_graded_cell_has_points = (
    _half.test_release_has_no_solution_and_no_hidden_test_and_every_graded_cell_has_points)
test_instructor_solutions_get_every_autograded_point = _half.test_instructor_solutions_get_every_autograded_point
test_blank_notebooks_get_nothing_and_raise_only_in_answers_and_tests = (
    _half.test_blank_notebooks_get_nothing_and_raise_only_in_answers_and_tests)
test_one_wrong_answer_loses_exactly_that_exercises_points = _half.test_one_wrong_answer_loses_exactly_that_exercises_points
test_two_students_get_their_own_parameters = _half.test_two_students_get_their_own_parameters
test_grading_is_deterministic = _half.test_grading_is_deterministic


def test_the_two_halves_grade_every_chapter_once():
    names = {p.stem for p in _half.chapters()}
    first, second = _half.HALVES
    assert not first & second
    assert names <= first | second, f"chapters in neither half: {sorted(names - first - second)}"
    assert all(name in first | second for name in _half.THREE)
