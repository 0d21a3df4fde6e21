"""Coin pools: entropy in bits, temperature as a price, and the exact coin engine.

A *pool* is ``n`` independent coins, each heads with probability ``p``: the
maximum-entropy distribution on ``n`` coins given the expected number of heads
``m = n p``. Invertible, head-conserving moves can never lower the total entropy, and
making ``W`` extra coins deterministically heads ("work") is possible only if the
entropy can be squeezed into the remaining coins. Everything here is measured in bits.

Public names
------------
entropy_bits, price, temperature, log2_binomial, carnot_efficiency,
arbitrage_gain, heads_moved_per_work, entropy_bound_work, engine_success_probability,
engine_failure_probability, max_work, equilibrium_price.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy import optimize, special

from ._validate import check_count

__all__ = [
    "entropy_bits",
    "price",
    "temperature",
    "log2_binomial",
    "carnot_efficiency",
    "arbitrage_gain",
    "heads_moved_per_work",
    "entropy_bound_work",
    "engine_success_probability",
    "engine_failure_probability",
    "max_work",
    "equilibrium_price",
]

_LN2 = math.log(2.0)

#: Configurations whose log-probability lies this far (natural log) below the largest
#: one in their sector, and sectors this far below the most probable sector, are left
#: out of the exact engine sums: e^-70 ~ 4e-31, far below any failure tolerance we use.
_LOG_CUTOFF = 70.0


# --------------------------------------------------------------------------- checks


def _check_probability(p, name: str, open_interval: bool = True) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    if np.any(np.isnan(p)):
        raise ValueError(f"{name} must be a probability in (0, 1), got NaN")
    if open_interval and (np.any(p <= 0.0) or np.any(p >= 1.0)):
        raise ValueError(f"{name} must be a probability in (0, 1), got {p}")
    if not open_interval and (np.any(p < 0.0) or np.any(p > 1.0)):
        raise ValueError(f"{name} must be a probability in [0, 1], got {p}")
    return p


def _check_pools(n_hot, n_cold, p_hot, p_cold):
    """Two pools: coin counts (not both zero) and head probabilities in (0, 1)."""
    n_hot = check_count(n_hot, "n_hot")
    n_cold = check_count(n_cold, "n_cold")
    if n_hot + n_cold == 0:
        raise ValueError("n_hot + n_cold must be positive")
    return n_hot, n_cold, float(_check_probability(p_hot, "p_hot")), float(_check_probability(p_cold, "p_cold"))


def _check_eps(eps) -> float:
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.integer, np.floating)):
        raise TypeError(f"eps must be a real number, got {type(eps).__name__}")
    eps = float(eps)
    if not 0.0 < eps < 1.0:
        raise ValueError(f"eps (failure tolerance) must be in (0, 1), got {eps}")
    return eps


def _scalar_or_array(x):
    return float(x) if np.ndim(x) == 0 else x


# ------------------------------------------------------------------ single pools


def entropy_bits(p):
    """Entropy of one coin, ``H(p) = -p log2 p - (1-p) log2(1-p)``, in bits.

    Parameters
    ----------
    p : float or array_like
        Probability of heads, in ``[0, 1]`` (``H(0) = H(1) = 0``).

    Returns
    -------
    float or ndarray
        Bits per coin, same shape as ``p``.
    """
    p = _check_probability(p, "p", open_interval=False)
    h = (special.entr(p) + special.entr(1.0 - p)) / _LN2
    return _scalar_or_array(h)


def price(p):
    """Price of a head, ``beta(p) = log2((1-p)/p)``, in bits per head.

    This is the Lagrange multiplier of the head-count constraint: the rate
    ``d S_max / d m`` at which the maximum entropy ``n H(m/n)`` of a pool grows per extra
    expected head. It is the inverse temperature in units where one head is one unit of
    energy and entropy is counted in bits. ``p = 0.2`` gives 2 bits per head, ``p = 0.1``
    gives ``log2 9 = 3.17``; ``p > 1/2`` gives a negative price (negative temperature).

    Parameters
    ----------
    p : float or array_like
        Probability of heads, in ``(0, 1)``.
    """
    p = _check_probability(p, "p")
    return _scalar_or_array(np.log2(1.0 - p) - np.log2(p))


def temperature(p):
    """Temperature ``T = 1 / beta(p)``, in heads per bit (``inf`` at ``p = 1/2``).

    Parameters
    ----------
    p : float or array_like
        Probability of heads, in ``(0, 1)``.
    """
    beta = np.asarray(price(p))
    with np.errstate(divide="ignore"):
        t = np.where(beta == 0.0, np.inf, 1.0 / np.where(beta == 0.0, 1.0, beta))
    return _scalar_or_array(t)


def log2_binomial(n, m):
    """``log2 C(n, m)``, the microcanonical entropy of ``n`` coins with exactly ``m`` heads.

    Parameters
    ----------
    n, m : int or array_like of int
        ``0 <= m <= n``.

    Returns
    -------
    float or ndarray
        Bits.
    """
    n = np.asarray(n)
    m = np.asarray(m)
    if np.any(m < 0) or np.any(m > n):
        raise ValueError(f"m must satisfy 0 <= m <= n, got n={n}, m={m}")
    out = (special.gammaln(n + 1.0) - special.gammaln(m + 1.0) - special.gammaln(n - m + 1.0)) / _LN2
    return _scalar_or_array(out)


# ---------------------------------------------------------- two pools: the bound


def carnot_efficiency(p_hot, p_cold):
    """Carnot efficiency ``1 - beta_h / beta_c = 1 - T_c / T_h``.

    Work extracted per head that leaves the hot pool, in the reservoir limit. Example:
    ``p_hot = 0.2, p_cold = 0.1`` gives ``1 - 2 / log2 9 = 0.369``.

    Parameters
    ----------
    p_hot, p_cold : float or array_like
        Head probabilities in ``(0, 1)``; the hot pool must be hotter (cheaper heads),
        i.e. ``price(p_hot) < price(p_cold)``, and both prices positive.
    """
    beta_h = np.asarray(price(p_hot))
    beta_c = np.asarray(price(p_cold))
    if np.any(beta_h <= 0) or np.any(beta_c <= 0):
        raise ValueError("p_hot and p_cold must both be in (0, 1/2) (positive temperatures)")
    if np.any(beta_h >= beta_c):
        raise ValueError("p_hot must exceed p_cold: the hot pool must have the lower price")
    return _scalar_or_array(1.0 - beta_h / beta_c)


def arbitrage_gain(p_hot, p_cold):
    """Bits of maximum entropy gained by moving one head from hot to cold: ``beta_c - beta_h``."""
    return _scalar_or_array(np.asarray(price(p_cold)) - np.asarray(price(p_hot)))


def heads_moved_per_work(p_hot, p_cold):
    """Heads moved hot -> cold to pay for one head of work: ``x = beta_h / (beta_c - beta_h)``."""
    beta_h = np.asarray(price(p_hot))
    gain = np.asarray(arbitrage_gain(p_hot, p_cold))
    if np.any(gain <= 0):
        raise ValueError("p_hot must exceed p_cold: the hot pool must have the lower price")
    return _scalar_or_array(beta_h / gain)


def entropy_bound_work(n_hot, n_cold, p_hot, p_cold):
    """Largest work allowed by entropy alone, for finite pools fully equilibrated.

    The pools hold ``k = n_h p_h + n_c p_c`` expected heads and ``S0 = n_h H(p_h) +
    n_c H(p_c)`` bits. After ``W`` heads become work, the ``n = n_h + n_c`` pool coins
    hold ``k - W`` heads and at most ``n H((k - W)/n)`` bits; invertibility demands
    ``n H((k - W)/n) >= S0``. Returns the largest real ``W`` that satisfies it.

    Parameters
    ----------
    n_hot, n_cold : int
        Pool sizes (coins), ``>= 0``, not both zero.
    p_hot, p_cold : float
        Head probabilities in ``(0, 1)``.

    Returns
    -------
    float
        Work in heads (real-valued; the exact engine's integer optimum approaches it).
    """
    n_hot, n_cold, p_hot, p_cold = _check_pools(n_hot, n_cold, p_hot, p_cold)
    n = n_hot + n_cold
    k = n_hot * p_hot + n_cold * p_cold
    s0 = n_hot * entropy_bits(p_hot) + n_cold * entropy_bits(p_cold)
    # n H(x/n) is increasing in x for x < n/2: the best case keeps k - W as close to
    # n/2 as possible, so W = 0 is feasible and S decreases in W once k - W < n/2.
    def slack(w):
        return n * entropy_bits(min(max((k - w) / n, 0.0), 1.0)) - s0

    lo = max(0.0, k - n / 2.0)  # below this the final entropy only grows with W
    if slack(lo) < 0:
        return 0.0
    if slack(k) >= 0:  # pragma: no cover - impossible unless s0 == 0
        return float(k)
    return float(optimize.brentq(slack, lo, k, xtol=1e-12, rtol=1e-14))


# ------------------------------------------------------------ the exact engine


@numba.njit(cache=True)
def _log_comb(log_fact, n, m):
    return log_fact[n] - log_fact[m] - log_fact[n - m]


@numba.njit(cache=True)
def _logaddexp(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


@numba.njit(cache=True)
def _sector_log_mass(log_fact, n_h, n_c, k, a, lph, lqh, lpc, lqc):
    """log of P(hot pool has a heads, cold pool has k - a heads)."""
    b = k - a
    return (
        _log_comb(log_fact, n_h, a)
        + _log_comb(log_fact, n_c, b)
        + a * lph
        + (n_h - a) * lqh
        + b * lpc
        + (n_c - b) * lqc
    )


@numba.njit(cache=True)
def _sector_mode(n_h, n_c, k, log_r):
    """The ``a`` of largest probability within sector ``k`` (the mass is log-concave in a)."""
    lo = max(0, k - n_c)
    hi = min(n_h, k)
    while lo < hi:  # first a with m(a+1) <= m(a)
        mid = (lo + hi) // 2
        ratio = math.log(n_h - mid) + math.log(k - mid) - math.log(mid + 1.0) - math.log(n_c - k + mid + 1.0) + log_r
        if ratio > 0.0:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True)
def _sector_window(n_h, n_c, k, a_mode):
    """Range of ``a`` around the mode outside which the mass is below e^-_LOG_CUTOFF.

    The log-mass is concave in ``a`` with curvature about
    ``-(1/a + 1/(n_h - a) + 1/(k - a) + 1/(n_c - k + a))``; the window reaches 25% past
    the point where that parabola has fallen by the cut-off.
    """
    curvature = 0.0
    for d in (a_mode + 0.5, n_h - a_mode + 0.5, k - a_mode + 0.5, n_c - k + a_mode + 0.5):
        curvature += 1.0 / d
    half_width = int(math.sqrt(2.0 * _LOG_CUTOFF / curvature) * 1.25) + 3
    return max(max(0, k - n_c), a_mode - half_width), min(min(n_h, k), a_mode + half_width)


@numba.njit(cache=True)
def _engine_tables(n_h, n_c, p_h, p_c):
    """Everything about the pools that does not depend on the work ``W``.

    For every sector ``k`` that matters, the groups ``a`` (hot heads) of its window in
    *decreasing* order of ``a`` (most probable configurations first, since ``r >= 1``):
    the log-count of each group, the log of the cumulative count down to it (including
    the configurations above the window), its mass relative to the sector's peak, and
    the relative mass of everything below it. Evaluating a given ``W`` is then a binary
    search per sector.
    """
    n = n_h + n_c
    log_fact = np.zeros(n + 1)
    for i in range(1, n + 1):
        log_fact[i] = log_fact[i - 1] + math.log(i)
    lph, lqh = math.log(p_h), math.log1p(-p_h)
    lpc, lqc = math.log(p_c), math.log1p(-p_c)
    log_r = lph + lqc - lqh - lpc
    # sectors that matter: walk k out from the most probable one until negligible
    k_mode = min(n, max(0, int(round(n_h * p_h + n_c * p_c))))
    peak = _sector_log_mass(log_fact, n_h, n_c, k_mode, _sector_mode(n_h, n_c, k_mode, log_r), lph, lqh, lpc, lqc)
    k_top = k_mode
    while k_top < n:
        a = _sector_mode(n_h, n_c, k_top + 1, log_r)
        if _sector_log_mass(log_fact, n_h, n_c, k_top + 1, a, lph, lqh, lpc, lqc) < peak - _LOG_CUTOFF:
            break
        k_top += 1
    k_bottom = k_mode
    while k_bottom > 0:
        a = _sector_mode(n_h, n_c, k_bottom - 1, log_r)
        if _sector_log_mass(log_fact, n_h, n_c, k_bottom - 1, a, lph, lqh, lpc, lqc) < peak - _LOG_CUTOFF:
            break
        k_bottom -= 1
    n_sectors = k_top - k_bottom + 1
    offsets = np.zeros(n_sectors + 1, dtype=np.int64)
    tops = np.empty(n_sectors, dtype=np.int64)
    log_peaks = np.empty(n_sectors)
    for i in range(n_sectors):
        k = k_bottom + i
        a_mode = _sector_mode(n_h, n_c, k, log_r)
        bottom, top = _sector_window(n_h, n_c, k, a_mode)
        tops[i] = top
        log_peaks[i] = _sector_log_mass(log_fact, n_h, n_c, k, a_mode, lph, lqh, lpc, lqc)
        offsets[i + 1] = offsets[i] + (top - bottom + 1)
    size = offsets[n_sectors]
    log_count = np.empty(size)
    log_cum_count = np.empty(size)
    mass = np.empty(size)
    mass_below = np.empty(size)
    log_count_above = np.empty(n_sectors)
    for i in range(n_sectors):  # serial: the sectors are cheap, a parallel region would cost more
        k = k_bottom + i
        top = tops[i]
        a_hi = min(n_h, k)
        # configurations above the window: counts decrease geometrically going up
        # (the count mode lies below the mass mode because r >= 1)
        above = -np.inf
        a = top + 1
        while a <= a_hi:
            term = _log_comb(log_fact, n_h, a) + _log_comb(log_fact, n_c, k - a)
            above = _logaddexp(above, term)
            if term < above - 50.0:
                break
            a += 1
        log_count_above[i] = above
        cumulative = above
        for j in range(offsets[i], offsets[i + 1]):
            a = top - (j - offsets[i])
            log_count[j] = _log_comb(log_fact, n_h, a) + _log_comb(log_fact, n_c, k - a)
            cumulative = _logaddexp(cumulative, log_count[j])
            log_cum_count[j] = cumulative
            mass[j] = math.exp(_sector_log_mass(log_fact, n_h, n_c, k, a, lph, lqh, lpc, lqc) - log_peaks[i])
        below = 0.0
        for j in range(offsets[i + 1] - 1, offsets[i] - 1, -1):
            mass_below[j] = below
            below += mass[j]
    return k_bottom, offsets, log_peaks, log_count, log_cum_count, mass, mass_below, log_count_above, log_fact


@numba.njit(cache=True)
def _engine_log_failure(tables, n, work):
    """log P(failure) of the optimal engine for ``work``, from :func:`_engine_tables`.

    In sector ``k`` (work coins tails) only ``C(n, k - W)`` states have every work coin
    heads, so at most that many configurations succeed; the optimum sends the most
    probable ones (largest ``a``) there. The group where the capacity runs out succeeds
    in part; everything below it fails.
    """
    k_bottom, offsets, log_peaks, log_count, log_cum_count, mass, mass_below, log_count_above, log_fact = tables
    total = -np.inf
    for i in range(log_peaks.size):
        k = k_bottom + i
        first, last = offsets[i], offsets[i + 1]
        whole = log_peaks[i] + math.log(mass[first] + mass_below[first])
        if k - work < 0:
            total = _logaddexp(total, whole)  # no success state has this few heads
            continue
        log_capacity = _log_comb(log_fact, n, k - work)
        if log_capacity >= _log_comb(log_fact, n, k) - 1e-12:
            continue  # room for every configuration of the sector
        if log_count_above[i] > log_capacity:
            total = _logaddexp(total, whole)  # capacity used up above the window
            continue
        if log_cum_count[last - 1] <= log_capacity:
            continue  # the whole window fits (what lies below it is negligible)
        lo, hi = first, last - 1  # first group whose cumulative count exceeds the capacity
        while lo < hi:
            mid = (lo + hi) // 2
            if log_cum_count[mid] > log_capacity:
                hi = mid
            else:
                lo = mid + 1
        before = log_count_above[i] if lo == first else log_cum_count[lo - 1]
        placed = math.exp(log_capacity - log_count[lo])
        if before > -np.inf:
            placed -= math.exp(before - log_count[lo])
        placed = min(max(placed, 0.0), 1.0)
        failing = mass[lo] * (1.0 - placed) + mass_below[lo]
        if failing > 0.0:
            total = _logaddexp(total, log_peaks[i] + math.log(failing))
    return total


def _engine_inputs(n_hot, n_cold, work, p_hot, p_cold):
    n_hot, n_cold, p_hot, p_cold = _check_pools(n_hot, n_cold, p_hot, p_cold)
    work = check_count(work, "work")
    # the kernel assumes hot configurations are the more probable ones (r >= 1);
    # the problem is symmetric under swapping the names of the pools
    if p_hot * (1 - p_cold) < p_cold * (1 - p_hot):
        n_hot, n_cold, p_hot, p_cold = n_cold, n_hot, p_cold, p_hot
    if n_hot == 0:  # one pool only: relabel so the kernel sees a non-empty 'hot' pool
        n_hot, n_cold, p_hot, p_cold = n_cold, n_hot, p_cold, p_hot
    return n_hot, n_cold, work, p_hot, p_cold


def engine_failure_probability(n_hot, n_cold, work, p_hot, p_cold):
    """Probability that the optimal engine fails to make all ``work`` coins heads.

    See :func:`engine_success_probability`; this returns ``1 - success`` computed
    directly (in log space), so tiny failure probabilities keep their precision.
    Configurations and sectors below ``e^-70`` of the largest are neglected.
    """
    n_h, n_c, work, p_h, p_c = _engine_inputs(n_hot, n_cold, work, p_hot, p_cold)
    tables = _engine_tables(n_h, n_c, p_h, p_c)
    return float(min(1.0, math.exp(_engine_log_failure(tables, n_h + n_c, work))))


def engine_success_probability(n_hot, n_cold, work, p_hot, p_cold):
    """Success probability of the best head-conserving bijection making ``work`` coins heads.

    The moves are any bijection of the joint configurations of the ``n = n_hot + n_cold``
    pool coins and the ``work`` extra coins (which start tails) that conserves the total
    number of heads. Success means every work coin ends heads. In the sector of ``k``
    heads there are ``C(n, k - work)`` success states, so at most that many initial
    configurations can succeed; the optimum sends the most probable ones there. The
    result is exact up to neglected masses below ``e^-70``.

    Parameters
    ----------
    n_hot, n_cold : int
        Pool sizes (coins), ``>= 0``, not both zero.
    work : int
        Number of coins to make deterministically heads, ``>= 0``.
    p_hot, p_cold : float
        Head probabilities of the pools, in ``(0, 1)``.

    Returns
    -------
    float
        Probability in ``[0, 1]``.
    """
    return 1.0 - engine_failure_probability(n_hot, n_cold, work, p_hot, p_cold)


def max_work(n_hot, n_cold, eps, p_hot, p_cold):
    """Largest work ``W`` whose optimal engine succeeds with probability ``>= 1 - eps``.

    Exact (bisection over the integer ``W``; the failure probability is non-decreasing
    in ``W``). For ``n_hot = n_cold = 50_000`` it returns in a fraction of a second.

    Parameters
    ----------
    n_hot, n_cold : int
        Pool sizes (coins), ``>= 0``, not both zero.
    eps : float
        Failure tolerance in ``(0, 1)``.
    p_hot, p_cold : float
        Head probabilities of the pools, in ``(0, 1)``.

    Returns
    -------
    int
        Work in heads (coins made heads), ``>= 0``.
    """
    eps = _check_eps(eps)
    n_h, n_c, _, p_h, p_c = _engine_inputs(n_hot, n_cold, 0, p_hot, p_cold)
    log_eps = math.log(eps)
    tables = _engine_tables(n_h, n_c, p_h, p_c)  # shared by every W tried below

    def fails(w):
        return _engine_log_failure(tables, n_h + n_c, w) > log_eps

    if fails(0):
        return 0
    # bracket the answer, starting from the entropy bound (the exact optimum lies
    # close to it), then bisect on the integer W
    n = n_h + n_c
    lo = 0
    hi = min(n + 1, int(math.ceil(entropy_bound_work(n_h, n_c, p_h, p_c))) + 1)
    while hi <= n and not fails(hi):
        lo, hi = hi, min(n + 1, 2 * hi)
    guess = hi // 2
    while guess > lo:  # shrink the bracket from below in big steps first
        if fails(guess):
            hi = guess
            guess = (lo + guess) // 2
        else:
            lo = guess
            break
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fails(mid):
            hi = mid
        else:
            lo = mid
    return lo


# ------------------------------------------------------------------ markets


def equilibrium_price(n_coins, p):
    """Common price after many pools trade heads until total entropy is maximal.

    Maximising ``sum_i n_i H(m_i / n_i)`` at fixed total heads ``sum_i m_i`` equalises
    every pool's price ``beta_i = log2((n_i - m_i)/m_i)``: at the optimum all pools share
    one head probability, ``p* = sum_i n_i p_i / sum_i n_i``.

    Parameters
    ----------
    n_coins : array_like of int, (K,)
        Pool sizes, positive.
    p : array_like of float, (K,)
        Head probabilities, in ``(0, 1)``.

    Returns
    -------
    (float, float)
        The common price (bits per head) and the common head probability ``p*``.
    """
    n_coins = np.asarray(n_coins)
    p = _check_probability(p, "p")
    if n_coins.shape != p.shape or n_coins.ndim != 1:
        raise ValueError("n_coins and p must be 1-D arrays of the same length")
    if np.any(n_coins <= 0):
        raise ValueError("n_coins must all be positive")
    p_star = float(np.sum(n_coins * p) / np.sum(n_coins))
    return float(price(p_star)), p_star
