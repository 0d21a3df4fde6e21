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
* the saved widget state (notebook metadata ``widgets``) is dropped: nothing in the HTML
  book displays it, and in JupyterLab the widgets come alive when their cell runs.
  (nbclient's ``store_widget_state=False`` would be the direct way, but nbclient 0.10
  then fails with a KeyError on an ipywidgets Output widget, which every widget uses.)
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from kobold_lib.figures.live import FRAMES_VARIABLE  # noqa: E402


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
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(path))


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
