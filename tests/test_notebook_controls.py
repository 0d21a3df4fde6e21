"""Static checks that keep the notebooks pleasant in JupyterLab (no browser needed).

* Every cell tagged ``solution`` is folded, and no other cell is
  (``tools/fold_solutions.py --check``; fix with ``python tools/fold_solutions.py``).
* Every slider of every widget cell is at least 350 px wide: it is given the cell's
  ``wide`` keyword set, whose layout width is checked here.
* ``tools/warm_kernels.py --strict`` runs without a failing call (so the setup commands
  really compile what the chapters use).
"""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
SLIDERS = {"FloatSlider", "IntSlider", "FloatLogSlider", "SelectionSlider", "IntRangeSlider",
           "FloatRangeSlider", "SelectionRangeSlider"}

sys.path.insert(0, str(ROOT / "tools"))
import fold_solutions  # noqa: E402


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_solutions_are_folded(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert fold_solutions.problems(_Nb(nb)) == [], "run: python tools/fold_solutions.py"


class _Nb:
    """The minimal notebook view fold_solutions.problems needs (cells with attributes)."""

    def __init__(self, nb):
        self.cells = [_Cell(c) for c in nb["cells"]]


class _Cell(dict):
    def __init__(self, cell):
        super().__init__(cell)
        self.cell_type = cell["cell_type"]


def test_fold_tool_folds_and_unfolds():
    nb = _Nb({"cells": [
        {"cell_type": "code", "metadata": {"tags": ["solution"]}},
        {"cell_type": "markdown", "metadata": {"tags": ["solution"]}},
        {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True}}},
    ]})
    assert len(fold_solutions.problems(nb)) == 3
    assert fold_solutions.fold(nb)
    assert fold_solutions.problems(nb) == []
    assert nb.cells[0]["metadata"]["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
    assert nb.cells[1]["metadata"]["jupyter"] == {"source_hidden": True}
    assert "jupyter" not in nb.cells[2]["metadata"]
    assert not fold_solutions.fold(nb)


def _px(value) -> float:
    assert isinstance(value, str) and value.endswith("px"), f"width {value!r} is not in px"
    return float(value[:-2])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_sliders_are_wide(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(line for line in cell["source"] if not line.startswith(("%", "!"))))
        wide_width = None
        for node in ast.walk(tree):
            # wide = dict(layout=Layout(width="460px"), ...)
            if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "wide" for t in node.targets)):
                for call in ast.walk(node.value):
                    if isinstance(call, ast.Call) and "Layout" in (getattr(call.func, "id", None), getattr(call.func, "attr", None)):
                        for kw in call.keywords:
                            if kw.arg == "width":
                                wide_width = _px(ast.literal_eval(kw.value))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in SLIDERS:
                continue
            where = f"{path.name} cell {index}: {name}"
            if any(kw.arg is None and getattr(kw.value, "id", None) == "wide" for kw in node.keywords):
                assert wide_width is not None, f"{where} uses **wide, but the cell defines no wide layout"
                assert wide_width >= 350, f"{where}: {wide_width} px"
                continue
            layout = [kw.value for kw in node.keywords if kw.arg == "layout"]
            assert layout, f"{where} has no layout width (pass **wide or layout=Layout(width=...))"
            widths = [kw.value for kw in layout[0].keywords if kw.arg == "width"]
            assert widths and _px(ast.literal_eval(widths[0])) >= 350, f"{where} narrower than 350 px"


def test_warm_kernels_strict(tmp_path):
    """Every warm-up call works with the current library (into a throwaway numba cache)."""
    import os

    env = {**os.environ, "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(tmp_path))}
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "warm_kernels.py"), "--strict"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
