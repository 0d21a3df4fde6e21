"""Sphinx extension for the print edition of the book (``bash tools/build-pdf.sh``).

It acts on the LaTeX builder only; the HTML book is untouched. Over what
sphinx-jupyterbook-latex and sphinx-exercise write, it makes the PDF follow the HTML:

* **Parts.** Each part of ``_toc.yml`` becomes a LaTeX ``\\part`` under its own caption
  ("Part I: ...", not "Part I" twice). Chapters of an unnumbered part ("Getting
  started", "Back matter") are unnumbered, so "Coins, constraints and maximum entropy"
  is chapter 1 as in the HTML, and sections, equations and exercises are numbered
  within their chapter (Exercise 1.1, equation (1.1)) as in the HTML.
* **Widgets.** An ``interact`` cell's stored output is a live widget (its text fallback
  is a repr such as ``interactive(children=(IntSlider(...``). The PDF drops that output;
  the figure at default values is the static cell right above every widget cell. A
  ``kl.live_figure`` output also carries its default frame as ``image/png``: the PDF
  keeps that bundle and prints that figure.
* **Solutions.** The environment variable ``KOBOLDS_PDF_EDITION`` picks the edition:
  ``reader`` (the default) prints each solution after its exercise in a box of its own,
  titled "Solution to Exercise 1.1"; ``student`` leaves every solution out (the
  solution text and its code cells, which sphinx-exercise gathers into one node). The
  title page names the edition.
* **Proofs** run as text ending in a square, not in an untitled box; **long tables**
  get column widths so that their cells wrap inside the margins.

Both editions read the same doctrees: the edition is applied when the LaTeX document is
assembled (post-transforms), so switching it never re-reads a notebook.
"""

from __future__ import annotations

import os

from docutils import nodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape as tex_escape

EDITION_VARIABLE = "KOBOLDS_PDF_EDITION"
EDITIONS = {
    "reader": "Reader's edition, with solutions",
    "student": "Student edition, without solutions",
}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def edition() -> str:
    """The edition asked for by ``KOBOLDS_PDF_EDITION`` (``reader`` when unset)."""
    value = os.environ.get(EDITION_VARIABLE, "reader").strip().lower() or "reader"
    if value not in EDITIONS:
        raise ValueError(f"{EDITION_VARIABLE} must be one of {sorted(EDITIONS)}, got {value!r}")
    return value


def _is_latex(transform: SphinxPostTransform) -> bool:
    return isinstance(transform.app.builder, LaTeXBuilder)


class DropWidgetOutputs(SphinxPostTransform):
    """Remove stored widget outputs (and outputs left empty by that) from the PDF.

    A live figure's bundle (widget view plus ``image/png``, see
    ``kobold_lib.figures.live``) stays: MyST-NB then picks its PNG, the default frame.

    Runs before MyST-NB picks one mime type per output (its priority 4), while the
    bundle still shows that the output is a widget.
    """

    default_priority = 3

    def run(self, **kwargs) -> None:
        if not _is_latex(self):
            return
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            mimes = {child.get("mime_type") for child in bundle.children}
            if WIDGET_MIME in mimes and "image/png" not in mimes:
                output = bundle.parent
                bundle.parent.remove(bundle)
                if "cell_output" in output.get("classes", []) and not output.children:
                    output.parent.remove(output)


class PrintSolutions(SphinxPostTransform):
    """Box and title each solution (reader's edition), or drop it (student edition).

    Runs after sphinx-exercise has numbered the exercises (its priorities 20 to 22).
    """

    default_priority = 30

    def run(self, **kwargs) -> None:
        if not _is_latex(self):
            return
        from sphinx_exercise.nodes import exercise_enumerable_node, solution_node

        titles = {}
        for exercise in list(self.document.findall(exercise_enumerable_node)):
            titles[exercise.get("label")] = exercise.children[0].astext() if exercise.children else ""
            # A {ref} to an exercise (the exercise table of instructors.md) links to
            # "docname:label"; sphinx-exercise labels the box "exercise:label" only.
            anchor = "%s:%s" % (exercise.get("docname", ""), exercise.get("label", ""))
            exercise.parent.insert(
                exercise.parent.index(exercise),
                nodes.raw("", "\\phantomsection\\label{\\detokenize{%s}}" % anchor, format="latex"),
            )
        student = edition() == "student"
        for solution in list(self.document.findall(solution_node)):
            if student:
                solution.parent.remove(solution)
                continue
            exercise_title = titles.get(solution.get("target_label"), "")
            title = f"Solution to {exercise_title}" if exercise_title else "Solution"
            label = f"{solution.get('docname', '')}:{solution.get('label', '')}"
            start = nodes.raw(
                "",
                "\n\\phantomsection\\label{%s}\n\\begin{sphinxadmonition}{tip}{%s}\n"
                % (label, tex_escape(title)),
                format="latex",
            )
            end = nodes.raw("", "\n\\end{sphinxadmonition}\n", format="latex")
            body = [child for child in solution.children if not isinstance(child, nodes.title)]
            solution.replace_self([start, *body, end])


