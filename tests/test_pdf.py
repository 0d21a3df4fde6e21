"""The print edition: both PDFs build, and read back as the book the HTML shows.

The session fixture runs the README's PDF command without its install step
(``bash tools/build-pdf.sh --no-install``) once per test run, under a file lock (the tests
run on pytest-xdist workers), and the tests read the two PDFs back with poppler-utils:
``pdftotext`` (plain, and ``-bbox`` for the position of every word), ``pdftohtml -xml``
(the font of every piece of text, to tell code from prose), ``pdfinfo`` and
``pdfimages -list``. What they compare against comes from the sources (``_toc.yml``, the
notebooks) and from the HTML book (``built_book``), never from the PDF build itself.

Where TeX Live or poppler-utils is missing the tests skip with the reason; under
``CI=true`` they fail instead (``bash tools/build-pdf.sh --install-tex`` installs them).
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import yaml
from filelock import FileLock

ROOT = pathlib.Path(__file__).resolve().parents[1]
PDF_DIR = ROOT / "_build" / "pdf"
READER = PDF_DIR / "kobolds-and-coins.pdf"
STUDENT = PDF_DIR / "kobolds-and-coins-student.pdf"
TOOLS = ("xelatex", "latexmk", "pdftotext", "pdftohtml", "pdfinfo", "pdfimages")


def _no_tex(reason: str):
    """Skip, or fail under CI=true (where the PDF tests must run)."""
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        pytest.fail(f"{reason} (CI=true: the PDF tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def built_pdfs() -> dict[str, pathlib.Path]:
    """Build both editions once per test run; return their paths by edition."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        _no_tex(
            f"TeX Live / poppler-utils missing ({', '.join(missing)}); "
            "bash tools/build-pdf.sh --install-tex installs them"
        )
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid{os.getpid()}")
    marker = PDF_DIR / f".built-{run_id}"
    with FileLock(str(PDF_DIR.parent / ".pdf-build.lock")):
        if not marker.exists():
            for old in PDF_DIR.glob(".built-*"):
                old.unlink()
            env = {
                **os.environ,
                "JUPYTER_BOOK": str(pathlib.Path(sys.executable).with_name("jupyter-book")),
            }
            start = time.monotonic()
            result = subprocess.run(
                ["bash", str(ROOT / "tools" / "build-pdf.sh"), "--no-install"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env=env,
            )
            log = result.stdout + "\n" + result.stderr
            (PDF_DIR / "build.log").write_text(log + f"\nwall time {time.monotonic() - start:.0f} s\n")
            if result.returncode != 0:
                pytest.fail("tools/build-pdf.sh failed (see _build/pdf/build.log):\n" + log[-6000:])
            marker.write_text(run_id)
    return {"reader": READER, "student": STUDENT}


# ---------------------------------------------------------------------------------------
# Reading the PDFs back


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(path: pathlib.Path) -> str:
    return _run("pdftotext", "-enc", "UTF-8", str(path), "-")


def squash(text: str) -> str:
    """Lowercase letters and digits only: immune to line breaks, hyphenation, quotes."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[^0-9a-z]", "", text.lower())


def spaced(text: str) -> str:
    """Whitespace collapsed and typographic quotes made plain."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def prose_and_code(path: pathlib.Path) -> tuple[str, str]:
    """All text of the PDF split by font: (prose, monospaced code and outputs)."""
    root = ET.fromstring(_run("pdftohtml", "-xml", "-i", "-q", "-stdout", str(path)))
    fonts = {spec.get("id"): spec.get("family", "") for spec in root.iter("fontspec")}
    prose, code = [], []
    for page in root.iter("page"):
        for text in page.iter("text"):
            content = "".join(text.itertext())
            (code if "Mono" in fonts.get(text.get("font"), "") else prose).append(content)
    return "\n".join(prose), "\n".join(code)


def words_with_boxes(path: pathlib.Path):
    """(page number, page width, xMin, xMax, word) for every word, from pdftotext -bbox."""
    html = _run("pdftotext", "-bbox", str(path), "-")
    words = []
    for number, page in enumerate(re.split(r"<page ", html)[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page
        ):
            words.append((number, width, float(x_min), float(x_max), word))
    return words


def images_per_page(path: pathlib.Path) -> dict[int, int]:
    counts: dict[int, int] = {}
    for line in _run("pdfimages", "-list", str(path)).splitlines()[2:]:
        fields = line.split()
        if len(fields) > 2 and fields[2] == "image":
            counts[int(fields[0])] = counts.get(int(fields[0]), 0) + 1
    return counts


# ---------------------------------------------------------------------------------------
# What the book should contain, from its sources


def toc_entries() -> list[tuple[str, bool]]:
    """(file, numbered) for every chapter of _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [
        (chapter["file"], bool(part.get("numbered")))
        for part in toc["parts"]
        for chapter in part["chapters"]
    ]


def title_of(file: str) -> str:
    """The first level-1 heading of a chapter's source."""
    path = ROOT / file
    if (ROOT / f"{file}.ipynb").exists():
        cells = json.loads((ROOT / f"{file}.ipynb").read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    else:
        text = path.with_suffix(".md").read_text()
    match = re.search(r"^# (.+)$", text, re.M)
    assert match, f"no title in {file}"
    return spaced(match.group(1))


def solution_sentences() -> list[str]:
    """The first plain sentence (no math, code or links) of each written solution."""
    sentences = []
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            if cell["cell_type"] != "markdown" or "solution" not in cell["metadata"].get("tags", []):
                continue
            text = " ".join("".join(cell["source"]).split())
            for sentence in re.split(r"(?<=[.:;?!])\s+", text):
                if len(sentence.split()) >= 7 and not re.search(r"[$`{}\[\]*_\\<>|#]", sentence):
                    sentences.append(sentence)
                    break
    return sentences


class _HtmlChapter(HTMLParser):
    """Images (all, and those inside a solution) and equation numbers of an HTML page."""

    def __init__(self):
        super().__init__()
        self.images = 0
        self.solution_images = 0
        self.equations: list[str] = []
        self._stack: list[bool] = []  # per open div: is it a solution?
        self._in_eqno = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div":
            self._stack.append("solution" in classes)
        if tag == "img" and "_images/" in (attrs.get("src") or ""):
            self.images += 1
            if any(self._stack):
                self.solution_images += 1
        if tag == "span" and "eqno" in classes:
            self._in_eqno = True

    def handle_endtag(self, tag):
        if tag == "div" and self._stack:
            self._stack.pop()
        if tag == "span":
            self._in_eqno = False

    def handle_data(self, data):
        if self._in_eqno and data.strip():
            self.equations.append(data.strip())


def html_chapter(built_book: pathlib.Path, file: str) -> _HtmlChapter:
    page = _HtmlChapter()
    page.feed((built_book / f"{file}.html").read_text(encoding="utf-8"))
    return page


# ---------------------------------------------------------------------------------------
# The tests


def test_both_editions_are_books(built_pdfs):
    """Title page naming the edition, document title, and a book's length."""
    for edition, path in built_pdfs.items():
        info = _run("pdfinfo", str(path))
        assert re.search(r"^Title:\s+Kobolds and Coins$", info, re.M), info
        pages = int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1))
        assert pages > 100, f"{edition}: only {pages} pages"
        first_page = pdf_text(path).split("\f")[0]
        assert "Kobolds and Coins" in first_page
        assert ("Reader's edition" if edition == "reader" else "Student edition") in spaced(first_page)
    reader_pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(READER))).group(1))
    student_pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(STUDENT))).group(1))
    assert student_pages < reader_pages


