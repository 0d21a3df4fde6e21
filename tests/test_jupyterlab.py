"""The notebooks in a real JupyterLab read like the book, with solutions folded.

A JupyterLab server from the project's environment is started on 127.0.0.1 (a free port,
no token, temporary Jupyter config, runtime and settings folders) over a temporary copy of
``chapters/`` and of one student-edition notebook (so nothing it runs or autosaves touches
the repository), and driven by Playwright with Debian's Chromium (as in
``tests/test_browser.py``: the system browser, never Playwright's own download). For one
chapter of each part (``temperature_as_price``, ``ising_models``) and one student-edition
notebook it checks that

* the Markdown is rendered by jupyterlab-myst: no raw role or directive text (``{cite}``,
  ``{ref}``, ``{eq}``, ``:label:``, ``(name)=``, directive fences) in what the page shows,
  math typeset (KaTeX) with no raw TeX left, exercises drawn as boxes;
* in ``chapters/`` every solution cell is folded (its input, and a code cell's output,
  replaced by JupyterLab's placeholder, the solution's text out of sight), and in the
  student edition there is no solution at all;
* Run All finishes with every code cell executed in order and no error output;
* moving the Part I chapter's slider (with the keyboard) redraws its figure, and the
  slider is at least 350 px wide.

Where no browser can be had the tests skip with the reason (under ``CI=true`` they fail).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from test_browser import CHROMIUM_ARGS, _no_browser, chromium_executable  # noqa: E402

PART_ONE, PART_TWO = "temperature_as_price", "ising_models"
STUDENT = "temperature_as_price"
TIMEOUT_MS = 240_000
SHOTS = ROOT / "_build" / "screenshots"  # the machine may be heavily loaded: be generous, the work is small

RAW_MYST = re.compile(
    r"\{(?:cite|ref|eq|numref|doc|term)(?::[a-z]+)?\}`|:label:|:class:|^\s*\([A-Za-z0-9_-]+\)=\s*$|```\{",
    re.MULTILINE,
)
RAW_TEX = re.compile(r"\$\$|\\begin\{|\\end\{|\$[^$\n]{0,200}?\\[A-Za-z]+[^$\n]{0,200}?\$")

# JupyterLab settings for the test: no news or update pop-ups, every cell rendered at
# once (no windowing), and no autosave.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _student_edition(target: pathlib.Path) -> pathlib.Path:
    """Write the student edition of the chapters into ``target`` with the repository's builder."""
    cmd = [sys.executable, str(ROOT / "tools" / "student_edition.py")]
    subprocess.run(cmd + [str(ROOT / "chapters"), str(target)], cwd=ROOT, check=True,
                   capture_output=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return target


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, served folder) of a JupyterLab server over copies of the notebooks."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    served = tmp / "book"
    shutil.copytree(ROOT / "chapters", served / "chapters",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    _student_edition(served / "student_edition")
    settings = tmp / "settings"
    for name, value in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
           "OPENBLAS_NUM_THREADS": "1"}
    port = _free_port()
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [str(pathlib.Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={served}", "--LabApp.news_url=", "--ServerApp.open_browser=False"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=served)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp / "server.log").read_text()[-3000:])
                time.sleep(0.5)
        yield base, served
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab_page(lab, playwright_driver):
    """A function opening a notebook (path under the served folder) in a fresh page."""
    if playwright_driver is None:
        _no_browser("playwright is not installed")
    exe = chromium_executable()
    if exe is None:
        _no_browser("no Chromium found (Debian: apt-get install chromium; or set KOBOLD_CHROMIUM)")
    base, served = lab
    try:
        browser = playwright_driver.chromium.launch(
            executable_path=exe, headless=True, args=[a for a in CHROMIUM_ARGS if "host-resolver" not in a])
    except Exception as exc:  # noqa: BLE001
        _no_browser(f"Chromium did not start: {exc}")
    pages = []

    def open_notebook(path: str):
        # one notebook at a time: close the last page, and reset JupyterLab's saved
        # workspace (?reset), which would otherwise reopen the last page's notebook
        while pages:
            pages.pop().close()
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/lab/tree/{path}?reset", timeout=TIMEOUT_MS)
        nb = json.loads((served / path).read_text(encoding="utf-8"))
        shot = SHOTS / ("jupyterlab_" + path.replace("/", "_").replace(".ipynb", ".png"))
        SHOTS.mkdir(parents=True, exist_ok=True)
        try:
            _wait_rendered(page, nb)
        finally:
            page.screenshot(path=str(shot))
        pages.append(page)
        return page, nb, errors

    try:
        yield open_notebook
    finally:
        browser.close()


def _wait_rendered(page, nb):
    """Wait until every cell is there and every visible Markdown cell is rendered by MyST."""
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-Notebook .jp-Cell').length === n", arg=len(nb["cells"]))
    # every markdown cell rendered (jupyterlab-myst renders each cell on its own)
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-MarkdownCell:not(.jp-mod-rendered)').length === 0")
    # jupyterlab-myst renders a cell when it comes into view: visit each one
    cells = page.locator(".jp-Notebook .jp-Cell")
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown" and not cell["metadata"].get("jupyter", {}).get("source_hidden"):
            cells.nth(i).scroll_into_view_if_needed()
            cells.nth(i).locator(".myst").first.wait_for(state="attached")
    page.wait_for_selector(".jp-Notebook .katex", state="attached")


def _markdown_text(page) -> str:
    """The text the reader sees in the rendered Markdown cells (hidden cells excluded)."""
    return "\n".join(page.locator(".jp-MarkdownCell .myst").all_inner_texts())


def _check_rendered(page, nb, name):
    text = _markdown_text(page)
    assert len(text) > 500, f"{name}: the rendered Markdown is almost empty"
    raw = sorted({m.group(0).strip() for m in RAW_MYST.finditer(text)})
    assert not raw, f"{name}: raw MyST markup shown in JupyterLab: {raw}"
    # math: typeset by KaTeX, and no raw TeX left in the text
    math_cells = sum("$" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert math_cells, f"{name}: no math to check"
    assert page.locator(".myst .katex").count() >= math_cells
    assert page.locator(".myst .katex-error").count() == 0, f"{name}: KaTeX errors"
    katex_free = page.evaluate(
        """() => Array.from(document.querySelectorAll('.jp-MarkdownCell .myst')).map(el => {
               const c = el.cloneNode(true); c.querySelectorAll('.katex, code, pre').forEach(k => k.remove());
               return c.innerText; }).join('\\n')""")
    leftover = RAW_TEX.findall(katex_free)
    assert not leftover, f"{name}: untypeset TeX: {leftover[:5]}"
    n_ex = sum("```{exercise}" in "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert n_ex and text.count("Exercise") >= n_ex, f"{name}: exercises not drawn as boxes"


def _menu(page, menu, item):
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).click()


def _check_run_all(page, name):
    """Run All from the menu; every code cell ends with an execution count, no error shown."""
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")
    # open the folded solutions first (View menu), so that their prompts and outputs show
    _menu(page, "View", "Expand All Code")
    _menu(page, "View", "Expand All Outputs")
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                          " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    # clear the stored outputs and counts first, so that only this run's counts can pass
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))"
        ".every(e => !/\\d/.test(e.textContent))")
    _menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        texts = [t.strip() for t in prompts.all_text_contents()]
        counts = [int(t[1:-2]) if re.fullmatch(r"\[\d+\]:", t) else None for t in texts]
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count()
        shown = [t for t in errors.all_text_contents() if "Error" in t or "Traceback" in t]
        if idle and (shown or counts == list(range(1, len(counts) + 1))):
            break
        assert time.monotonic() < deadline, f"{name}: Run All did not finish: {texts}"
        time.sleep(1)
    assert not shown, f"{name}: Run All showed an error: {shown[0][:2000]}"


