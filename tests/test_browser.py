"""The built HTML book works offline and is checked in a real browser.

Two kinds of checks, both on the book that ``conftest.built_book`` builds once per run:

* Static: no page of the built book refers to an external ``http(s)`` (or
  protocol-relative ``//host``) resource in a ``<script>``, ``<link>``, ``<img>`` or any
  other tag that makes the browser fetch something, and no stylesheet pulls a font or an
  ``@import`` from the network. Links in the text (papers, DOIs) are fine.
* In a real browser: Debian's headless Chromium, driven by Playwright's Python API
  (``executable_path`` points at the system browser: ``playwright install`` downloads
  its own browsers from a CDN and is neither used nor needed). The book is served from
  127.0.0.1 by a small HTTP server; every request to any other host is aborted by a
  Playwright route and recorded as a failure (and the browser's host resolver maps every
  other name to "not found", so nothing can slip past the route). For the intro and every
  chapter page: no console errors, no uncaught exceptions, no failed or 4xx/5xx local
  request, no request leaving localhost; math typeset by MathJax (every ``.math`` element
  holds an ``mjx-container``, no MathJax error, no raw TeX delimiters left in the text);
  every image loaded (``naturalWidth > 0``); every exercise solution folded and opening
  on a click; no widget or Python error shown where a widget would be; a full-page
  screenshot saved under ``_build/screenshots/`` for review. Last, the book's search box
  finds the chapter on the Carnot bound when asked for "Carnot".

Where no browser can be had (no Playwright, no Chromium, or Chromium does not start),
the browser tests skip with the reason; under ``CI=true`` they fail instead. The test
command (``tools/run-tests.sh``) installs Chromium with apt-get where it runs as root.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import os
import pathlib
import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

CARNOT_CHAPTER = "chapters/arbitrage_and_carnot"
SEARCH_SHOT = "search_Carnot.png"

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Belt and braces beside the Playwright route: no host name but the local server's
    # resolves, so even a request the route cannot see (browser-internal) stays local.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# Console errors that are allowed, as (substring, why). Kept empty on purpose. The one
# message a default sphinx-book-theme build logs on a fresh profile ("Got invalid theme
# mode: . Resetting to auto.": with nothing stored yet the page starts with an empty
# colour mode) is fixed at its source in _config.yml (html_context: default_mode: auto),
# and the duplicated sphinx-thebe script that threw a SyntaxError on every page is
# dropped by _ext/html_script_dedup.py. So no reader's console shows an error.
ALLOWED_CONSOLE_ERRORS: tuple[tuple[str, str], ...] = ()

# Text that must never be visible in a page: what a widget shows when its JavaScript
# manager or state is missing, the text repr of an interact widget, and Python errors.
ERROR_TEXTS = (
    "Error displaying widget",
    "Loading widget",
    "interactive(children=",
    "Traceback (most recent call last)",
)

# What raw, untypeset TeX looks like in the text once code blocks and typeset math are
# removed: display or inline delimiters, an environment, or a dollar-delimited span
# holding a TeX command.
RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\end\{|\$[^$\n]{0,200}?\\[A-Za-z]+[^$\n]{0,200}?\$"
)

PAGE_TIMEOUT_MS = 30_000


# --------------------------------------------------------------------------------------
# Which pages to check
# --------------------------------------------------------------------------------------


def chapter_pages() -> list[str]:
    """Page names (no suffix) of the intro and every chapter source under chapters/."""
    pages = ["intro"]
    chapters = ROOT / "chapters"
    if chapters.is_dir():
        for src in sorted(chapters.rglob("*")):
            if src.suffix in (".ipynb", ".md") and ".ipynb_checkpoints" not in src.parts:
                pages.append(src.relative_to(ROOT).with_suffix("").as_posix())
    return pages


PAGES = chapter_pages()


def built_docnames(built_book: pathlib.Path) -> list[str]:
    """The pages of the current build, as Sphinx lists them in its search index.

    (An incremental build leaves the HTML of a removed page behind; the index does not.)
    """
    text = (built_book / "searchindex.js").read_text(encoding="utf-8")
    match = re.search(r'"docnames":\s*(\[[^\]]*\])', text)
    assert match, "searchindex.js lists no docnames"
    return json.loads(match.group(1))


def test_every_built_chapter_page_is_checked(built_book):
    """Each chapter page of the build comes from a source the browser tests visit."""
    built = {name for name in built_docnames(built_book) if name.startswith("chapters/")}
    for name in built:
        assert (built_book / f"{name}.html").is_file(), f"{name}.html missing from the build"
    unchecked = sorted(built - set(PAGES))
    assert not unchecked, f"built chapter pages without a source under chapters/: {unchecked}"


# --------------------------------------------------------------------------------------
# Static check: no external resources in any page
# --------------------------------------------------------------------------------------

EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(?:https?:)?//""", re.IGNORECASE)

