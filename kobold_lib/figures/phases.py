"""Figures of Part II's value landscapes, phase diagrams and kobold-versus-Monte-Carlo runs.

Plain Matplotlib functions over the library's results; each takes an optional ``ax``
and returns what it drew on, so a chapter can draw a figure once (its static version)
and a widget can redraw it.

Public names
------------
plot_sorted_values, plot_mean_values, plot_phase_diagram, plot_policy_point,
plot_energy_traces, plot_hitting_times, DYNAMICS_COLORS.
"""

from __future__ import annotations

import numpy as np

from ..phases import PHASE_STATISTICS, PhaseDiagram, PolicyStatistics
from ..dynamics import MonteCarloRuns

__all__ = [
    "plot_sorted_values",
    "plot_mean_values",
    "plot_phase_diagram",
    "plot_policy_point",
    "plot_energy_traces",
    "plot_hitting_times",
    "DYNAMICS_COLORS",
]

#: Colours of the three dynamics in every figure of Part II.
DYNAMICS_COLORS = {"kobold": "C3", "metropolis": "C0", "glauber": "C2"}

_LABELS = {
    "wise_fraction": "fraction of wise states",
    "wise_fraction_acting": "wise states / acting states",
    "greedy_fraction": "fraction of greedy states",
    "neutral_fraction": "fraction of neutral states",
    "stop_fraction": "fraction of stopping states",
    "tie_uphill_fraction": "uphill picks among ties",
    "wise_minimum_fraction": "fraction of wise local minima",
    "n_marginal_stops": "stops worth less than the tolerance",
    "mean_value": r"$\langle V\rangle$ (energy units)",
    "n_absorbing": "absorbing states",
    "n_nonground_absorbing": "absorbing states above the ground",
    "mean_depth": "mean tree depth (accepted flips)",
    "max_depth": "deepest tree (accepted flips)",
    "iterations": "solver sweeps",
    "wise_states": "number of wise states",
}


