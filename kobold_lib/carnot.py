"""Efficiency of a two-pool coin engine as a function of the work it extracts.

The Carnot bound ``W <= (1 - beta_h / beta_c) Q`` (``Q`` heads leave the hot pool,
``W`` become work) is tight only while the pools' prices do not move. This module
computes the entropy bound on the work for every amount ``Q`` of heads taken from
the hot pool, which traces the efficiency ``W / Q`` from Carnot (``Q -> 0``) down to
the efficiency of a full equilibration (the largest work, where both pools end at the
same price). The chapter *Arbitrage and the Carnot bound* draws it
(:func:`kobold_lib.figures.coins.plot_efficiency`).

Public names
------------
transfer_work_bound, EfficiencyCurve, efficiency_curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from .coins import carnot_efficiency, entropy_bits, entropy_bound_work

__all__ = [
    "transfer_work_bound",
    "EfficiencyCurve",
    "efficiency_curve",
]


def _check_pools(n_hot, n_cold, p_hot, p_cold):
    for name, value in (("n_hot", n_hot), ("n_cold", n_cold)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
        if value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value}")
    for name, value in (("p_hot", p_hot), ("p_cold", p_cold)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
        if not 0.0 < float(value) < 0.5:
            raise ValueError(f"{name} must be in (0, 1/2) (a positive temperature), got {value}")
    if not float(p_hot) > float(p_cold):
        raise ValueError(f"p_hot must exceed p_cold (the hot pool has cheaper heads), got p_hot={p_hot}, p_cold={p_cold}")
    return int(n_hot), int(n_cold), float(p_hot), float(p_cold)


def _work_bound(n_h, n_c, q, p_h, p_c):
    """Largest W once q heads have left the hot pool (inputs already checked)."""
    s_initial = n_h * entropy_bits(p_h) + n_c * entropy_bits(p_c)
    hot_after = n_h * p_h - q
    # entropy the cold pool must hold at the end (bits)
    required = s_initial - n_h * entropy_bits(hot_after / n_h)
    if required <= 0.0:
        return q + n_c * p_c  # the cold pool may even end all tails
    if required > n_c * (1.0 + 1e-12):
        raise ValueError(
            f"q = {q} heads cannot leave the hot pool: the cold pool would have to hold "
            f"{required:.6g} bits, more than its {n_c} coins can"
        )
    if required >= n_c:
        cold_after = n_c / 2.0
    else:
        # smallest head count of the cold pool whose maximum entropy is enough
        cold_after = optimize.brentq(
            lambda m: n_c * entropy_bits(m / n_c) - required,
            0.0,
            n_c / 2.0,
            xtol=1e-13 * max(1.0, n_c),
            rtol=4 * np.finfo(float).eps,
        )
    return q + n_c * p_c - cold_after


def transfer_work_bound(n_hot, n_cold, q, p_hot, p_cold):
    """Entropy bound on the work when ``q`` expected heads leave the hot pool.

    The hot pool ends with ``n_h p_h - q`` heads, the cold pool with ``n_c p_c + q - W``
    (heads are conserved), and the ``W`` work coins are deterministic. Invertibility
    asks the pools' maximum entropies at the end to hold the initial entropy:
    ``n_h H((n_h p_h - q)/n_h) + n_c H((n_c p_c + q - W)/n_c) >= n_h H(p_h) + n_c H(p_c)``.
    Returns the largest real ``W`` that satisfies it.

    Parameters
    ----------
    n_hot, n_cold : int
        Pool sizes (coins), ``>= 1``.
    q : float
        Heads that leave the hot pool, in ``[0, n_hot * p_hot]``.
    p_hot, p_cold : float
        Head probabilities with ``0 < p_cold < p_hot < 1/2``.

    Returns
    -------
    float
        Work in heads. ``W / q <= carnot_efficiency(p_hot, p_cold)`` for every ``q > 0``.
    """
    n_h, n_c, p_h, p_c = _check_pools(n_hot, n_cold, p_hot, p_cold)
    if isinstance(q, bool) or not isinstance(q, (int, float, np.integer, np.floating)):
        raise TypeError(f"q must be a real number, got {type(q).__name__}")
    q = float(q)
    if not 0.0 <= q <= n_h * p_h:
        raise ValueError(f"q must be in [0, n_hot * p_hot] = [0, {n_h * p_h:g}], got {q}")
    return float(_work_bound(n_h, n_c, q, p_h, p_c))


@dataclass(frozen=True)
class EfficiencyCurve:
    """Work and efficiency along ``q`` for two pools (see :func:`efficiency_curve`).

    Attributes
    ----------
    heads_out : (num,) float64
        Heads leaving the hot pool, ``q``, increasing up to ``q_equilibrium``.
    work : (num,) float64
        Entropy bound on the work for each ``q``, in heads.
    efficiency : (num,) float64
        ``work / heads_out`` (dimensionless).
    carnot : float
        ``1 - beta_h / beta_c``.
    q_equilibrium : float
        Heads leaving the hot pool in a full equilibration, ``n_h (p_h - p_final)``.
    work_equilibrium : float
        Largest work, ``entropy_bound_work(n_hot, n_cold, p_hot, p_cold)``.
    """

    heads_out: np.ndarray
    work: np.ndarray
    efficiency: np.ndarray
    carnot: float
    q_equilibrium: float
    work_equilibrium: float

    @property
    def efficiency_equilibrium(self) -> float:
        """Efficiency of the full equilibration, ``work_equilibrium / q_equilibrium``."""
        return self.work_equilibrium / self.q_equilibrium


def efficiency_curve(n_hot, n_cold, p_hot, p_cold, num=200):
    """Efficiency against work at ``num`` log-spaced values of ``q``, the heads moved.

    ``q`` runs from ``1e-4 * q_equilibrium`` to ``q_equilibrium``.

    At full equilibration both pools end with head probability
    ``p_final = (n_h p_h + n_c p_c - W_max) / (n_h + n_c)``, and the
    ``q_equilibrium = n_h (p_h - p_final)`` heads that left the hot pool bought the most
    work there is, ``W_max = entropy_bound_work(...)``. Smaller ``q`` buys less work
    at a better rate; as ``q -> 0`` the efficiency tends to Carnot.

    Parameters
    ----------
    n_hot, n_cold : int
        Pool sizes (coins), ``>= 1``.
    p_hot, p_cold : float
        Head probabilities with ``0 < p_cold < p_hot < 1/2``.
    num : int
        Number of points, ``>= 2``; ``q`` is spaced geometrically, so small ``q`` (the
        reservoir regime) is well resolved.

    Returns
    -------
    EfficiencyCurve
    """
    n_h, n_c, p_h, p_c = _check_pools(n_hot, n_cold, p_hot, p_cold)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 2:
        raise ValueError(f"num must be an integer >= 2, got {num}")
    w_eq = entropy_bound_work(n_h, n_c, p_h, p_c)
    p_final = (n_h * p_h + n_c * p_c - w_eq) / (n_h + n_c)
    q_eq = n_h * (p_h - p_final)
    q = np.geomspace(q_eq * 1e-4, q_eq, int(num))
    work = np.array([_work_bound(n_h, n_c, qi, p_h, p_c) for qi in q])
    work[-1] = w_eq  # the same point, computed by the library's own root finder
    return EfficiencyCurve(
        heads_out=q,
        work=work,
        efficiency=work / q,
        carnot=float(carnot_efficiency(p_h, p_c)),
        q_equilibrium=float(q_eq),
        work_equilibrium=float(w_eq),
    )


