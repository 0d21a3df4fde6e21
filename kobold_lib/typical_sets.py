"""Typical sets of a coin pool: the head counts that carry almost all the probability.

The chapter *Coins and entropy* draws them (:func:`kobold_lib.figures.coins.plot_typical_set`).

Public names
------------
TypicalSet, typical_set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from .coins import entropy_bits, log2_binomial, price

__all__ = ["TypicalSet", "typical_set"]

_LN2 = np.log(2.0)

#: Relative slack in the typical-set test, so that a head count lying exactly on the
#: boundary ``|k/n - p| |beta| = eps`` is counted as typical despite rounding.
_BOUNDARY_SLACK = 1e-9

#: Largest pool :func:`typical_set` accepts: it loops over all ``n + 1`` head counts.
_MAX_COINS = 10_000_000


@dataclass(frozen=True)
class TypicalSet:
    """The typical set of a pool of ``n`` IID coins, summarised by head counts.

    Attributes
    ----------
    n : int
        Number of coins.
    p : float
        Probability of heads of each coin.
    eps : float
        Tolerance, in bits per coin.
    k_min, k_max : int
        Smallest and largest head count of a typical configuration (the typical set is
        every configuration with ``k_min <= heads <= k_max``). ``k_min > k_max`` when
        the typical set is empty.
    probability : float
        Probability that a random configuration is typical.
    log2_size : float
        ``log2`` of the number of typical configurations, in bits (``-inf`` if empty).
    entropy : float
        ``n H(p)``, the entropy of the pool, in bits.
    """

    n: int
    p: float
    eps: float
    k_min: int
    k_max: int
    probability: float
    log2_size: float
    entropy: float


def _check_pool(n, p, eps):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, got {type(n).__name__}")
    n = int(n)
    if not 1 <= n <= _MAX_COINS:
        raise ValueError(f"n (number of coins) must be in [1, {_MAX_COINS}], got {n}")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"p must be a real number, got {type(p).__name__}")
    p = float(p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p (probability of heads) must be in (0, 1), got {p}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"eps must be a real number, got {type(eps).__name__}")
    eps = float(eps)
    if not eps > 0.0 or not np.isfinite(eps):
        raise ValueError(f"eps (bits per coin) must be positive and finite, got {eps}")
    return n, p, eps


def typical_set(n, p, eps=0.05):
    """The typical set of ``n`` coins with heads probability ``p``, tolerance ``eps``.

    A configuration ``x`` is typical when its surprise per coin is within ``eps`` of the
    entropy: ``|-(1/n) log2 P(x) - H(p)| <= eps``. For coins ``P(x)`` depends only on
    the number of heads ``k``, and the surprise per coin is
    ``H(p) + (k/n - p) beta(p)`` with ``beta(p) = log2((1-p)/p)`` the price of a head,
    so the test reads ``|k/n - p| |beta(p)| <= eps``. At ``p = 1/2`` every configuration
    is typical.

    Parameters
    ----------
    n : int
        Number of coins, in ``[1, 10_000_000]``.
    p : float
        Probability of heads, in ``(0, 1)``.
    eps : float, optional
        Tolerance in bits per coin, positive (default 0.05).

    Returns
    -------
    TypicalSet
        Head-count range, probability and ``log2`` size of the typical set.
    """
    n, p, eps = _check_pool(n, p, eps)
    beta = abs(float(price(p)))
    k = np.arange(n + 1)
    typical = np.abs(k / n - p) * beta <= eps * (1.0 + _BOUNDARY_SLACK)
    entropy = n * float(entropy_bits(p))
    if not np.any(typical):
        return TypicalSet(n, p, eps, 1, 0, 0.0, -np.inf, entropy)
    ks = k[typical]
    k_min, k_max = int(ks[0]), int(ks[-1])
    probability = float(stats.binom.cdf(k_max, n, p) - stats.binom.cdf(k_min - 1, n, p))
    log2_size = float(special.logsumexp(np.asarray(log2_binomial(n, ks)) * _LN2) / _LN2)
    return TypicalSet(n, p, eps, k_min, k_max, min(max(probability, 0.0), 1.0), log2_size, entropy)


