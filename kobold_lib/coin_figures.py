"""Typical sets of a coin pool, and the figures of the first two coin chapters.

The figures here are the static fallbacks of the chapters' widgets: each is drawn once
at default values in the book (that is what the HTML shows), and the widget redraws it
for other values. Every plotting function returns a :class:`matplotlib.figure.Figure`
made with :mod:`matplotlib.pyplot`, so a notebook cell shows it with ``plt.show()``.

Public names
------------
TypicalSet, typical_set, plot_typical_set, plot_entropy_tangent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from .coins import entropy_bits, log2_binomial, price

__all__ = ["TypicalSet", "typical_set", "plot_typical_set", "plot_entropy_tangent"]

_LN2 = np.log(2.0)

#: Relative slack in the typical-set test, so that a head count lying exactly on the
#: boundary ``|k/n - p| |beta| = eps`` is counted as typical despite rounding.
_BOUNDARY_SLACK = 1e-9

#: Largest pool :func:`typical_set` accepts: it loops over all ``n + 1`` head counts.
_MAX_COINS = 10_000_000


@dataclass(frozen=True)
class TypicalSet:
    """The typical set of a pool of ``n`` IID coins, summarised by head counts.

    Attributes
    ----------
    n : int
        Number of coins.
    p : float
        Probability of heads of each coin.
    eps : float
        Tolerance, in bits per coin.
    k_min, k_max : int
        Smallest and largest head count of a typical configuration (the typical set is
        every configuration with ``k_min <= heads <= k_max``). ``k_min > k_max`` when
        the typical set is empty.
    probability : float
        Probability that a random configuration is typical.
    log2_size : float
        ``log2`` of the number of typical configurations, in bits (``-inf`` if empty).
    entropy : float
        ``n H(p)``, the entropy of the pool, in bits.
    """

    n: int
    p: float
    eps: float
    k_min: int
    k_max: int
    probability: float
    log2_size: float
    entropy: float


def _check_pool(n, p, eps):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, got {type(n).__name__}")
    n = int(n)
    if not 1 <= n <= _MAX_COINS:
        raise ValueError(f"n (number of coins) must be in [1, {_MAX_COINS}], got {n}")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"p must be a real number, got {type(p).__name__}")
    p = float(p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p (probability of heads) must be in (0, 1), got {p}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"eps must be a real number, got {type(eps).__name__}")
    eps = float(eps)
    if not eps > 0.0 or not np.isfinite(eps):
        raise ValueError(f"eps (bits per coin) must be positive and finite, got {eps}")
    return n, p, eps


def typical_set(n, p, eps=0.05):
    """The typical set of ``n`` coins with heads probability ``p``, tolerance ``eps``.

    A configuration ``x`` is typical when its surprise per coin is within ``eps`` of the
    entropy: ``|-(1/n) log2 P(x) - H(p)| <= eps``. For coins ``P(x)`` depends only on
    the number of heads ``k``, and the surprise per coin is
    ``H(p) + (k/n - p) beta(p)`` with ``beta(p) = log2((1-p)/p)`` the price of a head,
    so the test reads ``|k/n - p| |beta(p)| <= eps``. At ``p = 1/2`` every configuration
    is typical.

    Parameters
    ----------
    n : int
        Number of coins, in ``[1, 10_000_000]``.
    p : float
        Probability of heads, in ``(0, 1)``.
    eps : float, optional
        Tolerance in bits per coin, positive (default 0.05).

    Returns
    -------
    TypicalSet
        Head-count range, probability and ``log2`` size of the typical set.
    """
    n, p, eps = _check_pool(n, p, eps)
    beta = abs(float(price(p)))
    k = np.arange(n + 1)
    typical = np.abs(k / n - p) * beta <= eps * (1.0 + _BOUNDARY_SLACK)
    entropy = n * float(entropy_bits(p))
    if not np.any(typical):
        return TypicalSet(n, p, eps, 1, 0, 0.0, -np.inf, entropy)
    ks = k[typical]
    k_min, k_max = int(ks[0]), int(ks[-1])
    probability = float(stats.binom.cdf(k_max, n, p) - stats.binom.cdf(k_min - 1, n, p))
    log2_size = float(special.logsumexp(np.asarray(log2_binomial(n, ks)) * _LN2) / _LN2)
    return TypicalSet(n, p, eps, k_min, k_max, min(max(probability, 0.0), 1.0), log2_size, entropy)


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
        Typical-set tolerance in bits per coin, positive.

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
    fig.suptitle(f"n = {ts.n} coins, p = {ts.p:.2f}, eps = {ts.eps:.2f} bits per coin")
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