def _axes(ax, figsize=(6.4, 4.2)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _check_mapping(values, name: str) -> dict:
    if not isinstance(values, dict) or not values:
        raise TypeError(f"{name} must be a non-empty dict of label -> data, got {type(values).__name__}")
    return values


def plot_sorted_values(values: dict, ax=None, normalise: bool = False):
    """``V(s)`` sorted in descending order, one curve per model (the paper's Fig. 2).

    Parameters
    ----------
    values : dict
        Label -> ``(2**N,)`` array of values (energy units), e.g. ``solve(...).V``.
    ax : matplotlib Axes, optional
    normalise : bool
        Divide each curve by its largest value, so models of different energy scales
        share one axis.

    Returns
    -------
    matplotlib Axes
        The x axis is the rank divided by the number of states, in ``[0, 1)``.
    """
    values = _check_mapping(values, "values")
    ax = _axes(ax)
    for label, V in values.items():
        V = np.sort(np.asarray(V, dtype=np.float64))[::-1]
        if normalise and V[0] > 0:
            V = V / V[0]
        ax.plot(np.arange(V.size) / V.size, V, label=str(label))
    ax.set_xlabel("rank of the state / number of states")
    ax.set_ylabel(r"$V(s)/\max_s V(s)$" if normalise else r"$V(s)$ (energy units)")
    ax.set_xlim(0.0, 1.0)
    ax.legend(fontsize="small", loc="upper right")
    return ax


def plot_mean_values(gammas, means: dict, ax=None):
    """``<V>`` against ``gamma``, one curve per model (the paper's Fig. 2, lower panel).

    Parameters
    ----------
    gammas : (n,) array_like
        Discounts in ``(0, 1)``.
    means : dict
        Label -> ``(n,)`` array of ``<V>`` (energy units).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        ``gamma`` on a logit axis (0.1, 0.5, 0.9, 0.99 ... evenly spaced).
    """
    means = _check_mapping(means, "means")
    gammas = np.asarray(gammas, dtype=np.float64)
    ax = _axes(ax)
    for label, m in means.items():
        m = np.asarray(m, dtype=np.float64)
        if m.shape != gammas.shape:
            raise ValueError(f"means[{label!r}] has shape {m.shape}, gammas has {gammas.shape}")
        ax.plot(gammas, m, marker=".", label=str(label))
    ax.set_xscale("logit")
    ax.set_xlabel(r"discount $\gamma$")
    ax.set_ylabel(r"$\langle V\rangle$ (energy units)")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def _edges_log(x):
    lx = np.log(x)
    if x.size == 1:
        return np.exp([lx[0] - 0.5, lx[0] + 0.5])
    mid = 0.5 * (lx[1:] + lx[:-1])
    return np.exp(np.concatenate(([2 * lx[0] - mid[0]], mid, [2 * lx[-1] - mid[-1]])))


def _edges_logit(g):
    lg = np.log(g / (1.0 - g))
    if g.size == 1:
        e = np.array([lg[0] - 0.5, lg[0] + 0.5])
    else:
        mid = 0.5 * (lg[1:] + lg[:-1])
        e = np.concatenate(([2 * lg[0] - mid[0]], mid, [2 * lg[-1] - mid[-1]]))
    return 1.0 / (1.0 + np.exp(-e))


def plot_phase_diagram(
    diagram: PhaseDiagram,
    statistic: str = "wise_states",
    ax=None,
    marker=None,
    boundary: bool = True,
    colorbar: bool = True,
    cmap: str = "viridis",
    vmax=None,
):
    """A statistic of a phase diagram over ``beta`` (log axis) and ``gamma`` (logit axis).

    Parameters
    ----------
    diagram : PhaseDiagram
    statistic : str
        ``"wise_states"`` (number of wise states, default) or any name of
        :data:`~kobold_lib.phases.PHASE_STATISTICS`.
    ax : matplotlib Axes, optional
    marker : (beta, gamma), optional
        A point to mark (the widget's current point).
    boundary : bool
        Draw the greedy/wise boundary: the contour between grid points with no wise
        state and points with at least one.
    colorbar : bool
    cmap : str
    vmax : float, optional
        Top of the colour scale (to compare several diagrams on one scale).

    Returns
    -------
    matplotlib Axes
    """
    if not isinstance(diagram, PhaseDiagram):
        raise TypeError(f"diagram must be a PhaseDiagram, got {type(diagram).__name__}")
    if statistic != "wise_states" and statistic not in PHASE_STATISTICS:
        raise ValueError(f"statistic must be 'wise_states' or one of {', '.join(PHASE_STATISTICS)}; got {statistic!r}")
    betas = np.asarray(diagram.betas)
    gammas = np.asarray(diagram.gammas)
    if np.any(betas <= 0) or not np.all(np.isfinite(betas)):
        raise ValueError("plot_phase_diagram needs betas in (0, inf) for its log axis")
    ax = _axes(ax)
    data = diagram.wise_states if statistic == "wise_states" else diagram.statistic(statistic)
    bo = np.argsort(betas)
    go = np.argsort(gammas)
    z = np.asarray(data, dtype=np.float64)[np.ix_(bo, go)]
    if vmax is None:
        vmax = float(np.nanmax(z)) if np.nanmax(z) > 0 else 1.0  # an all-zero diagram: scale [0, 1]
    mesh = ax.pcolormesh(_edges_log(betas[bo]), _edges_logit(gammas[go]), z.T, cmap=cmap, vmin=0.0, vmax=vmax, shading="flat")
    if boundary and betas.size > 1 and gammas.size > 1:
        wise = (diagram.wise_states[np.ix_(bo, go)] > 0).astype(float)
        if 0.0 < wise.mean() < 1.0:
            ax.contour(betas[bo], gammas[go], wise.T, levels=[0.5], colors="w", linewidths=1.5)
    if marker is not None:
        b, g = marker
        ax.plot([b], [g], marker="o", ms=9, mfc="none", mec="r", mew=2, ls="none")
    ax.set_xscale("log")
    ax.set_yscale("logit")
    ax.set_xlabel(r"inverse temperature $\beta$ (1/energy units)")
    ax.set_ylabel(r"discount $\gamma$")
    ax.set_title(f"{diagram.model_name}")
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label=_LABELS.get(statistic, statistic))
    return ax


