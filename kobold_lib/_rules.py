"""The acceptance rules of a single spin flip, written once for every kernel of the library.

Both rules satisfy detailed balance with the Boltzmann distribution
``pi(s) ~ exp(-beta E(s))``; ``dE = E(s^k) - E(s)`` is the energy change of the proposed
flip (energy units) and ``beta`` in ``[0, inf]`` the inverse temperature:

- ``"glauber"`` (heat bath): ``p(dE) = 1 / (1 + exp(beta dE))``;
- ``"metropolis"``: ``p(dE) = min(1, exp(-beta dE))``.

The jitted scalar functions are safe for any ``beta`` in ``[0, inf]`` and any finite
``dE`` (no overflow, no NaN); the public, vectorised forms are in
:mod:`kobold_lib.acceptance`.
"""

from __future__ import annotations

import math

import numba

#: Names of the acceptance rules, in the order the library lists them.
RULES = ("glauber", "metropolis")


def check_rule(rule) -> str:
    """An acceptance rule name, one of :data:`RULES`."""
    if not isinstance(rule, str) or rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(map(repr, RULES))}; got {rule!r}")
    return rule


@numba.njit(cache=True, inline="always")
def glauber_scalar(dE, beta):
    """Glauber acceptance of one flip."""
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
def metropolis_scalar(dE, beta):
    """Metropolis acceptance of one flip."""
    if dE <= 0.0 or beta == 0.0:
        return 1.0
    return math.exp(-beta * dE)


@numba.njit(cache=True, inline="always")
def acceptance_scalar(dE, beta, glauber):
    """The acceptance of one flip under the Glauber rule (``glauber``) or the Metropolis rule."""
    if glauber:
        return glauber_scalar(dE, beta)
    return metropolis_scalar(dE, beta)