# tag -> attributes whose URL the browser fetches by itself
FETCHING_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}


class _Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in FETCHING_ATTRS.get(tag, ()):
            value = attrs.get(name) or ""
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
            self.external += [f"<{tag} {name}={url}>" for url in urls if EXTERNAL.match(url)]
        if CSS_EXTERNAL.search(attrs.get("style") or ""):
            self.external.append(f"<{tag} style={attrs['style']!r}>")
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style and CSS_EXTERNAL.search(data):
            self.external.append(f"<style> {CSS_EXTERNAL.search(data).group(0)}...")


def test_no_page_refers_to_an_external_resource(built_book):
    pages = [p for p in sorted(built_book.rglob("*.html")) if "_static" not in p.relative_to(built_book).parts]
    assert any(p.name == "intro.html" for p in pages)
    problems = []
    for page in pages:
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        problems += [f"{page.relative_to(built_book)}: {item}" for item in parser.external]
    for css in sorted(built_book.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        problems += [f"{css.relative_to(built_book)}: {m.group(0)}..." for m in CSS_EXTERNAL.finditer(text)]
    assert not problems, "the built book loads resources from the network:\n" + "\n".join(problems)


def test_mathjax_is_bundled_with_the_build(built_book):
    """Every page with math loads MathJax from the build itself (sphinx-mathjax-offline)."""
    pages_with_math = 0
    for page in sorted(built_book.rglob("*.html")):
        if "_static" in page.relative_to(built_book).parts:
            continue
        html = page.read_text(encoding="utf-8")
        if not re.search(r'class="math[ "]', html):
            continue
        pages_with_math += 1
        scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]*mathjax[^\"]*)\"", html, flags=re.IGNORECASE)
        assert scripts, f"{page.relative_to(built_book)} has math but loads no MathJax"
        for src in scripts:
            assert not EXTERNAL.match(src), f"{page.relative_to(built_book)}: MathJax comes from the network: {src}"
            target = (page.parent / src.split("?")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(built_book)}: MathJax script {src} is not in the build"
    assert pages_with_math, "no page of the book has math: the MathJax checks would test nothing"


# --------------------------------------------------------------------------------------
# Browser fixtures
# --------------------------------------------------------------------------------------


def _no_browser(reason: str):
    """Skip, or fail under CI=true (where the browser tests must run)."""
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"{reason} (CI=true: the browser tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str | None:
    """The system Chromium: $KOBOLD_CHROMIUM if set (and only it), else Debian's chromium."""
    if os.environ.get("KOBOLD_CHROMIUM"):
        candidates = [os.environ["KOBOLD_CHROMIUM"]]
    else:
        candidates = [shutil.which(name) or "" for name in ("chromium", "chromium-browser")]
        candidates += ["/usr/bin/chromium"]
    for exe in candidates:
        if exe and os.path.isfile(exe) and os.access(exe, os.X_OK):
            return exe
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


# The fixtures ``book_server`` (the built book on 127.0.0.1) and ``browser`` (Debian's
# Chromium through Playwright) live in conftest.py: tests/test_live_figure.py uses them
# too, and one process can hold only one Playwright instance at a time.


