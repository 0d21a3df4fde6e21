"""The Bellman solver's sweeps: Gauss-Seidel, value iteration, greedy passes, policy evaluation.

Private to the library. Entry points (all on validated arguments and the
:class:`~kobold_lib._tables.Tables` of one ``(model, beta)``):

- :func:`solve_tables`: a whole solve (what :func:`kobold_lib.bellman.solve` and the
  phase diagrams' rows run);
- :func:`greedy`: the Bellman residual of ``V`` and its tie-rule policy;
- :func:`classify`: the counts of wise, greedy, neutral and stopping states behind
  :func:`kobold_lib.phases.policy_statistics`;
- :func:`evaluate`: the exact value of a deterministic policy;
- :func:`q_table`: every action value of every state.

Gauss-Seidel in the retry form works move by move: for the pair ``(s, t = s + step)``
one division gives ``Q(s -> t)`` and ``Q(t -> s)`` (:func:`~kobold_lib._tables.q_pair`),
and ``V[x] <- max(V[x], Q)``. The moves of spins ``0..13`` are swept inside blocks of
``2**14`` consecutive states (spins 0..4 after transposing 1024 states, so that every run
of moves is a contiguous vector loop), the other spins in groups of at most 6 by tiles.
Runs of moves are strided loops; the stride is a compile-time constant in each of the
small wrappers (so the compiler emits plain vector loads). The largest rise of a sweep is
kept lane by lane in a scratch vector ``acc`` (a vectorisable element-wise max) and
reduced once per block. A run of moves whose states did not change since it was last
swept is skipped (per-run "dirty" flags), and so is one that the division-free test
(:func:`~kobold_lib._tables.raises_count`) shows cannot raise a value.

The greedy pass and the classifier work chunk by chunk (:data:`_CHUNK` states): the Q
values of a chunk come spin by spin as contiguous runs (the partners of a chunk under a
high spin form one block, read as a stream), with the same expression as every other
kernel, so "optimal" means the same thing everywhere.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
from numba import prange, uint64

from ._tables import FM, Tables, parts, q_one_step, q_pair, q_retry, raises_count, weights


class Solved(NamedTuple):
    """What :func:`solve_tables` returns (arrays read-only)."""

    V: np.ndarray
    policy: np.ndarray
    iterations: int
    residual: float
    converged: bool
    history: np.ndarray


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


@numba.njit(cache=True, fastmath=FM, error_model="numpy", inline="always")
def _flags_body(E, W, V, s0, step, w, stride, gamma, c):
    """How many of the moves s <-> s + step, s = s0 + i stride (i < w), raise V.

    Division-free: ``Q > V`` is tested as ``num * w_s > V * (w_s + c w_t)``, with a
    relative margin of a few rounding errors (SLACK).
    """
    count = 0
    for i in range(w):
        s = uint64(s0 + i * stride)
        t = uint64(s0 + i * stride + step)
        count += raises_count(V[s], V[t], E[t] - E[s], W[s], W[t], gamma, c)
    return count


@numba.njit(cache=True, fastmath=FM, error_model="numpy", inline="always")
def _update_body(E, W, V, s0, step, w, stride, gamma, c, acc):
    """V[x] = max(V[x], Q(x -> partner)) for the same moves; acc[i] keeps the largest rise."""
    for i in range(w):
        s = uint64(s0 + i * stride)
        t = uint64(s0 + i * stride + step)
        ws = W[s]
        wt = W[t]
        vs = V[s]
        vt = V[t]
        q1, q2 = q_pair(vs, vt, E[t] - E[s], ws, wt, gamma, c)
        rise1 = q1 - vs
        rise2 = q2 - vt
        rise = rise1 if rise1 > rise2 else rise2
        a = acc[i]
        acc[i] = rise if rise > a else a
        V[s] = q1 if q1 > vs else vs
        V[t] = q2 if q2 > vt else vt


@numba.njit(cache=True, fastmath=FM, error_model="numpy", inline="always")
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


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
def _run_s1(E, W, V, s0, step, w, gamma, c, acc, check):
    return _run_body(E, W, V, s0, step, w, 1, gamma, c, acc, check)


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
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


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
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


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
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
            r = _sweep_group(E, W, V, lo, hi, gamma, reverse, check, dirty.prev, dirty.cur, parts())
        rise = max(rise, r)
    dirty.next_sweep()
    return rise


@numba.njit(cache=True, inline="always")
def _state_best(E, W, V, x, n, beta, gamma, c, use_w, one_step):
    """max over k of the action value of state x (retry or one-step form)."""
    best = -np.inf
    ex = E[x]
    vx = V[x]
    for k in range(n):
        y = x ^ (1 << k)
        a, b = weights(E, W, x, y, beta, use_w)
        dE = E[y] - ex
        if one_step:
            q = q_one_step(vx, V[y], dE, a, b, gamma)
        else:
            q = q_retry(V[y], dE, a, b, gamma, c)
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


_CHUNK = 2048  # states per chunk of the greedy pass and the classifier


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
def _q_run(E, W, V, x0, y0, w, gamma, c, row, r0):
    """row[r0 + i] = Q(x0 + i -> y0 + i), i < w (retry form, weights tabulated)."""
    for i in range(w):
        x = uint64(x0 + i)
        y = uint64(y0 + i)
        row[r0 + i] = q_retry(V[y], E[y] - E[x], W[x], W[y], gamma, c)


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
def _q_rows(E, W, V, n, beta, gamma, use_w, base, m, q, best):
    """Retry-form Q values of the ``m`` states from ``base``: ``q[k, i] = Q(base + i -> (base + i) ^ 2**k)``.

    ``best[i]`` receives ``max_k q[k, i]``. With tabulated weights the moves of spins 4 and
    up are contiguous runs; the rest (and every move when weights are not tabulated) go
    state by state.
    """
    c = 1.0 - gamma
    for k in range(n):
        bit = 1 << k
        row = q[k]
        if use_w and bit >= m:
            _q_run(E, W, V, base, base ^ bit, m, gamma, c, row, 0)
        elif use_w and bit >= 16:
            for j0 in range(0, m, 2 * bit):
                _q_run(E, W, V, base + j0, base + j0 + bit, bit, gamma, c, row, j0)
                _q_run(E, W, V, base + j0 + bit, base + j0, bit, gamma, c, row, j0 + bit)
        else:
            for i in range(m):
                x = base + i
                y = x ^ bit
                a, b = weights(E, W, x, y, beta, use_w)
                row[i] = q_retry(V[y], E[y] - E[x], a, b, gamma, c)
    for i in range(m):
        best[i] = q[0, i]
    for k in range(1, n):
        for i in range(m):
            v = q[k, i]
            best[i] = v if v > best[i] else best[i]


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
def _greedy_chunks(E, W, V, n, beta, gamma, use_w, one_step, tie, policy, first, last, q, best, act, out):
    """Greedy pass over chunks first..last-1: out[0] = largest |T V - V|, out[1] = changed actions.

    The policy always follows the retry form; ``one_step`` only chooses the form of the
    residual.
    """
    m = best.size
    m_res = 0.0
    nchanged = 0
    for ch in range(first, last):
        base = ch * m
        _q_rows(E, W, V, n, beta, gamma, use_w, base, m, q, best)
        for i in range(m):
            act[i] = 0
        for k in range(n):
            for i in range(m):
                if act[i] == 0 and q[k, i] >= best[i] - tie:
                    act[i] = k + 1
        for i in range(m):
            x = base + i
            b = best[i]
            tv = b
            if one_step:
                vx = V[x]
                tv = -np.inf
                for k in range(n):
                    y = x ^ (1 << k)
                    wa, wb = weights(E, W, x, y, beta, use_w)
                    q1 = q_one_step(vx, V[y], E[y] - E[x], wa, wb, gamma)
                    tv = q1 if q1 > tv else tv
            tv = tv if tv > 0.0 else 0.0
            d = abs(tv - V[x])
            m_res = d if d > m_res else m_res
            action = act[i] if b > tie else 0
            if policy[x] != action:
                nchanged += 1
                policy[x] = action
    out[0] = m_res
    out[1] = nchanged


@numba.njit(cache=True, parallel=True)
def _greedy_parts(E, W, V, n, beta, gamma, use_w, one_step, tie, policy, nparts):
    m = min(_CHUNK, E.size)
    nchunks = E.size // m
    res = np.zeros(nparts)
    changed = np.zeros(nparts)
    for part in prange(nparts):
        q = np.empty((n, m))
        best = np.empty(m)
        act = np.empty(m, dtype=np.int64)
        out = np.zeros(2)
        first = (part * nchunks) // nparts
        last = ((part + 1) * nchunks) // nparts
        _greedy_chunks(E, W, V, n, beta, gamma, use_w, one_step, tie, policy, first, last, q, best, act, out)
        res[part] = out[0]
        changed[part] = out[1]
    return res.max(), int(changed.sum())


def _nparts(size: int) -> int:
    return max(1, min(parts(), size // min(_CHUNK, size)))


def greedy(tables: Tables, V, gamma, one_step, tie, policy):
    """Bellman residual of ``V`` and its tie-rule policy (written into ``policy``).

    Returns ``(residual, number of states whose action changed)``. The residual is in the
    retry form, or the one-step form when ``one_step``; the policy is always the retry
    form's: stop if ``best <= tie``, else the lowest-index spin with ``Q >= best - tie``.
    """
    E, W = tables.E, tables.W
    return _greedy_parts(E, W, V, tables.n, tables.beta, gamma, tables.use_w, one_step, tie, policy, _nparts(E.size))


@numba.njit(cache=True, fastmath=FM, error_model="numpy")
def _classify_chunks(E, W, V, policy, n, beta, gamma, use_w, tie, de_tol, e_ground, first, last, q, best, down, level, counts):
    """Classify the states of chunks first..last-1 (see :func:`classify`); adds into ``counts`` (8,)."""
    m = best.size
    for ch in range(first, last):
        base = ch * m
        _q_rows(E, W, V, n, beta, gamma, use_w, base, m, q, best)
        for i in range(m):
            down[i] = 0
            level[i] = 0
        for k in range(n):
            bit = 1 << k
            row = q[k]
            for i in range(m):
                if row[i] >= best[i] - tie:
                    x = base + i
                    dE = E[x ^ bit] - E[x]
                    if dE < -de_tol:
                        down[i] = 1
                    elif dE <= de_tol:
                        level[i] = 1
        for i in range(m):
            x = base + i
            ex = E[x]
            if policy[x] == 0:
                counts[3] += 1
                if ex > e_ground:
                    counts[5] += 1
                if best[i] > 0.0:
                    counts[7] += 1
                continue
            if down[i]:
                counts[1] += 1
            elif level[i]:
                counts[2] += 1
            else:
                counts[0] += 1
                all_up = True
                for k in range(n):
                    if E[x ^ (1 << k)] - ex <= de_tol:
                        all_up = False
                        break
                if all_up:
                    counts[6] += 1
            chosen = policy[x] - 1
            if (down[i] or level[i]) and E[x ^ (1 << chosen)] - ex > de_tol:
                counts[4] += 1


@numba.njit(cache=True, parallel=True)
def _classify_parts(E, W, V, policy, n, beta, gamma, use_w, tie, de_tol, e_ground, nparts):
    m = min(_CHUNK, E.size)
    nchunks = E.size // m
    counts = np.zeros((nparts, 8), dtype=np.int64)
    for part in prange(nparts):
        q = np.empty((n, m))
        best = np.empty(m)
        down = np.empty(m, dtype=np.uint8)
        level = np.empty(m, dtype=np.uint8)
        first = (part * nchunks) // nparts
        last = ((part + 1) * nchunks) // nparts
        _classify_chunks(
            E, W, V, policy, n, beta, gamma, use_w, tie, de_tol, e_ground, first, last, q, best, down, level, counts[part]
        )
    return counts.sum(axis=0)


def classify(tables: Tables, V, policy, gamma, tie, de_tol, e_ground) -> np.ndarray:
    """Counts over all states of a solution ``(V, policy)``, (8,) int64.

    Columns: wise, greedy, neutral, stop, tie-uphill, non-ground stops (``E > e_ground``),
    wise local minima (every move uphill), marginal stops (stops with a move of positive
    value at most ``tie``). A move is optimal when its retry-form Q value is within
    ``tie`` of the best (the tie rule's meaning); it goes downhill when
    ``dE < -de_tol``, is level when ``|dE| <= de_tol``.
    """
    E, W = tables.E, tables.W
    return _classify_parts(
        E, W, V, policy, tables.n, tables.beta, gamma, tables.use_w, tie, de_tol, e_ground, _nparts(E.size)
    )


@numba.njit(cache=True, parallel=True)
def _q_table(E, W, V, n, beta, gamma, use_w, one_step, out):
    """out[x, 0] = 0 (stop), out[x, k + 1] = Q_k(x) in the retry or one-step form."""
    c = 1.0 - gamma
    for x in prange(E.size):
        out[x, 0] = 0.0
        for k in range(n):
            y = x ^ (1 << k)
            a, b = weights(E, W, x, y, beta, use_w)
            dE = E[y] - E[x]
            if one_step:
                out[x, k + 1] = q_one_step(V[x], V[y], dE, a, b, gamma)
            else:
                out[x, k + 1] = q_retry(V[y], dE, a, b, gamma, c)


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
                a, b = weights(E, W, u, v, beta, use_w)
                dE = E[v] - E[u]
                alpha = q_retry(0.0, dE, a, b, gamma, c)
                g = q_retry(1.0, 0.0, a, b, gamma, c)
                big_a += big_b * alpha
                big_b *= g
            V[x] = big_a / (1.0 - big_b)
            # the rest of the cycle, backwards from its last state
            for i in range(depth - 1, start, -1):
                u = stack[i]
                v = u ^ (1 << (policy[u] - 1))
                a, b = weights(E, W, u, v, beta, use_w)
                V[u] = q_retry(V[v], E[v] - E[u], a, b, gamma, c)
            depth = start
        # unwind the chain: every state's successor is now known
        for i in range(depth - 1, -1, -1):
            u = stack[i]
            v = u ^ (1 << (policy[u] - 1))
            a, b = weights(E, W, u, v, beta, use_w)
            V[u] = q_retry(V[v], E[v] - E[u], a, b, gamma, c)
    return V


def evaluate(tables: Tables, policy, gamma, V) -> np.ndarray:
    """The exact retry-form value of a deterministic policy, written into ``V`` (2**N,)."""
    return _evaluate(tables.E, tables.W, policy, tables.beta, gamma, tables.use_w, V)


def q_table(tables: Tables, V, gamma, one_step, out) -> np.ndarray:
    """Every action value of every state into ``out`` (2**N, N + 1); column 0 is stop."""
    _q_table(tables.E, tables.W, V, tables.n, tables.beta, gamma, tables.use_w, one_step, out)
    return out


def solve_tables(tables: Tables, gamma, method, tol, max_iter, form, callback, tie, V0=None) -> Solved:
    """Solve the Bellman equation on validated arguments, with the tables of one ``(model, beta)``.

    The internal entry point of every solve (:func:`kobold_lib.bellman.solve`, the phase
    diagrams' rows). ``method``: ``"policy_iteration"``, ``"value_iteration"`` or
    ``"gauss_seidel"``; ``form``: ``"retry"`` or ``"one_step"``; ``tie``: the absolute
    tie tolerance; ``V0``: a warm start (not for policy iteration). Gauss-Seidel in the
    retry form with tabulated weights and ``N >= 10`` runs the cache-blocked pairwise
    sweeps; everything else runs state by state.
    """
    n = tables.n
    beta = tables.beta
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
            residual, changed = greedy(tables, V, gamma, False, tie, policy)
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
        residual, _ = greedy(tables, V, gamma, one_step, tie, policy)
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
        residual, _ = greedy(tables, V, gamma, one_step, tie, policy)
    V.setflags(write=False)
    policy.setflags(write=False)
    hist = np.asarray(history, dtype=np.float64)
    hist.setflags(write=False)
    return Solved(V, policy, iterations, float(residual), converged, hist)
