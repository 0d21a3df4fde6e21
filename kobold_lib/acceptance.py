"""Acceptance probabilities of a single spin flip: Glauber and Metropolis.

Both rules satisfy detailed balance with the Boltzmann distribution
``pi(s) ~ exp(-beta E(s))``:

- Glauber (heat bath): ``p(dE) = 1 / (1 + exp(beta dE))``;
- Metropolis: ``p(dE) = min(1, exp(-beta dE))``.

``dE = E(s^k) - E(s)`` is the energy change of the proposed flip (energy units) and
``beta >= 0`` the inverse temperature (1 / energy units); ``beta = inf`` (zero
temperature) is allowed. The functions here are vectorised and validated; the jitted
scalar forms that every kernel of the library uses live in the private ``_rules``.
"""

from __future__ import annotations

import numba
import numpy as np

from ._rules import glauber_scalar, metropolis_scalar
from ._validate import check_beta

__all__ = ["glauber_acceptance", "metropolis_acceptance"]


@numba.vectorize(["float64(float64, float64)"], cache=True)
def _glauber_ufunc(dE, beta):
    return glauber_scalar(dE, beta)


@numba.vectorize(["float64(float64, float64)"], cache=True)
def _metropolis_ufunc(dE, beta):
    return metropolis_scalar(dE, beta)


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
