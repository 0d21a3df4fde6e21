"""Tests of kobold_lib.typical_sets and kobold_lib.figures.coins: typical sets against brute force, and the figures."""

import itertools
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kobold_lib import plot_entropy_tangent, plot_typical_set, typical_set  # noqa: E402


def brute_force_typical(n, p, eps):
    """Enumerate all 2^n configurations and apply the textbook definition directly."""
    h = -p * math.log2(p) - (1 - p) * math.log2(1 - p)
    probability, count, heads = 0.0, 0, []
    for x in itertools.product((0, 1), repeat=n):
        k = sum(x)
        prob = p**k * (1 - p) ** (n - k)
        surprise = -math.log2(prob) / n
        if abs(surprise - h) <= eps + 1e-9:
            probability += prob
            count += 1
            heads.append(k)
    return probability, count, heads


@pytest.mark.parametrize("n, p, eps", [(8, 0.2, 0.1), (10, 0.1, 0.3), (11, 0.7, 0.05), (12, 0.35, 0.2), (9, 0.5, 0.01)])
def test_typical_set_matches_enumeration(n, p, eps):
    probability, count, heads = brute_force_typical(n, p, eps)
    ts = typical_set(n, p, eps)
    assert ts.probability == pytest.approx(probability, abs=1e-12)
    if count == 0:
        assert ts.k_min > ts.k_max and ts.log2_size == -np.inf
    else:
        assert ts.log2_size == pytest.approx(math.log2(count), abs=1e-9)
        assert (ts.k_min, ts.k_max) == (min(heads), max(heads))
    assert ts.entropy == pytest.approx(n * (-p * math.log2(p) - (1 - p) * math.log2(1 - p)))


def test_typical_set_empty_when_no_count_fits():
    # n = 10, p = 0.25: k/n moves in steps of 0.1, so |k/n - p| >= 0.05 and the
    # surprise is at least 0.05 * log2 3 = 0.079 bits away from H
    _, count, _ = brute_force_typical(10, 0.25, 0.05)
    ts = typical_set(10, 0.25, 0.05)
    assert count == 0 and ts.probability == 0.0 and ts.log2_size == -np.inf


def test_aep_probability_tends_to_one_and_size_to_entropy():
    # asymptotic equipartition: P(typical) -> 1 and log2|A|/n lies in [H - eps, H + eps]
    eps = 0.05
    big = typical_set(100_000, 0.2, eps)
    h = big.entropy / big.n
    assert big.probability > 1 - 1e-12
    assert h - eps <= big.log2_size / big.n <= h + eps


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        (dict(n=0, p=0.2, eps=0.1), ValueError, "n"),
        (dict(n=2.5, p=0.2, eps=0.1), TypeError, "n"),
        (dict(n=10, p=1.0, eps=0.1), ValueError, "p"),
        (dict(n=10, p="a", eps=0.1), TypeError, "p"),
        (dict(n=10, p=0.2, eps=0.0), ValueError, "eps"),
        (dict(n=10, p=0.2, eps=np.inf), ValueError, "eps"),
    ],
)
def test_typical_set_bad_inputs(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        typical_set(**kwargs)


def test_plot_typical_set_axes():
    fig = plot_typical_set(40, 0.3, 0.1)
    try:
        assert isinstance(fig, Figure)
        ax_p, ax_c = fig.axes
        # left: one bar per head count, split into typical and atypical containers
        assert sum(len(c) for c in ax_p.containers) == 41
        assert "probability" in ax_p.get_ylabel()
        # right: log2 C(n, k) curve reaches n - O(log n) bits at k = n/2, below n
        curve = ax_c.lines[0].get_ydata()
        assert curve.shape == (41,) and curve.max() < 40 and curve[20] == pytest.approx(math.log2(math.comb(40, 20)))
        assert "bits" in ax_c.get_ylabel()
        # the tolerance carries the chapter's symbol, delta, not a variable name
        title = fig.get_suptitle()
        assert r"$\delta$ = 0.10 bits per coin" in title and "eps" not in title
    finally:
        plt.close(fig)


def test_plot_entropy_tangent_slope_is_price():
    for p in (0.1, 0.2, 0.8):
        fig = plot_entropy_tangent(p)
        try:
            (ax,) = fig.axes
            curve, tangent = ax.lines[0], ax.lines[1]
            x, y = tangent.get_xdata(), tangent.get_ydata()
            slope = (y[1] - y[0]) / (x[1] - x[0])
            assert slope == pytest.approx(math.log2((1 - p) / p), rel=1e-12)
            assert np.max(curve.get_ydata()) == pytest.approx(1.0)
            assert "bits" in ax.get_ylabel()
        finally:
            plt.close(fig)
    with pytest.raises(ValueError, match="p"):
        plot_entropy_tangent(0.0)
