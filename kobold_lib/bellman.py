"""The kobold's Bellman equation: an exact, fast solver for every state of a model.

The kobold's Markov decision process (book-wide conventions, see ``PHYSICS.md``): in
state ``s`` (an index in ``[0, 2**N)``) the kobold either stops (action ``0``: reward 0
forever) or attempts to flip spin ``k`` (action ``k + 1``). The flip is accepted with
Glauber probability ``p_k(s) = 1 / (1 + exp(beta dE_k(s)))``, and then the kobold
gains ``-dE_k(s)``; a rejected attempt changes nothing. Every attempt costs one factor
``gamma`` of discount. Two equivalent Bellman equations have the same solution ``V``:

one-step form
    ``V(s) = max(0, max_k [p_k (-dE_k + gamma V(s^k)) + (1 - p_k) gamma V(s)])``

retry form (repeat one attempt until it is accepted)
    ``V(s) = max(0, max_k Q_k(s))``, with
    ``Q_k(s) = p_k (-dE_k + gamma V(s^k)) / (1 - gamma (1 - p_k))``.

The solver works with the retry form: it has no self-loops, its Q values do not shrink
by ``1 - gamma (1 - p)`` at large ``beta`` (so one tie tolerance means the same thing at
every temperature), and value iteration started from ``V = 0`` reaches the fixed point
in about as many sweeps as the optimal policy's trees are deep.

Public functions
----------------
:func:`solve`
    ``V``, the optimal policy and convergence data, by policy iteration (exact policy
    evaluation), value iteration (Jacobi) or Gauss-Seidel (in place, cache-blocked).
:func:`q_values`
    The ``2**N x (N + 1)`` table of action values for a given ``V`` (small ``N``).
:func:`greedy_policy`
    The policy a value function prescribes, with the tie rule below.
:func:`evaluate_policy`
    The exact value of any deterministic policy (a walk over its functional graph).

Tie rule (deterministic, used everywhere)
-----------------------------------------
With ``best = max_k Q_k(s)`` in the retry form and ``tie = TIE_RTOL * scale``, where
``scale = max(1, sum_{i<j} |J_ij| + sum_i |h_i|)`` bounds ``|E|``: the kobold stops if
``best <= tie``; otherwise it flips the lowest-index spin ``k`` with
``Q_k(s) >= best - tie``.

Numerics
--------
``E(s)`` is tabulated once per solve (blocked, no drift). When
``beta (E_max - E_min) / 2 <= 300`` the kernels also tabulate Boltzmann weights
``W(s) = exp(beta (E(s) - E_mid))``, so that an acceptance ratio is a ratio of two
table entries and no sweep calls ``exp``; otherwise (very large ``beta`` or
``beta = inf``) each pair of states computes its weights with ``exp``, safely, and
value iteration / Gauss-Seidel run state by state. The kernels compute a Q value with
one expression, so the solvers agree to rounding error (and often to the last bit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numba import prange, uint64

from ._memory import require_memory as _require_memory
from .acceptance import check_beta
from .ising import IsingModel, _check_model

__all__ = [
    "BellmanSolution",
    "solve",
    "q_values",
    "greedy_policy",
    "evaluate_policy",
    "bellman_memory_bytes",
    "TIE_RTOL",
    "BELLMAN_METHODS",
]

#: Relative tie tolerance of the policy rule (times the model's energy scale).
TIE_RTOL = 1e-12

#: The solution methods of :func:`solve`.
BELLMAN_METHODS = ("policy_iteration", "value_iteration", "gauss_seidel")

_FORMS = ("retry", "one_step")

# Weights are tabulated while beta * (E_max - E_min) / 2 stays below this: W then lies
# in [e^-300, e^300] and every product in the kernels stays finite.
_W_LOG_LIMIT = 300.0

# Cache blocking: the lowest _LOW_BITS bits are handled inside contiguous blocks of
# 2**_LOW_BITS states (E, W, V of a block: 384 KiB, in L2); higher bits in groups of at
# most _GROUP_BITS, by tiles of _RUN consecutive states times all 2**group partners.
# _RUN is also the granularity of the "changed since last sweep" flags.
_LOW_BITS = 14
_GROUP_BITS = 6
_RUN = 32
_RUN_MAX = 128  # longest run of moves handled at once
_SUPER = 1024  # spins 0..4 are swept in superchunks of this many states, transposed
_PAIRWISE_MIN_SPINS = 10  # below this, state-by-state sweeps (a superchunk needs 2**10 states)
# The division-free test passes a run on only if some move raises a value by more than
# this relative margin (a few rounding errors): a value already at its fixed point is not
# "improved" by its own action again and again; a rise hidden this way is below 1e-15.
_SLACK = 1.0 + 1e-15

_FM = {"nnan", "nsz"}  # vectorisable reductions; no reassociation, no contraction


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class BellmanSolution:
    """The solution of the kobold's Bellman equation on one model.

    Attributes
    ----------
    V : (2**N,) float64, read-only
        Optimal discounted energy the kobold extracts from each start state (energy units).
    policy : (2**N,) int8, read-only
        The optimal policy by the tie rule: 0 = stop, ``k + 1`` = attempt to flip spin ``k``.
    iterations : int
        Sweeps (value iteration, Gauss-Seidel) or policy improvements (policy iteration).
    residual : float
        Final Bellman residual ``max_s |(T V)(s) - V(s)|`` of the returned ``V`` (retry
        form unless ``form="one_step"``), energy units.
    converged : bool
        Whether the stopping rule was met before ``max_iter``.
    method : str
        ``"policy_iteration"``, ``"value_iteration"`` or ``"gauss_seidel"``.
    form : str
        Bellman form the sweeps iterated: ``"retry"`` or ``"one_step"``.
    history : (iterations,) float64, read-only
        Per iteration: the largest change of ``V`` in that sweep (value iteration,
        Gauss-Seidel) or the Bellman residual of the evaluated policy before improving it
        (policy iteration). Energy units.
    beta, gamma : float
        The inverse temperature and discount factor solved for.
    tie_tolerance : float
        Absolute tolerance of the tie rule, ``TIE_RTOL * scale`` (energy units).
    """

    V: np.ndarray
    policy: np.ndarray
    iterations: int
    residual: float
    converged: bool
    method: str
    form: str
    history: np.ndarray
    beta: float
    gamma: float
    tie_tolerance: float

    def __repr__(self) -> str:
        n = self.V.size.bit_length() - 1
        return (
            f"BellmanSolution(N={n}, method={self.method!r}, iterations={self.iterations}, "
            f"residual={self.residual:.3g}, converged={self.converged})"
        )


# ----------------------------------------------------------------------- validation


def _check_gamma(gamma) -> float:
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.integer, np.floating)):
        raise TypeError(f"gamma must be a real number, got {type(gamma).__name__}")
    gamma = float(gamma)
    if not (0.0 < gamma < 1.0):  # also rejects NaN
        raise ValueError(f"gamma must be in (0, 1) (discount per attempt), got {gamma}")
    return gamma


def _check_choice(value, name: str, allowed) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def _check_values(V, n: int) -> np.ndarray:
    V = np.asarray(V)
    if V.shape != (1 << n,):
        raise ValueError(f"V must have shape (2**N,) = ({1 << n},), got {V.shape}")
    if not np.issubdtype(V.dtype, np.number) or np.iscomplexobj(V):
        raise TypeError(f"V must hold real numbers, got dtype {V.dtype}")
    V = np.ascontiguousarray(V, dtype=np.float64)
    if not np.all(np.isfinite(V)):
        raise ValueError("V must be finite (no NaN or inf)")
    return V


def _check_policy(policy, n: int) -> np.ndarray:
    policy = np.asarray(policy)
    if policy.shape != (1 << n,):
        raise ValueError(f"policy must have shape (2**N,) = ({1 << n},), got {policy.shape}")
    if not np.issubdtype(policy.dtype, np.integer):
        raise TypeError(f"policy must hold integers (0 = stop, k + 1 = flip spin k), got dtype {policy.dtype}")
    if policy.min() < 0 or policy.max() > n:
        raise ValueError(f"policy actions must be in [0, N] = [0, {n}], got range [{policy.min()}, {policy.max()}]")
    return np.ascontiguousarray(policy, dtype=np.int8)


def _energy_scale(model: IsingModel) -> float:
    return max(1.0, 0.5 * float(np.abs(model.J).sum()) + float(np.abs(model.h).sum()))


def bellman_memory_bytes(n: int, method: str = "gauss_seidel", weights: bool = True) -> int:
    """Bytes of the arrays :func:`solve` allocates for ``N = n`` spins.

    Per state: ``E`` (8 bytes), ``V`` (8), the policy (1, int8), the weights ``W`` (8,
    when tabulated) and for value iteration a second ``V`` (8). Policy iteration's stack
    is not counted (it holds one chain of the policy graph).

    Parameters
    ----------
    n : int
        Number of spins.
    method : str
        One of :data:`BELLMAN_METHODS`.
    weights : bool
        Whether the Boltzmann weights are tabulated (true unless ``beta`` is very large).
    """
    _check_choice(method, "method", BELLMAN_METHODS)
    per_state = 8 + 8 + 1 + (8 if weights else 0) + (8 if method == "value_iteration" else 0)
    return per_state << int(n)


# Below this many states a solve runs on one thread: the work of a parallel region is then
# smaller than the cost of waking the other threads (large when another process holds a
# core: OpenMP threads wait at each barrier for a descheduled peer).
_PARALLEL_MIN_STATES = 1 << 18


class _ThreadsFor:
    """Context manager: one numba thread for small problems, the default otherwise."""

    def __init__(self, n_states: int):
        self.single = n_states < _PARALLEL_MIN_STATES
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


# ------------------------------------------------------------------- energy tables


@numba.njit(cache=True, parallel=True)
def _energy_table(J, h, n, b, E):
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
def _weight_table(E, beta, e_mid, W):
    for s in prange(E.size):
        W[s] = math.exp(beta * (E[s] - e_mid))


# ------------------------------------------------------------------ pair arithmetic
#
# For a pair of states x, y = x ^ (1 << k) with energies Ex, Ey and weights a ~ exp(beta Ex),
# b ~ exp(beta Ey) (any common factor), the retry-form action value of x -> y is
#     Q = (gamma V(y) - (Ey - Ex)) * a / (a + c b),   c = 1 - gamma,
# computed everywhere as ((num * a) * D2) * (1 / (D1 * D2)) with D1 = a + c b, D2 = b + c a,
# so that the reverse move y -> x shares the one division and every kernel (pairwise
# sweeps, state-by-state passes, policy evaluation) gets the same bits.


@numba.njit(cache=True, inline="always")
def _exp_weights(dE, beta):
    """Weights (a, b) of a pair with energy change dE = Ey - Ex, scaled so the larger is 1."""
    if dE == 0.0:
        return 1.0, 1.0
    x = beta * dE  # +-inf at beta = inf, never NaN since dE != 0
    if x <= 0.0:
        return 1.0, math.exp(x)
    return math.exp(-x), 1.0


@numba.njit(cache=True, inline="always")
def _weights(E, W, x, y, beta, use_w):
    if use_w:
        return W[x], W[y]
    return _exp_weights(E[y] - E[x], beta)


@numba.njit(cache=True, inline="always")
def _q_retry(vy, dE, a, b, gamma, c):
    d1 = a + c * b
    d2 = b + c * a
    r = 1.0 / (d1 * d2)
    return (gamma * vy - dE) * a * d2 * r


@numba.njit(cache=True, inline="always")
def _q_one_step(vx, vy, dE, a, b, gamma):
    p = a / (a + b)
    return p * (gamma * vy - dE) + (1.0 - p) * gamma * vx


# --------------------------------------------------------- pairwise (blocked) sweeps
#
# Gauss-Seidel in the retry form, move by move: for the pair (s, t = s + step) one
# division gives Q(s -> t) and Q(t -> s), and V[x] <- max(V[x], Q). Runs of moves are
# strided loops; the stride is a compile-time constant in each of the small wrappers
# below (so the compiler emits plain vector loads), and the sweep kernels call them.
# The largest rise of a sweep is kept lane by lane in a scratch vector ``acc`` (a
# vectorisable element-wise max) and reduced once per block.


@numba.njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _flags_body(E, W, V, s0, step, w, stride, gamma, c):
    """How many of the moves s <-> s + step, s = s0 + i stride (i < w), raise V.

    Division-free: ``Q > V`` is tested as ``num * w_s > V * (w_s + c w_t)``, with a
    relative margin of a few rounding errors (_SLACK).
    """
    count = 0
    for i in range(w):
        s = uint64(s0 + i * stride)
        t = uint64(s0 + i * stride + step)
        ws = W[s]
        wt = W[t]
        dE = E[t] - E[s]
        vs = V[s]
        vt = V[t]
        n1 = (gamma * vt - dE) * ws
        n2 = (gamma * vs + dE) * wt
        count += (n1 > vs * (ws + c * wt) * _SLACK) + (n2 > vt * (wt + c * ws) * _SLACK)
    return count


@numba.njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _update_body(E, W, V, s0, step, w, stride, gamma, c, acc):
    """V[x] = max(V[x], Q(x -> partner)) for the same moves; acc[i] keeps the largest rise."""
    for i in range(w):
        s = uint64(s0 + i * stride)
        t = uint64(s0 + i * stride + step)
        ws = W[s]
        wt = W[t]
        dE = E[t] - E[s]
        vs = V[s]
        vt = V[t]
        d1 = ws + c * wt
        d2 = wt + c * ws
        r = 1.0 / (d1 * d2)
        q1 = (gamma * vt - dE) * ws * d2 * r
        q2 = (gamma * vs + dE) * wt * d1 * r
        rise1 = q1 - vs
        rise2 = q2 - vt
        rise = rise1 if rise1 > rise2 else rise2
        a = acc[i]
        acc[i] = rise if rise > a else a
        V[s] = q1 if q1 > vs else vs
        V[t] = q2 if q2 > vt else vt


@numba.njit(cache=True, fastmath=_FM, error_model="numpy", inline="always")
def _run_body(E, W, V, s0, step, w, stride, gamma, c, acc, check):
    """Test, then update, one run of moves; returns how many moves raised a value
    (all w when ``check`` is off, as in the first sweep from V = 0)."""
    if check:
        count = _flags_body(E, W, V, s0, step, w, stride, gamma, c)
        if count == 0:
            return 0
    else:
        count = w
    _update_body(E, W, V, s0, step, w, stride, gamma, c, acc)
    return count


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _run_s1(E, W, V, s0, step, w, gamma, c, acc, check):
    return _run_body(E, W, V, s0, step, w, 1, gamma, c, acc, check)


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _superchunk(E, W, V, c0, gamma, c, acc, check, reverse, e_loc, w_loc, v_loc):
    """Moves of spins 0..4 inside the _SUPER states from c0; returns how many raised a value.

    Partners of the lowest spins are 1, 2, 4, 8 or 16 states apart: too close for vector
    loads. So the states are first copied transposed, local index
    ``(i mod 32) * (_SUPER / 32) + i // 32``: spin k (k < 5) then flips between rows
    ``(_SUPER / 32) << k`` apart, and every move belongs to a contiguous run of
    ``_SUPER / 32``. V is copied back only if something rose.
    """
    cols = _SUPER >> 5
    for i in range(_SUPER):
        j = (i & 31) * cols + (i >> 5)
        e_loc[j] = E[c0 + i]
        w_loc[j] = W[c0 + i]
        v_loc[j] = V[c0 + i]
    raised = 0
    for kk in range(5):
        k = 4 - kk if reverse else kk
        step = cols << k
        for r in range(32):
            if (r >> k) & 1 == 0:
                raised += _run_s1(e_loc, w_loc, v_loc, r * cols, step, cols, gamma, c, acc, check)
    if raised > 0:
        for i in range(_SUPER):
            V[c0 + i] = v_loc[(i & 31) * cols + (i >> 5)]
    return raised


@numba.njit(cache=True, inline="always")
def _any_dirty(prev, cur, chunk0, nchunks):
    for j in range(chunk0, chunk0 + nchunks):
        if prev[j] != 0 or cur[j] != 0:
            return True
    return False


@numba.njit(cache=True, inline="always")
def _mark(cur, chunk0, nchunks):
    for j in range(chunk0, chunk0 + nchunks):
        cur[j] = 1


@numba.njit(cache=True, inline="always")
def _acc_max(acc):
    m = 0.0
    for i in range(acc.size):
        m = acc[i] if acc[i] > m else m
    return m


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _low_block(E, W, V, base, b, gamma, reverse, check, prev, cur, acc, e_loc, w_loc, v_loc):
    """Sweep the moves of spins 0..b-1 inside the block of 2**b states from base."""
    c = 1.0 - gamma
    size = 1 << b
    per_super = _SUPER // _RUN
    for phase in range(2):
        # forward: spins 0..4 then 5..b-1; reverse: the other way round
        if (phase == 0) != reverse:
            for c0 in range(base, base + size, _SUPER):
                ch0 = c0 // _RUN
                if not _any_dirty(prev, cur, ch0, per_super):
                    continue
                if _superchunk(E, W, V, c0, gamma, c, acc, check, reverse, e_loc, w_loc, v_loc) > 0:
                    _mark(cur, ch0, per_super)
        else:
            for kk in range(b - 5):
                k = b - 1 - kk if reverse else 5 + kk
                step = 1 << k
                w = step if step < _RUN_MAX else _RUN_MAX
                nch = w // _RUN
                for start in range(base, base + size, 2 * step):
                    for r in range(0, step, w):
                        s0 = start + r
                        cs = s0 // _RUN
                        ct = (s0 + step) // _RUN
                        if not (_any_dirty(prev, cur, cs, nch) or _any_dirty(prev, cur, ct, nch)):
                            continue
                        if _run_s1(E, W, V, s0, step, w, gamma, c, acc, check) > 0:
                            _mark(cur, cs, nch)
                            _mark(cur, ct, nch)


@numba.njit(cache=True, parallel=True)
def _sweep_low(E, W, V, b, gamma, reverse, check, prev, cur):
    """Moves of spins 0..b-1 (b >= 10), inside contiguous blocks of 2**b states.

    Parallel over blocks. ``prev``/``cur``: per chunk of _RUN states, whether a value
    changed in the previous / this sweep; a run of moves between quiet chunks is skipped
    (its Q values cannot have changed since it was last looked at).
    """
    nblocks = E.size >> b
    out = np.zeros(nblocks)
    for blk in prange(nblocks):
        acc = np.zeros(_RUN_MAX)
        e_loc = np.empty(_SUPER)
        w_loc = np.empty(_SUPER)
        v_loc = np.empty(_SUPER)
        _low_block(E, W, V, blk << b, b, gamma, reverse, check, prev, cur, acc, e_loc, w_loc, v_loc)
        out[blk] = _acc_max(acc)
    return out.max()


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _group_tiles(E, W, V, lo, hi, gamma, reverse, check, prev, cur, first, last, acc, busy):
    """Sweep tiles first..last-1 of the group of spins lo..hi-1 (see _sweep_group)."""
    c = 1.0 - gamma
    g = hi - lo
    R = _RUN
    nmid = 1 << g
    nruns = (1 << lo) // R
    half = nmid >> 1
    for tile in range(first, last):
        top = tile // nruns
        base = (top << hi) + (tile - top * nruns) * R
        any_busy = False
        for mid in range(nmid):
            chunk = (base + (mid << lo)) // R
            busy[mid] = 1 if (prev[chunk] != 0 or cur[chunk] != 0) else 0
            any_busy = any_busy or busy[mid] != 0
        if not any_busy:
            continue
        for kk0 in range(g):
            kk = g - 1 - kk0 if reverse else kk0
            low_mask = (1 << kk) - 1
            step = 1 << (lo + kk)
            for j in range(half):
                mid = ((j >> kk) << (kk + 1)) | (j & low_mask)
                mid2 = mid | (1 << kk)
                if busy[mid] == 0 and busy[mid2] == 0:
                    continue
                s0 = base + (mid << lo)
                if _run_s1(E, W, V, s0, step, R, gamma, c, acc, check) > 0:
                    # a change must reach the moves of this tile not yet looked at
                    busy[mid] = 1
                    busy[mid2] = 1
                    cur[s0 // R] = 1
                    cur[(s0 + step) // R] = 1


@numba.njit(cache=True, parallel=True)
def _sweep_group(E, W, V, lo, hi, gamma, reverse, check, prev, cur, nparts):
    """Moves of spins lo..hi-1, by tiles: _RUN consecutive states times all 2**(hi-lo) partners.

    The runs of a tile lie 2**lo states apart. That power-of-two stride maps them onto
    the same few cache sets, so a group has at most _GROUP_BITS spins (64 runs of a tile
    stay in L1/L2 together; measured: larger groups are slower, and copying the tile to
    a contiguous buffer costs more than it saves). The tiles are cut into ``nparts``
    ranges of consecutive tiles (neighbouring tiles share pages and prefetches), spread
    over the threads.
    """
    g = hi - lo
    ntiles = (E.size >> hi) * ((1 << lo) // _RUN)
    out = np.zeros(nparts)
    for part in prange(nparts):
        acc = np.zeros(_RUN_MAX)
        busy = np.zeros(1 << g, dtype=np.uint8)
        first = (part * ntiles) // nparts
        last = ((part + 1) * ntiles) // nparts
        _group_tiles(E, W, V, lo, hi, gamma, reverse, check, prev, cur, first, last, acc, busy)
        out[part] = _acc_max(acc)
    return out.max()


def _bit_groups(n: int) -> tuple[int, list[tuple[int, int]]]:
    # up to 16 spins fit one block in L2 (1.5 MiB of E, W, V): no group pass at all
    low = n if n <= 16 else _LOW_BITS
    rest = n - low
    groups = []
    if rest > 0:
        count = -(-rest // _GROUP_BITS)
        sizes = [rest // count + (1 if i < rest % count else 0) for i in range(count)]
        lo = low
        for size in sizes:
            groups.append((lo, lo + size))
            lo += size
    return low, groups


def _parts() -> int:
    """Independent pieces of work for the threads (a few per thread, for balance)."""
    return 4 * numba.get_num_threads()


class _Dirty:
    """Which runs of _RUN states changed in the previous and in the current sweep."""

    def __init__(self, size: int):
        nruns = max(1, size // _RUN)
        self.prev = np.ones(nruns, dtype=np.uint8)
        self.cur = np.zeros(nruns, dtype=np.uint8)

    def next_sweep(self) -> None:
        self.prev, self.cur = self.cur, self.prev
        self.cur.fill(0)


def _pairwise_sweep(E, W, V, n, gamma, reverse, check, dirty) -> float:
    """One Gauss-Seidel sweep over every move (n >= 10), group by group; the largest rise."""
    low, groups = _bit_groups(n)
    passes = [("low", 0, low)] + [("group", lo, hi) for lo, hi in groups]
    if reverse:
        passes.reverse()
    rise = 0.0
    for kind, lo, hi in passes:
        if kind == "low":
            r = _sweep_low(E, W, V, low, gamma, reverse, check, dirty.prev, dirty.cur)
        else:
            r = _sweep_group(E, W, V, lo, hi, gamma, reverse, check, dirty.prev, dirty.cur, _parts())
        rise = max(rise, r)
    dirty.next_sweep()
    return rise


# --------------------------------------------------------- state-by-state kernels


@numba.njit(cache=True, inline="always")
def _state_best(E, W, V, x, n, beta, gamma, c, use_w, one_step):
    """max over k of the action value of state x (retry or one-step form)."""
    best = -np.inf
    ex = E[x]
    vx = V[x]
    for k in range(n):
        y = x ^ (1 << k)
        a, b = _weights(E, W, x, y, beta, use_w)
        dE = E[y] - ex
        if one_step:
            q = _q_one_step(vx, V[y], dE, a, b, gamma)
        else:
            q = _q_retry(V[y], dE, a, b, gamma, c)
        if q > best:
            best = q
    return best


@numba.njit(cache=True, parallel=True)
def _sweep_states_jacobi(E, W, Vr, Vw, n, beta, gamma, use_w, one_step):
    c = 1.0 - gamma
    size = E.size
    nchunk = (size + 4095) >> 12
    out = np.zeros(nchunk)
    for ch in prange(nchunk):
        m = 0.0
        for x in range(ch << 12, min(size, (ch + 1) << 12)):
            best = _state_best(E, W, Vr, x, n, beta, gamma, c, use_w, one_step)
            v = best if best > 0.0 else 0.0
            d = abs(v - Vr[x])
            m = d if d > m else m
            Vw[x] = v
        out[ch] = m
    return out.max()


@numba.njit(cache=True)
def _sweep_states_gs(E, W, V, n, beta, gamma, use_w, one_step, reverse):
    """In-place sweep in index order (reversed on odd sweeps); serial, hence reproducible."""
    c = 1.0 - gamma
    size = E.size
    m = 0.0
    for i in range(size):
        x = size - 1 - i if reverse else i
        best = _state_best(E, W, V, x, n, beta, gamma, c, use_w, one_step)
        v = best if best > 0.0 else 0.0
        d = abs(v - V[x])
        m = d if d > m else m
        V[x] = v
    return m


@numba.njit(cache=True, parallel=True)
def _greedy_pass(E, W, V, n, beta, gamma, use_w, one_step, tie, policy):
    """Bellman residual of V and the tie-rule policy of V (written into policy).

    Returns (residual, number of states whose action changed). The policy always uses
    the retry form; ``one_step`` only chooses the form of the residual.
    """
    c = 1.0 - gamma
    size = E.size
    nchunk = (size + 4095) >> 12
    res = np.zeros(nchunk)
    changed = np.zeros(nchunk, dtype=np.int64)
    for ch in prange(nchunk):
        q = np.empty(n)
        m = 0.0
        nchanged = 0
        for x in range(ch << 12, min(size, (ch + 1) << 12)):
            ex = E[x]
            vx = V[x]
            best = -np.inf
            best1 = -np.inf
            for k in range(n):
                y = x ^ (1 << k)
                a, b = _weights(E, W, x, y, beta, use_w)
                dE = E[y] - ex
                qk = _q_retry(V[y], dE, a, b, gamma, c)
                q[k] = qk
                if qk > best:
                    best = qk
                if one_step:
                    q1 = _q_one_step(vx, V[y], dE, a, b, gamma)
                    if q1 > best1:
                        best1 = q1
            tv = best1 if one_step else best
            tv = tv if tv > 0.0 else 0.0
            d = abs(tv - vx)
            m = d if d > m else m
            action = 0
            if best > tie:
                for k in range(n):
                    if q[k] >= best - tie:
                        action = k + 1
                        break
            if policy[x] != action:
                nchanged += 1
                policy[x] = action
        res[ch] = m
        changed[ch] = nchanged
    return res.max(), changed.sum()


_CHUNK = 2048  # states per chunk of the blocked greedy pass


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _q_run(E, W, V, x0, y0, w, gamma, c, row, r0):
    """row[r0 + i] = Q(x0 + i -> y0 + i), i < w (retry form, weights tabulated)."""
    for i in range(w):
        x = uint64(x0 + i)
        y = uint64(y0 + i)
        a = W[x]
        b = W[y]
        d1 = a + c * b
        d2 = b + c * a
        r = 1.0 / (d1 * d2)
        row[r0 + i] = (gamma * V[y] - (E[y] - E[x])) * a * d2 * r


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _q_rows(E, W, V, n, gamma, base, q, best):
    """Retry-form Q values of the _CHUNK states from base (weights tabulated).

    Spin by spin, as contiguous runs: q[k, i] = Q(base + i -> (base + i) ^ 2**k) (the
    partners of a chunk under a high spin form one block, read as a stream); best[i]
    receives max_k q[k, i]. Same expression as :func:`_q_retry`, so the same bits.
    """
    c = 1.0 - gamma
    for k in range(n):
        bit = 1 << k
        row = q[k]
        if bit >= _CHUNK:
            _q_run(E, W, V, base, base ^ bit, _CHUNK, gamma, c, row, 0)
        elif bit >= 16:
            for j0 in range(0, _CHUNK, 2 * bit):
                _q_run(E, W, V, base + j0, base + j0 + bit, bit, gamma, c, row, j0)
                _q_run(E, W, V, base + j0 + bit, base + j0, bit, gamma, c, row, j0 + bit)
        else:
            for i in range(_CHUNK):
                x = base + i
                y = x ^ bit
                row[i] = _q_retry(V[y], E[y] - E[x], W[x], W[y], gamma, c)
    for i in range(_CHUNK):
        best[i] = q[0, i]
    for k in range(1, n):
        for i in range(_CHUNK):
            v = q[k, i]
            best[i] = v if v > best[i] else best[i]


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _greedy_chunks(E, W, V, n, gamma, tie, policy, first, last, q, best, act, out):
    """Greedy pass over chunks first..last-1 of _CHUNK states (see _greedy_blocked).

    Spin by spin, the Q values of a whole chunk are computed as contiguous runs (the
    partners of a chunk under a high spin form one block, read as a stream), then the
    best value and the tie rule are applied across the rows. out[0] receives the largest
    |T V - V|, out[1] the number of changed actions.
    """
    m = 0.0
    nchanged = 0
    for ch in range(first, last):
        base = ch * _CHUNK
        _q_rows(E, W, V, n, gamma, base, q, best)
        for i in range(_CHUNK):
            act[i] = 0
        for k in range(n):
            for i in range(_CHUNK):
                if act[i] == 0 and q[k, i] >= best[i] - tie:
                    act[i] = k + 1
        for i in range(_CHUNK):
            x = base + i
            b = best[i]
            tv = b if b > 0.0 else 0.0
            d = abs(tv - V[x])
            m = d if d > m else m
            action = act[i] if b > tie else 0
            if policy[x] != action:
                nchanged += 1
                policy[x] = action
    out[0] = m
    out[1] = nchanged


@numba.njit(cache=True, parallel=True)
def _greedy_blocked(E, W, V, n, gamma, tie, policy, nparts):
    """Retry-form residual of V and its tie-rule policy, chunk by chunk (weights tabulated).

    Returns (residual, number of states whose action changed).
    """
    nchunks = E.size // _CHUNK
    res = np.zeros(nparts)
    changed = np.zeros(nparts)
    for part in prange(nparts):
        q = np.empty((n, _CHUNK))
        best = np.empty(_CHUNK)
        act = np.empty(_CHUNK, dtype=np.int64)
        out = np.zeros(2)
        first = (part * nchunks) // nparts
        last = ((part + 1) * nchunks) // nparts
        _greedy_chunks(E, W, V, n, gamma, tie, policy, first, last, q, best, act, out)
        res[part] = out[0]
        changed[part] = out[1]
    return res.max(), int(changed.sum())


def _greedy(E, W, V, n, beta, gamma, use_w, one_step, tie, policy):
    """Residual and tie-rule policy of V: blocked for large retry-form problems."""
    if one_step or not use_w or E.size < 8 * _CHUNK:
        return _greedy_pass(E, W, V, n, beta, gamma, use_w, one_step, tie, policy)
    return _greedy_blocked(E, W, V, n, gamma, tie, policy, _parts())


@numba.njit(cache=True, parallel=True)
def _q_table(E, W, V, n, beta, gamma, use_w, one_step, out):
    c = 1.0 - gamma
    for x in prange(E.size):
        out[x, 0] = 0.0
        for k in range(n):
            y = x ^ (1 << k)
            a, b = _weights(E, W, x, y, beta, use_w)
            dE = E[y] - E[x]
            if one_step:
                out[x, k + 1] = _q_one_step(V[x], V[y], dE, a, b, gamma)
            else:
                out[x, k + 1] = _q_retry(V[y], dE, a, b, gamma, c)


@numba.njit(cache=True)
def _evaluate(E, W, policy, beta, gamma, use_w, V):
    """Exact value of a deterministic policy, retry form: V(x) = Q_{policy(x)}(x).

    The policy graph has out-degree one, so every state's chain ends in a stop or in a
    cycle. Each chain is walked once (NaN = not yet visited, -inf = on the current chain)
    and unwound from its end; a cycle is solved in closed form, V(u0) = A / (1 - B).
    """
    c = 1.0 - gamma
    size = E.size
    for x in range(size):
        V[x] = np.nan
    stack = np.empty(1024, dtype=np.int64)
    for x0 in range(size):
        if not np.isnan(V[x0]):
            continue
        depth = 0
        x = x0
        # walk forward until a stop, a finished state or a state on this chain
        while np.isnan(V[x]):
            if depth == stack.size:
                bigger = np.empty(2 * stack.size, dtype=np.int64)
                bigger[:depth] = stack
                stack = bigger
            stack[depth] = x
            depth += 1
            a_ = policy[x]
            if a_ == 0:
                V[x] = 0.0
                depth -= 1
                break
            V[x] = -np.inf
            x = x ^ (1 << (a_ - 1))
        if depth > 0 and V[x] == -np.inf:
            # x is on the chain: the states from x to the top of the stack form a cycle
            start = depth - 1
            while stack[start] != x:
                start -= 1
            # V(u_i) = alpha_i + g_i V(u_{i+1}); compose around the cycle from u_start
            big_a = 0.0
            big_b = 1.0
            for i in range(start, depth):
                u = stack[i]
                v = u ^ (1 << (policy[u] - 1))
                a, b = _weights(E, W, u, v, beta, use_w)
                dE = E[v] - E[u]
                alpha = _q_retry(0.0, dE, a, b, gamma, c)
                g = _q_retry(1.0, 0.0, a, b, gamma, c)
                big_a += big_b * alpha
                big_b *= g
            V[x] = big_a / (1.0 - big_b)
            # the rest of the cycle, backwards from its last state
            for i in range(depth - 1, start, -1):
                u = stack[i]
                v = u ^ (1 << (policy[u] - 1))
                a, b = _weights(E, W, u, v, beta, use_w)
                V[u] = _q_retry(V[v], E[v] - E[u], a, b, gamma, c)
            depth = start
        # unwind the chain: every state's successor is now known
        for i in range(depth - 1, -1, -1):
            u = stack[i]
            v = u ^ (1 << (policy[u] - 1))
            a, b = _weights(E, W, u, v, beta, use_w)
            V[u] = _q_retry(V[v], E[v] - E[u], a, b, gamma, c)
    return V


# ------------------------------------------------------------------------ drivers


class _Tables:
    """E (and W when safe) for one (model, beta): the only tables a solve builds."""

    def __init__(self, model: IsingModel, beta: float):
        n = model.n
        self.n = n
        # Tables are allocated by NumPy, which asks for transparent huge pages on large
        # arrays: the tiled sweeps touch many pages at once and would thrash the TLB.
        self.E = np.empty(1 << n)
        _energy_table(np.ascontiguousarray(model.J), np.ascontiguousarray(model.h), n, min(n, 12), self.E)
        e_min = float(self.E.min())
        e_max = float(self.E.max())
        self.e_min = e_min
        half_range = 0.5 * (e_max - e_min)
        self.use_w = bool(math.isfinite(beta) and beta * half_range <= _W_LOG_LIMIT)
        if self.use_w:
            self.W = np.empty(1 << n)
            _weight_table(self.E, beta, 0.5 * (e_max + e_min), self.W)
        else:
            self.W = np.ones(1)
        self.beta = beta


def _uses_weights(model: IsingModel, beta: float) -> bool:
    if not math.isfinite(beta):
        return False
    bound = _energy_scale(model)  # >= max |E|, so >= (E_max - E_min) / 2
    return beta * bound <= _W_LOG_LIMIT


def _check_max_iter(max_iter) -> int:
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)):
        raise TypeError(f"max_iter must be a positive integer, got {type(max_iter).__name__}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter}")
    return int(max_iter)


def _check_tol(tol, scale: float) -> float:
    if tol is None:
        return 1e-10 * scale
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise TypeError(f"tol must be a positive real number, got {type(tol).__name__}")
    tol = float(tol)
    if not (tol > 0.0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a positive finite number (energy units), got {tol}")
    return tol


def solve(
    model: IsingModel,
    beta,
    gamma,
    method: str = "policy_iteration",
    *,
    tol=None,
    max_iter: int = 100_000,
    form: str = "retry",
    callback=None,
    V0=None,
) -> BellmanSolution:
    """Solve the kobold's Bellman equation exactly, for every state of ``model``.

    Parameters
    ----------
    model : IsingModel
        The spins (``N`` of them; ``2**N`` states).
    beta : float
        Inverse temperature of the Glauber acceptance, in ``[0, inf]``; ``inf`` is zero
        temperature (downhill flips always accepted, uphill never, level ones half the time).
    gamma : float
        Discount per attempt, in ``(0, 1)``: energy one attempt later is worth ``gamma``
        of energy now.
    method : str
        ``"policy_iteration"`` (default): improve the policy greedily, evaluate it
        exactly (a walk over its graph, ``O(2**N)``), stop when the Bellman residual of
        the evaluated values is at most ``tol`` or the policy no longer changes.
        ``"value_iteration"``: Jacobi sweeps ``V <- T V`` from ``V = 0``.
        ``"gauss_seidel"``: in-place sweeps from ``V = 0``, move by move and cache
        blocked (see Notes); usually the fastest on large models.
    tol : float, optional
        Stopping tolerance, energy units: value iteration and Gauss-Seidel stop when a
        sweep changes no value by more than ``tol``; policy iteration when the residual
        is at most ``tol``. Default ``1e-10 * scale`` (``scale`` bounds ``|E|``).
    max_iter : int
        Most sweeps (or policy improvements).
    form : str
        Bellman operator the sweeps apply: ``"retry"`` (default) or ``"one_step"``. The
        one-step form converges geometrically, at rate up to ``gamma (1 - p)`` per sweep,
        and is there to be compared with; it runs state by state. Policy iteration
        evaluates exactly, so ``form`` only sets which residual it reports.
    callback : callable, optional
        Called as ``callback(iteration, change)`` after every sweep or policy
        improvement (``change`` is the entry appended to ``history``), e.g. to watch
        progress or time sweeps. Its return value is ignored.
    V0 : (2**N,) array_like, optional
        Warm start for ``"value_iteration"`` and ``"gauss_seidel"`` (energy units),
        e.g. the solution of the same model at the same ``beta`` and a smaller
        ``gamma``, which lies below this one everywhere. Default: ``V = 0``. Any finite
        ``V0`` gives the same fixed point; one that is below the solution everywhere
        (a sub-solution, ``V0 <= T V0``) converges fastest. Gauss-Seidel's move-by-move
        sweeps only ever raise values, so if they end with a Bellman residual above
        ``tol`` (``V0`` was above the solution somewhere) the solve goes on with
        state-by-state sweeps, which converge from anywhere.

    Returns
    -------
    BellmanSolution
        ``V`` ((2**N,) float64), ``policy`` ((2**N,) int8, tie rule of the module
        docstring), ``iterations``, ``residual`` (of the returned ``V``, in ``form``),
        ``converged`` and the per-iteration ``history``.

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`~kobold_lib.ising.IsingModel` or a number is not real.
    ValueError
        If ``gamma`` is not in ``(0, 1)``, ``beta`` is negative or NaN, ``method`` or
        ``form`` is unknown, ``tol``/``max_iter`` are not positive, ``V0`` has the wrong
        shape, is not finite or is given to policy iteration, or the arrays would not fit
        in the available memory (the message gives the bytes).

    Notes
    -----
    Gauss-Seidel (retry form, ``N >= 10``, weights tabulated) works move by move: for
    each pair of states ``(x, x ^ 2**k)`` one division gives both directions' Q values,
    and ``V(x) <- max(V(x), Q)``. Starting from ``V = 0`` (below the solution) this
    raises values monotonically, and each sweep does at least what a Jacobi sweep does.
    The moves of spins 0..13 are swept inside blocks of ``2**14`` consecutive states
    (spins 0..4 after transposing 1024 states, so that every run of moves is a
    contiguous vector loop), the other spins in groups of at most 6 by tiles, so each
    array crosses the memory bus a few times per sweep instead of once per spin. A run
    of moves whose states did not change since it was last swept is skipped, and so is
    one that a division-free test shows cannot raise a value. Value iteration and the
    one-step form run state by state. The final policy and residual come from one
    state-by-state pass over the converged values. Problems under ``2**18`` states run
    on one thread (waking threads would cost more than it saves).
    """
    model = _check_model(model)
    beta = check_beta(beta)
    gamma = _check_gamma(gamma)
    method = _check_choice(method, "method", BELLMAN_METHODS)
    form = _check_choice(form, "form", _FORMS)
    max_iter = _check_max_iter(max_iter)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    scale = _energy_scale(model)
    tol = _check_tol(tol, scale)
    tie = TIE_RTOL * scale
    n = model.n
    if V0 is not None:
        if method == "policy_iteration":
            raise ValueError("V0 warm-starts method='value_iteration' or 'gauss_seidel' only, not 'policy_iteration'")
        V0 = _check_values(V0, n)
    _require_memory(
        bellman_memory_bytes(n, method, _uses_weights(model, beta)),
        f"solve(method={method!r}) on a model of N={n} spins (2**{n} states)",
    )

    with _ThreadsFor(1 << n):
        return _solve(model, beta, gamma, method, tol, max_iter, form, callback, tie, V0)


def _solve(model, beta, gamma, method, tol, max_iter, form, callback, tie, V0=None, tables=None) -> BellmanSolution:
    """:func:`solve` on validated arguments; ``tables`` (of this model and beta) may be reused."""
    n = model.n
    if tables is None:
        tables = _Tables(model, beta)
    E, W, use_w = tables.E, tables.W, tables.use_w
    one_step = form == "one_step"
    size = 1 << n
    history = []
    converged = False

    if method == "policy_iteration":
        V = np.zeros(size)
        policy = np.zeros(size, dtype=np.int8)
        iterations = 0
        for _ in range(max_iter):
            iterations += 1
            residual, changed = _greedy(E, W, V, n, beta, gamma, use_w, False, tie, policy)
            history.append(residual)
            if callback is not None:
                callback(iterations, float(residual))
            if residual <= tol or (changed == 0 and iterations > 1):
                converged = True
                break
            _evaluate(E, W, policy, beta, gamma, use_w, V)
    else:
        V = np.zeros(size) if V0 is None else V0.copy()
        pairwise = use_w and not one_step and n >= _PAIRWISE_MIN_SPINS and method == "gauss_seidel"
        V_other = np.zeros(size) if method == "value_iteration" else None
        dirty = _Dirty(size) if pairwise else None
        iterations = 0
        for it in range(max_iter):
            iterations += 1
            reverse = it % 2 == 1
            if method == "value_iteration":
                change = _sweep_states_jacobi(E, W, V, V_other, n, beta, gamma, use_w, one_step)
                V, V_other = V_other, V
            elif pairwise:
                # from V = 0 every move raises a value in the first sweep: no test needed
                change = _pairwise_sweep(E, W, V, n, gamma, reverse, it > 0 or V0 is not None, dirty)
            else:
                change = _sweep_states_gs(E, W, V, n, beta, gamma, use_w, one_step, reverse)
            history.append(change)
            if callback is not None:
                callback(iterations, float(change))
            if change <= tol:
                converged = True
                break
        del V_other, dirty
        policy = np.zeros(size, dtype=np.int8)

    if method != "policy_iteration" or one_step or not converged:
        # policy iteration's last improvement already measured V and chose its policy
        residual, _ = _greedy(E, W, V, n, beta, gamma, use_w, one_step, tie, policy)
    if method == "gauss_seidel" and V0 is not None and pairwise and residual > tol:
        # V0 was above the solution somewhere, which raise-only sweeps cannot undo
        converged = False
        for it in range(iterations, max_iter):
            iterations += 1
            change = _sweep_states_gs(E, W, V, n, beta, gamma, use_w, one_step, it % 2 == 1)
            history.append(change)
            if change <= tol:
                converged = True
                break
        residual, _ = _greedy(E, W, V, n, beta, gamma, use_w, one_step, tie, policy)
    V.setflags(write=False)
    policy.setflags(write=False)
    hist = np.asarray(history, dtype=np.float64)
    hist.setflags(write=False)
    return BellmanSolution(
        V=V,
        policy=policy,
        iterations=iterations,
        residual=float(residual),
        converged=converged,
        method=method,
        form=form,
        history=hist,
        beta=beta,
        gamma=gamma,
        tie_tolerance=tie,
    )


def q_values(model: IsingModel, beta, gamma, V, form: str = "retry") -> np.ndarray:
    """The table of action values of every state for a value function ``V``.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]``.
    gamma : float
        Discount per attempt in ``(0, 1)``.
    V : (2**N,) array_like
        Values (energy units), e.g. ``solve(...).V``.
    form : str
        ``"retry"`` (default): ``Q_k(s) = p_k (-dE_k + gamma V(s^k)) / (1 - gamma (1 - p_k))``;
        ``"one_step"``: ``p_k (-dE_k + gamma V(s^k)) + (1 - p_k) gamma V(s)``.

    Returns
    -------
    (2**N, N + 1) float64
        Column 0 is the stop action (always 0); column ``k + 1`` attempts spin ``k``. At
        the solution, ``V = max(Q, axis=1)`` in either form.
    """
    model = _check_model(model)
    beta = check_beta(beta)
    gamma = _check_gamma(gamma)
    form = _check_choice(form, "form", _FORMS)
    n = model.n
    _require_memory(
        (8 * (n + 1) + 16 + (8 if _uses_weights(model, beta) else 0)) << n,
        f"q_values on a model of N={n} spins (a 2**{n} x {n + 1} table)",
    )
    V = _check_values(V, n)
    out = np.empty((1 << n, n + 1))
    with _ThreadsFor(1 << n):
        tables = _Tables(model, beta)
        _q_table(tables.E, tables.W, V, n, beta, gamma, tables.use_w, form == "one_step", out)
    return out


def greedy_policy(model: IsingModel, beta, gamma, V) -> np.ndarray:
    """The policy that ``V`` prescribes, with the module's tie rule.

    Stop where the best retry-form Q value is at most ``TIE_RTOL * scale``; otherwise
    attempt the lowest-index spin whose Q value is within that tolerance of the best.

    Returns
    -------
    (2**N,) int8
        0 = stop, ``k + 1`` = attempt to flip spin ``k``.
    """
    model = _check_model(model)
    beta = check_beta(beta)
    gamma = _check_gamma(gamma)
    n = model.n
    V = _check_values(V, n)
    _require_memory(bellman_memory_bytes(n, "gauss_seidel", _uses_weights(model, beta)), f"greedy_policy on N={n} spins")
    policy = np.zeros(1 << n, dtype=np.int8)
    with _ThreadsFor(1 << n):
        tables = _Tables(model, beta)
        tie = TIE_RTOL * _energy_scale(model)
        _greedy(tables.E, tables.W, V, n, beta, gamma, tables.use_w, False, tie, policy)
    return policy


def evaluate_policy(model: IsingModel, beta, gamma, policy) -> np.ndarray:
    """The exact discounted energy a deterministic policy extracts from every state.

    Solves ``V(s) = Q_{policy(s)}(s)`` (retry form; ``V = 0`` where the policy stops)
    by walking the policy graph once: chains are unwound from their ends, and a cycle, if
    the policy has one, is solved in closed form. ``O(2**N)`` time.

    Parameters
    ----------
    policy : (2**N,) int array
        0 = stop, ``k + 1`` = attempt to flip spin ``k``.

    Returns
    -------
    (2**N,) float64
        Energy units.
    """
    model = _check_model(model)
    beta = check_beta(beta)
    gamma = _check_gamma(gamma)
    n = model.n
    policy = _check_policy(policy, n)
    _require_memory(bellman_memory_bytes(n, "policy_iteration", _uses_weights(model, beta)), f"evaluate_policy on N={n} spins")
    V = np.empty(1 << n)
    with _ThreadsFor(1 << n):
        tables = _Tables(model, beta)
        _evaluate(tables.E, tables.W, policy, beta, gamma, tables.use_w, V)
    return V