@dataclasses.dataclass
class Visit:
    """Everything the browser saw on one page."""

    url: str
    console_errors: list[str] = dataclasses.field(default_factory=list)
    page_errors: list[str] = dataclasses.field(default_factory=list)
    blocked: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)
    math: dict = dataclasses.field(default_factory=dict)
    math_problem: str = ""
    images: list[dict] = dataclasses.field(default_factory=list)
    solutions: list[dict] = dataclasses.field(default_factory=list)
    visible_text: str = ""
    overflowing: list[dict] = dataclasses.field(default_factory=list)
    screenshot: pathlib.Path | None = None


class _Session:
    """A fresh browser context per page (a reader's first visit), with the network fence."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base = urlsplit(base_url)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return parts.scheme in ("http", "https") and (parts.hostname, parts.port) == (
            self.base.hostname,
            self.base.port,
        )

    def open(self, path: str, visit: Visit):
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")

        def fence(route, request):
            if self.is_local(request.url):
                route.continue_()
            else:
                visit.blocked.append(f"{request.resource_type} {request.url}")
                route.abort("blockedbyclient")

        context.route("**/*", fence)
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)

        def on_console(msg):
            if msg.type == "error" and not any(text in msg.text for text, _ in ALLOWED_CONSOLE_ERRORS):
                loc = msg.location or {}
                visit.console_errors.append(f"{msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

        def on_response(response):
            if response.status >= 400:
                visit.failed.append(f"HTTP {response.status} {response.url}")

        def on_request_failed(request):
            if self.is_local(request.url):
                visit.failed.append(f"{request.failure} {request.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda err: visit.page_errors.append(str(err)))
        page.on("response", on_response)
        page.on("requestfailed", on_request_failed)
        page.goto(self.base.geturl() + path, wait_until="load")
        return context, page


@pytest.fixture(scope="session")
def book_session(browser, book_server):
    return _Session(browser, book_server)


_MATH_JS = """
() => {
  const art = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  const maths = Array.from(art.querySelectorAll('.math'));
  const unrendered = maths.filter(m => !m.querySelector('mjx-container'))
                          .map(m => m.textContent.trim().slice(0, 100));
  const errors = Array.from(art.querySelectorAll('mjx-merror'))
                      .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 100));
  // MathJax's noundefined extension shows an unknown macro in red instead of failing.
  const undefinedMacros = Array.from(art.querySelectorAll('mjx-assistive-mml [mathcolor="red"]'))
                               .map(e => e.textContent.slice(0, 60));
  const clone = art.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, textarea, .math, mjx-container, .highlight')
       .forEach(e => e.remove());
  return {count: maths.length, containers: art.querySelectorAll('mjx-container').length,
          unrendered, errors, undefinedMacros, text: clone.textContent};
}
"""

# Code and printed output that scroll sideways: every <pre> shown in the article (cell
# inputs, outputs, a live figure's printed text) wider than its box. Folded solutions are
# open when this runs; a <pre> with no width (hidden) is skipped.
_OVERFLOW_JS = """
() => Array.from(document.querySelectorAll('article pre'))
  .filter(pre => pre.clientWidth > 0 && pre.scrollWidth > pre.clientWidth + 1)
  .map(pre => ({
    where: pre.closest('.cell_input') ? 'code' : (pre.closest('.kobold-live') ? 'live figure text'
           : (pre.closest('.cell_output') ? 'output' : 'text')),
    line: pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '').slice(0, 120),
    scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth}))
"""

_IMAGES_JS = """
() => Array.from(document.images).map(img => ({
  src: img.getAttribute('src'), complete: img.complete, naturalWidth: img.naturalWidth,
  inArticle: !!img.closest('article')}))