@pytest.mark.parametrize("edition", ["reader", "student"])
def test_chapter_titles_in_order_with_the_html_numbers(built_pdfs, edition):
    """Every chapter of _toc.yml opens in order; chapters of numbered parts carry the
    HTML's numbers (1, 2, ... across Parts I and II), the others carry none."""
    text = spaced(pdf_text(built_pdfs[edition]))
    # The chapter openings set the title in capitals; the body starts after the contents.
    position = text.find("CONTENTS")
    assert position >= 0
    number = 0
    for file, numbered in toc_entries():
        title = title_of(file)
        found = text.find(title.upper(), position + 1)
        assert found > position, f"{edition}: chapter {title!r} missing or out of order"
        position = found
        if numbered:
            number += 1
            # running heads of a numbered chapter: "Chapter 5. Four Ising models ..."
            assert f"Chapter {number}. {title}" in text, f"{edition}: no 'Chapter {number}. {title}'"
        else:
            assert not re.search(rf"Chapter \d+\. {re.escape(title)}", text), f"{title!r} is numbered"
    assert number > 0, "no numbered part in _toc.yml"


@pytest.mark.parametrize("edition", ["reader", "student"])
def test_no_unresolved_references_or_raw_markup(built_pdfs, edition):
    """No '??' (an unresolved reference), no MyST roles or directive options, and no raw
    TeX in the prose (code cells may hold '$', e.g. in matplotlib labels)."""
    prose, code = prose_and_code(built_pdfs[edition])
    everything = prose + "\n" + code
    for raw in ("??", "{cite}", ":label:", "{ref}", "{numref}", "{eq}", "```", "{solution", "{exercise"):
        assert raw not in everything, f"{edition}: {raw!r} in the PDF"
    for raw in ("$", "\\(", "\\)", "\\[", "\\begin", "\\frac", "\\mathbb"):
        hits = [line for line in prose.splitlines() if raw in line]
        assert not hits, f"{edition}: raw {raw!r} in the prose: {hits[:5]}"
    # The stored widget outputs are dropped (their figure at default values is the
    # static cell above each widget).
    assert "interactive(children=" not in everything


