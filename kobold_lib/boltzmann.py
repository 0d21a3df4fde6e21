"""Exact thermal equilibrium of a small Ising model: the Boltzmann distribution.

``pi(x) = exp(-beta E(x)) / Z`` over all ``2**N`` states, computed from the exact energy
table in a numerically safe way (energies are shifted by ``E_min`` before
exponentiating, so nothing overflows at any ``beta``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_beta, check_model
from .ising import IsingModel, energies, magnetizations
from .landscape import energy_levels

__all__ = [
    "exact_energy_histogram",
    "MAX_LEVEL_BARS",
    "boltzmann_distribution",
    "log_partition_function",
    "ThermalAverages",
    "thermal_averages",
]

#: At ``beta = inf`` the Boltzmann distribution is uniform on the states within this
#: many energy units of ``E_min`` (rounding can split exactly degenerate ground states).
GROUND_ATOL = 1e-9


def _weights(e: np.ndarray, beta: float) -> np.ndarray:
    """Unnormalised weights ``exp(-beta (E - E_min))``, largest weight 1."""
    shifted = e - e.min()
    if np.isinf(beta):
        return (shifted <= GROUND_ATOL).astype(np.float64)
    return np.exp(-beta * shifted)


def boltzmann_distribution(model: IsingModel, beta: float) -> np.ndarray:
    """The Boltzmann distribution ``pi(x) = exp(-beta E(x)) / Z``.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]`` (1 / energy units). ``beta = 0`` gives the
        uniform distribution; ``beta = inf`` the uniform distribution on the ground
        states (energies within ``1e-9`` of ``E_min``).

    Returns
    -------
    (2**N,) float64
        Probabilities summing to 1, indexed by state.
    """
    model = check_model(model)
    beta = check_beta(beta)
    w = _weights(energies(model), beta)
    return w / w.sum()


def log_partition_function(model: IsingModel, beta: float) -> float:
    """Natural log of ``Z(beta) = sum_x exp(-beta E(x))``.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature, finite and ``>= 0`` (``ln Z`` diverges at ``beta = inf``).

    Returns
    -------
    float
        ``ln Z``, computed as ``-beta E_min + ln sum_x exp(-beta (E(x) - E_min))`` so
        that it never overflows. The free energy is ``F = -ln Z / beta``.
    """
    model = check_model(model)
    beta = check_beta(beta)
    if np.isinf(beta):
        raise ValueError("beta must be finite for log_partition_function, got inf")
    e = energies(model)
    return float(-beta * e.min() + np.log(np.exp(-beta * (e - e.min())).sum()))


@dataclass(frozen=True)
class ThermalAverages:
    """Exact equilibrium averages of a model at one inverse temperature.

    Attributes
    ----------
    beta : float
        Inverse temperature (1 / energy units).
    energy : float
        Mean energy ``<E>`` (energy units).
    energy_variance : float
        ``<E^2> - <E>^2`` (energy units squared).
    abs_magnetization : float
        ``<|M|>`` with ``M = sum_i s_i`` the total magnetisation (spins).
    magnetization_squared : float
        ``<M^2>`` (spins squared).
    n : int
        Number of spins, to turn totals into per-spin values.
    """

    beta: float
    energy: float
    energy_variance: float
    abs_magnetization: float
    magnetization_squared: float
    n: int

    @property
    def heat_capacity(self) -> float:
        """``C = beta^2 Var(E)`` (units of Boltzmann's constant); 0 at ``beta = inf``."""
        if np.isinf(self.beta):
            return 0.0
        return self.beta**2 * self.energy_variance


def thermal_averages(model: IsingModel, beta: float) -> ThermalAverages:
    """Exact Boltzmann averages of energy and magnetisation.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]``.

    Returns
    -------
    ThermalAverages
    """
    model = check_model(model)
    pi = boltzmann_distribution(model, beta)
    e = energies(model)
    m = magnetizations(model)
    mean_e = float(pi @ e)
    return ThermalAverages(
        beta=check_beta(beta),
        energy=mean_e,
        energy_variance=float(pi @ (e - mean_e) ** 2),
        abs_magnetization=float(pi @ np.abs(m)),
        magnetization_squared=float(pi @ m**2),
        n=model.n,
    )


#: Models with at most this many distinct energy levels get one bar per level; others
#: are binned.
MAX_LEVEL_BARS = 60


def exact_energy_histogram(model: IsingModel, beta: float, bins: int = 40):
    """Boltzmann probability of the energy, per level or per bin.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]``.
    bins : int
        Number of equal bins over ``[E_min, E_max]`` used when the model has more than
        ``MAX_LEVEL_BARS`` distinct levels.

    Returns
    -------
    edges : (B + 1,) float64
        Bin edges in energy units. For a model with few levels each bin holds exactly
        one level (edges halfway between neighbouring levels).
    probability : (B,) float64
        Equilibrium probability of each bin; sums to 1.
    """
    model = check_model(model)
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    e = energies(model)
    pi = boltzmann_distribution(model, beta)
    levels = energy_levels(model).energy
    if levels.size <= MAX_LEVEL_BARS:
        if levels.size == 1:
            edges = np.array([levels[0] - 0.5, levels[0] + 0.5])
        else:
            mids = 0.5 * (levels[1:] + levels[:-1])
            edges = np.concatenate(([2 * levels[0] - mids[0]], mids, [2 * levels[-1] - mids[-1]]))
    else:
        span = e.max() - e.min()
        edges = np.linspace(e.min() - 1e-9 * span, e.max() + 1e-9 * span, int(bins) + 1)
    probability, _ = np.histogram(e, bins=edges, weights=pi)
    return edges, probability / probability.sum()