"""


def _wait_for_mathjax(page) -> str:
    """Wait until MathJax has typeset the page; return a problem description or ''."""
    if not page.evaluate("() => !!document.querySelector('.math')"):
        return ""  # no math on this page: Sphinx loads no MathJax here
    try:
        page.wait_for_function(
            "() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise",
            timeout=PAGE_TIMEOUT_MS,
        )
        page.evaluate("() => window.MathJax.startup.promise.then(() => true)")
    except Exception as err:  # noqa: BLE001 (timeout or a rejected promise)
        return f"MathJax did not finish typesetting: {str(err).splitlines()[0]}"
    return ""


def _check_solutions(page) -> list[dict]:
    """Click every solution's toggle; report whether its body was hidden, then shown."""
    results = []
    solutions = page.locator("article .solution")
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        sid = solution.get_attribute("id") or f"solution {i + 1}"
        body = solution.locator(":scope > :not(.admonition-title)").first
        if body.count() == 0:
            results.append({"id": sid, "problem": "solution has no body"})
            continue
        hidden_before = not body.is_visible()
        button = solution.locator(":scope > .admonition-title .toggle-button")
        if button.count() == 0:
            state = "visible" if not hidden_before else "hidden"
            problem = f"not a dropdown: {state}, with no toggle button (give it `:class: dropdown`)"
            results.append({"id": sid, "problem": problem})
            continue
        button.first.click()
        try:
            body.wait_for(state="visible", timeout=5_000)
            shown_after = True
        except Exception:  # noqa: BLE001 (a timeout: it never became visible)
            shown_after = False
        problem = []
        if not hidden_before:
            problem.append("visible before any click (not folded)")
        if not shown_after:
            problem.append("still hidden after clicking its toggle")
        results.append({"id": sid, "problem": "; ".join(problem)})
    return results


def _shot_name(page: str) -> str:
    return page.replace("/", "__") + ".png"


@pytest.fixture(scope="session")
def visits(book_session, built_book):
    """Visit each page once (lazily) and keep what the browser saw."""
    cache: dict[str, Visit] = {}
    shots = built_book.parent / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    # Screenshots of pages that no longer exist would mislead a reviewer.
    current = {_shot_name(name) for name in PAGES}
    if (ROOT / f"{CARNOT_CHAPTER}.ipynb").is_file():
        current.add(SEARCH_SHOT)
    for old in shots.glob("*.png"):
        if old.name not in current:
            old.unlink(missing_ok=True)

    def visit(name: str) -> Visit:
        if name in cache:
            return cache[name]
        if not (built_book / f"{name}.html").is_file():
            pytest.fail(f"{name}.html was not built (is {name} in _toc.yml?)", pytrace=False)
        result = Visit(url=f"{name}.html")
        context, page = book_session.open(f"{name}.html", result)
        try:
            result.math_problem = _wait_for_mathjax(page)
            result.math = page.evaluate(_MATH_JS)
            result.solutions = _check_solutions(page)
            try:
                page.wait_for_function(
                    "() => Array.from(document.images).every(img => img.complete)", timeout=PAGE_TIMEOUT_MS
                )
            except Exception:  # noqa: BLE001 (reported below, image by image)
                pass
            result.images = page.evaluate(_IMAGES_JS)
            result.overflowing = page.evaluate(_OVERFLOW_JS)
            result.visible_text = page.locator("article").first.inner_text() if page.locator("article").count() else ""
            # Solutions are open now, so the screenshot shows every figure of the page.
            # Back to the top, focus released: the theme's sticky header and sidebars (and
            # its "skip to main content" link, shown while a control has the focus) then
            # sit where a reader sees them instead of over the middle of the capture.
            page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
            result.screenshot = shots / _shot_name(name)
            page.screenshot(path=str(result.screenshot), full_page=True)
        finally:
            context.close()
        cache[name] = result
        return result

    return visit


