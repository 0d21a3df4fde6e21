"""Live figures (kobold_lib.figures.live): frames, validation, the display bundle, the browser.

* Unit tests: for a drawing function of two and of three controls, the frame the HTML
  shows for given control values is the one drawn for exactly those values: each test
  drawing function prints the data it plotted, read back from the figure's line, and the
  test compares that text (and the PNG of an independent call of the function for the
  same values) with the frame; every frame is distinct, so a shuffled grid cannot pass.
  Bad specifications raise ValueError naming the control.
* The bundle: one display with the widget view, the HTML block and the default PNG when
  frames are asked for; only the widget (and one drawing, at the defaults) otherwise.
* In headless Chromium (the fence and browser of tests/test_browser.py): a one-page book
  built by jupyter-book from a small notebook holding a three-control live figure, with
  the book's own ``_static/`` and MyST-NB settings: one control per parameter, moving each
  control changes the image, the readout and the printed text match the values. The same
  check on every built chapter page whose notebook calls kl.live_figure (the controls
  named in the call, in order).
* The chapters that use kl.live_figure store its frames and no saved widget state or view;
  tools/execute_notebook.py strips exactly those.
"""

from __future__ import annotations

import base64
import functools
import http.server
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kobold_lib as kl  # noqa: E402
from kobold_lib.figures import live  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
DPI = 40


def draw_two(a, shape):
    """Plots a line whose data encode the arguments; prints the plotted data."""
    x = np.linspace(0.0, 1.0, 5)
    y = a * x if shape == "line" else a * x**2
    fig, ax = plt.subplots(figsize=(2.0, 1.5))
    ax.plot(x, y)
    ax.set_title(f"{a} {shape}")
    plt.show()
    (line,) = ax.lines
    print("y =", np.array2string(line.get_ydata(), precision=6))


def draw_three(n, beta, model):
    fig, ax = plt.subplots(figsize=(2.0, 1.5))
    k = np.arange(n + 1)
    weights = np.exp(-beta * k * (1 if model == "ferro" else -1))
    ax.plot(k, weights / weights.sum())
    ax.set_title(f"{n} {beta:.4g} {model}")
    plt.show()
    print(f"n={n} beta={beta!r} model={model}")
    print("w =", np.array2string(ax.lines[0].get_ydata(), precision=6))


def direct(draw, **kwargs):
    """An independent call of ``draw``: its PNG (same settings as the frames) and text."""
    out = io.StringIO()
    show = plt.show
    plt.show = lambda *a, **k: None
    try:
        import contextlib

        with contextlib.redirect_stdout(out):
            draw(**kwargs)
    finally:
        plt.show = show
    png = live._png(plt.gcf(), DPI, 64)  # the frames' encoding (a 64-colour palette)
    plt.close("all")
    return png, out.getvalue()


TWO = dict(a=kl.slider(0.5, 2.0, 0.25, value=1.0, description="slope a"),
           shape=kl.choice(["line", "parabola"], value="parabola", description="shape"))
THREE = dict(n=kl.int_slider(2, 6, 2, value=4, description="pool size n"),
             beta=kl.log_slider(-1, 1, 0.5, value=1.0, description="beta"),
             model=kl.choice([("ferromagnet", "ferro"), ("antiferromagnet", "anti")], description="model"))


@pytest.fixture(scope="module")
def two():
    return kl.render_frames(draw_two, dpi=DPI, **TWO)


@pytest.fixture(scope="module")
def three():
    return kl.render_frames(draw_three, dpi=DPI, **THREE)


