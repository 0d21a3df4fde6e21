"""The book as one argument: glossary, notation, toolkit, and the links to them.

* Every chapter links the glossary (a ``{term}`` role or a reference to the page) or the
  toolkit (a reference to one of its sections) at least once.
* Every ``{term}`` used anywhere in the book is defined in ``glossary.md``; and a real
  Sphinx build with ``-W`` (as the book's build command runs it) fails on an unknown term,
  checked on a throwaway project.
* The glossary has at least 25 terms, the toolkit the five sections other pages link to,
  the notation page one meaning per symbol per chapter, and the new chapter's one-spin
  numbers agree with the closed form.
"""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

TOOLKIT_LABELS = (
    "toolkit_lagrange",
    "toolkit_markov",
    "toolkit_eigen",
    "toolkit_discounting",
    "toolkit_stochastic_approximation",
)

# {term}`text` or {term}`text <Target>`
_TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")
_REF_ROLE = re.compile(r"\{ref\}`(?:[^`<]*<)?([\w-]+)>?`")


def chapter_notebooks() -> list[pathlib.Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def markdown_of(nb: pathlib.Path) -> str:
    cells = json.loads(nb.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def pages() -> dict[str, str]:
    """Every page of the book (markdown text), keyed by its path."""
    out = {str(nb.relative_to(ROOT)): markdown_of(nb) for nb in chapter_notebooks()}
    for md in sorted(ROOT.glob("*.md")):
        if md.name != "README.md":
            out[md.name] = md.read_text()
    return out


def term_target(text: str) -> str:
    match = re.fullmatch(r"(?s).*<(.+)>\s*", text)
    return (match.group(1) if match else text).strip()


def glossary_terms(text: str) -> set[str]:
    """Terms of the ``{glossary}`` directive: unindented lines inside its fence."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, "glossary.md has no {glossary} directive"
    terms = set()
    for line in block.group(1).splitlines():
        if line and not line[0].isspace() and not line.startswith(":"):
            terms.add(line.strip().lower())
    return terms


# ------------------------------------------------------------------ glossary and terms


def test_glossary_defines_at_least_25_terms_of_both_parts():
    terms = glossary_terms((ROOT / "glossary.md").read_text())
    assert len(terms) >= 25, len(terms)
    for needed in ("typical set", "landauer's bound", "detailed balance", "bellman equation",
                   "policy matrix", "strong discount", "weak discount", "szilard engine"):
        assert needed in terms, needed


def test_every_term_used_in_the_book_is_defined():
    terms = glossary_terms((ROOT / "glossary.md").read_text())
    missing = {
        (page, term_target(t)) for page, text in pages().items() for t in _TERM_ROLE.findall(text)
        if term_target(t).lower() not in terms
    }
    assert not missing, f"{{term}} roles with no glossary entry: {sorted(missing)}"


def test_every_chapter_links_the_glossary_or_the_toolkit():
    lacking = []
    for nb in chapter_notebooks():
        text = markdown_of(nb)
        refs = set(_REF_ROLE.findall(text))
        if not (_TERM_ROLE.search(text) or refs & {"glossary", "toolkit", *TOOLKIT_LABELS}):
            lacking.append(nb.stem)
    assert not lacking, f"chapters that link neither the glossary nor the toolkit: {lacking}"


def test_toolkit_has_the_labelled_sections_and_links_to_them_resolve():
    toolkit = (ROOT / "toolkit.md").read_text()
    for label in TOOLKIT_LABELS:
        assert f"({label})=\n## " in toolkit, label
    for page, text in pages().items():
        for ref in _REF_ROLE.findall(text):
            if ref.startswith("toolkit_"):
                assert ref in TOOLKIT_LABELS, f"{page} links an unknown toolkit section {ref}"


def test_new_pages_are_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for page in ("glossary", "notation", "toolkit", "chapters/what_the_kobold_knows"):
        assert page in files, page


def test_notation_resolves_the_collisions():
    text = (ROOT / "notation.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| $")]
    symbols = [row.split("|")[1].strip() for row in rows]
    assert "$\\mathcal{B}$" in symbols, "the Bellman operator needs its own symbol"
    assert sum(s == "$\\gamma$" for s in symbols) == 1, "gamma means the discount only"
    for row in rows:
        if row.split("|")[1].strip() == "$\\gamma$":
            assert "discount" in row
    assert any("tanh" in s for s in symbols), "Glauber's tanh(2 beta) is written out"
    # a symbol with several meanings gives each its own chapters, never the same chapter
    by_symbol: dict[str, list[set[str]]] = {}
    for row in rows:
        cells = [c.strip() for c in row.split("|")[1:-1]]
        chapters = set(re.findall(r"\{ref\}`(\w+)`", cells[-1]))
        by_symbol.setdefault(cells[0], []).append(chapters)
    for symbol, uses in by_symbol.items():
        for i in range(len(uses)):
            for j in range(i + 1, len(uses)):
                assert not (uses[i] & uses[j]), f"{symbol} has two meanings in {uses[i] & uses[j]}"
    assert "**strong discount**" in text and "**weak discount**" in text


# ------------------------------------------------------------------ a real Sphinx build


def test_the_book_builds_with_warnings_as_errors():
    """The build command (README, tools, CI fixture) runs Sphinx with -W -n."""
    script = (ROOT / "tools" / "build-book.sh").read_text()
    assert re.search(r"jupyter-book build \. -W -n --keep-going", script)
    conftest = (ROOT / "tests" / "conftest.py").read_text()
    assert '"-W", "-n"' in conftest


def _sphinx_build(tmp_path: pathlib.Path, page: str) -> subprocess.CompletedProcess:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser"]\nexclude_patterns = ["_build"]\n')
    (src / "index.md").write_text(
        "# Index\n\n```{toctree}\nglossary\npage\n```\n"
    )
    (src / "glossary.md").write_text("# Glossary\n\n```{glossary}\nKobold\n  An agent.\n```\n")
    (src / "page.md").write_text(page)
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )


def test_an_unknown_term_fails_a_warnings_as_errors_build(tmp_path):
    bad = _sphinx_build(tmp_path, "# Page\n\nA {term}`goblin` here.\n")
    assert bad.returncode != 0
    assert "goblin" in bad.stderr


def test_a_known_term_passes_the_same_build(tmp_path):
    good = _sphinx_build(tmp_path, "# Page\n\nA {term}`kobold` here.\n")
    assert good.returncode == 0, good.stderr


# ------------------------------------------------------------------ the new chapter


def test_the_chapter_states_the_one_spin_closed_form_check():
    """The chapter prints the library against the one-spin closed form, to rounding error."""
    nb = json.loads((ROOT / "chapters" / "what_the_kobold_knows.ipynb").read_text())
    text = "".join(
        "".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
    )
    match = re.search(
        r"library against closed form, 108 cases of 6 quantities:\n"
        r"largest relative difference below 1e-12: (True|False)", text)
    assert match, "the chapter does not print its closed-form check"
    assert match.group(1) == "True"


@pytest.mark.parametrize("h, beta", [(1.0, 1.0), (0.3, 2.0), (2.0, 0.1)])
def test_one_spin_information_balance_in_bits_and_heads(h, beta):
    """Part I's reading of the one-spin kobold: it gains p heads, its record costs
    H(p) T_I heads, short by -log2(1 - p) bits of price (the chapter's 'Back to the coins')."""
    import kobold_lib as kl

    p = float(kl.boltzmann_distribution(kl.zener(h), beta)[0])  # the excited state
    price = float(kl.price(p))  # bits per head
    bal = kl.information_balance(kl.zener(h), beta, 0.9)
    heads_gained = bal.extracted / (2 * h)
    heads_for_record = bal.information_bits / price
    assert heads_gained == pytest.approx(p, rel=1e-12)
    assert heads_for_record - heads_gained == pytest.approx(-np.log2(1 - p) / price, rel=1e-9)

