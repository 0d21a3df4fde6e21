"""Figures of Part I (coins, entropy, temperature as a price, the Carnot bound).

The figures here are the static fallbacks of the chapters' widgets: each is drawn once
at default values in the book (that is what the HTML shows), and the widget redraws it
for other values. Every plotting function returns a :class:`matplotlib.figure.Figure`
made with :mod:`matplotlib.pyplot` (or draws on a given axes), so a notebook cell shows
it with ``plt.show()``.

Public names
------------
plot_typical_set, plot_entropy_tangent, plot_efficiency.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..carnot import efficiency_curve
from ..coins import entropy_bits, log2_binomial, price
from ..typical_sets import typical_set

__all__ = ["plot_typical_set", "plot_entropy_tangent", "plot_efficiency"]


def plot_typical_set(n=60, p=0.2, eps=0.1):
    """Where the probability of a pool sits, and how few configurations hold it.

    Left: the probability of each head count ``k`` (binomial), typical counts shaded.
    Right: ``log2`` of the number of configurations with ``k`` heads, ``log2 C(n, k)``,
    against the entropy ``n H(p)`` and the ``n`` bits of all ``2^n`` configurations.

    Parameters
    ----------
    n : int
        Number of coins, in ``[1, 10_000_000]`` (figures are legible up to a few hundred).
    p : float
        Probability of heads, in ``(0, 1)``.
    eps : float
        Typical-set tolerance in bits per coin, positive (the chapter's ``delta``: the
        title writes it so).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: head-count probability, and ``log2`` counts in bits.
    """
    import matplotlib.pyplot as plt

    ts = typical_set(n, p, eps)
    k = np.arange(ts.n + 1)
    pmf = stats.binom.pmf(k, ts.n, ts.p)
    typical = (k >= ts.k_min) & (k <= ts.k_max)
    fig, (ax_p, ax_c) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    ax_p.bar(k[~typical], pmf[~typical], width=1.0, color="0.75", label="atypical")
    ax_p.bar(k[typical], pmf[typical], width=1.0, color="C0", label="typical")
    ax_p.axvline(ts.n * ts.p, color="k", ls=":", lw=1, label=r"$np$")
    ax_p.set_xlabel(r"heads $k$")
    ax_p.set_ylabel(r"probability of $k$ heads")
    ax_p.set_title(f"P(typical) = {ts.probability:.3f}")
    ax_p.legend(loc="upper right" if ts.p <= 0.5 else "upper left", fontsize=8)

    log_counts = np.asarray(log2_binomial(ts.n, k))
    ax_c.plot(k, log_counts, color="0.4", lw=1.5, label=r"$\log_2 \binom{n}{k}$")
    if ts.k_min <= ts.k_max:
        ax_c.axvspan(ts.k_min - 0.5, ts.k_max + 0.5, color="C0", alpha=0.25, label="typical head counts")
    ax_c.axhline(ts.n, color="C3", ls="--", lw=1, label=r"all configurations: $n$ bits")
    ax_c.axhline(ts.entropy, color="C0", ls="-", lw=1, label=r"entropy $nH(p)$")
    ax_c.set_xlabel(r"heads $k$")
    ax_c.set_ylabel("log2(number of configurations) (bits)")
    size = "empty" if ts.k_min > ts.k_max else f"2^{ts.log2_size:.1f}"
    ax_c.set_title(f"typical set: {size} of 2^{ts.n} configurations")
    ax_c.legend(loc="lower center", fontsize=8)
    fig.suptitle(rf"$n$ = {ts.n} coins, $p$ = {ts.p:.2f}, $\delta$ = {ts.eps:.2f} bits per coin")
    return fig


def plot_entropy_tangent(p=0.2):
    """The entropy of one coin and its tangent at ``p``, whose slope is the price of a head.

    ``dH/dp = log2((1-p)/p) = beta(p)``: the maximum entropy ``n H(m/n)`` of a pool grows
    by ``beta`` bits per extra head. The tangent rises for ``p < 1/2`` (positive
    temperature) and falls for ``p > 1/2`` (negative temperature).

    Parameters
    ----------
    p : float
        Probability of heads, in ``(0, 1)``.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the curve ``H(p)`` (bits per coin), the tangent line and the point.
    """
    import matplotlib.pyplot as plt

    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"p must be a real number, got {type(p).__name__}")
    p = float(p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p (probability of heads) must be in (0, 1), got {p}")
    grid = np.linspace(0.0, 1.0, 401)
    h = float(entropy_bits(p))
    beta = float(price(p))
    half = min(0.25, 0.6 / max(1.0, abs(beta)))  # keep the tangent short where it is steep
    x = np.array([max(0.0, p - half), min(1.0, p + half)])
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(grid, entropy_bits(grid), color="k", lw=2, label=r"$H(p)$")
    ax.plot(x, h + beta * (x - p), color="C3", lw=2, label=rf"tangent, slope $\beta$ = {beta:.2f} bits/head")
    ax.plot([p], [h], "o", color="C3")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.1)
    ax.set_xlabel(r"probability of heads $p$ (expected heads per coin)")
    ax.set_ylabel(r"entropy $H(p)$ (bits per coin)")
    ax.set_title(f"p = {p:.3f}: H = {h:.3f} bits, price = {beta:.3f} bits per head")
    ax.legend(loc="lower center", fontsize=9)
    return fig


def plot_efficiency(n_hot=1000, n_cold=1000, p_hot=0.2, p_cold=0.1, ax=None, num=200):
    """Draw efficiency against work extracted, with the Carnot line and full equilibration.

    Parameters
    ----------
    n_hot, n_cold, p_hot, p_cold :
        As in :func:`efficiency_curve` (defaults: the book's running example).
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    num : int
        Points along the curve.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    curve = efficiency_curve(n_hot, n_cold, p_hot, p_cold, num=num)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(curve.work, curve.efficiency, color="C0", label="entropy bound, $q$ heads out of the hot pool")
    ax.axhline(curve.carnot, color="C3", ls="--", label=f"Carnot $1-\\beta_h/\\beta_c$ = {curve.carnot:.3f}")
    ax.plot(
        [curve.work_equilibrium],
        [curve.efficiency_equilibrium],
        "o",
        color="C1",
        label=f"full equilibration: $W$ = {curve.work_equilibrium:.3g}, efficiency {curve.efficiency_equilibrium:.3f}",
    )
    ax.set_xlabel("work extracted $W$ (heads)")
    ax.set_ylabel("efficiency $W/q$ (work per head out of the hot pool)")
    ax.set_ylim(0.0, 1.05 * curve.carnot)
    ax.set_xlim(0.0, 1.05 * curve.work_equilibrium)
    ax.set_title(f"$n_h$ = {n_hot}, $n_c$ = {n_cold}, $p_h$ = {p_hot:g}, $p_c$ = {p_cold:g}")
    ax.legend(loc="lower left", fontsize="small")
    return ax
