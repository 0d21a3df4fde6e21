"""Tests of boltzmann.exact_energy_histogram and kobold_lib.figures.thermal: the exact histogram and the widget's figure."""

from math import comb

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kobold_lib import (  # noqa: E402
    energies,
    exact_energy_histogram,
    plot_trace_and_histogram,
    ring,
    spin_glass,
    torus,
    zener,
)


def test_histogram_per_level_matches_closed_form_for_the_ring():
    n, beta = 10, 0.45
    edges, probability = exact_energy_histogram(ring(n), beta)
    walls = np.arange(0, n + 1, 2)
    weight = np.array([2 * comb(n, int(w)) for w in walls]) * np.exp(-beta * (-n + 2 * walls))
    np.testing.assert_allclose(probability, weight / weight.sum(), rtol=1e-10)
    centres = 0.5 * (edges[1:] + edges[:-1])
    np.testing.assert_allclose(centres, -n + 2 * walls, atol=1e-12)


def test_histogram_binned_for_many_levels():
    model, beta = spin_glass(10, 2), 0.7
    edges, probability = exact_energy_histogram(model, beta, bins=25)
    assert edges.size == 26 and probability.sum() == pytest.approx(1.0)
    e = energies(model)
    assert edges[0] < e.min() and edges[-1] > e.max()
    assert exact_energy_histogram(zener(1.0), 0.0)[1] == pytest.approx([0.5, 0.5])


def test_plot_returns_a_labelled_two_panel_figure():
    fig = plot_trace_and_histogram(torus(3), 0.4, n_sweeps=50, seed=3)
    trace_ax, hist_ax = fig.axes[:2]
    assert "sweeps" in trace_ax.get_xlabel() and "E/N" in trace_ax.get_ylabel()
    assert "probability" in hist_ax.get_ylabel()
    line = trace_ax.get_lines()[0]
    assert line.get_xdata().size == 51  # one record per sweep plus the start
    assert "torus(3)" in trace_ax.get_title()
    plt.close(fig)
    fig, axes = plt.subplots(1, 2)
    assert plot_trace_and_histogram(ring(6), 1.0, 20, rule="metropolis", axes=axes) is fig
    plt.close(fig)


def test_plot_bad_inputs():
    with pytest.raises(ValueError, match="n_sweeps must be"):
        plot_trace_and_histogram(ring(5), 1.0, n_sweeps=1)
    with pytest.raises(ValueError, match="burn_in must be"):
        plot_trace_and_histogram(ring(5), 1.0, n_sweeps=10, burn_in=10)
    with pytest.raises(ValueError, match="beta must be finite"):
        plot_trace_and_histogram(ring(5), np.inf)
    with pytest.raises(ValueError, match="bins must be"):
        exact_energy_histogram(ring(5), 1.0, bins=0)