def test_every_html_figure_equation_and_exercise_is_in_the_pdf(built_pdfs, built_book):
    """Per chapter, the reader's PDF has at least the HTML page's figures; the student
    PDF at least those outside solutions; equation and exercise numbers match the HTML."""
    counts = {edition: images_per_page(path) for edition, path in built_pdfs.items()}
    texts = {edition: pdf_text(path).split("\f") for edition, path in built_pdfs.items()}
    chapters = [file for file, _ in toc_entries() if file.startswith("chapters/")]
    for edition in ("reader", "student"):
        pages = texts[edition]
        starts = []
        search_from = next(i for i, p in enumerate(pages) if "CONTENTS" in p) + 1
        for file in chapters:
            title = title_of(file).upper()
            start = next(
                (i for i in range(search_from, len(pages)) if title in spaced(pages[i])),
                None,
            )
            assert start is not None, f"{edition}: no opening page for {file}"
            starts.append(start)
            search_from = start + 1
        ends = starts[1:] + [len(pages)]
        all_text = spaced("\n".join(pages))
        for file, start, end in zip(chapters, starts, ends):
            html = html_chapter(built_book, file)
            pdf_images = sum(counts[edition].get(p + 1, 0) for p in range(start, end))
            expected = html.images if edition == "reader" else html.images - html.solution_images
            assert pdf_images >= expected, f"{edition} {file}: {pdf_images} images, HTML has {expected}"
            for eqno in html.equations:
                assert eqno in all_text, f"{edition} {file}: equation {eqno} not in the PDF"
    reader = spaced("\n".join(texts["reader"]))
    student = spaced("\n".join(texts["student"]))
    html_exercises = set()
    for file in chapters:
        html_text = (built_book / f"{file}.html").read_text(encoding="utf-8")
        html_exercises |= set(re.findall(r"Exercise \d+\.\d+", html_text))
    assert html_exercises, "no numbered exercises in the HTML"
    for text in (reader, student):
        assert set(re.findall(r"Exercise \d+\.\d+", text)) >= html_exercises


def test_student_edition_has_no_solutions(built_pdfs):
    """Solution sentences of the notebooks are in the reader's edition, boxed as
    "Solution to Exercise N.M", and not one of them is in the student edition."""
    sentences = solution_sentences()
    assert len(sentences) >= 20, sentences
    reader = pdf_text(built_pdfs["reader"])
    student = pdf_text(built_pdfs["student"])
    reader_squashed, student_squashed = squash(reader), squash(student)
    missing = [s for s in sentences if squash(s) not in reader_squashed]
    assert not missing, f"solution text missing from the reader's edition: {missing[:3]}"
    leaked = [s for s in sentences if squash(s) in student_squashed]
    assert not leaked, f"solution text in the student edition: {leaked[:3]}"
    exercises = len(set(re.findall(r"Exercise \d+\.\d+", spaced(student))))
    solutions = len(re.findall(r"Solution to Exercise \d+\.\d+", spaced(reader)))
    assert solutions == exercises > 0
    assert "Solution to Exercise" not in spaced(student)


@pytest.mark.parametrize("edition", ["reader", "student"])
def test_no_text_runs_past_the_margin(built_pdfs, edition):
    """Every word, code included, lies inside the text block (pdftotext -bbox): the left
    margin is where the text starts, and the right one mirrors it."""
    words = words_with_boxes(built_pdfs[edition])
    assert words
    width = words[0][1]
    left = min(w[2] for w in words)
    assert left > 20, f"text starts {left:.0f} pt from the page edge"
    right = width - left
    over = [(page, round(x_max - right, 1), word) for page, _, _, x_max, word in words if x_max > right + 1.0]
    assert not over, f"{edition}: words past the right margin (page, pt over, word): {over[:10]}"
