"""The chapters as a reader meets them: a live figure where one can vary something, code and
printed text that fit the page, and pages within their size budget.

* Every chapter but ``kobolds_at_scale`` (whose sizes are far too large to redraw on a
  slider) has at least one ``kl.live_figure`` widget, and no chapter keeps a plain
  ``ipywidgets.interact`` widget (it would be dead in the HTML book).
* Every line of a code cell, of printed output and of a live figure's printed text is at
  most 88 characters: the width that fits the HTML page without scrolling sideways
  (``_static/cells.css``; the browser check of that is in ``tests/test_browser.py``).
* Size budget: the live figures of one page at most 4 MB together (checked in the
  notebooks and in the built pages); the whole built HTML at most 80 MB.
"""

from __future__ import annotations

import ast
import base64
import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAX_LINE = 88
PAGE_LIVE_BUDGET = 4_000_000  # bytes of live-figure blocks on one page
BOOK_BUDGET = 80_000_000  # bytes of the whole built HTML folder
WITHOUT_WIDGET = {"kobolds_at_scale"}
_LIVE_BLOCK = re.compile(r'<div class="kobold-live">.*?</script>', re.S)
_LIVE_DATA = re.compile(r'<script type="application/json" class="kobold-live-data">(.*?)</script>', re.S)


def chapters() -> list[pathlib.Path]:
    toc = (ROOT / "_toc.yml").read_text()
    names = re.findall(r"file:\s*chapters/(\w+)", toc)
    assert names, "no chapters in _toc.yml"
    return [ROOT / "chapters" / f"{name}.ipynb" for name in names]


def _code_cells(path: pathlib.Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _called_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            names.add(getattr(node.func, "attr", getattr(node.func, "id", "")))
    return names


def _live_html(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        html = "".join(o.get("data", {}).get("text/html", ""))
        if 'class="kobold-live"' in html:
            out.append(html)
    return out


def _printed_lines(cell) -> list[str]:
    """What the page shows as text for one cell: streams, plain results, live-figure text."""
    lines = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            lines += "".join(o["text"]).splitlines()
        elif o["output_type"] in ("execute_result", "display_data"):
            data = o.get("data", {})
            if not any(k in data for k in ("text/html", "image/png", "text/latex")):
                lines += "".join(data.get("text/plain", "")).splitlines()
        elif o["output_type"] == "error":
            lines += o.get("traceback", [])
    for html in _live_html(cell):
        for payload in _LIVE_DATA.findall(html):
            data = json.loads(payload.replace("<\\/", "</").replace("<\\!--", "<!--"))
            for _, text in data["frames"]:
                lines += text.splitlines()
    return lines


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_chapter_has_a_live_figure_and_no_dead_widget(path):
    calls = set().union(*(_called_names("".join(c["source"])) for c in _code_cells(path)))
    assert not calls & {"interact", "interactive", "interact_manual"}, (
        f"{path.name}: an ipywidgets interact widget is dead in the HTML book; use kl.live_figure")
    if path.stem not in WITHOUT_WIDGET:
        assert "live_figure" in calls, f"{path.name}: no kl.live_figure widget"


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_code_lines_fit_the_page(path):
    wide = []
    for cell in _code_cells(path):
        for line in "".join(cell["source"]).splitlines():
            if len(line) > MAX_LINE:
                wide.append(f"{len(line)}: {line}")
    assert not wide, f"{path.name}: code lines over {MAX_LINE} characters:\n" + "\n".join(wide)


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_printed_lines_fit_the_page(path):
    wide = []
    for cell in _code_cells(path):
        for line in _printed_lines(cell):
            if len(line) > MAX_LINE:
                wide.append(f"{len(line)}: {line}")
    wide = list(dict.fromkeys(wide))  # a live figure's frames repeat lines
    assert not wide, f"{path.name}: printed lines over {MAX_LINE} characters:\n" + "\n".join(wide[:20])


@pytest.mark.parametrize("path", chapters(), ids=lambda p: p.stem)
def test_live_figures_of_a_notebook_within_the_page_budget(path):
    total = sum(len(html) for cell in _code_cells(path) for html in _live_html(cell))
    assert total <= PAGE_LIVE_BUDGET, f"{path.name}: live figures {total:,} bytes > {PAGE_LIVE_BUDGET:,}"


def test_printed_lines_check_reads_live_figure_text():
    """The width check sees a live figure's printed text (frames are JSON in the HTML)."""
    payload = {"frames": [[0, "short"], [0, "x" * 100]], "images": [base64.b64encode(b"").decode()]}
    html = ('<div class="kobold-live"><script type="application/json" class="kobold-live-data">'
            + json.dumps(payload).replace("</", "<\\/") + "</script></div>")
    cell = {"outputs": [{"output_type": "display_data", "data": {"text/html": html}}]}
    assert "x" * 100 in _printed_lines(cell)


def test_built_pages_within_the_size_budget(built_book):
    """Each built page's live figures at most 4 MB, the whole HTML book at most 80 MB."""
    over = []
    for page in sorted(built_book.rglob("*.html")):
        live = sum(len(block) for block in _LIVE_BLOCK.findall(page.read_text(encoding="utf-8")))
        if live > PAGE_LIVE_BUDGET:
            over.append(f"{page.relative_to(built_book)}: live figures {live:,} bytes")
    total = sum(f.stat().st_size for f in built_book.rglob("*") if f.is_file())
    assert not over, over
    assert total <= BOOK_BUDGET, f"the built HTML is {total:,} bytes > {BOOK_BUDGET:,}"
