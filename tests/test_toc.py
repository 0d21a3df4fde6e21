"""The table of contents, the chapters folder and the notebooks' own hygiene agree."""

from __future__ import annotations

import json
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files.extend(section["file"] for section in chapter.get("sections", []))
    return [re.sub(r"\.(ipynb|md)$", "", f) for f in files]


def chapter_notebooks() -> list[pathlib.Path]:
    return sorted(p for p in (ROOT / "chapters").glob("*.ipynb"))


def test_toc_and_chapters_list_the_same_notebooks():
    in_toc = {f for f in toc_files() if f.startswith("chapters/")}
    on_disk = {str(p.relative_to(ROOT).with_suffix("")) for p in chapter_notebooks()}
    assert on_disk == in_toc, f"only on disk: {on_disk - in_toc}; only in _toc.yml: {in_toc - on_disk}"


def test_every_toc_entry_exists():
    for f in toc_files():
        assert any((ROOT / (f + ext)).exists() for ext in (".ipynb", ".md")), f"_toc.yml lists missing {f}"


def load(nb: pathlib.Path) -> dict:
    return json.loads(nb.read_text())


def test_notebooks_use_the_python3_kernel_and_store_outputs():
    for nb in chapter_notebooks():
        data = load(nb)
        assert data["metadata"]["kernelspec"]["name"] == "python3", nb
        code = [c for c in data["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert code, f"{nb} has no code"
        assert any(c.get("outputs") for c in code), f"{nb} stores no outputs"
        for cell in code:
            assert not any(o.get("output_type") == "error" for o in cell.get("outputs", [])), f"{nb} stores an error"
            assert not re.search(r"@(numba\.)?(n?jit|vectorize)\b", "".join(cell["source"])), (
                f"{nb} defines a jitted function in a cell; move it to kobold_lib"
            )


def test_every_chapter_opens_with_a_label_overview_and_ends_with_exercises():
    for nb in chapter_notebooks():
        cells = load(nb)["cells"]
        first = "".join(cells[0]["source"])
        assert re.match(r"\(\w+\)=\s*\n# ", first), f"{nb}: first cell must be '(label)=' then '# Title'"
        markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        assert "## Overview" in markdown, f"{nb} has no '## Overview'"
        assert "## Exercises" in markdown, f"{nb} has no '## Exercises'"
        assert "{exercise}" in markdown and "{solution-start}" in markdown, f"{nb} has no exercise with solution"


def test_solution_and_exercise_cells_are_tagged():
    """A student edition drops cells tagged 'solution': every solution block must be tagged."""
    for nb in chapter_notebooks():
        cells = load(nb)["cells"]
        inside = False
        for cell in cells:
            src = "".join(cell["source"])
            tags = cell.get("metadata", {}).get("tags", [])
            if cell["cell_type"] == "markdown" and "{exercise}" in src:
                assert "exercise" in tags, f"{nb}: exercise cell not tagged 'exercise': {src[:60]!r}"
            if "{solution-start}" in src:
                inside = True
                continue
            if "{solution-end}" in src:
                inside = False
                continue
            if inside and cell["cell_type"] == "code":
                assert "solution" in tags, f"{nb}: solution code cell not tagged 'solution': {src[:60]!r}"


def test_widget_cells_follow_a_static_figure_and_are_the_only_ignored_outputs():
    for nb in chapter_notebooks():
        for cell in load(nb)["cells"]:
            if cell["cell_type"] != "code":
                continue
            tags = cell.get("metadata", {}).get("tags", [])
            src = "".join(cell["source"])
            if "nbval-ignore-output" in tags:
                # an interact cell, or a live figure (kl.live_figure: ipywidgets in a kernel)
                assert "interact" in src or "live_figure(" in src, (
                    f"{nb}: only widget cells may skip output checks: {src[:80]!r}")
            assert "NBVAL_IGNORE_OUTPUT" not in src, f"{nb}: use the cell tag, not the comment"


def test_no_unfinished_markers_in_pages_or_library():
    """No page or module admits to being unfinished (the whole file is read, images too)."""
    pattern = re.compile(r"\b(TODO|FIXME|placeholder|not implemented)\b", re.I)
    files = list((ROOT / "kobold_lib").glob("*.py")) + chapter_notebooks() + list(ROOT.glob("*.md"))
    for path in files:
        text = path.read_text(errors="ignore")
        match = pattern.search(text) or ("NotImplementedError" in text and "NotImplementedError")
        assert not match, f"{path.name}: {match}"


def test_public_names_are_unique_across_modules():
    """Every public name is importable from kobold_lib, so no two modules may share one."""
    import importlib

    import kobold_lib

    owners: dict[str, list[str]] = {}
    for path in sorted((ROOT / "kobold_lib").glob("*.py")):
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"kobold_lib.{path.stem}")
        for name in getattr(module, "__all__", []):
            owners.setdefault(name, []).append(path.stem)
            assert getattr(kobold_lib, name) is getattr(module, name), f"kobold_lib.{name} is not {path.stem}.{name}"
    clashes = {name: mods for name, mods in owners.items() if len(mods) > 1}
    assert not clashes, clashes