def plot_policy_point(diagram: PhaseDiagram, stats: PolicyStatistics, statistic: str = "wise_states"):
    """The phase diagram with one point marked, beside that point's policy statistics.

    Parameters
    ----------
    diagram : PhaseDiagram
    stats : PolicyStatistics
        Statistics of the marked point (``policy_statistics(model, beta, gamma)``).
    statistic : str
        What the diagram shows (see :func:`plot_phase_diagram`).

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    if not isinstance(stats, PolicyStatistics):
        raise TypeError(f"stats must be a PolicyStatistics, got {type(stats).__name__}")
    fig, (ax, ax_text) = plt.subplots(1, 2, figsize=(10.0, 4.2), gridspec_kw={"width_ratios": [1.5, 1.0]})
    plot_phase_diagram(diagram, statistic, ax=ax, marker=(stats.beta, stats.gamma))
    size = stats.n_states
    lines = [
        rf"$\beta$ = {stats.beta:.3g},  $\gamma$ = {stats.gamma:.4g}",
        "",
        f"wise states      {round(stats.wise_fraction * size):>7d}",
        f"greedy states    {round(stats.greedy_fraction * size):>7d}",
        f"neutral states   {round(stats.neutral_fraction * size):>7d}",
        f"stopping states  {stats.n_absorbing:>7d}",
        f"  above ground   {stats.n_nonground_absorbing:>7d}",
        "",
        f"<V>              {stats.mean_value:>7.3f}",
        f"mean tree depth  {stats.mean_depth:>7.2f}",
        f"deepest tree     {stats.max_depth:>7d}",
    ]
    ax_text.axis("off")
    ax_text.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=10, transform=ax_text.transAxes)
    fig.tight_layout()
    return fig


def _check_traces(traces) -> dict:
    traces = _check_mapping(traces, "traces")
    for label, tr in traces.items():
        if not isinstance(tr, MonteCarloRuns):
            raise TypeError(f"traces[{label!r}] must be a MonteCarloRuns (EnergyTraces), got {type(tr).__name__}")
    return traces


def plot_energy_traces(traces: dict, runs: int = 3, ax=None):
    """Energy against attempts for a few runs of each dynamics (the paper's Fig. 6).

    Parameters
    ----------
    traces : dict
        Label -> recorded :class:`~kobold_lib.dynamics.MonteCarloRuns` (same starts).
    runs : int
        Runs drawn per dynamics (the first ones).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Attempts on a log axis (``t + 1``), the ground energy dashed.
    """
    traces = _check_traces(traces)
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ValueError(f"runs must be a positive integer, got {runs!r}")
    ax = _axes(ax)
    e_min = None
    for label, tr in traces.items():
        if tr.energies.shape[1] == 0:
            raise ValueError(f"traces[{label!r}] was not recorded (record=False)")
        color = DYNAMICS_COLORS.get(tr.dynamics)
        t = tr.steps + 1
        for r in range(min(int(runs), tr.energies.shape[0])):
            ax.step(t, tr.energies[r], where="post", color=color, alpha=0.8, lw=1.2, label=str(label) if r == 0 else None)
        e_min = tr.e_min if np.isfinite(tr.e_min) else e_min  # monte_carlo has no ground energy
    if e_min is not None:
        ax.axhline(e_min, color="k", ls="--", lw=0.8, label="ground energy")
    ax.set_xscale("log")
    ax.set_xlabel("attempted flips + 1")
    ax.set_ylabel("energy (energy units)")
    ax.legend(fontsize="small", loc="upper right")
    return ax


def plot_hitting_times(traces: dict, ax=None):
    """The fraction of runs not yet in a ground state after ``t`` attempts.

    Parameters
    ----------
    traces : dict
        Label -> :class:`~kobold_lib.dynamics.MonteCarloRuns`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Survival curves on a log time axis; runs that never arrived (a kobold stopped
        above the ground, a chain out of time) keep the curve above zero.
    """
    traces = _check_traces(traces)
    ax = _axes(ax)
    t_max = 1
    for label, tr in traces.items():
        hits = np.asarray(tr.hitting_times)
        t_max = max(t_max, tr.n_steps)
        t = np.arange(tr.n_steps + 1)
        arrived = np.sort(hits[hits >= 0])
        survival = 1.0 - np.searchsorted(arrived, t, side="right") / hits.size
        ax.step(t + 1, survival, where="post", color=DYNAMICS_COLORS.get(tr.dynamics), label=str(label))
    ax.set_xscale("log")
    ax.set_xlim(1, t_max + 1)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("attempted flips + 1")
    ax.set_ylabel("fraction of runs not yet at the ground")
    ax.legend(fontsize="small", loc="upper right")
    return ax
