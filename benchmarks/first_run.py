"""How long does a fresh Run All of a chapter take, with and without the setup's warm-up?

A student opens a chapter and runs every cell in a fresh kernel. Before issue 16 the first
such run spent most of its time compiling the library's numba kernels, silently. The setup
commands now compile and cache them once (``tools/warm_kernels.py``). This script measures,
for one chapter (default ``bellman``), the wall time of executing the whole notebook in a
fresh kernel (``nbclient``, kernel start included), three ways, each in its own empty numba
cache folder (``NUMBA_CACHE_DIR``) so nothing carries over from earlier runs:

1. cold: an empty cache (what a first run cost without the warm-up);
2. after the warm-up: ``tools/warm_kernels.py`` first (timed too), then the first run;
3. second run: the same notebook again on the same, now full, cache.

Run:  python benchmarks/first_run.py [--chapter NAME]
Results of a run are in ``benchmarks/results/first_run.txt`` and in the README.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import platform
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run_notebook(path: pathlib.Path, cache: pathlib.Path) -> float:
    """Seconds to execute ``path`` top to bottom in a fresh kernel using numba cache ``cache``."""
    nb = nbformat.read(path, as_version=4)
    os.environ["NUMBA_CACHE_DIR"] = str(cache)
    start = time.perf_counter()
    NotebookClient(nb, timeout=3600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def warm(cache: pathlib.Path) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "tools" / "warm_kernels.py"), "--strict", "--quiet"],
                   check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapter", default="bellman")
    args = parser.parse_args()
    path = ROOT / "chapters" / f"{args.chapter}.ipynb"
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory(prefix="numba-cold-") as cold, \
            tempfile.TemporaryDirectory(prefix="numba-warm-") as warmed:
        t_cold = run_notebook(path, pathlib.Path(cold))
        t_warm_up = warm(pathlib.Path(warmed))
        t_first = run_notebook(path, pathlib.Path(warmed))
        t_second = run_notebook(path, pathlib.Path(warmed))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"chapter {args.chapter}: fresh-kernel Run All (wall seconds, kernel start included)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end")
    print(f"first run, empty numba cache (no warm-up):  {t_cold:7.1f} s")
    print(f"warm-up, tools/warm_kernels.py (once):       {t_warm_up:7.1f} s")
    print(f"first run after the warm-up:                 {t_first:7.1f} s")
    print(f"second run:                                  {t_second:7.1f} s")


if __name__ == "__main__":
    main()
