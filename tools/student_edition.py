"""Make the student edition of the book's notebooks: the course's released assignments.

The student edition is the release of the nbgrader course (``tools/course.py``), so
there is one student version of every chapter: the chapter with its solutions removed and
its outputs cleared, and after each exercise its answer cells (``YOUR CODE HERE`` /
``YOUR ANSWER HERE``), the visible tests of the autograded part and, where the exercise
gives each student their own numbers, the cell that draws them. The release is made by
``nbgrader generate_assignment`` in a temporary course folder that uses the term seed of
``course/nbgrader_config.py`` (so the edition matches what the course hands out).

Written to the target folder: one notebook per chapter (``<chapter>.ipynb``), the
helper ``kobold_course.py`` the parameter cells import, and every folder beside the
chapter notebooks (such as ``data/``, the cached phase-diagram sweeps), so the student
notebooks find what the book's notebooks find.

Run as ``python tools/student_edition.py SOURCE_DIR TARGET_DIR`` (``bash
tools/student-edition.sh`` installs what it needs and writes ``student_edition/``).
"""

from __future__ import annotations

import pathlib
import shutil
import sys
import tempfile

TOOLS = pathlib.Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import course  # noqa: E402


def make_student_edition(source_dir, target_dir, course_dir=course.COURSE_DIR) -> list[pathlib.Path]:
    """Write the student edition of the chapters in ``source_dir`` to ``target_dir``.

    Parameters
    ----------
    source_dir : str or pathlib.Path
        The book's chapters folder (``chapters/``); its parent is the book's root (the
        table of contents ``_toc.yml`` orders the chapters).
    target_dir : str or pathlib.Path
        The folder to write (created if needed).
    course_dir : str or pathlib.Path
        The course folder whose ``nbgrader_config.py`` (term seed) the edition uses; the
        generator's default configuration where it has none.

    Returns
    -------
    list of pathlib.Path
        The notebooks written, sorted.
    """
    source_dir = pathlib.Path(source_dir).resolve()
    target_dir = pathlib.Path(target_dir)
    if not sorted(source_dir.glob("*.ipynb")):
        raise ValueError(f"source_dir {source_dir} holds no notebooks")
    config = pathlib.Path(course_dir) / "nbgrader_config.py"
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kobold-course-") as tmp:
        tmp = pathlib.Path(tmp)
        if config.is_file():
            shutil.copy(config, tmp / "nbgrader_config.py")
        names = course.generate(tmp, root=source_dir.parent)
        written = []
        for name in names:
            release = tmp / "release" / name
            shutil.copy(release / f"{name}.ipynb", target_dir / f"{name}.ipynb")
            written.append(target_dir / f"{name}.ipynb")
        shutil.copy(tmp / "release" / names[0] / "kobold_course.py", target_dir / "kobold_course.py")
    for folder in sorted(p for p in source_dir.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or folder.name in ("__pycache__", "_build"):
            continue
        shutil.copytree(folder, target_dir / folder.name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return sorted(written)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tools/student_edition.py SOURCE_DIR TARGET_DIR", file=sys.stderr)
        return 2
    written = make_student_edition(argv[0], argv[1])
    print(f"wrote {len(written)} student notebooks to {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
