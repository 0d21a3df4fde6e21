"""Figures of Monte Carlo runs against exact equilibrium (the Glauber-dynamics chapter).

Matplotlib is imported inside the functions, so ``import kobold_lib`` stays light.

Public names
------------
plot_trace_and_histogram.
"""

from __future__ import annotations

import numpy as np

from .._validate import check_model
from ..boltzmann import boltzmann_distribution, exact_energy_histogram
from ..dynamics import monte_carlo
from ..ising import IsingModel, energies

__all__ = ["plot_trace_and_histogram"]


def plot_trace_and_histogram(
    model: IsingModel,
    beta: float,
    n_sweeps: int = 400,
    rule: str = "glauber",
    seed: int = 0,
    burn_in: int | None = None,
    axes=None,
):
    """A Monte Carlo energy trace from a hot start beside the exact energy distribution.

    Left: energy per spin after every sweep, with the exact Boltzmann mean and a band
    of one standard deviation. Right: the exact Boltzmann probability of the energy
    (bars) against the fraction of recorded sweeps after ``burn_in`` (dots).

    Parameters
    ----------
    model : IsingModel
        Small enough to tabulate (the exact side needs ``2**N`` energies).
    beta : float
        Inverse temperature (1 / energy units), finite and ``>= 0``.
    n_sweeps : int
        Length of the run in sweeps (``N`` proposed flips each), at least 2.
    rule : {"glauber", "metropolis"}
    seed : int
        Seed of ``numpy.random.default_rng`` for the run (start state included).
    burn_in : int or None
        Sweeps discarded before the histogram; default ``n_sweeps // 5``.
    axes : pair of matplotlib Axes, optional
        Where to draw; a new figure is made if omitted.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    model = check_model(model)
    if isinstance(n_sweeps, bool) or not isinstance(n_sweeps, (int, np.integer)) or n_sweeps < 2:
        raise ValueError(f"n_sweeps must be an integer >= 2, got {n_sweeps!r}")
    if burn_in is None:
        burn_in = int(n_sweeps) // 5
    if isinstance(burn_in, bool) or not isinstance(burn_in, (int, np.integer)) or not (
        0 <= burn_in < n_sweeps
    ):
        raise ValueError(f"burn_in must be an integer in [0, n_sweeps), got {burn_in!r}")
    if np.isinf(float(beta)):
        raise ValueError("beta must be finite for plot_trace_and_histogram, got inf")
    n = model.n
    trace = monte_carlo(model, beta, int(n_sweeps) * n, rng=seed, rule=rule, record_every=n)
    e = energies(model)
    pi = boltzmann_distribution(model, beta)
    mean = float(pi @ e)
    std = float(np.sqrt(max(pi @ (e - mean) ** 2, 0.0)))
    edges, exact = exact_energy_histogram(model, beta)
    sampled, _ = np.histogram(trace.energy[burn_in + 1 :], bins=edges)
    sampled = sampled / sampled.sum()

    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), constrained_layout=True,
                                 gridspec_kw={"width_ratios": [1.6, 1]})
    else:
        fig = axes[0].figure
    ax_trace, ax_hist = axes
    ax_trace.plot(trace.sweeps, trace.energy / n, lw=0.8, color="C0", label=f"{rule} run")
    ax_trace.axhline(mean / n, color="k", lw=1.2, label="exact mean")
    ax_trace.axhspan((mean - std) / n, (mean + std) / n, color="k", alpha=0.12,
                     label="exact mean $\\pm$ std")
    ax_trace.axvline(burn_in, color="C3", ls=":", lw=1, label="end of burn-in")
    ax_trace.set_xlabel("time (sweeps of N proposed flips)")
    ax_trace.set_ylabel("energy per spin $E/N$")
    ax_trace.set_title(f"{model.name}, $\\beta$ = {float(beta):.3g}, hot start")
    ax_trace.legend(loc="upper right", fontsize=8)

    centres = 0.5 * (edges[1:] + edges[:-1]) / n
    widths = np.diff(edges) / n
    ax_hist.bar(centres, exact, width=0.8 * widths, color="0.75", label="exact Boltzmann")
    ax_hist.plot(centres, sampled, "o", color="C0", ms=4, label="Monte Carlo")
    ax_hist.set_xlabel("energy per spin $E/N$")
    ax_hist.set_ylabel("probability")
    mc_mean = float(trace.energy[burn_in + 1 :].mean()) / n
    ax_hist.set_title(f"mean E/N: run {mc_mean:.3f}, exact {mean / n:.3f}")
    ax_hist.legend(fontsize=8)
    return fig
