"""Acceptance probabilities of a single spin flip: Glauber and Metropolis.

Both rules satisfy detailed balance with the Boltzmann distribution
``pi(s) ~ exp(-beta E(s))``:

- Glauber (heat bath): ``p(dE) = 1 / (1 + exp(beta dE))``;
- Metropolis: ``p(dE) = min(1, exp(-beta dE))``.

``dE = E(s^k) - E(s)`` is the energy change of the proposed flip (energy units) and
``beta >= 0`` the inverse temperature (1 / energy units); ``beta = inf`` (zero
temperature) is allowed. The public functions are vectorised and validated; the
``_scalar`` kernels are jitted for use inside other kernels of the library.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["glauber_acceptance", "metropolis_acceptance", "check_beta"]


def check_beta(beta) -> float:
    """Validate an inverse temperature: a real number in ``[0, inf]``; return it as float."""
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.integer, np.floating)):
        raise TypeError(f"beta must be a real number, got {type(beta).__name__}")
    beta = float(beta)
    if math.isnan(beta) or beta < 0.0:
        raise ValueError(f"beta must be in [0, inf] (inverse temperature), got {beta}")
    return beta


@numba.njit(cache=True, inline="always")
def _glauber_scalar(dE, beta):
    """Glauber acceptance for one flip; safe for any ``beta in [0, inf]`` and any finite ``dE``."""
    if beta == 0.0:
        return 0.5
    if dE == 0.0:
        return 0.5
    x = beta * dE  # +-inf when beta is inf; never NaN because dE != 0
    if x > 0.0:
        e = math.exp(-x)  # underflows to 0 gracefully
        return e / (1.0 + e)
    e = math.exp(x)
    return 1.0 / (1.0 + e)


@numba.njit(cache=True, inline="always")
def _metropolis_scalar(dE, beta):
    """Metropolis acceptance for one flip; safe for any ``beta in [0, inf]`` and any finite ``dE``."""
    if dE <= 0.0 or beta == 0.0:
        return 1.0
    return math.exp(-beta * dE)


@numba.vectorize(["float64(float64, float64)"], cache=True)
def _glauber_ufunc(dE, beta):
    return _glauber_scalar(dE, beta)


@numba.vectorize(["float64(float64, float64)"], cache=True)
def _metropolis_ufunc(dE, beta):
    return _metropolis_scalar(dE, beta)


def _check_dE(dE) -> np.ndarray:
    dE = np.asarray(dE, dtype=np.float64)
    if not np.all(np.isfinite(dE)):
        raise ValueError("dE must be finite (energy changes of single flips)")
    return dE


def glauber_acceptance(dE, beta):
    """Glauber (heat-bath) acceptance ``1 / (1 + exp(beta dE))``.

    Parameters
    ----------
    dE : float or array_like
        Energy change(s) of the proposed flip(s), energy units; finite.
    beta : float
        Inverse temperature in ``[0, inf]``. At ``beta = inf`` downhill flips are
        always accepted, uphill ones never, and ``dE = 0`` with probability 1/2.

    Returns
    -------
    float or ndarray
        Probabilities in ``[0, 1]``, same shape as ``dE``. No overflow warnings for
        large ``|beta dE|``.
    """
    beta = check_beta(beta)
    out = _glauber_ufunc(_check_dE(dE), beta)
    return float(out) if np.ndim(out) == 0 else out


def metropolis_acceptance(dE, beta):
    """Metropolis acceptance ``min(1, exp(-beta dE))``.

    Parameters
    ----------
    dE : float or array_like
        Energy change(s) of the proposed flip(s), energy units; finite.
    beta : float
        Inverse temperature in ``[0, inf]``.

    Returns
    -------
    float or ndarray
        Probabilities in ``[0, 1]``, same shape as ``dE``.
    """
    beta = check_beta(beta)
    out = _metropolis_ufunc(_check_dE(dE), beta)
    return float(out) if np.ndim(out) == 0 else out
