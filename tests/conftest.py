"""Shared fixtures: the repository root and a built copy of the HTML book."""

from __future__ import annotations

import functools
import http.server
import os
import pathlib
import subprocess
import sys
import threading

import pytest
from filelock import FileLock

ROOT = pathlib.Path(__file__).resolve().parents[1]

# numba's on-disk cache is not safe when several processes compile the same function for
# the first time at once: a gufunc cached by two pytest-xdist workers at the same moment
# (quantecon's, at import) once left a file that crashed every worker that loaded it, and
# the run collected nothing. So each worker (and the notebook kernels and subprocesses it
# starts, which inherit its environment) compiles into a cache folder of its own. This runs
# before any test module imports numba. A NUMBA_CACHE_DIR set by the user is kept.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = str(ROOT / "_build" / "numba-cache" / _WORKER)


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book() -> pathlib.Path:
    """Build the HTML book once per test run (warnings are errors) and return its folder.

    The build is the README's build command minus the install step:
    ``jupyter-book build . -W -n --keep-going``. Under pytest-xdist several workers may
    ask for it; a file lock lets the first one build and the others reuse that build
    (a marker names the run, so a build from an earlier run is never reused). Its log is
    kept in ``_build/build.log`` for inspection when the build fails.
    """
    build_dir = ROOT / "_build"
    build_dir.mkdir(exist_ok=True)
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid{os.getpid()}")
    marker = build_dir / f".built-{run_id}"
    log_path = build_dir / "build.log"
    with FileLock(str(build_dir / ".build.lock")):
        if not marker.exists():
            for old in build_dir.glob(".built-*"):
                old.unlink()
            jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
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
            marker.write_text(run_id)
    return build_dir / "html"


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver per test process, shared by every browser test, or None.

    Playwright's sync API cannot start a second driver in a process whose first one is
    still running ("Sync API inside the asyncio loop"), and pytest-xdist may run the book's
    browser tests and the JupyterLab tests in one worker: so both launch their Chromium
    from this one driver. None when Playwright is not installed (the callers then skip,
    or fail under CI=true).
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        yield None
        return
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


# The browser fixtures of tests/test_browser.py and tests/test_live_figure.py (shared here,
# both launched from the one driver above). Helpers in test_browser.py.


@pytest.fixture(scope="session")
def book_server(built_book):
    """Serve the built book on 127.0.0.1 (a free port) for the session; yield its base URL."""
    from test_browser import _QuietHandler

    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """Debian's headless Chromium driven by Playwright (skips, or fails under CI=true).

    Launched from the process's one Playwright driver (``playwright_driver`` above).
    """
    from test_browser import CHROMIUM_ARGS, _no_browser, chromium_executable

    if playwright_driver is None:
        _no_browser("Playwright is not installed (pip install -r requirements.txt)")
    exe = chromium_executable()
    if exe is None:
        _no_browser("no Chromium found (Debian: apt-get install chromium; or set KOBOLD_CHROMIUM)")
    try:
        chromium = playwright_driver.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
    except Exception as err:  # noqa: BLE001 (any launch failure means no browser)
        _no_browser(f"Chromium at {exe} did not start: {' '.join(str(err).split())[:400]}")
    try:
        yield chromium
    finally:
        chromium.close()