def test_two_controls_grid_and_defaults(two):
    controls = two.payload["controls"]
    assert [c["name"] for c in controls] == ["a", "shape"]
    assert controls[0]["values"] == [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    assert controls[0]["labels"] == ["0.50", "0.75", "1.00", "1.25", "1.50", "1.75", "2.00"]
    assert controls[0]["default"] == 2 and controls[0]["kind"] == "range"
    assert controls[1] == {"name": "shape", "description": "shape", "kind": "select",
                           "labels": ["line", "parabola"], "values": ["line", "parabola"], "default": 1}
    assert len(two.payload["frames"]) == 14
    # every frame is its own drawing, so a misplaced frame cannot go unnoticed
    assert len({text for _, text in two.payload["frames"]}) == 14
    assert len(set(two.payload["images"])) == 14


@pytest.mark.parametrize("a", [0.5, 1.25, 2.0])
@pytest.mark.parametrize("shape", ["line", "parabola"])
def test_two_controls_frame_is_the_one_drawn_for_those_values(two, a, shape):
    png, text = two.frame(a=a, shape=shape)
    x = np.linspace(0.0, 1.0, 5)
    expected = a * x if shape == "line" else a * x**2
    assert text == "y = " + np.array2string(expected, precision=6) + "\n"
    assert (png, text) == direct(draw_two, a=a, shape=shape)


def test_three_controls_frame_is_the_one_drawn_for_those_values(three):
    controls = three.payload["controls"]
    assert [c["values"] for c in controls] == [
        [2, 4, 6], [0.1, 10**-0.5, 1.0, 10**0.5, 10.0], ["ferro", "anti"]]
    assert [c["labels"] for c in controls][2] == ["ferromagnet", "antiferromagnet"]
    assert [c["default"] for c in controls] == [1, 2, 0]
    assert [c["kind"] for c in controls] == ["range", "range", "select"]
    assert len(three.payload["frames"]) == 3 * 5 * 2
    assert len({text for _, text in three.payload["frames"]}) == 30
    for n in (2, 4, 6):
        for beta in controls[1]["values"]:
            for model in ("ferro", "anti"):
                png, text = three.frame(n=n, beta=beta, model=model)
                k = np.arange(n + 1)
                w = np.exp(-beta * k * (1 if model == "ferro" else -1))
                assert text == (f"n={n} beta={beta!r} model={model}\n"
                                f"w = {np.array2string(w / w.sum(), precision=6)}\n")
                assert png == direct(draw_three, n=n, beta=beta, model=model)[0]


def test_default_frame_is_in_the_html_block(three):
    png, text = three.frame(n=4, beta=1.0, model="ferro")
    assert three.default_png == png
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in three.html
    assert "n=4 beta=1.0 model=ferro" in three.html
    assert three.html.startswith('<div class="kobold-live">')
    # the payload sits in a JSON script block and reads back as the payload
    start = three.html.index('class="kobold-live-data">') + len('class="kobold-live-data">')
    data = three.html[start:three.html.index("</script>")]
    assert json.loads(data) == three.payload


def test_coarsened_grid_counts_from_the_default():
    frames = kl.render_frames(draw_two, dpi=DPI, a=kl.slider(0.0, 1.0, 0.1, value=0.3, html_step=0.2),
                              shape=kl.choice(["line"]))
    assert frames.payload["controls"][0]["values"] == [0.1, 0.3, 0.5, 0.7, 0.9]
    assert frames.payload["controls"][0]["default"] == 1
    assert "5 of its 11 values" in frames.html


def test_palette_frames_are_smaller_and_rgba_is_kept_on_request():
    full = kl.render_frames(draw_two, dpi=DPI, colors=None, a=kl.slider(1.0, 2.0, 1.0), shape=kl.choice(["line"]))
    small = kl.render_frames(draw_two, dpi=DPI, a=kl.slider(1.0, 2.0, 1.0), shape=kl.choice(["line"]))
    assert len(small.html) < len(full.html)
    from PIL import Image

    assert Image.open(io.BytesIO(full.default_png)).mode == "RGBA"
    assert Image.open(io.BytesIO(small.default_png)).mode == "P"
    with pytest.raises(ValueError, match="colors must be"):
        kl.render_frames(draw_two, colors=1, a=kl.slider(1.0, 2.0, 1.0), shape=kl.choice(["line"]))


def test_coarsened_grid_says_so_and_keeps_the_default():
    frames = kl.render_frames(draw_two, dpi=DPI, a=kl.slider(0.0, 2.0, 0.25, value=1.0, html_step=0.5),
                              shape=kl.choice(["line", "parabola", "line2"], html_every=2, value="line"))
    a, shape = frames.payload["controls"]
    assert a["values"] == [0.0, 0.5, 1.0, 1.5, 2.0] and a["default"] == 2
    assert shape["values"] == ["line", "line2"] and shape["default"] == 0
    assert "5 of its 9 values" in frames.html and "2 of its 3 values" in frames.html


@pytest.mark.parametrize(
    "controls, message",
    [
        (dict(shape=kl.choice([])), "'shape': options is empty"),
        (dict(a=kl.slider(0.0, 1.0, 0.3)), "'a': step=0.3 does not divide the range"),
        (dict(a=kl.slider(0.0, 1.0, 0.0)), "'a': step must be > 0"),
        (dict(a=kl.slider(1.0, 0.0, 0.1)), "'a': max must be > min"),
        (dict(a=kl.slider(0.0, 1.0, 0.1, value=0.25)), "'a': value=0.25 is not on the grid"),
        (dict(a=kl.slider(0.0, 1.0, 0.1, html_step=0.15)), "'a': html_step=0.15 must be a whole multiple"),
        (dict(a=kl.slider(0.0, 1.0, 0.1, html_step=0.05)), "'a': html_step=0.05 must be a whole multiple"),
        (dict(a=kl.slider(0.0, 1.0, 0.5)), None),  # (fine; stands beside the bad ones)
        (dict(n=kl.int_slider(0, 10, 3)), "'n': step=3.0 does not divide the range"),
        (dict(b=kl.log_slider(-1, 1, 0.5, value=0.2)), "'b': value=0.2 is not on the grid"),
        (dict(m=kl.choice(["x", "y"], value="z")), "'m': value='z' is not one of the options"),
        (dict(m=kl.choice(["x"], widget="knob")), "'m': widget must be"),
        # an HTML grid that keeps only the default: the control could not move there
        (dict(n=kl.int_slider(4, 16, 1, value=12, html_step=12)), "'n': the HTML grid keeps only the default (12)"),
        (dict(m=kl.choice(["x", "y", "z"], value="y", html_every=3)), "'m': the HTML grid keeps only the default (y)"),
    ],
)
def test_bad_specs_raise_a_clear_value_error(controls, message):
    if message is None:
        kl.render_frames(draw_two, dpi=DPI, **controls, shape=kl.choice(["line"]))
        return
    with pytest.raises(ValueError, match=re.escape(message)):
        kl.render_frames(draw_two, **controls)


def test_not_a_spec_or_no_controls():
    with pytest.raises(TypeError, match="control 'a'"):
        kl.render_frames(draw_two, a=0.5)
    with pytest.raises(ValueError, match="at least one control"):
        kl.render_frames(draw_two)


def test_grid_over_the_page_budget_is_refused_before_drawing_it():
    calls = []

    def counted(a, shape):
        calls.append((a, shape))
        draw_two(a, shape)

    with pytest.raises(ValueError, match=r"over the page budget.*coarsen control 'a'"):
        kl.render_frames(counted, budget_bytes=50_000, dpi=DPI,
                         a=kl.slider(0.0, 10.0, 0.01, value=1.0), shape=kl.choice(["line", "parabola"]))
    assert len(calls) == 1  # the estimate from the first frame stops it
    # the real total is checked too: a budget the first frame fits, the grid does not
    with pytest.raises(ValueError, match="over the page budget"):
        kl.render_frames(draw_two, budget_bytes=len(kl.render_frames(draw_two, dpi=DPI, **TWO).html) // 3,
                         dpi=DPI, **TWO)


def test_more_than_one_figure_per_frame_is_refused():
    def two_figures(a):
        plt.figure()
        plt.show()
        plt.figure()
        plt.show()

    with pytest.raises(ValueError, match="made 2 figures"):
        kl.render_frames(two_figures, a=kl.slider(0.0, 1.0, 0.5))
    assert plt.get_fignums() == []


def test_widgets_match_the_specs():
    grids = live._grids(draw_three, {**THREE, "p": kl.slider(0.01, 0.99, 0.01, value=0.2, readout_format=".3f")})
    widgets = {g.name: g.widget() for g in grids}
    import ipywidgets

    assert isinstance(widgets["n"], ipywidgets.IntSlider)
    assert (widgets["n"].min, widgets["n"].max, widgets["n"].step, widgets["n"].value) == (2, 6, 2, 4)
    assert isinstance(widgets["beta"], ipywidgets.FloatLogSlider)
    assert (widgets["beta"].min, widgets["beta"].max, widgets["beta"].base) == (-1, 1, 10)
    assert widgets["beta"].value == pytest.approx(1.0)
    assert isinstance(widgets["model"], ipywidgets.Dropdown) and widgets["model"].value == "ferro"
    assert widgets["model"].label == "ferromagnet" and len(widgets["model"].options) == 2
    p = widgets["p"]
    assert isinstance(p, ipywidgets.FloatSlider)
    assert (p.min, p.max, p.step, p.value, p.readout_format) == (0.01, 0.99, 0.01, 0.2, ".3f")
    for w in widgets.values():
        assert float(w.layout.width.removesuffix("px")) >= 350
        if not isinstance(w, ipywidgets.Dropdown):  # a dropdown has no continuous updates
            assert w.continuous_update is False
    assert widgets["p"].description == "p" and widgets["n"].description == "pool size n"
    sel = live._grids(draw_two, {"shape": kl.choice(["line", "parabola"], value="line", widget="slider")})[0]
    assert sel.kind == "range"
    w = sel.widget()
    assert isinstance(w, ipywidgets.SelectionSlider) and w.value == "line" and w.continuous_update is False


def _shown(monkeypatch, **kwargs):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    kl.live_figure(**kwargs)
    return shown


def test_live_figure_bundle_with_frames(monkeypatch):
    calls = []

    def counted(a, shape):
        calls.append((a, shape))
        draw_two(a, shape)

    shown = _shown(monkeypatch, draw=counted, frames=True, dpi=DPI, **TWO)
    assert len(shown) == 1
    bundle, raw = shown[0]
    assert raw is True
    assert set(bundle) == {live.WIDGET_MIME, "text/html", "image/png", "text/plain"}
    assert bundle[live.WIDGET_MIME]["model_id"]
    assert bundle["text/html"].startswith('<div class="kobold-live">')
    frames = kl.render_frames(draw_two, dpi=DPI, **TWO)
    assert frames.default_png == frames.frame(a=1.0, shape="parabola")[0]
    # the print edition's PNG: the default frame, drawn again at print resolution in full colour
    draw_two(1.0, "parabola")
    assert base64.b64decode(bundle["image/png"]) == live._png(plt.gcf(), 150, None)
    plt.close("all")
    # every frame, the print PNG, and the widget's own drawing at the defaults
    assert len(calls) == 14 + 1 + 1
    plt.close("all")


def test_live_figure_without_frames_is_a_plain_widget(monkeypatch):
    import ipywidgets

    calls = []

    def counted(a, shape):
        calls.append((a, shape))

    monkeypatch.delenv(live.FRAMES_VARIABLE, raising=False)
    shown = _shown(monkeypatch, draw=counted, **TWO)
    assert len(shown) == 1 and isinstance(shown[0][0], ipywidgets.interactive)
    assert calls == [(1.0, "parabola")]  # only the widget's drawing at the defaults
    monkeypatch.setenv(live.FRAMES_VARIABLE, "1")
    calls.clear()
    shown = _shown(monkeypatch, draw=counted, **TWO)
    assert isinstance(shown[0][0], dict) and "text/html" in shown[0][0]
    assert len(calls) == 14 + 2


def test_parameters_without_a_control_keep_their_defaults(monkeypatch):
    """A drawing function may have more parameters than controls (an ``ax=None`` to draw
    into, a ``legend=True``): the widget holds them fixed at their defaults, and so do the
    frames; a parameter with neither a control nor a default is refused by name."""
    import ipywidgets

    calls = []

    def with_extras(a, shape, ax=None, legend=True):
        calls.append((a, shape, ax, legend))

    monkeypatch.delenv(live.FRAMES_VARIABLE, raising=False)
    shown = _shown(monkeypatch, draw=with_extras, **TWO)
    widget = shown[0][0]
    assert isinstance(widget, ipywidgets.interactive)
    assert [c.description for c in widget.children[:-1]] == ["slope a", "shape"]
    assert calls == [(1.0, "parabola", None, True)]
    calls.clear()
    frames = kl.render_frames(with_extras, dpi=DPI, **TWO)
    assert len(calls) == 14 and all(c[2:] == (None, True) for c in calls)

    def needs_more(a, shape, n):
        pass

    with pytest.raises(ValueError, match="'n' has no control and no default"):
        _shown(monkeypatch, draw=needs_more, **TWO)


# --------------------------------------------------------------------------------------
# Chapters
# --------------------------------------------------------------------------------------


def _live_chapters():
    out = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        if "live_figure(" in path.read_text(encoding="utf-8"):
            out.append(path)
    return out


@pytest.mark.parametrize("path", _live_chapters(), ids=lambda p: p.stem)
def test_chapter_stores_live_frames_and_no_widget_state(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb["metadata"], f"{path.name}: saved widget state (re-execute with store_widget_state=False)"
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "live_figure(" not in "".join(cell["source"]):
            continue
        assert "nbval-ignore-output" in cell["metadata"].get("tags", []), f"{path.name}: tag the widget cell"
        bundles = [o["data"] for o in cell["outputs"] if o.get("output_type") == "display_data"]
        live_bundles = [b for b in bundles if 'class="kobold-live"' in "".join(b.get("text/html", ""))]
        assert len(live_bundles) == 1, f"{path.name}: no live figure stored (run tools/execute_notebook.py)"
        bundle = live_bundles[0]
        assert "image/png" in bundle
        # the widget view works only in the session that made it (tools/execute_notebook.py)
        assert live.WIDGET_MIME not in bundle, f"{path.name}: stored widget view (run tools/execute_notebook.py)"
        assert len("".join(bundle["text/html"])) <= live.PAGE_BUDGET_BYTES


def test_execute_tool_strips_live_views_and_unused_widget_state():
    import nbformat

    sys.path.insert(0, str(ROOT / "tools"))
    import execute_notebook

    frames = kl.render_frames(draw_two, dpi=DPI, a=kl.slider(1.0, 2.0, 1.0), shape=kl.choice(["line"]))
    view = {"model_id": "ab" * 16, "version_major": 2, "version_minor": 0}
    live_out = nbformat.v4.new_output("display_data", data={"text/html": frames.html, live.WIDGET_MIME: dict(view),
                                                             "text/plain": "interactive(...)"})
    plain_out = nbformat.v4.new_output("display_data", data={live.WIDGET_MIME: dict(view), "text/plain": "x"})
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("kl.live_figure(...)", outputs=[live_out]),
                nbformat.v4.new_code_cell("interact(...)", outputs=[plain_out])]
    assert execute_notebook.strip_live_widget_views(nb) == 1  # the plain interact view stays
    assert live.WIDGET_MIME not in nb.cells[0].outputs[0]["data"]
    assert nb.cells[0].outputs[0]["data"]["text/html"] == frames.html
    assert live.WIDGET_MIME in nb.cells[1].outputs[0]["data"]
    nb.cells.pop()
    assert execute_notebook.strip_live_widget_views(nb) == 0


# --------------------------------------------------------------------------------------
# In a browser: a one-page book with a three-control live figure
# --------------------------------------------------------------------------------------

sys.path.insert(0, str(ROOT / "tests"))


def _tiny_notebook(path: pathlib.Path):
    import nbformat

    source = "kl.live_figure(draw_three, n=..., beta=..., model=...)"
    frames = kl.render_frames(draw_three, dpi=DPI, **THREE)
    bundle = {"text/html": frames.html, "image/png": base64.b64encode(frames.default_png).decode(),
              "text/plain": "interactive(...)", live.WIDGET_MIME: {"model_id": "0" * 32, "version_major": 2,
                                                                  "version_minor": 0}}
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Live figure test page\n\nA live figure with three controls."),
        nbformat.v4.new_code_cell(source, outputs=[nbformat.v4.new_output("display_data", data=bundle)]),
    ]
    nbformat.write(nb, str(path))
    return frames


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory):
    import yaml

    book = tmp_path_factory.mktemp("livebook")
    shutil.copytree(ROOT / "_static", book / "_static")
    frames = _tiny_notebook(book / "page.ipynb")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx_config = {k: v for k, v in config["sphinx"]["config"].items()
                     if k.startswith("nb_") or k in ("html_context", "suppress_warnings")}
    (book / "_config.yml").write_text(yaml.safe_dump({
        "title": "live test", "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "sphinx": {"config": sphinx_config, "local_extensions": {"html_script_dedup": str(ROOT / "_ext")}},
    }))
    (book / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    jupyter_book = pathlib.Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jupyter_book), "build", str(book), "-W", "-n", "--keep-going"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return book / "_build" / "html", frames


