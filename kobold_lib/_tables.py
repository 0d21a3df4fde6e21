"""Tables and pair arithmetic of the kobold's Bellman equation: written once, used by every kernel.

For one ``(model, beta)`` a solve tabulates the energies ``E`` of all ``2**N`` states
(:func:`energy_table`, the library's one energy kernel, also behind
:func:`kobold_lib.ising.energies`) and, when safe, Boltzmann weights
``W(s) = exp(beta (E(s) - E_mid))`` (:class:`Tables`).

Pair arithmetic. For a pair of states ``x, y = x ^ (1 << k)`` with energies ``Ex, Ey`` and
weights ``a ~ exp(beta Ex)``, ``b ~ exp(beta Ey)`` (any common factor), the retry-form
action value of ``x -> y`` is

    ``Q = (gamma V(y) - (Ey - Ex)) * a / (a + c b)``,   ``c = 1 - gamma``,

computed everywhere as ``((num * a) * D2) * (1 / (D1 * D2))`` with ``D1 = a + c b``,
``D2 = b + c a``, so that the reverse move ``y -> x`` shares the one division
(:func:`q_pair`) and every kernel (pairwise sweeps, state-by-state passes, policy
evaluation, the phase classifier) gets the same bits. :func:`raises_count` is the same
comparison without the division.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import prange

# Weights are tabulated while beta * (E_max - E_min) / 2 stays below this: W then lies
# in [e^-300, e^300] and every product in the kernels stays finite.
W_LOG_LIMIT = 300.0


FM = {"nnan", "nsz"}  # vectorisable reductions; no reassociation, no contraction


# Below this many states a solve runs on one thread: the work of a parallel region is then
# smaller than the cost of waking the other threads (large when another process holds a
# core: OpenMP threads wait at each barrier for a descheduled peer).
PARALLEL_MIN_STATES = 1 << 18


class ThreadsFor:
    """Context manager: one numba thread for small problems, the default otherwise."""

    def __init__(self, n_states: int):
        self.single = n_states < PARALLEL_MIN_STATES
        self.saved = None

    def __enter__(self):
        if self.single:
            self.saved = numba.get_num_threads()
            numba.set_num_threads(1)
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            numba.set_num_threads(self.saved)
        return False


@numba.njit(cache=True, parallel=True)
def energy_kernel(J, h, n, b, E):
    """Fill E (2**n,) block by block: E(s) = E_low(L) + E_high(H) - sum_j s_j(L) g_j(H)."""
    nlow = 1 << b
    nhigh = 1 << (n - b)
    e_low = np.empty(nlow)
    signs = np.empty((b, nlow))
    for L in range(nlow):
        e = 0.0
        for i in range(b):
            si = 1.0 if (L >> i) & 1 else -1.0
            signs[i, L] = si
            e -= h[i] * si
            for j in range(i + 1, b):
                sj = 1.0 if (L >> j) & 1 else -1.0
                e -= J[i, j] * si * sj
        e_low[L] = e
    for H in prange(nhigh):
        e_high = 0.0
        g = np.zeros(b)
        for i in range(b, n):
            si = 1.0 if (H >> (i - b)) & 1 else -1.0
            e_high -= h[i] * si
            for j in range(i + 1, n):
                sj = 1.0 if (H >> (j - b)) & 1 else -1.0
                e_high -= J[i, j] * si * sj
            for j in range(b):
                g[j] += J[j, i] * si
        base = H << b
        for L in range(nlow):
            E[base + L] = e_low[L] + e_high
        for j in range(b):
            gj = g[j]
            for L in range(nlow):
                E[base + L] -= signs[j, L] * gj


@numba.njit(cache=True, parallel=True)
def weight_kernel(E, beta, e_mid, W):
    """W[s] = exp(beta (E[s] - e_mid))."""
    for s in prange(E.size):
        W[s] = math.exp(beta * (E[s] - e_mid))


@numba.njit(cache=True, inline="always")
def exp_weights(dE, beta):
    """Weights (a, b) of a pair with energy change dE = Ey - Ex, scaled so the larger is 1."""
    if dE == 0.0:
        return 1.0, 1.0
    x = beta * dE  # +-inf at beta = inf, never NaN since dE != 0
    if x <= 0.0:
        return 1.0, math.exp(x)
    return math.exp(-x), 1.0


@numba.njit(cache=True, inline="always")
def weights(E, W, x, y, beta, use_w):
    """Weights of the pair (x, y): from the table, or from ``exp`` when none is tabulated."""
    if use_w:
        return W[x], W[y]
    return exp_weights(E[y] - E[x], beta)


# Relative margin of :func:`raises_count`: a move counts as raising a value only if it does
# so by more than a few rounding errors (a value at its fixed point is not "improved" by
# its own action again and again; a rise hidden this way is below 1e-15).
SLACK = 1.0 + 1e-15


@numba.njit(cache=True, inline="always")
def q_pair(vs, vt, dE, ws, wt, gamma, c):
    """Retry-form Q values of both moves of a pair, ``(Q(s -> t), Q(t -> s))``, one division.

    ``vs, vt``: values; ``dE = E(t) - E(s)``; ``ws, wt``: weights; ``c = 1 - gamma``.
    """
    d1 = ws + c * wt
    d2 = wt + c * ws
    r = 1.0 / (d1 * d2)
    return (gamma * vt - dE) * ws * d2 * r, (gamma * vs + dE) * wt * d1 * r


@numba.njit(cache=True, inline="always")
def q_retry(vy, dE, a, b, gamma, c):
    """Retry-form Q value of the move ``x -> y`` (``dE = E(y) - E(x)``, weights ``a, b``)."""
    return q_pair(0.0, vy, dE, a, b, gamma, c)[0]


@numba.njit(cache=True, inline="always")
def raises_count(vs, vt, dE, ws, wt, gamma, c):
    """How many of the pair's two moves raise a value: ``Q > V`` without the division.

    ``Q(s -> t) > V(s)`` is tested as ``(gamma vt - dE) ws > vs (ws + c wt)``, with the
    relative margin :data:`SLACK`.
    """
    n1 = (gamma * vt - dE) * ws
    n2 = (gamma * vs + dE) * wt
    return (n1 > vs * (ws + c * wt) * SLACK) + (n2 > vt * (wt + c * ws) * SLACK)


@numba.njit(cache=True, inline="always")
def q_one_step(vx, vy, dE, a, b, gamma):
    p = a / (a + b)
    return p * (gamma * vy - dE) + (1.0 - p) * gamma * vx


def energy_table(model) -> np.ndarray:
    """``E(x)`` for every state ``x`` of ``model``, (2**N,) float64 (no memory check)."""
    n = model.n
    # Allocated by NumPy, which asks for transparent huge pages on large arrays: the
    # tiled sweeps touch many pages at once and would thrash the TLB.
    E = np.empty(1 << n)
    energy_kernel(np.ascontiguousarray(model.J), np.ascontiguousarray(model.h), n, min(n, 12), E)
    return E


class Tables:
    """E (and W when safe) for one (model, beta): the only tables a solve builds."""

    def __init__(self, model, beta: float):
        n = model.n
        self.n = n
        self.E = energy_table(model)
        e_min = float(self.E.min())
        e_max = float(self.E.max())
        self.e_min = e_min
        half_range = 0.5 * (e_max - e_min)
        self.use_w = bool(math.isfinite(beta) and beta * half_range <= W_LOG_LIMIT)
        if self.use_w:
            self.W = np.empty(1 << n)
            weight_kernel(self.E, beta, 0.5 * (e_max + e_min), self.W)
        else:
            self.W = np.ones(1)
        self.beta = beta


def uses_weights(model, beta: float) -> bool:
    """Whether :class:`Tables` will tabulate weights at this ``beta`` (an upper bound)."""
    if not math.isfinite(beta):
        return False
    bound = energy_scale(model)  # >= max |E|, so >= (E_max - E_min) / 2
    return beta * bound <= W_LOG_LIMIT


def energy_scale(model) -> float:
    """``max(1, sum_{i<j} |J_ij| + sum_i |h_i|)``: a bound on ``|E|`` that sets the tolerances."""
    return max(1.0, 0.5 * float(np.abs(model.J).sum()) + float(np.abs(model.h).sum()))


def parts() -> int:
    """Independent pieces of work for the threads (a few per thread, for balance)."""
    return 4 * numba.get_num_threads()

