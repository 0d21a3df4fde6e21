"""The HTML book builds with warnings as errors, and every chapter page shows its figures."""

from __future__ import annotations

import json
import pathlib
import re
from html.parser import HTMLParser

ROOT = pathlib.Path(__file__).resolve().parents[1]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(path: pathlib.Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def chapter_notebooks() -> list[pathlib.Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def stored_figures(nb: pathlib.Path) -> int:
    cells = json.loads(nb.read_text())["cells"]
    return sum(
        1
        for cell in cells
        if cell["cell_type"] == "code"
        and "nbval-ignore-output" not in cell.get("metadata", {}).get("tags", [])
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    )


def test_book_builds_and_every_chapter_page_shows_its_figures(built_book):
    assert (built_book / "index.html").exists() or (built_book / "intro.html").exists()
    for nb in chapter_notebooks():
        page_path = built_book / "chapters" / (nb.stem + ".html")
        assert page_path.exists(), f"no page for {nb.name}"
        page = parse(page_path)
        figures = [src for src in page.images if not src.startswith("data:") and "logo" not in src]
        expected = stored_figures(nb)
        assert len(figures) >= expected, f"{nb.name}: {len(figures)} figures on the page, {expected} stored"
        for src in figures:
            assert not re.match(r"https?://", src), f"{nb.name}: remote image {src}"
            target = (page_path.parent / src.split("#")[0].split("?")[0]).resolve()
            assert target.exists() and target.stat().st_size > 0, f"{nb.name}: missing image {src}"
        text = " ".join(page.text)
        assert "Traceback (most recent call last)" not in text, f"{nb.name} shows a traceback"


def test_intro_and_references_pages(built_book):
    intro = " ".join(parse(built_book / "intro.html").text)
    assert "Kobolds and Coins" in intro
    references = " ".join(parse(built_book / "references.html").text)
    for needle in ("Wentworth", "Landauer", "Glauber", "Metropolis", "Bellman", "Jaynes", "Bennett"):
        assert needle in references, f"bibliography lacks {needle}"