def test_tiny_book_html_prefers_the_live_figure(tiny_book):
    html_dir, frames = tiny_book
    page = (html_dir / "page.html").read_text(encoding="utf-8")
    assert page.count('<div class="kobold-live">') == 1
    assert "_static/live_figure.js" in page and "_static/live_figure.css" in page
    assert (html_dir / "_static" / "live_figure.js").is_file()


@pytest.fixture(scope="module")
def tiny_server(tiny_book):
    html_dir, _ = tiny_book
    from test_browser import _QuietHandler

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html_dir)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# The fixtures ``browser`` (Debian's Chromium: skips, or fails under CI=true) and
# ``book_server`` (the built book on 127.0.0.1) come from conftest.py.


_PAYLOADS_JS = """
() => Array.from(document.querySelectorAll('.kobold-live')).map(
    b => JSON.parse(b.querySelector('script.kobold-live-data').textContent))
"""


def _exercise_live_figures(page, expected_names: list[list[str]]):
    """Move every control of every live figure on the page, one step each; check what shows.

    ``expected_names``: the control names of each live figure, in page order. After each
    move the image, the printed text and every readout are the frame of the payload for
    the current positions (row-major, the last control fastest).
    """
    page.wait_for_function(
        "n => document.querySelectorAll('.kobold-live[data-kobold-live-ready]').length === n",
        arg=len(expected_names))
    payloads = page.evaluate(_PAYLOADS_JS)
    assert [[c["name"] for c in p["controls"]] for p in payloads] == expected_names
    blocks = page.locator(".kobold-live")
    for b, payload in enumerate(payloads):
        block = blocks.nth(b)
        controls = payload["controls"]
        inputs = block.locator(".kobold-live-control input, .kobold-live-control select")
        assert inputs.count() == len(controls), f"live figure {b}: {inputs.count()} controls"
        image = block.locator("img.kobold-live-image")
        text = block.locator("pre.kobold-live-text")
        readouts = block.locator(".kobold-live-readout")
        positions = [c["default"] for c in controls]

        def expect():
            index = 0
            for c, k in zip(controls, positions):
                index = index * len(c["labels"]) + k
            img, printed = payload["frames"][index]
            assert image.get_attribute("src") == "data:image/png;base64," + payload["images"][img]
            assert text.inner_text().strip() == printed.strip()
            for i, c in enumerate(controls):
                assert readouts.nth(i).inner_text() == c["labels"][positions[i]]
                assert inputs.nth(i).input_value() == str(positions[i])

        expect()
        for i, c in enumerate(controls):
            control = inputs.nth(i)
            assert control.get_attribute("data-name") == c["name"]
            assert (control.evaluate("e => e.tagName") == "SELECT") == (c["kind"] == "select")
            before = image.get_attribute("src")
            step = -1 if positions[i] == len(c["labels"]) - 1 else 1
            if c["kind"] == "select":
                control.select_option(value=str(positions[i] + step))
            else:  # a key press on the range input, as a reader would
                control.focus()
                page.keyboard.press("ArrowLeft" if step < 0 else "ArrowRight")
            positions[i] += step
            assert image.get_attribute("src") != before, f"moving {c['name']} did not change the figure"
            expect()
    return payloads


