"""Live figures: one call gives ipywidgets in a kernel and a working figure in the HTML book.

A widget cell of the book is one short call::

    kl.live_figure(show_price, p=kl.slider(0.01, 0.99, 0.01, value=0.2, description="bias p"))

``draw`` is an ordinary drawing function: it makes (at most) one Matplotlib figure, ends
with ``plt.show()`` and may print lines. Each keyword names one of its parameters and
gives that parameter's control:

=====================  ===========================  =========================================
spec                   ipywidgets control           values
=====================  ===========================  =========================================
:func:`slider`         ``FloatSlider``              ``min, min + step, ..., max``
:func:`int_slider`     ``IntSlider``                integers ``min, min + step, ..., max``
:func:`log_slider`     ``FloatLogSlider``           ``base ** e`` for ``e = min, ..., max``
:func:`choice`         ``Dropdown`` or              the options (values, or ``(label, value)``)
                       ``SelectionSlider``
=====================  ===========================  =========================================

Design
------
*Two outputs from one call.* In a live kernel the call shows the controls (460 px wide,
``continuous_update=False``, as the book's ``interact`` cells had) driving ``draw``,
exactly like ``ipywidgets.interact``. When *frames* are asked for, it also calls ``draw``
for every point of the control grid (coarsened for the HTML where a spec says
``html_step``), keeps each figure as a small PNG (``dpi``, 72 by default, reduced to a 64-colour
palette) and each frame's printed text, and emits **one** display bundle holding

* ``application/vnd.jupyter.widget-view+json``: the live widget (JupyterLab shows this);
* ``text/html``: a ``<div class="kobold-live">`` whose ``<script type="application/json">``
  carries the frames as data, with the default frame as a plain ``<img>`` and ``<pre>``
  (what a reader sees before the page script runs, or with scripts off);
* ``image/png``: the default frame drawn again at ``print_dpi`` (150) in full colour: what
  the print edition shows (it cannot show the printed text: MyST-NB keeps one part of a
  bundle, and for LaTeX that is the PNG);
* ``text/plain``: the widget's repr.

The HTML book shows the ``text/html`` part: ``_static/live_figure.js`` turns each
``.kobold-live`` block into controls on the same grid (a range input per slider, a
``<select>`` per dropdown, the value readout beside each) that swap the image and the
printed text. No network, no kernel, and no script in the chapters. The print edition
(LaTeX) keeps the ``image/png`` part (``_ext/print_edition.py`` drops only widget
outputs without one).

*What is saved.* A widget view works only in the kernel session that made it. So the
notebooks are saved without it: ``tools/execute_notebook.py`` drops the widget-view part
of each stored live-figure output (and the saved widget state once no widget view is
left). JupyterLab then shows the stored HTML block (its sanitizer keeps the default
frame's image and text) until the cell runs and brings the live widget back, instead of
"Error displaying widget: model not found". Where a widget view is stored all the same,
the HTML book prefers ``text/html`` over it (``nb_mime_priority_overrides`` in
``_config.yml``).

*When frames are rendered.* Only when ``frames=True`` is passed or the environment
variable ``KOBOLD_LIVE_FRAMES`` is ``1``; that is, only when the notebooks are executed
for the book, by the command (``tools/execute_notebook.py``: it sets the variable and
saves the notebook as described above)::

    .venv/bin/python tools/execute_notebook.py chapters/NAME.ipynb

A student's Run All, nbval and nbgrader's autograding never set it, so they pay only for
the one drawing the widget makes at its defaults.

*Frame order and payload.* Frames are stored in row-major order over the controls in
keyword order (the last control varies fastest); identical PNGs are stored once. The
payload is ``{"version": 1, "controls": [...], "images": [base64 PNG, ...],
"frames": [[image index or -1, text], ...]}``; each control has ``name``,
``description``, ``kind`` (``"range"`` or ``"select"``), ``labels`` (the readouts, one
per grid point) and ``default`` (the index of the default value).

*Validation* (``ValueError`` naming the control): empty options; a step that is not
positive or does not divide the range; a default off the grid; an ``html_step`` that is
not a whole multiple of the step, or one (or an ``html_every``) that leaves a control a
single value in the HTML (it could not move there); a grid whose frames would exceed the
page budget (``budget_bytes``, 4 MB per page: the first frame's size times the number of
frames is checked before the others are drawn, the real total after).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import html
import io
import itertools
import json
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt

__all__ = [
    "FRAMES_VARIABLE",
    "PAGE_BUDGET_BYTES",
    "LiveFrames",
    "choice",
    "frames_requested",
    "int_slider",
    "live_figure",
    "log_slider",
    "render_frames",
    "slider",
]

FRAMES_VARIABLE = "KOBOLD_LIVE_FRAMES"
PAGE_BUDGET_BYTES = 4_000_000
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_WIDTH = "460px"  # wide enough to set a value; the book's interact cells used 460 px
_ABS_TOL = 1e-9  # relative tolerance (to the step) when checking that a step divides a range


# --------------------------------------------------------------------------------------
# Control specifications
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Spec:
    """What one control is; checked and turned into a grid by :meth:`grid`."""

    kind: str  # "float", "int", "log" or "options"
    args: dict

    def grid(self, name: str) -> _Grid:
        grid = _GRIDS[self.kind](name, **self.args)
        if len(grid.values) > 1 and len(grid.html) < 2:
            what = "html_every" if self.kind == "options" else "html_step"
            raise ValueError(
                f"control {name!r}: the HTML grid keeps only the default "
                f"({grid.labels[grid.default]}), so the control could not move in the HTML "
                f"book; choose a smaller {what} (one that keeps at least two values)"
            )
        return grid


def slider(
    min: float,  # noqa: A002 (the ipywidgets name)
    max: float,  # noqa: A002
    step: float,
    *,
    value: float | None = None,
    description: str | None = None,
    readout_format: str = ".2f",
    html_step: float | None = None,
) -> _Spec:
    """A float slider (``ipywidgets.FloatSlider``) over ``min, min + step, ..., max``.

    ``value`` is the default (``min`` when None) and must lie on the grid; ``html_step``, a
    whole multiple of ``step``, coarsens the grid for the HTML book: it keeps every
    ``html_step / step``-th value counted from the default (so the HTML opens at the
    default; an end of the range may then be left out).
    """
    return _Spec("float", dict(lo=min, hi=max, step=step, value=value, description=description,
                               fmt=readout_format, html_step=html_step))


def int_slider(
    min: int,  # noqa: A002
    max: int,  # noqa: A002
    step: int = 1,
    *,
    value: int | None = None,
    description: str | None = None,
    readout_format: str = "d",
    html_step: int | None = None,
) -> _Spec:
    """An integer slider (``ipywidgets.IntSlider``) over ``min, min + step, ..., max``."""
    return _Spec("int", dict(lo=min, hi=max, step=step, value=value, description=description,
                             fmt=readout_format, html_step=html_step))


def log_slider(
    min: float,  # noqa: A002
    max: float,  # noqa: A002
    step: float,
    *,
    base: float = 10.0,
    value: float | None = None,
    description: str | None = None,
    readout_format: str = ".3g",
    html_step: float | None = None,
) -> _Spec:
    """A log slider (``ipywidgets.FloatLogSlider``): values ``base ** e``, e = min, ..., max.

    As in ipywidgets, ``min``, ``max`` and ``step`` (and ``html_step``) are exponents;
    ``value`` is the value itself (``base ** min`` when None).
    """
    return _Spec("log", dict(lo=min, hi=max, step=step, base=base, value=value,
                             description=description, fmt=readout_format, html_step=html_step))


def choice(
    options: Sequence[Any],
    *,
    value: Any = None,
    description: str | None = None,
    widget: str = "dropdown",
    html_every: int = 1,
) -> _Spec:
    """A choice among ``options``: ``widget="dropdown"`` (``Dropdown``) or ``"slider"``
    (``SelectionSlider``).

    ``options`` are values, or ``(label, value)`` pairs; ``value`` is the default (the first
    option when None). ``html_every`` keeps every n-th option in the HTML book (the default
    among them).
    """
    return _Spec("options", dict(options=options, value=value, description=description,
                                 widget=widget, html_every=html_every))


@dataclasses.dataclass(frozen=True)
class _Grid:
    """A checked control: its notebook grid, its HTML grid and its ipywidgets control."""

    name: str
    description: str
    kind: str
    values: tuple  # the notebook's grid
    labels: tuple  # readout of each value
    default: int  # index of the default in ``values``
    html: tuple  # indices into ``values`` that the HTML shows
    widget_args: dict

    @property
    def html_default(self) -> int:
        return self.html.index(self.default)

    def widget(self):
        import ipywidgets as w

        common = dict(description=self.description, continuous_update=False,
                      layout=w.Layout(width=_WIDTH), style={"description_width": "initial"})
        kind = self.widget_args["class"]
        args = {k: v for k, v in self.widget_args.items() if k != "class"}
        if kind == "Dropdown":
            common.pop("continuous_update")
        return getattr(w, kind)(**args, **common)


def _number(name: str, what: str, x) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"control {name!r}: {what} must be a finite number, got {x!r}")
    return float(x)


def _steps(name: str, lo: float, hi: float, step: float, what: str = "step") -> int:
    """Number of steps of ``step`` from lo to hi; ValueError unless it is a whole number."""
    if not step > 0:
        raise ValueError(f"control {name!r}: {what} must be > 0, got {step!r}")
    if not hi > lo:
        raise ValueError(f"control {name!r}: max must be > min, got min={lo!r}, max={hi!r}")
    n = (hi - lo) / step
    if abs(n - round(n)) > _ABS_TOL * max(1.0, n):
        raise ValueError(
            f"control {name!r}: {what}={step!r} does not divide the range [{lo!r}, {hi!r}] "
            f"({n:.6g} steps); choose a {what} that divides max - min"
        )
    return int(round(n))


def _coarsening(name, step, html_step, n, what="html_step"):
    """How many notebook steps one HTML step is (1 when html_step is None)."""
    if html_step is None:
        return 1
    html_step = _number(name, what, html_step)
    ratio = html_step / step
    if ratio < 1 - _ABS_TOL or abs(ratio - round(ratio)) > _ABS_TOL * max(1.0, ratio):
        raise ValueError(f"control {name!r}: {what}={html_step!r} must be a whole multiple of step={step!r}")
    return int(round(ratio))


def _linear(name, *, lo, hi, step, value, description, fmt, html_step, integer=False, base=None):
    kind = "int" if integer else ("log" if base is not None else "float")
    lo, hi, step = (_number(name, w, x) for w, x in (("min", lo), ("max", hi), ("step", step)))
    if integer and not all(float(x).is_integer() for x in (lo, hi, step)):
        raise ValueError(f"control {name!r}: an int_slider needs integer min, max and step")
    n = _steps(name, lo, hi, step)
    exponents = [lo + k * step for k in range(n + 1)]
    exponents[-1] = hi
    if integer:
        values = tuple(int(round(e)) for e in exponents)
    elif base is not None:
        base = _number(name, "base", base)
        if not base > 0 or base == 1:
            raise ValueError(f"control {name!r}: base must be > 0 and != 1, got {base!r}")
        values = tuple(float(base ** round(e, 12)) for e in exponents)
    else:
        values = tuple(round(e, 12) for e in exponents)
    if value is None:
        default = 0
    else:
        value = _number(name, "value", value)
        where = math.log(value, base) if (base is not None and value > 0) else value
        if base is not None and not value > 0:
            raise ValueError(f"control {name!r}: value must be > 0 on a log slider, got {value!r}")
        k = (where - lo) / step
        if not (-_ABS_TOL <= k <= n + _ABS_TOL) or abs(k - round(k)) > 1e-6:
            raise ValueError(
                f"control {name!r}: value={value!r} is not on the grid min={lo!r}, step={step!r}, max={hi!r}"
                + (" (exponents of the base)" if base is not None else "")
            )
        default = int(round(k))
    every = _coarsening(name, step, html_step, n)
    try:
        labels = tuple(format(v, fmt) for v in values)
    except (ValueError, TypeError) as err:
        raise ValueError(f"control {name!r}: readout_format {fmt!r} does not format {values[0]!r}: {err}") from None
    widget_args = {"class": {"int": "IntSlider", "log": "FloatLogSlider", "float": "FloatSlider"}[kind],
                   "min": int(lo) if integer else lo, "max": int(hi) if integer else hi,
                   "step": int(step) if integer else step, "value": values[default],
                   "readout_format": fmt}
    if base is not None:
        widget_args["base"] = base
    return _Grid(name=name, description=description if description is not None else name, kind="range",
                 values=values, labels=labels, default=default,
                 html=tuple(range(default % every, n + 1, every)), widget_args=widget_args)


def _options(name, *, options, value, description, widget, html_every):
    if isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
        raise ValueError(f"control {name!r}: options must be a list of values or (label, value) pairs")
    if len(options) == 0:
        raise ValueError(f"control {name!r}: options is empty; give at least one option")
    pairs = [tuple(o) if isinstance(o, tuple) and len(o) == 2 and isinstance(o[0], str) else (str(o), o)
             for o in options]
    labels = tuple(label for label, _ in pairs)
    if len(set(labels)) != len(labels):
        raise ValueError(f"control {name!r}: option labels must be distinct, got {list(labels)}")
    values = tuple(v for _, v in pairs)
    if value is None:
        default = 0
    else:
        matches = [i for i, v in enumerate(values) if v is value or v == value]
        if not matches:
            raise ValueError(f"control {name!r}: value={value!r} is not one of the options {list(labels)}")
        default = matches[0]
    if widget not in ("dropdown", "slider"):
        raise ValueError(f"control {name!r}: widget must be 'dropdown' or 'slider', got {widget!r}")
    if isinstance(html_every, bool) or not isinstance(html_every, int) or html_every < 1:
        raise ValueError(f"control {name!r}: html_every must be an integer >= 1, got {html_every!r}")
    html_idx = tuple(range(default % html_every, len(values), html_every))
    cls = "Dropdown" if widget == "dropdown" else "SelectionSlider"
    return _Grid(name=name, description=description if description is not None else name,
                 kind="select" if widget == "dropdown" else "range", values=values, labels=labels,
                 default=default, html=html_idx,
                 widget_args={"class": cls, "options": list(pairs), "value": values[default]})


_GRIDS: dict[str, Callable[..., _Grid]] = {
    "float": lambda name, **a: _linear(name, **a),
    "int": lambda name, **a: _linear(name, integer=True, **a),
    "log": lambda name, **a: _linear(name, **a),
    "options": _options,
}


def _fixed_parameters(draw, grids: list[_Grid]) -> dict:
    """``ipywidgets.fixed`` for each parameter of ``draw`` that has no control.

    ``interactive`` would otherwise try to make a widget of each such parameter's default
    (and fail on ``None``, an axes, ...); the frames use the defaults in the same way.
    """
    import inspect

    import ipywidgets

    try:
        parameters = inspect.signature(draw).parameters
    except (TypeError, ValueError):  # a builtin or C function: nothing to fix
        return {}
    named = {g.name for g in grids}
    fixed = {}
    for name, parameter in parameters.items():
        if name in named or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is parameter.empty:
            raise ValueError(
                f"draw parameter {name!r} has no control and no default: give it a control "
                f"({name}=kl.slider(...) or kl.choice(...)) or a default value"
            )
        fixed[name] = ipywidgets.fixed(parameter.default)
    return fixed


def _grids(draw, controls: dict) -> list[_Grid]:
    if not callable(draw):
        raise TypeError(f"draw must be a callable, got {type(draw).__name__}")
    if not controls:
        raise ValueError("live_figure needs at least one control (e.g. p=kl.slider(0.01, 0.99, 0.01))")
    grids = []
    for name, spec in controls.items():
        if not isinstance(spec, _Spec):
            raise TypeError(
                f"control {name!r}: expected kl.slider, kl.int_slider, kl.log_slider or kl.choice, "
                f"got {type(spec).__name__}"
            )
        grids.append(spec.grid(name))
    return grids


# --------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------


def frames_requested() -> bool:
    """True when ``KOBOLD_LIVE_FRAMES`` is ``1`` (or ``true``/``yes``): execution for the book."""
    return os.environ.get(FRAMES_VARIABLE, "").strip().lower() in ("1", "true", "yes")


def _png(fig, dpi: float, colors: int | None) -> bytes:
    """The figure as PNG bytes; with ``colors``, reduced to a palette of that many colours.

    A palette PNG of a line plot is about a third of the size of Matplotlib's RGBA PNG and
    looks the same at these sizes (the book's figures have a white background).
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    if colors is None:
        return buf.getvalue()
    from PIL import Image

    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_once(draw, kwargs: dict, dpi: float, colors: int | None = 64) -> tuple[bytes | None, str]:
    """Call ``draw(**kwargs)``; return its one figure as PNG bytes (or None) and its printed text."""
    before = set(plt.get_fignums())
    shown: list[bytes] = []

    def capture(*args, **kwargs):  # stands in for plt.show while a frame is drawn
        for num in plt.get_fignums():
            if num in before:
                continue
            fig = plt.figure(num)
            shown.append(_png(fig, dpi, colors))
            plt.close(fig)

    out = io.StringIO()
    real_show = plt.show
    plt.show = capture
    try:
        with contextlib.redirect_stdout(out):
            draw(**kwargs)
        capture()  # a figure left open without plt.show()
    finally:
        plt.show = real_show
    if len(shown) > 1:
        raise ValueError(f"draw made {len(shown)} figures for {kwargs}; a live figure shows one figure per frame")
    return (shown[0] if shown else None), out.getvalue()


@dataclasses.dataclass(frozen=True)
class LiveFrames:
    """The frames of a live figure, as the HTML carries them.

    ``payload`` is the JSON-ready dict described in the module docstring; ``html`` the
    ``<div class="kobold-live">`` block; ``default_png`` the default frame's PNG (or None).
    """

    payload: dict
    html: str
    default_png: bytes | None

    def frame(self, **values) -> tuple[bytes | None, str]:
        """The (PNG, text) the HTML shows when each control is set to the given value."""
        index = 0
        for control in self.payload["controls"]:
            name = control["name"]
            if name not in values:
                raise ValueError(f"frame() needs a value for control {name!r}")
            try:
                k = control["values"].index(values[name])
            except ValueError:
                raise ValueError(f"control {name!r}: {values[name]!r} is not on its HTML grid") from None
            index = index * len(control["values"]) + k
        image, text = self.payload["frames"][index]
        return (base64.b64decode(self.payload["images"][image]) if image >= 0 else None), text


def _size_error(grids: list[_Grid], n_frames: int, total: float, budget: int) -> ValueError:
    big = max(grids, key=lambda g: len(g.html))
    sizes = ", ".join(f"{g.name}: {len(g.html)}" for g in grids)
    return ValueError(
        f"the live figure's {n_frames} frames ({sizes} values) take about {total / 1e6:.1f} MB, "
        f"over the page budget of {budget / 1e6:.1f} MB; coarsen control {big.name!r} for the HTML "
        f"(html_step= on a slider, html_every= on a choice) or lower dpi"
    )


def _json_value(v):
    return v if isinstance(v, (int, float, str, bool)) or v is None else repr(v)


def render_frames(
    draw: Callable[..., Any],
    *,
    dpi: float = 72,
    colors: int | None = 64,
    budget_bytes: int = PAGE_BUDGET_BYTES,
    **controls: _Spec,
) -> LiveFrames:
    """Draw every frame of a live figure (the controls' HTML grids) and build its HTML block.

    Parameters
    ----------
    draw : callable
        ``draw(**values)`` makes at most one Matplotlib figure (ending with ``plt.show()``)
        and may print.
    dpi : float
        Resolution of the PNG frames.
    colors : int or None
        Size of the frames' colour palette (64 by default: a third of the bytes of a full
        RGBA PNG); None keeps Matplotlib's RGBA PNG.
    budget_bytes : int
        Largest payload allowed (bytes of JSON); the book's budget is 4 MB per page.
    **controls
        One spec per parameter of ``draw`` (:func:`slider`, :func:`int_slider`,
        :func:`log_slider`, :func:`choice`).

    Raises
    ------
    ValueError
        A bad control specification, or frames over the budget (naming the control to
        coarsen).
    """
    grids = _grids(draw, controls)
    if colors is not None and (isinstance(colors, bool) or not isinstance(colors, int) or not 2 <= colors <= 256):
        raise ValueError(f"colors must be None or an integer in [2, 256], got {colors!r}")
    if not (isinstance(budget_bytes, int) and budget_bytes > 0):
        raise ValueError(f"budget_bytes must be a positive integer, got {budget_bytes!r}")
    points = list(itertools.product(*(g.html for g in grids)))
    n_frames = len(points)
    images: list[str] = []
    seen: dict[str, int] = {}
    frames: list[list] = []
    total = 0
    for i, point in enumerate(points):
        kwargs = {g.name: g.values[k] for g, k in zip(grids, point)}
        png, text = _draw_once(draw, kwargs, dpi, colors)
        image = -1
        if png is not None:
            key = hashlib.sha256(png).hexdigest()
            if key not in seen:
                seen[key] = len(images)
                images.append(base64.b64encode(png).decode("ascii"))
                total += len(images[-1])
            image = seen[key]
        total += len(text) + 8
        frames.append([image, text])
        if i == 0 and total * n_frames > budget_bytes:
            raise _size_error(grids, n_frames, total * n_frames, budget_bytes)
        if total > budget_bytes:
            raise _size_error(grids, n_frames, total / (i + 1) * n_frames, budget_bytes)
    payload = {
        "version": 1,
        "controls": [
            {
                "name": g.name,
                "description": g.description,
                "kind": g.kind,
                "labels": [g.labels[k] for k in g.html],
                "values": [_json_value(g.values[k]) for k in g.html],
                "default": g.html_default,
            }
            for g in grids
        ],
        "images": images,
        "frames": frames,
    }
    default_index = 0
    for g in grids:
        default_index = default_index * len(g.html) + g.html_default
    image, text = frames[default_index]
    default_png = base64.b64decode(images[image]) if image >= 0 else None
    return LiveFrames(payload=payload, html=_html_block(payload, grids, default_index), default_png=default_png)


def _html_block(payload: dict, grids: list[_Grid], default_index: int) -> str:
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    data = data.replace("</", "<\\/").replace("<!--", "<\\!--")  # safe inside <script>
    image, text = payload["frames"][default_index]
    img = (f'<img class="kobold-live-image" alt="figure" src="data:image/png;base64,{payload["images"][image]}">'
           if image >= 0 else "")
    coarse = [g for g in grids if len(g.html) < len(g.values)]
    note = ""
    if coarse:
        parts = [f"{html.escape(g.description)}: {len(g.html)} of its {len(g.values)} values" for g in coarse]
        note = ('<p class="kobold-live-note">Drawn ahead of time on a coarser grid than the notebook\'s ('
                + "; ".join(parts) + "); in a notebook the widget redraws at every value.</p>")
    return (
        '<div class="kobold-live">'
        f'<script type="application/json" class="kobold-live-data">{data}</script>'
        '<div class="kobold-live-controls"></div>'
        f"{img}"
        f'<pre class="kobold-live-text">{html.escape(text)}</pre>'
        f"{note}</div>"
    )


# --------------------------------------------------------------------------------------
# The one call
# --------------------------------------------------------------------------------------


def live_figure(
    draw: Callable[..., Any],
    *,
    frames: bool | None = None,
    dpi: float = 72,
    colors: int | None = 64,
    print_dpi: float = 150,
    budget_bytes: int = PAGE_BUDGET_BYTES,
    **controls: _Spec,
) -> None:
    """Show ``draw`` with one control per keyword: ipywidgets now, and a live figure in the HTML.

    Parameters
    ----------
    draw : callable
        The drawing function; each keyword of ``controls`` is one of its parameters.
    frames : bool, optional
        Render the frames for the HTML book. None (the default) follows the environment
        variable ``KOBOLD_LIVE_FRAMES`` (see the module docstring: set only when the
        notebooks are executed for the book).
    dpi : float
        Resolution of the frames.
    colors : int or None
        Palette size of the frames (see :func:`render_frames`).
    print_dpi : float
        Resolution of the default frame's ``image/png`` part (the print edition's figure).
    budget_bytes : int
        Largest frame payload (the book's page budget, 4 MB).
    **controls
        ``name=kl.slider(...)`` and the like, one per parameter of ``draw``.

    Returns
    -------
    None
        The widget (and the live figure's bundle) is displayed, not returned, so the cell
        needs no trailing semicolon.
    """
    import ipywidgets
    from IPython.display import display

    grids = _grids(draw, controls)
    if frames is None:
        frames = frames_requested()
    live = (
        render_frames(draw, dpi=dpi, colors=colors, budget_bytes=budget_bytes, **controls)
        if frames
        else None
    )
    widget = ipywidgets.interactive(
        draw, **{g.name: g.widget() for g in grids}, **_fixed_parameters(draw, grids)
    )
    if live is None:
        display(widget)
        return None
    bundle = widget._repr_mimebundle_() or {}
    bundle = dict(bundle)
    bundle["text/html"] = live.html
    print_png, _ = _draw_once(draw, {g.name: g.values[g.default] for g in grids}, print_dpi, None)
    if print_png is not None:
        bundle["image/png"] = base64.b64encode(print_png).decode("ascii")
    display(bundle, raw=True)
    return None
