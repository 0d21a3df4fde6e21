"""Grading specifications of the book's exercises, one module per chapter.

Each chapter module defines ``EXERCISES``, a dict from exercise label (the ``:label:`` of
its ``{exercise}`` directive, e.g. ``"coins_and_entropy_ex3"``) to an :class:`Exercise`.
The chapter notebook stays the one source of each exercise's text and of its solution
code; a specification only adds what grading needs: the points, the names the answer
must define, edits that give the chapter's solution code each student's own parameters,
visible and hidden tests, and a rubric for the part graded by hand.

``tools/course.py`` reads these files together with the chapters and refuses to build
the course (naming the label) when a chapter has an exercise without a specification,
a specification names an exercise that no longer exists, the points do not add up to
the exercise's level, or an edit no longer finds the code it edits.
"""

from __future__ import annotations

import dataclasses
import importlib

#: points by level, as instructors.md states them
LEVEL_POINTS = {"easy": 1, "medium": 2, "hard": 3}


@dataclasses.dataclass(frozen=True)
class Exercise:
    """How one exercise is graded.

    Attributes
    ----------
    auto, manual : float
        Autograded points (the test cell) and points graded by hand (the written answer);
        together they make the level's points (easy 1, medium 2, hard 3).
    task : str
        Markdown for the student: what the answer cell must define (names, types, units).
    rubric : str
        Markdown for the grader of the written part: what earns its points.
    params : dict
        Per-student parameters: name -> list of the values it may take (never the
        book's own value, so that no student's answer is printed in the book).
    edits : tuple of (old, new)
        Replacements in the chapter's solution code (every ``old`` must occur in it),
        typically putting ``P["name"]`` where the book has its own number.
    code : str or None
        Solution code of the answer cell when it does not come from the chapter
        (pen-and-paper exercises with a number to give); None: the chapter's solution
        code cells of this exercise, with ``edits`` applied.
    result : str
        Lines appended to the solution code that bind the names of ``task``.
    visible, hidden : str
        Visible tests (students see and run them) and hidden tests (only the grader's
        copy has them; ``_P`` holds this notebook's student's parameters, ``_kl`` and
        ``_np`` are kobold_lib and NumPy).
    wrong : str
        A statement that spoils the answer after the solution (used by the test suite
        to check that a wrong answer loses exactly this exercise's points).
    """

    auto: float = 0.0
    manual: float = 0.0
    task: str = ""
    rubric: str = ""
    params: dict = dataclasses.field(default_factory=dict)
    edits: tuple = ()
    code: str | None = None
    result: str = ""
    visible: str = ""
    hidden: str = ""
    wrong: str = ""


#: the chapters with exercises, each a module of this package named after the chapter
CHAPTERS = (
    "coins_and_entropy",
    "temperature_as_price",
    "arbitrage_and_carnot",
    "exact_engine",
    "ising_models",
    "glauber_dynamics",
    "bellman",
    "policy_matrix",
    "value_landscape",
    "phase_diagrams",
    "learning_kobold",
    "kobolds_at_scale",
    "what_the_kobold_knows",
)


def load(chapter: str) -> dict[str, Exercise]:
    """The specifications of one chapter's exercises, by label."""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter {chapter!r} has no grading specification; known: {', '.join(CHAPTERS)}")
    return importlib.import_module(f"{__name__}.{chapter}").EXERCISES