def test_live_figure_in_a_browser(browser, tiny_server, tiny_book):
    from test_browser import Visit, _Session

    _, frames = tiny_book
    visit = Visit(url="page.html")
    context, page = _Session(browser, tiny_server).open("page.html", visit)
    try:
        (payload,) = _exercise_live_figures(page, [["n", "beta", "model"]])
        assert payload == frames.payload  # the page carries the frames drawn above
    finally:
        context.close()
    problems = visit.console_errors + visit.page_errors + visit.blocked + visit.failed
    assert not problems, problems


_OPTIONS = {"frames", "dpi", "colors", "budget_bytes"}


def _live_calls(path: pathlib.Path) -> list[list[str]]:
    """The control names of each kl.live_figure call in a notebook's code cells, in order."""
    import ast

    nb = json.loads(path.read_text(encoding="utf-8"))
    calls = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "live_figure":
                calls.append([kw.arg for kw in node.keywords if kw.arg not in _OPTIONS])
    return calls


@pytest.mark.parametrize("path", _live_chapters(), ids=lambda p: p.stem)
def test_chapter_live_figures_in_a_browser(browser, book_server, path):
    """On the built chapter page: one control per parameter, each moves the figure."""
    from test_browser import Visit, _Session

    name = f"chapters/{path.stem}.html"
    visit = Visit(url=name)
    context, page = _Session(browser, book_server).open(name, visit)
    try:
        _exercise_live_figures(page, _live_calls(path))
    finally:
        context.close()
    problems = visit.console_errors + visit.page_errors + visit.blocked + visit.failed
    assert not problems, problems