class PartHeadings(SphinxPostTransform):
    """Number the chapters of the numbered parts of ``_toc.yml`` only.

    sphinx-jupyterbook-latex turns each toctree caption into a section of the root
    document (a LaTeX ``\\part``) whose ``docname`` is the caption. Before each one this
    writes the LaTeX section-numbering depth: none for an unnumbered part, chapters and
    sections for a numbered one. Runs after that extension's own transform (700).
    """

    default_priority = 750

    def run(self, **kwargs) -> None:
        if not _is_latex(self):
            return
        sitemap = getattr(self.config, "external_site_map", None)
        if sitemap is None:
            return
        numbered = {tree.caption: bool(tree.numbered) for tree in sitemap.root.subtrees if tree.caption}
        for section in list(self.document.findall(nodes.section)):
            caption = section.get("docname")
            if caption not in numbered or not isinstance(section.parent, nodes.Element):
                continue
            depth = "\\kcnumberedpart" if numbered[caption] else "\\kcunnumberedpart"
            holder = section.parent  # the start_of_file node wrapping the part
            holder.parent.insert(holder.parent.index(holder), nodes.raw("", depth + "\n", format="latex"))


class PlainProofs(SphinxPostTransform):
    """Typeset each ``{prf:proof}`` as running text that ends with a square.

    sphinx-proof wraps a proof in an admonition without a title; Sphinx's LaTeX writer
    expects one, and took the first paragraph mark for it (an empty title bar). The
    proof's text already starts with "Proof.", so the box is left out.
    """

    default_priority = 30

    def run(self, **kwargs) -> None:
        if not _is_latex(self):
            return
        for box in list(self.document.findall(nodes.admonition)):
            if "proof" not in box["classes"] or any(isinstance(c, nodes.title) for c in box.children):
                continue
            qed = nodes.raw("", "\\nopagebreak\\hfill\\ensuremath{\\square}\n", format="latex")
            box.replace_self([*box.children, qed])


class LongTableWidths(SphinxPostTransform):
    """Give the columns of a long table widths, so that its cells wrap.

    A Markdown table longer than 30 rows becomes a LaTeX ``longtable``; with MyST's
    automatic widths each of its columns is as wide as its longest cell, and the
    exercise table of the instructors' page ran past the right margin. Each column gets
    a share of the line in proportion to its longest cell (at most 40 characters, plus
    room for the cell padding).
    """

    default_priority = 800

    def run(self, **kwargs) -> None:
        if not _is_latex(self):
            return
        for table in self.document.findall(nodes.table):
            if "colwidths-given" in table["classes"]:
                continue
            rows = list(table.findall(nodes.row))
            if len(rows) <= 30:
                continue
            for tgroup in table.findall(nodes.tgroup):
                colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
                longest = [10] * len(colspecs)
                for row in tgroup.findall(nodes.row):
                    for i, entry in enumerate(row.children[: len(colspecs)]):
                        longest[i] = max(longest[i], min(40, len(entry.astext())) + 3)
                for colspec, width in zip(colspecs, longest):
                    colspec["colwidth"] = width
            if "colwidths-auto" in table["classes"]:
                table["classes"].remove("colwidths-auto")
            table["classes"].append("colwidths-given")


# The HTML book links the print edition from its front page when it has been built
# (tools/build-pdf.sh writes both files to _build/pdf/, beside _build/html/).
PDF_FILES = (
    ("kobolds-and-coins.pdf", "the reader's edition, with solutions"),
    ("kobolds-and-coins-student.pdf", "the student edition, without solutions"),
)


def _built_pdfs(app) -> list[tuple[str, str]]:
    import pathlib

    folder = pathlib.Path(app.outdir).parent / "pdf"
    return [(name, what) for name, what in PDF_FILES if (folder / name).is_file()]


def link_pdfs(app, doctree, docname) -> None:
    """On the HTML front page, a line linking the PDFs (only those that exist)."""
    if app.builder.format != "html" or docname != app.config.root_doc:
        return
    pdfs = _built_pdfs(app)
    if not pdfs:
        return
    para = nodes.paragraph(classes=["print-edition"])
    para += nodes.Text("The whole book as one PDF, for print and offline reading: ")
    for i, (name, what) in enumerate(pdfs):
        if i:
            para += nodes.Text(" and ")
        para += nodes.reference("", what, refuri=name, internal=False)
    para += nodes.Text(".")
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    first = next((i for i, c in enumerate(section.children) if isinstance(c, nodes.paragraph)), None)
    section.insert(len(section.children) if first is None else first + 1, para)


def copy_pdfs(app, exception) -> None:
    """Copy the PDFs that the front page links into the HTML output."""
    import pathlib
    import shutil

    if exception is not None or app.builder.format != "html":
        return
    folder = pathlib.Path(app.outdir).parent / "pdf"
    for name, _ in _built_pdfs(app):
        shutil.copyfile(folder / name, pathlib.Path(app.outdir) / name)


def configure_latex(app) -> None:
    """LaTeX builder only: HTML-like numbering, and the edition on the title page."""
    if not isinstance(app.builder, LaTeXBuilder):
        return
    # sphinx-jupyterbook-latex sets 2 (Exercise 1.9.1); the HTML numbers exercises and
    # equations within their chapter (Exercise 1.1).
    app.config.numfig_secnum_depth = 1
    name = EDITIONS[edition()]
    # The builder copied latex_elements into its context before this event.
    app.builder.context["maketitle"] = "\\setreleaseinfo{%s}\\sphinxmaketitle" % tex_escape(name)


def setup(app):
    app.add_post_transform(DropWidgetOutputs)
    app.add_post_transform(PrintSolutions)
    app.add_post_transform(PartHeadings)
    app.add_post_transform(PlainProofs)
    app.add_post_transform(LongTableWidths)
    app.connect("doctree-resolved", link_pdfs)
    app.connect("build-finished", copy_pdfs)
    # After sphinx-jupyterbook-latex's own builder-inited handler (priority 500).
    app.connect("builder-inited", configure_latex, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
