"""Sphinx extension: emit each inline ``<script>`` of a page once.

Sphinx 7.4 (the series jupyter-book 1.x requires) writes an inline script twice when an
extension adds it after the HTML builder has started: ``Sphinx.add_js_file(None,
body=...)`` hands the builder ``filename=None``, and the builder later re-adds every
registered script with ``filename=''``, which it does not recognise as the same one.
sphinx-thebe's ``const THEBE_JS_URL = ...`` then runs twice and every page throws
"SyntaxError: Identifier 'THEBE_JS_URL' has already been declared" (sphinx-togglebutton's
``var togglebuttonSelector`` is doubled too, harmlessly). Fixed upstream in the Sphinx 8
series (sphinx-doc/sphinx#13402, merged March 2025); this extension drops the duplicates
page by page until the book moves to a Sphinx with that fix.
"""

from __future__ import annotations


def _key(asset) -> tuple:
    filename = getattr(asset, "filename", asset) or ""
    attributes = getattr(asset, "attributes", {}) or {}
    priority = getattr(asset, "priority", 500)
    return (str(filename), priority, tuple(sorted((k, str(v)) for k, v in attributes.items())))


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for asset in scripts:
        key = _key(asset)
        if key not in seen:
            seen.add(key)
            unique.append(asset)
    scripts[:] = unique


def setup(app):
    # Late priority: after every extension (MathJax included) has added its page scripts.
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
