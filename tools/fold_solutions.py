"""Fold the solutions of the book's notebooks in JupyterLab (closed until clicked).

JupyterLab collapses a cell's input (and a code cell's output) when the cell's metadata
says so: ``"jupyter": {"source_hidden": true, "outputs_hidden": true}``. A folded cell
shows a thin bar with an ellipsis; a click opens it, as a solution's dropdown does in the
HTML book. This tool sets that metadata on every cell tagged ``solution`` (the cells
between the ``{solution-start}`` and ``{solution-end}`` markers) and clears it from every
other cell, so that only solutions start folded. The HTML book (myst-nb) and nbval
ignore this metadata; nbconvert's ``--execute --inplace`` keeps it.

Usage (from the repository root)::

    python tools/fold_solutions.py            # fold chapters/*.ipynb in place
    python tools/fold_solutions.py --check    # exit 1, naming the cells, if any is not folded
    python tools/fold_solutions.py NB.ipynb   # only these notebooks

A test (``tests/test_fold_solutions.py``) runs the check on every chapter, so a new
notebook or a new solution cannot land unfolded.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDED = {"source_hidden": True, "outputs_hidden": True}


def wanted_fold(cell) -> dict:
    """The ``jupyter`` metadata a cell should carry: folded for a solution, else none."""
    if "solution" not in cell.get("metadata", {}).get("tags", []):
        return {}
    if cell.get("cell_type") == "code":
        return dict(FOLDED)
    return {"source_hidden": True}


def problems(nb) -> list[str]:
    """Cells whose folding differs from :func:`wanted_fold`, as ``"cell N: ..."`` lines."""
    out = []
    for index, cell in enumerate(nb.cells):
        have = {k: v for k, v in cell.get("metadata", {}).get("jupyter", {}).items() if k in FOLDED and v}
        want = wanted_fold(cell)
        if have != want:
            what = "solution cell not folded" if want else "non-solution cell folded"
            out.append(f"cell {index} ({cell.cell_type}): {what} (jupyter metadata {have})")
    return out


def fold(nb) -> bool:
    """Fold every solution cell of ``nb`` and unfold every other cell; True if it changed."""
    changed = False
    for cell in nb.cells:
        meta = cell.setdefault("metadata", {})
        jupyter = dict(meta.get("jupyter", {}))
        for key in FOLDED:
            jupyter.pop(key, None)
        jupyter.update(wanted_fold(cell))
        if jupyter != meta.get("jupyter", {}):
            changed = True
            if jupyter:
                meta["jupyter"] = jupyter
            else:
                meta.pop("jupyter", None)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path,
                        help="notebooks to fold (default: chapters/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if any cell is wrong")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            for line in problems(nb):
                print(f"{path}: {line}", file=sys.stderr)
                status = 1
        elif fold(nb):
            nbformat.write(nb, path)
            print(f"folded the solutions of {path}")
    if args.check and status:
        print("fix with: python tools/fold_solutions.py", file=sys.stderr)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