# --------------------------------------------------------------------------------------
# Browser checks, one set per page
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_is_clean_and_offline(visits, name):
    """No console error or exception, no request off localhost, no failed local request."""
    v = visits(name)
    problems = [f"console error: {e}" for e in v.console_errors]
    problems += [f"uncaught exception: {e}" for e in v.page_errors]
    problems += [f"request leaving localhost (blocked): {u}" for u in v.blocked]
    problems += [f"failed request: {u}" for u in v.failed]
    assert not problems, f"{v.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_page_math_is_typeset(visits, name):
    v = visits(name)
    math = v.math
    problems = []
    if math["count"] and v.math_problem:
        problems.append(v.math_problem)
    problems += [f"math not typeset: {t!r}" for t in math["unrendered"]]
    problems += [f"MathJax error: {t!r}" for t in math["errors"]]
    problems += [f"undefined TeX macro: {t!r}" for t in math["undefinedMacros"]]
    for m in RAW_TEX.finditer(math["text"]):
        context = " ".join(math["text"][max(0, m.start() - 60) : m.end() + 60].split())
        problems.append(f"raw TeX left in the text: {m.group(0)!r} in ...{context}...")
    assert not problems, f"{v.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_page_figures_load(visits, name):
    v = visits(name)
    broken = [img["src"] for img in v.images if not (img["complete"] and img["naturalWidth"] > 0)]
    assert not broken, f"{v.url}: images that did not load: {broken}"
    notebook = ROOT / f"{name}.ipynb"
    if notebook.is_file() and '"image/png"' in notebook.read_text(encoding="utf-8"):
        shown = sum(1 for img in v.images if img["inArticle"])
        assert shown > 0, f"{v.url}: the notebook stores figures but the page shows none"


@pytest.mark.parametrize("name", [n for n in PAGES if n.startswith("chapters/")])
def test_chapter_code_and_output_fit_the_page(visits, name):
    """No code block or printed output of a chapter scrolls sideways (1280 px wide window)."""
    v = visits(name)
    wide = [f"{o['where']} ({o['scrollWidth']} px in {o['clientWidth']} px): {o['line']!r}" for o in v.overflowing]
    assert not wide, f"{v.url}: blocks that scroll sideways:\n" + "\n".join(wide)


@pytest.mark.parametrize("name", PAGES)
def test_page_solutions_are_folded_and_open_on_click(visits, name):
    v = visits(name)
    problems = [f"{s['id']}: {s['problem']}" for s in v.solutions if s["problem"]]
    assert not problems, f"{v.url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", PAGES)
def test_page_shows_no_error_text_and_has_a_screenshot(visits, name):
    """No widget or Python error where a widget would be (widgets degrade to the figure)."""
    v = visits(name)
    shown = [t for t in ERROR_TEXTS if t in v.visible_text]
    assert not shown, f"{v.url} shows {shown}"
    assert v.visible_text.strip(), f"{v.url}: the article is empty"
    assert v.screenshot is not None and v.screenshot.stat().st_size > 0, f"{v.url}: no screenshot"


def test_search_finds_the_carnot_chapter(book_session, built_book):
    """Type "Carnot" into the book's search box: the Carnot chapter is among the results."""
    if not (ROOT / f"{CARNOT_CHAPTER}.ipynb").is_file():
        pytest.skip(f"{CARNOT_CHAPTER}.ipynb does not exist yet (the chapter on the Carnot bound)")
    v = Visit(url="search")
    context, page = book_session.open("intro.html", v)
    try:
        page.locator(".search-button__button").first.click()
        box = page.locator("#pst-search-dialog input[name=q]")
        box.fill("Carnot")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search\.html\?q=Carnot"))
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|did not match/i.test(s.textContent); }",
            timeout=PAGE_TIMEOUT_MS,
        )
        summary = page.locator("#search-results .search-summary").inner_text()
        links = page.locator("#search-results ul.search li a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        shots = built_book.parent / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / SEARCH_SHOT), full_page=True)
    finally:
        context.close()
    assert any(CARNOT_CHAPTER in (href or "") for href in links), f"{summary!r}; results: {links}"
    problems = v.console_errors + v.page_errors + v.blocked + v.failed
    assert not problems, "search page: " + "; ".join(problems)
