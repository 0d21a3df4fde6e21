"""The book as a course: the instructors' page, the exercise table, download and launch.

* ``instructors.md`` names every chapter, and its exercise table is exactly what
  ``tools/exercise_table.py`` makes from the notebooks (so it can never drift from them).
* ``_config.yml`` configures a JupyterLab launch button on Binder for the repository it
  names (not jupyter-book's default repository), with live code (thebe) off, and
  ``binder/`` holds the environment Binder builds.
* In the built book every chapter page links to its notebook for download (a file in the
  build) and to Binder's JupyterLab for that very notebook. That these links load nothing
  by themselves is checked by ``test_browser.py`` (no request leaves localhost).
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import re
from html.parser import HTMLParser

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_tool():
    spec = importlib.util.spec_from_file_location("exercise_table", ROOT / "tools" / "exercise_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def chapter_labels() -> dict[str, str]:
    labels = {}
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        first = "".join(json.loads(nb.read_text())["cells"][0]["source"])
        labels[nb.stem] = re.match(r"\((\w+)\)=", first).group(1)
    return labels


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


# ------------------------------------------------------------------ instructors page


def test_exercise_table_is_generated_from_the_notebooks():
    tool = load_tool()
    page = (ROOT / "instructors.md").read_text()
    assert page == tool.updated_page(page, tool.render()), (
        "the exercise table of instructors.md is out of date: run python tools/exercise_table.py"
    )


def test_exercise_table_lists_every_exercise_once():
    tool = load_tool()
    table = tool.render()
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        text = nb.read_text()
        labels = re.findall(r":label: (\w+_ex\d+)", text)
        assert labels, f"{nb.name} has no exercises"
        for label in labels:
            assert table.count(f"<{label}>`") == 1, f"{label} is not in the table exactly once"


@pytest.mark.parametrize(
    "text, level, kind",
    [
        ("(easy, pen-and-paper) Show that", "easy", "pen-and-paper"),
        ("**(medium, pen and paper, then check)** A hot pool", "medium", "pen-and-paper, then checked by computer"),
        ("(hard, pen-and-paper and computational) Derive", "hard", "pen-and-paper and computational"),
        ("**(hard, computational)** Reach", "hard", "computational"),
    ],
)
def test_exercise_kinds_are_read_from_the_opening_parenthesis(text, level, kind):
    assert load_tool().classify(text) == (level, kind)


def test_an_exercise_without_level_is_refused():
    with pytest.raises(ValueError, match="level"):
        load_tool().classify("Show that beta is the price.")


def test_instructors_page_maps_every_chapter_and_is_in_the_toc():
    page = (ROOT / "instructors.md").read_text()
    assert page.startswith("(instructors)=\n# ")
    head = page.split("## Exercises at a glance")[0]
    for stem, label in chapter_labels().items():
        assert f"{{ref}}`{label}`" in head, f"the chapter map does not mention {stem}"
    toc = (ROOT / "_toc.yml").read_text()
    assert re.search(r"^\s*- file: instructors\s*$", toc, re.M)
    for section in ("A four-week plan", "The student edition", "Grading", "tools/student-edition.sh"):
        assert section in page


# ------------------------------------------------------------------ launch and download


def test_config_has_a_jupyterlab_binder_launch_button_and_no_thebe():
    cfg = config()
    launch = cfg["launch_buttons"]
    assert launch["notebook_interface"] == "jupyterlab"
    assert launch["binderhub_url"].startswith("https://")
    assert not launch.get("thebe", False), "thebe loads its scripts from a CDN: keep it off"
    repo = cfg["repository"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", repo["url"])
    assert "executablebooks" not in repo["url"], "jupyter-book's default repository would be launched"
    assert repo["branch"]
    assert repo["url"] in (ROOT / "README.md").read_text(), "README must document the repository setting"


def test_binder_environment_installs_the_requirements_and_the_library():
    requirements = (ROOT / "binder" / "requirements.txt").read_text()
    assert re.search(r"^-r \.\./requirements\.txt$", requirements, re.M)
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "pip install" in post.read_text() and "-e ." in post.read_text()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def test_every_chapter_page_offers_download_and_launch(built_book):
    cfg = config()
    org_repo = cfg["repository"]["url"].removeprefix("https://github.com/")
    binder = cfg["launch_buttons"]["binderhub_url"].rstrip("/")
    branch = cfg["repository"]["branch"]
    for stem in chapter_labels():
        page = built_book / "chapters" / f"{stem}.html"
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        download = f"../_sources/chapters/{stem}.ipynb"
        assert download in parser.hrefs, f"{stem}: no notebook download link"
        target = (page.parent / download).resolve()
        assert target.is_file(), f"{stem}: the download link points at a missing file"
        assert json.loads(target.read_text())["cells"], f"{stem}: the downloadable notebook is empty"
        launch = f"{binder}/v2/gh/{org_repo}/{branch}?urlpath=lab/tree/chapters/{stem}.ipynb"
        assert launch in parser.hrefs, f"{stem}: no JupyterLab launch link {launch}"
