"""Make the student edition of the book's notebooks: solutions removed, outputs cleared.

Uses nbconvert's standard preprocessors only:

- ``TagRemovePreprocessor`` drops every cell tagged ``solution``;
- ``RegexRemovePreprocessor`` drops the ``{solution-start}`` / ``{solution-end}`` marker
  cells that fold solutions in the HTML book;
- ``ClearOutputPreprocessor`` clears all outputs, so students run every cell themselves.

Folders beside the notebooks (such as ``data/``, the cached phase-diagram sweeps) are
copied along, so the student notebooks find what the book's notebooks find.

Run as ``python -m kobold_lib.student_edition SOURCE_DIR TARGET_DIR``.
"""

from __future__ import annotations

import pathlib
import shutil
import sys

__all__ = ["make_student_edition"]

SOLUTION_MARKERS = [r"^\s*```\{solution-start\}", r"^\s*```\{solution-end\}"]


def make_student_edition(source_dir, target_dir) -> list[pathlib.Path]:
    """Write a student copy of every ``*.ipynb`` in ``source_dir`` to ``target_dir``.

    Parameters
    ----------
    source_dir, target_dir : str or pathlib.Path
        Folder of the book's notebooks, and the folder to write (created if needed).

    Returns
    -------
    list of pathlib.Path
        The notebooks written, sorted.
    """
    import nbformat
    from nbconvert.preprocessors import ClearOutputPreprocessor, RegexRemovePreprocessor, TagRemovePreprocessor
    from traitlets.config import Config

    source_dir = pathlib.Path(source_dir)
    target_dir = pathlib.Path(target_dir)
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"source_dir {source_dir} holds no notebooks")
    target_dir.mkdir(parents=True, exist_ok=True)
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = ("solution",)
    config.TagRemovePreprocessor.enabled = True
    config.RegexRemovePreprocessor.patterns = SOLUTION_MARKERS
    config.RegexRemovePreprocessor.enabled = True
    preprocessors = [
        TagRemovePreprocessor(config=config),
        RegexRemovePreprocessor(config=config),
        ClearOutputPreprocessor(),
    ]
    written = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        resources: dict = {}
        for preprocessor in preprocessors:
            nb, resources = preprocessor.preprocess(nb, resources)
        out = target_dir / path.name
        nbformat.write(nb, out)
        written.append(out)
    for folder in sorted(p for p in source_dir.iterdir() if p.is_dir()):
        if folder.name.startswith(".") or folder.name in ("__pycache__", "_build"):
            continue
        shutil.copytree(folder, target_dir / folder.name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m kobold_lib.student_edition SOURCE_DIR TARGET_DIR", file=sys.stderr)
        return 2
    written = make_student_edition(argv[0], argv[1])
    print(f"wrote {len(written)} student notebooks to {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
