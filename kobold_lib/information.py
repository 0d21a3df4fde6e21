"""What the kobold knows: the energy it extracts against the information it uses.

The kobold is a feedback controller: it reads the microstate ``s`` (``N`` bits) and picks
its flips from what it read. This module puts numbers on both sides of that bargain for
a system that starts in thermal equilibrium at inverse temperature ``beta`` (the bath's),
in the book's Part II units: energies in energy units, Boltzmann's constant ``k_B = 1``,
entropies in nats unless named ``*_bits``, so one bit costs ``T ln 2`` energy units at
temperature ``T = 1 / beta``.

- What the kobold gets: the thermal average, over Boltzmann-distributed start states, of
  its discounted value ``V(s)`` (its own accounting) and of the energy its flips
  actually release, ``E(s) - E(root(s))`` (it follows its policy tree to the root; a
  refused attempt only delays it, so this energy is fixed by the start state).
- What its knowledge costs: erasing a raw record of the ``N`` bits it read costs at least
  ``N T ln 2`` (Landauer); the record holds only ``S / ln 2`` bits of information (the
  Shannon entropy of the Boltzmann distribution), and erasing a perfectly compressed
  record costs ``T S``.

The generalised second law with feedback (Sagawa and Ueda) bounds the energy extracted in
a cycle by ``T I``, with ``I = S`` here (an error-free reading of the whole microstate):
``extracted <= information_cost <= landauer_cost``.

Public functions
----------------
:func:`information_balance`
    Both sides of the balance for one model, temperature and discount.
:func:`discounted_gains`
    The discounted and the undiscounted gain of each recorded kobold run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_beta, check_gamma, check_model
from .bellman import solve
from .ising import IsingModel, energies
from .policy import policy_roots

__all__ = ["InformationBalance", "information_balance", "discounted_gains"]

_LN2 = float(np.log(2.0))

#: Largest model :func:`information_balance` accepts (it tabulates all ``2**N`` states
#: and solves the Bellman equation exactly).
_MAX_SPINS = 24


@dataclass(frozen=True)
class InformationBalance:
    """What a kobold extracts from a thermal start, and what its information costs.

    All energies are in energy units with ``k_B = 1``, averages over start states
    drawn from the Boltzmann distribution at ``beta``.

    Attributes
    ----------
    beta : float
        Inverse temperature of the bath and of the start states (1 / energy units).
    gamma : float
        The kobold's discount per attempt.
    n : int
        Number of spins: the bits of a raw record of the microstate.
    discounted_value : float
        ``<V>``: thermal average of the optimal discounted value (the kobold's accounting).
    extracted : float
        Thermal average of ``E(s) - E(root(s))``: the energy the optimal kobold's
        accepted flips release, undiscounted, when it plays to the end.
    extracted_variance : float
        Its variance over start states (energy units squared).
    information_bits : float
        Shannon entropy of the Boltzmann distribution in bits, ``S / ln 2``: what an
        error-free reading of the microstate tells the kobold.
    mean_energy : float
        ``<E>``.
    energy_variance : float
        ``<E^2> - <E>^2``, the thermal energy fluctuations.
    free_energy : float
        ``F = -T ln Z``.
    e_min : float
        Ground-state energy.
    free_energy_gap : float
        ``E_min - F = T ln sum_s exp(-beta (E(s) - E_min)) >= 0``, computed without
        cancellation: the shortfall of a patient kobold below ``T S``.
    """

    beta: float
    gamma: float
    n: int
    discounted_value: float
    extracted: float
    extracted_variance: float
    information_bits: float
    mean_energy: float
    energy_variance: float
    free_energy: float
    e_min: float
    free_energy_gap: float

    @property
    def temperature(self) -> float:
        """``T = 1 / beta`` (energy units)."""
        return 1.0 / self.beta

    @property
    def entropy(self) -> float:
        """Thermodynamic entropy ``S`` in nats (units of ``k_B``)."""
        return self.information_bits * _LN2

    @property
    def landauer_cost(self) -> float:
        """``N T ln 2``: least heat released by erasing a raw ``N``-bit record."""
        return self.n * self.temperature * _LN2

    @property
    def information_cost(self) -> float:
        """``T S``: least heat released by erasing a perfectly compressed record."""
        return self.temperature * self.entropy


def _check_finite_beta(beta) -> float:
    beta = check_beta(beta)
    if not 0.0 < beta < np.inf:
        raise ValueError(
            f"beta must be positive and finite (the costs are T ln 2 per bit with T = 1/beta), got {beta}"
        )
    return beta


def information_balance(model: IsingModel, beta, gamma) -> InformationBalance:
    """Both sides of the kobold's information balance at one temperature and discount.

    Parameters
    ----------
    model : IsingModel
        At most 24 spins (every state is tabulated and solved exactly).
    beta : float
        Inverse temperature in ``(0, inf)``, 1 / energy units.
    gamma : float
        Discount per attempt, in ``(0, 1)``.

    Returns
    -------
    InformationBalance
        Thermal averages of the kobold's value and extracted energy, the information in
        its reading, and (as properties) the Landauer and information costs.

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`~kobold_lib.ising.IsingModel` or a number is not real.
    ValueError
        If ``beta`` is not positive and finite, ``gamma`` is not in ``(0, 1)`` or the
        model has more than 24 spins.
    """
    model = check_model(model)
    if model.n > _MAX_SPINS:
        raise ValueError(f"model has N={model.n} spins; information_balance needs N <= {_MAX_SPINS}")
    beta = _check_finite_beta(beta)
    gamma = check_gamma(gamma)
    e = energies(model)
    e_min = float(e.min())
    w = np.exp(-beta * (e - e_min))
    z_shifted = float(w.sum())
    pi = w / z_shifted
    # ln of the shifted partition function, accurate when excited states are very rare
    ground = float(np.count_nonzero(w == 1.0))
    log_z_shifted = float(np.log(ground) + np.log1p(w[w < 1.0].sum() / ground))
    log_z = -beta * e_min + log_z_shifted
    mean_e = float(pi @ e)
    # S = beta <E> + ln Z, written so that nothing cancels catastrophically at low T
    entropy = float(beta * (pi @ (e - e_min)) + log_z_shifted)
    sol = solve(model, beta, gamma)
    gain = e - e[policy_roots(sol.policy)]
    mean_gain = float(pi @ gain)
    return InformationBalance(
        beta=beta,
        gamma=gamma,
        n=model.n,
        discounted_value=float(pi @ sol.V),
        extracted=mean_gain,
        extracted_variance=float(pi @ (gain - mean_gain) ** 2),
        information_bits=max(entropy, 0.0) / _LN2,
        mean_energy=mean_e,
        energy_variance=float(pi @ (e - mean_e) ** 2),
        free_energy=float(-log_z / beta),
        e_min=e_min,
        free_energy_gap=log_z_shifted / beta,
    )


def discounted_gains(energy_traces, gamma) -> tuple[np.ndarray, np.ndarray]:
    """The discounted and the plain energy gain of each recorded run.

    Parameters
    ----------
    energy_traces : (n_runs, n_steps + 1) array_like, or MonteCarloRuns
        Energy after ``t`` attempts, column 0 the start (e.g. ``kobold_traces(...).energies``
        or the :class:`~kobold_lib.dynamics.MonteCarloRuns` itself), energy units.
    gamma : float
        Discount per attempt, in ``(0, 1)``: the gain of attempt ``t`` (counted from 0)
        is worth ``gamma**t``.

    Returns
    -------
    discounted : (n_runs,) float64
        ``sum_t gamma**t (E_t - E_{t+1})``: the kobold's discounted earnings of each run.
    plain : (n_runs,) float64
        ``E_0 - E_{n_steps}``: the energy released over the whole run.

    Raises
    ------
    ValueError
        If the traces are not a 2-D array with at least two columns (runs recorded with
        ``record=True``) of finite numbers, or ``gamma`` is not in ``(0, 1)``.
    """
    gamma = check_gamma(gamma)
    arr = getattr(energy_traces, "energies", energy_traces)
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] < 2 or arr.shape[0] == 0:
        raise ValueError(
            "energy_traces must be recorded runs of shape (n_runs, n_steps + 1) with n_steps >= 1 "
            f"(use record=True), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("energy_traces must be finite")
    rewards = arr[:, :-1] - arr[:, 1:]
    weights = gamma ** np.arange(rewards.shape[1])
    return rewards @ weights, arr[:, 0] - arr[:, -1]
