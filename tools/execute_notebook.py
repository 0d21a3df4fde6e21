"""Re-execute chapters for the book: outputs in place, live-figure frames on, no widget state.

Usage (from the repository root)::

    .venv/bin/python tools/execute_notebook.py chapters/NAME.ipynb [more.ipynb ...]

This is the command that executes notebooks for the book. It runs each notebook as
``jupyter nbconvert --to notebook --execute --inplace
--ExecutePreprocessor.record_timing=False`` does (nbclient, the notebook's own folder as
the working directory, a 600 s cell timeout), with two differences:

* the kernel runs with ``KOBOLD_LIVE_FRAMES=1``, so every ``kl.live_figure`` cell also
  renders its frames for the HTML book (``kobold_lib/figures/live.py``); a student's Run
  All, nbval and autograding never set it and pay nothing for them;
* a live figure's stored output keeps its HTML (the frames), its PNG and its text, but not
  its widget-view part: that part only works in the kernel session that made it. Saved
  without its widget state it would show "Error displaying widget: model not found" in
  JupyterLab until the cell runs; without it JupyterLab shows the stored HTML (its
  sanitizer keeps the default frame's image and text), and running the cell brings the
  live widget back;
* the saved widget state (notebook metadata ``widgets``) is dropped when no stored output
  is a widget view any more (a notebook whose widgets are all live figures): nothing
  displays it then. A notebook with a plain ``interact`` cell keeps it, because JupyterLab
  shows that widget from it before the cell runs. (nbclient's ``store_widget_state=False``
  cannot be used: nbclient 0.10 then fails with a KeyError on an ipywidgets Output widget.)
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from kobold_lib.figures.live import FRAMES_VARIABLE, WIDGET_MIME  # noqa: E402

LIVE_CLASS = '<div class="kobold-live">'  # how a live figure's HTML block starts


def execute(path: pathlib.Path, timeout: int = 600) -> None:
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
                            record_timing=False, resources={"metadata": {"path": str(path.parent)}})
    old = os.environ.get(FRAMES_VARIABLE)
    os.environ[FRAMES_VARIABLE] = "1"  # the kernel inherits the environment
    try:
        client.execute()
    finally:
        if old is None:
            os.environ.pop(FRAMES_VARIABLE, None)
        else:
            os.environ[FRAMES_VARIABLE] = old
    views = strip_live_widget_views(nb)
    if views == 0:
        nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(path))


def strip_live_widget_views(nb) -> int:
    """Drop the widget-view part of every stored live-figure output; return how many other
    widget views remain."""
    remaining = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data", {})
            if WIDGET_MIME not in data:
                continue
            if LIVE_CLASS in "".join(data.get("text/html", "")):
                del data[WIDGET_MIME]
            else:
                remaining += 1
    return remaining


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"executing {path} ({FRAMES_VARIABLE}=1)", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
