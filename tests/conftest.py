"""Shared fixtures: the repository root and a built copy of the HTML book."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book() -> pathlib.Path:
    """Build the HTML book once per session (warnings are errors) and return its folder.

    The build is the README's build command minus the install step:
    ``jupyter-book build . -W -n --keep-going``. Its log is kept in
    ``_build/build.log`` for inspection when the build fails.
    """
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    log_path = ROOT / "_build" / "build.log"
    log_path.parent.mkdir(exist_ok=True)
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    log_path.write_text(result.stdout + "\n" + result.stderr)
    if result.returncode != 0:
        pytest.fail(
            "jupyter-book build failed (see _build/build.log):\n" + (result.stdout + result.stderr)[-6000:]
        )
    return ROOT / "_build" / "html"