def _check_folded(page, nb, name):
    cells = page.locator(".jp-Notebook .jp-Cell")
    solutions = [i for i, c in enumerate(nb["cells"]) if "solution" in c["metadata"].get("tags", [])]
    assert solutions, f"{name}: no solution cells to check"
    for i in solutions:
        cell = cells.nth(i)
        assert cell.locator(".jp-InputPlaceholder").is_visible(), f"{name}: solution cell {i} not folded"
        assert not cell.locator(".jp-InputArea").is_visible(), f"{name}: solution cell {i} input shown"
        if nb["cells"][i]["cell_type"] == "code" and nb["cells"][i].get("outputs"):
            assert not cell.locator(".jp-OutputArea").is_visible(), f"{name}: solution cell {i} output shown"
    # nothing else is folded
    folded = page.locator(".jp-Notebook .jp-Cell:has(.jp-InputPlaceholder:visible)").count()
    assert folded == len(solutions), f"{name}: {folded} folded cells, {len(solutions)} solutions"
    # a click opens a solution, as the dropdown does in the HTML book
    first = cells.nth(solutions[0])
    first.locator(".jp-InputPlaceholder").click()
    first.locator(".jp-InputArea").wait_for(state="visible")


def test_part_one_chapter(lab_page):
    page, nb, errors = lab_page(f"chapters/{PART_ONE}.ipynb")
    _check_rendered(page, nb, PART_ONE)
    _check_folded(page, nb, PART_ONE)
    _check_run_all(page, PART_ONE)
    # the slider: wide enough to set, and moving it redraws the figure
    slider = page.locator(".widget-hslider").first
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    assert box and box["width"] >= 350, f"slider only {box and box['width']} px wide"
    widget = page.locator(".jp-OutputArea-output:has(.widget-hslider)").first
    image = widget.locator("img").first
    image.wait_for(state="visible")
    before = image.get_attribute("src")
    readout = slider.locator(".widget-readout").first
    value_before = readout.inner_text()
    slider.locator(".noUi-handle").first.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, old]) => { const img = el.querySelector('img'); return img && img.src !== old; }",
        arg=[widget.element_handle(), before], timeout=TIMEOUT_MS)
    assert readout.inner_text() != value_before
    assert not errors, f"page errors: {errors}"


def test_part_two_chapter(lab_page):
    page, nb, errors = lab_page(f"chapters/{PART_TWO}.ipynb")
    _check_rendered(page, nb, PART_TWO)
    _check_folded(page, nb, PART_TWO)
    _check_run_all(page, PART_TWO)
    assert not errors, f"page errors: {errors}"


def test_student_edition_notebook(lab_page):
    page, nb, errors = lab_page(f"student_edition/{STUDENT}.ipynb")
    _check_rendered(page, nb, f"student edition {STUDENT}")
    assert not any("solution" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert not any("{solution-" in "".join(c["source"]) for c in nb["cells"])
    assert "Solution to" not in page.locator(".jp-Notebook").inner_text()
    assert page.locator(".jp-InputPlaceholder:visible").count() == 0
    assert not errors, f"page errors: {errors}"
