"""Greedy and wise kobolds: policy statistics and phase diagrams over ``(beta, gamma)``.

A state's optimal move is *greedy* when it goes downhill (``dE < 0``), *wise* when it
goes uphill (``dE > 0``: pay energy now to reach a lower state sooner) and *neutral*
when it is level (``|dE| <=`` a small tolerance). Ties are everywhere on symmetric
models, so the class of a state is decided from *all* its optimal moves, not from the
one the tie rule of :func:`kobold_lib.bellman.solve` happens to pick:

- ``stop``: the kobold stops (an absorbing state of the policy);
- ``greedy``: some optimal move goes downhill;
- ``neutral``: no optimal move goes downhill, but one is level;
- ``wise``: every optimal move goes uphill: climbing is strictly necessary.

A move is *optimal* when its retry-form action value is within the solver's tie
tolerance of the best one. So the fraction of wise states does not depend on how ties
are broken; how often the tie rule's pick is uphill although a level or downhill move is
just as good is reported apart (``tie_uphill_fraction``).

Fractions are given with two denominators: all ``2**N`` states, and the states that act
(that do not stop). The first is the phase diagrams' default.

Public functions
----------------
:func:`policy_statistics`
    Every statistic of one ``(beta, gamma)`` point (a :class:`PolicyStatistics`).
:func:`wise_fraction`
    The fraction of wise states at one point.
:func:`phase_diagram`
    The statistics over a ``(beta, gamma)`` grid (a :class:`PhaseDiagram`), in parallel
    over rows of the grid on any :class:`concurrent.futures.Executor`, warm-started
    along ``gamma``, optionally cached on disk.
:func:`book_grid`
    The ``(beta, gamma)`` grid the book's cached phase diagrams use.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import math
import multiprocessing
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, fields
from pathlib import Path

import numba
import numpy as np
from numba import prange

from ._memory import require_memory, workers_that_fit
from .acceptance import check_beta
from .bellman import (
    _CHUNK,
    _FM,
    BELLMAN_METHODS,
    TIE_RTOL,
    _check_choice,
    _check_gamma,
    _check_model,
    _check_tol,
    _energy_scale,
    _evaluate,
    _parts,
    _q_retry,
    _q_rows,
    _solve,
    _Tables,
    _ThreadsFor,
    _weights,
    bellman_memory_bytes,
    solve,
)
from .ising import IsingModel
from .policy import tree_depth

__all__ = [
    "PolicyStatistics",
    "policy_statistics",
    "wise_fraction",
    "PhaseDiagram",
    "phase_diagram",
    "book_grid",
    "PHASE_STATISTICS",
    "PHASES_CACHE_VERSION",
    "DE_RTOL",
]

#: Relative tolerance (times the model's energy scale) under which a flip's ``dE`` counts
#: as level (neutral), and an absorbing state's energy counts as the ground energy.
DE_RTOL = 1e-9

#: Bumped whenever the meaning of a cached statistic changes: old cache files then miss.
PHASES_CACHE_VERSION = 2

#: The per-point statistics of a :class:`PhaseDiagram`, each an array over the grid.
PHASE_STATISTICS = (
    "wise_fraction",
    "wise_fraction_acting",
    "greedy_fraction",
    "neutral_fraction",
    "stop_fraction",
    "tie_uphill_fraction",
    "wise_minimum_fraction",
    "mean_value",
    "n_absorbing",
    "n_nonground_absorbing",
    "n_marginal_stops",
    "mean_depth",
    "max_depth",
    "iterations",
)

_INT_STATISTICS = ("n_absorbing", "n_nonground_absorbing", "n_marginal_stops", "max_depth", "iterations")


# ----------------------------------------------------------------------------- kernels


@numba.njit(cache=True, parallel=True)
def _classify(E, W, V, policy, n, beta, gamma, use_w, tie, de_tol, e_ground):
    """Counts over all states, summed over chunks.

    Columns: wise, greedy, neutral, stop, tie-uphill, non-ground stops, wise local
    minima (every move uphill), marginal stops (stops with a move of positive value
    at most ``tie``). The action values are the solver's retry-form Q values (same
    expression, same weights), so "optimal" means what it means to the tie rule.
    """
    c = 1.0 - gamma
    size = E.size
    nchunk = (size + 4095) >> 12
    counts = np.zeros((nchunk, 8), dtype=np.int64)
    for ch in prange(nchunk):
        q = np.empty(n)
        for x in range(ch << 12, min(size, (ch + 1) << 12)):
            ex = E[x]
            best = -np.inf
            all_up = True
            for k in range(n):
                y = x ^ (1 << k)
                a, b = _weights(E, W, x, y, beta, use_w)
                dE = E[y] - ex
                qk = _q_retry(V[y], dE, a, b, gamma, c)
                q[k] = qk
                if qk > best:
                    best = qk
                if dE <= de_tol:
                    all_up = False
            if policy[x] == 0:
                counts[ch, 3] += 1
                if ex > e_ground:
                    counts[ch, 5] += 1
                if best > 0.0:
                    counts[ch, 7] += 1
                continue
            down = False
            level = False
            for k in range(n):
                if q[k] >= best - tie:
                    dE = E[x ^ (1 << k)] - ex
                    if dE < -de_tol:
                        down = True
                    elif dE <= de_tol:
                        level = True
            if down:
                counts[ch, 1] += 1
            elif level:
                counts[ch, 2] += 1
            else:
                counts[ch, 0] += 1
                if all_up:
                    counts[ch, 6] += 1
            chosen = policy[x] - 1
            if (down or level) and E[x ^ (1 << chosen)] - ex > de_tol:
                counts[ch, 4] += 1
    return counts.sum(axis=0)


@numba.njit(cache=True, fastmath=_FM, error_model="numpy")
def _classify_chunks(E, W, V, policy, n, gamma, tie, de_tol, e_ground, first, last, q, best, down, level, counts):
    """:func:`_classify` over chunks first..last-1 of _CHUNK states (weights tabulated).

    The Q values of a chunk come spin by spin as contiguous runs (the solver's greedy
    pass does the same, with the same expression); the optimal moves are then marked
    downhill or level spin by spin too, and each state is classified. Adds into
    ``counts`` (8,).
    """
    for ch in range(first, last):
        base = ch * _CHUNK
        _q_rows(E, W, V, n, gamma, base, q, best)
        for i in range(_CHUNK):
            down[i] = 0
            level[i] = 0
        for k in range(n):
            bit = 1 << k
            row = q[k]
            for i in range(_CHUNK):
                if row[i] >= best[i] - tie:
                    x = base + i
                    dE = E[x ^ bit] - E[x]
                    if dE < -de_tol:
                        down[i] = 1
                    elif dE <= de_tol:
                        level[i] = 1
        for i in range(_CHUNK):
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
def _classify_blocked(E, W, V, policy, n, gamma, tie, de_tol, e_ground, nparts):
    """The counts of :func:`_classify`, chunk by chunk (weights tabulated, 2**N >= _CHUNK)."""
    nchunks = E.size // _CHUNK
    counts = np.zeros((nparts, 8), dtype=np.int64)
    for part in prange(nparts):
        q = np.empty((n, _CHUNK))
        best = np.empty(_CHUNK)
        down = np.empty(_CHUNK, dtype=np.uint8)
        level = np.empty(_CHUNK, dtype=np.uint8)
        first = (part * nchunks) // nparts
        last = ((part + 1) * nchunks) // nparts
        _classify_chunks(
            E, W, V, policy, n, gamma, tie, de_tol, e_ground, first, last, q, best, down, level, counts[part]
        )
    return counts.sum(axis=0)


# ------------------------------------------------------------------ one grid point


@dataclass(frozen=True)
class PolicyStatistics:
    """What the optimal policy looks like at one ``(beta, gamma)`` point.

    Attributes
    ----------
    beta, gamma : float
        The point (inverse temperature, discount per attempt).
    n_states : int
        ``2**N``.
    wise_fraction : float
        Wise states (every optimal move uphill) / all ``2**N`` states.
    wise_fraction_acting : float
        Wise states / states that act (0 if no state acts).
    greedy_fraction, neutral_fraction, stop_fraction : float
        Greedy, neutral and stopping states / all states. With ``wise_fraction`` they sum to 1.
    tie_uphill_fraction : float
        States that are greedy or neutral but whose tie-rule move is uphill / all states:
        what a classification by the picked move alone would wrongly call wise.
    wise_minimum_fraction : float
        Wise states that are local minima (every single flip goes uphill: the kobold
        must climb to get anywhere) / all states. The rest of the wise states could go
        downhill but choose to climb.
    mean_value : float
        ``<V>``, the mean of ``V`` over all states (energy units).
    n_absorbing : int
        Stopping states of the policy.
    n_nonground_absorbing : int
        Stopping states whose energy exceeds the ground energy by more than
        ``DE_RTOL * scale``: the kobold quits before the bottom.
    n_marginal_stops : int
        Stopping states with a move of positive value no larger than the solver's tie
        tolerance (``TIE_RTOL * scale``): stops that an exact comparison with 0 would
        turn into moves worth less than about ``1e-12`` of the energy scale.
    mean_depth : float
        Accepted flips from a state to its absorbing state, averaged over all states.
    max_depth : int
        The deepest tree of the policy forest.
    iterations : int
        Sweeps the solver needed.
    """

    beta: float
    gamma: float
    n_states: int
    wise_fraction: float
    wise_fraction_acting: float
    greedy_fraction: float
    neutral_fraction: float
    stop_fraction: float
    tie_uphill_fraction: float
    wise_minimum_fraction: float
    mean_value: float
    n_absorbing: int
    n_nonground_absorbing: int
    n_marginal_stops: int
    mean_depth: float
    max_depth: int
    iterations: int


def _statistics_of(model: IsingModel, tables: _Tables, sol, gamma: float) -> PolicyStatistics:
    scale = _energy_scale(model)
    de_tol = DE_RTOL * scale
    if tables.use_w and model.n_states >= 8 * _CHUNK:
        counts = _classify_blocked(
            tables.E, tables.W, sol.V, sol.policy, model.n, gamma, sol.tie_tolerance, de_tol,
            tables.e_min + de_tol, _parts(),
        )
    else:
        counts = _classify(
            tables.E, tables.W, sol.V, sol.policy, model.n, tables.beta, gamma, tables.use_w,
            sol.tie_tolerance, de_tol, tables.e_min + de_tol,
        )
    wise, greedy, neutral, stop, tie_up, nonground, wise_min, marginal = (int(v) for v in counts)
    size = model.n_states
    depth = tree_depth(sol.policy)
    if depth.min() < 0:  # pragma: no cover - an optimal policy is always a forest
        raise RuntimeError("the optimal policy graph has a cycle; please report this model")
    acting = size - stop
    return PolicyStatistics(
        beta=tables.beta,
        gamma=gamma,
        n_states=size,
        wise_fraction=wise / size,
        wise_fraction_acting=wise / acting if acting else 0.0,
        greedy_fraction=greedy / size,
        neutral_fraction=neutral / size,
        stop_fraction=stop / size,
        tie_uphill_fraction=tie_up / size,
        wise_minimum_fraction=wise_min / size,
        mean_value=float(np.mean(sol.V)),
        n_absorbing=stop,
        n_nonground_absorbing=nonground,
        n_marginal_stops=marginal,
        mean_depth=float(depth.mean()),
        max_depth=int(depth.max()),
        iterations=int(sol.iterations),
    )


def policy_statistics(model: IsingModel, beta, gamma, solution=None, *, method: str = "gauss_seidel", tol=None) -> PolicyStatistics:
    """Solve the kobold's Bellman equation at one point and describe its optimal policy.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]``.
    gamma : float
        Discount per attempt in ``(0, 1)``.
    solution : BellmanSolution, optional
        A solution of this model at this ``(beta, gamma)`` (to skip the solve).
    method, tol
        Passed to :func:`kobold_lib.bellman.solve` when ``solution`` is not given.

    Returns
    -------
    PolicyStatistics
        Fractions of wise, greedy, neutral and stopping states, ``<V>``, absorbing
        states (all, and those above the ground energy), tree depths.
    """
    model = _check_model(model)
    beta = check_beta(beta)
    gamma = _check_gamma(gamma)
    if solution is None:
        solution = solve(model, beta, gamma, method, tol=tol)
    else:
        if not hasattr(solution, "V") or not hasattr(solution, "policy") or not hasattr(solution, "tie_tolerance"):
            raise TypeError(f"solution must be a BellmanSolution, got {type(solution).__name__}")
        if solution.V.shape != (model.n_states,):
            raise ValueError(f"solution has {solution.V.size} states but the model has 2**{model.n} = {model.n_states}")
        if solution.beta != beta or solution.gamma != gamma:
            raise ValueError(
                f"solution was solved at beta={solution.beta}, gamma={solution.gamma}, "
                f"not at beta={beta}, gamma={gamma}"
            )
    return _statistics_of(model, _Tables(model, beta), solution, gamma)


def wise_fraction(model: IsingModel, beta, gamma, *, among: str = "all", method: str = "gauss_seidel", tol=None) -> float:
    """The fraction of states whose optimal moves all go uphill.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]``.
    gamma : float
        Discount per attempt in ``(0, 1)``.
    among : {"all", "acting"}
        Denominator: all ``2**N`` states (default), or the states where the kobold acts.
    method, tol
        Passed to :func:`kobold_lib.bellman.solve`.

    Returns
    -------
    float
        In ``[0, 1]``. A state counts as wise only if *every* optimal move (within the
        solver's tie tolerance) has ``dE > DE_RTOL * scale``; see the module docstring.
    """
    _check_choice(among, "among", ("all", "acting"))
    stats = policy_statistics(model, beta, gamma, method=method, tol=tol)
    return stats.wise_fraction if among == "all" else stats.wise_fraction_acting


# ------------------------------------------------------------------------ the sweep


@dataclass(frozen=True, eq=False)
class PhaseDiagram:
    """Policy statistics over a ``(beta, gamma)`` grid.

    Every statistic of :data:`PHASE_STATISTICS` is an array of shape
    ``(len(betas), len(gammas))``: row ``i`` is ``betas[i]``, column ``j`` is
    ``gammas[j]``; see :class:`PolicyStatistics` for their meaning. Integer counts are
    int64, the rest float64.

    Attributes
    ----------
    model_name : str
        ``model.name``.
    fingerprint : str
        ``model.fingerprint`` (the model's couplings and fields, hashed).
    n : int
        Number of spins.
    betas : (n_beta,) float64
    gammas : (n_gamma,) float64
    method : str
        The Bellman solver's method.
    tol : float
        The solver's stopping tolerance (energy units).
    seconds : (n_beta, n_gamma) float64
        Wall-clock seconds of each point's solve and statistics, as measured by the
        worker that ran it (machine-dependent; for benchmarks only).
    from_cache : bool
        True when these numbers were read from a cache file.
    """

    model_name: str
    fingerprint: str
    n: int
    betas: np.ndarray
    gammas: np.ndarray
    method: str
    tol: float
    wise_fraction: np.ndarray
    wise_fraction_acting: np.ndarray
    greedy_fraction: np.ndarray
    neutral_fraction: np.ndarray
    stop_fraction: np.ndarray
    tie_uphill_fraction: np.ndarray
    wise_minimum_fraction: np.ndarray
    mean_value: np.ndarray
    n_absorbing: np.ndarray
    n_nonground_absorbing: np.ndarray
    n_marginal_stops: np.ndarray
    mean_depth: np.ndarray
    max_depth: np.ndarray
    iterations: np.ndarray
    seconds: np.ndarray
    from_cache: bool = False

    def __repr__(self) -> str:
        return (
            f"PhaseDiagram(model={self.model_name!r}, N={self.n}, grid={self.betas.size}x{self.gammas.size}, "
            f"method={self.method!r}, from_cache={self.from_cache})"
        )

    def statistic(self, name: str) -> np.ndarray:
        """The ``(n_beta, n_gamma)`` array of one statistic of :data:`PHASE_STATISTICS`."""
        _check_choice(name, "name", PHASE_STATISTICS)
        return getattr(self, name)

    @property
    def wise_states(self) -> np.ndarray:
        """Number of wise states at each grid point, (n_beta, n_gamma) int64."""
        return np.rint(self.wise_fraction * (1 << self.n)).astype(np.int64)

    def wise_boundary(self) -> np.ndarray:
        """For each ``beta``: the smallest grid ``gamma`` at which some state is wise.

        Returns
        -------
        (n_beta,) float64
            ``NaN`` where no ``gamma`` of the grid has a wise state (greedy throughout).
        """
        order = np.argsort(self.gammas, kind="stable")
        wise = self.wise_states[:, order] > 0
        first = np.argmax(wise, axis=1)
        out = self.gammas[order][first].astype(np.float64)
        out[~wise.any(axis=1)] = np.nan
        return out

    def at(self, i: int, j: int) -> dict:
        """All statistics at grid point ``(betas[i], gammas[j])``, as plain Python numbers."""
        out = {"beta": float(self.betas[i]), "gamma": float(self.gammas[j])}
        for name in PHASE_STATISTICS:
            value = getattr(self, name)[i, j]
            out[name] = int(value) if name in _INT_STATISTICS else float(value)
        return out


def _check_grid(values, name: str, check) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr) or arr.dtype == bool:
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64)
    for v in arr:
        check(float(v))
    arr.setflags(write=False)
    return arr


def _check_gamma_value(g: float) -> None:
    if not (0.0 < g < 1.0):
        raise ValueError(f"gammas must be in (0, 1) (discount per attempt), got {g}")


def _check_beta_value(b: float) -> None:
    if math.isnan(b) or b < 0.0:
        raise ValueError(f"betas must be in [0, inf] (inverse temperature), got {b}")


def _row(model: IsingModel, beta: float, gammas: np.ndarray, method: str, tol, warm_start: bool, threads) -> dict:
    """One row of the grid: every gamma at one beta, in ascending gamma, warm-started.

    A top-level function, so that process pools (and Dask) can pickle it. ``threads``
    sets numba's thread count for this task (1 when the executor supplies parallelism).
    """
    previous_threads = numba.get_num_threads()
    if threads is not None:
        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        order = np.argsort(gammas, kind="stable")
        out = {name: np.zeros(gammas.size, dtype=np.int64 if name in _INT_STATISTICS else np.float64) for name in PHASE_STATISTICS}
        out["seconds"] = np.zeros(gammas.size)
        # E and W depend on (model, beta) only: one set of tables serves the whole row
        # (the arguments were validated by phase_diagram, so the solver is called directly).
        t_tables = time.perf_counter()
        tables = _Tables(model, beta)
        scale = _energy_scale(model)
        tie = TIE_RTOL * scale
        tol = _check_tol(tol, scale)
        t_tables = time.perf_counter() - t_tables
        policy = None
        with _ThreadsFor(model.n_states):
            for j in order:
                t0 = time.perf_counter()
                gamma = float(gammas[j])
                V0 = None
                if warm_start and policy is not None:
                    # The previous (smaller) gamma's optimal policy, evaluated at this
                    # gamma, lies below this gamma's optimum everywhere and is a
                    # sub-solution, so Gauss-Seidel's raise-only sweeps start from it safely.
                    V0 = _evaluate(tables.E, tables.W, policy, beta, gamma, tables.use_w, np.empty(model.n_states))
                sol = _solve(model, beta, gamma, method, tol, 100_000, "retry", None, tie, V0, tables)
                stats = _statistics_of(model, tables, sol, gamma)
                policy = sol.policy
                for name in PHASE_STATISTICS:
                    out[name][j] = getattr(stats, name)
                # each point also pays its share of the row's tables
                out["seconds"][j] = time.perf_counter() - t0 + t_tables / gammas.size
        return out
    finally:
        numba.set_num_threads(previous_threads)


def book_grid(n_beta: int = 32, n_gamma: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """The ``(beta, gamma)`` grid of the book's phase diagrams.

    ``betas``: ``n_beta`` values log-spaced from 0.05 to 20 (temperatures 20 down to
    0.05, energy units). ``gammas``: ``n_gamma`` values with ``1 - gamma`` log-spaced
    from 0.95 down to 0.001 (``gamma`` from 0.05 up to 0.999), so the slow-discounting
    end, where the interesting changes happen, is resolved.

    Returns
    -------
    betas : (n_beta,) float64
    gammas : (n_gamma,) float64
    """
    for value, name in ((n_beta, "n_beta"), (n_gamma, "n_gamma")):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
            raise ValueError(f"{name} must be an integer >= 2, got {value!r}")
    betas = np.logspace(np.log10(0.05), np.log10(20.0), int(n_beta))
    gammas = 1.0 - np.logspace(np.log10(0.95), np.log10(0.001), int(n_gamma))
    return betas, gammas


# ------------------------------------------------------------------------ the cache


def _cache_key(model: IsingModel, betas, gammas, method: str, tol: float) -> str:
    digest = hashlib.sha256()
    for part in (
        f"kobold_lib.phases v{PHASES_CACHE_VERSION}",
        model.fingerprint,
        str(model.n),
        method,
        repr(float(tol)),
        repr(TIE_RTOL),
        repr(DE_RTOL),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(np.ascontiguousarray(betas, dtype=np.float64).tobytes())
    digest.update(b"\0")
    digest.update(np.ascontiguousarray(gammas, dtype=np.float64).tobytes())
    return digest.hexdigest()


def _cache_path(cache_dir: Path, model: IsingModel, key: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", model.name).strip("_") or "model"
    return cache_dir / f"{slug}-{key[:16]}.npz"


def _load_cache(path: Path, key: str, n_beta: int, n_gamma: int):
    """The arrays of a cache file, or the reason why they cannot be used (a str)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in data.files}
    except Exception as exc:  # noqa: BLE001 - truncated, garbage, not a zip: recompute
        return f"it cannot be read ({type(exc).__name__}: {exc})"
    if "key" not in arrays or arrays["key"].shape != () or str(arrays["key"]) != key:
        return "its key does not match this model, grid and settings"
    shapes = {"betas": (n_beta,), "gammas": (n_gamma,), "seconds": (n_beta, n_gamma)}
    shapes.update({name: (n_beta, n_gamma) for name in PHASE_STATISTICS})
    shapes.update({name: () for name in ("model_name", "fingerprint", "method", "n", "tol")})
    for name, shape in shapes.items():
        if name not in arrays:
            return f"the array {name!r} is missing"
        if arrays[name].shape != shape:
            return f"the array {name!r} has shape {arrays[name].shape}, not {shape}"
    for name in ("betas", "gammas", "seconds", "n", "tol") + PHASE_STATISTICS:
        if not np.issubdtype(arrays[name].dtype, np.number):
            return f"the array {name!r} holds {arrays[name].dtype}, not numbers"
    return arrays


def _save_cache(path: Path, key: str, diagram: PhaseDiagram) -> None:
    """Write the cache file atomically: a temporary file, renamed over ``path`` when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f.name: getattr(diagram, f.name) for f in fields(diagram) if f.name != "from_cache"}
    for name in _INT_STATISTICS:
        arrays[name] = arrays[name].astype(np.int32)  # small counts: half the bytes
    arrays["key"] = np.array(key)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    finally:
        if tmp.exists():  # interrupted or failed: leave no partial file behind
            tmp.unlink()


def _diagram_from_arrays(arrays: dict, from_cache: bool) -> PhaseDiagram:
    kwargs = {}
    for f in fields(PhaseDiagram):
        if f.name == "from_cache":
            continue
        value = arrays[f.name]
        if f.name in ("model_name", "fingerprint", "method"):
            value = str(value)
        elif f.name == "n":
            value = int(value)
        elif f.name == "tol":
            value = float(value)
        else:
            value = np.array(value, dtype=np.int64 if f.name in _INT_STATISTICS else np.float64)
            value.setflags(write=False)
        kwargs[f.name] = value
    return PhaseDiagram(from_cache=from_cache, **kwargs)


# ------------------------------------------------------------------- the executors


def _interactive() -> bool:
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # pragma: no cover - closed or odd stderr
        return False


def _check_executor(executor):
    if executor is None or (isinstance(executor, str) and executor == "serial"):
        return executor
    if isinstance(executor, str):
        raise ValueError(f"executor must be None, 'serial' or a concurrent.futures.Executor, got {executor!r}")
    if not isinstance(executor, cf.Executor):
        raise TypeError(
            f"executor must be None, 'serial' or a concurrent.futures.Executor, got {type(executor).__name__}"
        )
    if isinstance(executor, cf.ProcessPoolExecutor):
        context = getattr(executor, "_mp_context", None)
        if context is not None and context.get_start_method() == "fork":
            raise ValueError(
                "executor: a ProcessPoolExecutor with the 'fork' start method can crash numba's "
                "OpenMP threads; create it with mp_context=multiprocessing.get_context('spawn') "
                "(or 'forkserver')"
            )
    return executor


def _worker_init() -> None:
    numba.set_num_threads(1)


def _row_memory_bytes(n: int, method: str) -> int:
    """Bytes one row of a sweep holds at once: a solve's arrays (:func:`bellman_memory_bytes`),
    the warm start and the previous point's values and policy (17 bytes per state), and
    the work arrays of the tree depths (24 bytes per state)."""
    return bellman_memory_bytes(n, method) + (41 << n)


def _main_is_importable() -> bool:
    """Whether a spawned worker can re-import this program's main module.

    A spawned process re-runs the main script from its file; a script read from
    standard input (``python - < script.py``) has no file to re-run, and the worker
    dies before it takes a task.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return True  # python -m module: re-imported by name
    path = getattr(main, "__file__", None)
    if path is None:
        return True  # interactive session, python -c, a notebook: nothing to re-run
    return os.path.isfile(path)


_SERIAL_FALLBACK = (
    "phase_diagram: a process pool cannot start here, because its workers cannot re-import "
    "the main script ({main!r}: a script read from standard input has no file). Running the "
    "rows one after the other in this process instead. To get the pool, save the script to a "
    "file and put the call under `if __name__ == \"__main__\":`; or pass executor='serial' "
    "to silence this warning."
)


def _terminate(executor: cf.ProcessPoolExecutor) -> None:
    """Stop a pool of our own at once: cancel what waits, end the running workers."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            process.kill()
            process.join()


def phase_diagram(
    model: IsingModel,
    betas,
    gammas,
    executor=None,
    *,
    method: str = "gauss_seidel",
    tol=None,
    warm_start: bool = True,
    cache_dir=None,
    progress=None,
) -> PhaseDiagram:
    """Policy statistics of ``model`` over the grid ``betas x gammas``.

    Each task is one row of the grid (one ``beta``, every ``gamma`` in ascending order),
    which amortises the cost of shipping the task to a worker and lets each solve start
    from its neighbour's policy.

    Parameters
    ----------
    model : IsingModel
    betas : (n_beta,) array_like
        Inverse temperatures in ``[0, inf]``.
    gammas : (n_gamma,) array_like
        Discounts per attempt in ``(0, 1)``, any order.
    executor : None, "serial" or concurrent.futures.Executor
        ``None`` (default): a local process pool (start method ``"spawn"``), one numba
        thread per worker, shut down at the end. It starts as many workers as run at
        once without running out of memory: ``os.cpu_count()`` at most, no more than
        there are rows, and no more than fit side by side in the available memory
        (each holds one row's arrays, :func:`kobold_lib.bellman.bellman_memory_bytes`
        plus 41 bytes per state for the warm start, the previous point and the tree
        depths), at least one. Where the workers could not re-import the main script
        (a script read from standard input) the rows run serially instead, with a
        ``RuntimeWarning`` that says how to get the pool. An interrupt (Ctrl-C, a
        notebook's stop button) ends the pool's workers at once. ``"serial"``: rows
        one after the other in this process (numba kernels use all threads). Any other
        executor (a thread or process pool, a Dask client's ``client.get_executor()``)
        receives one task per row and is left running; each task uses one numba thread
        and holds one row's arrays: sizing that executor to the memory is the caller's
        job.
    method : str
        Solver method, one of :data:`kobold_lib.bellman.BELLMAN_METHODS`; warm starts
        need ``"gauss_seidel"`` (default) or ``"value_iteration"``.
    tol : float, optional
        Solver tolerance (energy units); default ``1e-10 * scale``.
    warm_start : bool
        Start each solve after the first of a row from the previous ``gamma``'s optimal
        policy, evaluated exactly at the new ``gamma`` (a value below the new optimum
        everywhere). The results do not depend on it (to the solver's tolerance).
    cache_dir : str or Path, optional
        If given, results are read from / written to an ``.npz`` file there, named after
        the model and a hash of (model fingerprint, grid, method, tolerance, library
        cache version). A changed model, grid or setting misses the cache. A damaged
        file (unreadable, truncated, or with the wrong key, arrays or shapes) is
        recomputed, with one ``RuntimeWarning`` naming it, and replaced. Files are
        written whole (a temporary file, renamed): an interrupted sweep leaves none.
    progress : bool, optional
        Show a tqdm progress bar over rows. Default: only when interactive (an IPython
        kernel or a terminal). Pass ``False`` in notebooks that are tested.

    Returns
    -------
    PhaseDiagram
        Arrays of shape ``(n_beta, n_gamma)``; see :data:`PHASE_STATISTICS`.

    Raises
    ------
    TypeError, ValueError
        For a bad model, grid, method, executor (including a ``"fork"`` process pool)
        or a warm start with policy iteration; ``ValueError`` also when not even one
        row's arrays fit in the available memory (the message gives the bytes).
    RuntimeError
        When a worker of the default pool dies (e.g. ended by the operating system).
    """
    model = _check_model(model)
    betas = _check_grid(betas, "betas", _check_beta_value)
    gammas = _check_grid(gammas, "gammas", _check_gamma_value)
    method = _check_choice(method, "method", BELLMAN_METHODS)
    tol = _check_tol(tol, _energy_scale(model))
    if not isinstance(warm_start, (bool, np.bool_)):
        raise TypeError(f"warm_start must be True or False, got {type(warm_start).__name__}")
    if warm_start and method == "policy_iteration":
        raise ValueError("warm_start=True needs method='gauss_seidel' or 'value_iteration'; pass warm_start=False")
    executor = _check_executor(executor)
    # every row holds the arrays of one solve and its warm start at once: one must fit
    per_row = _row_memory_bytes(model.n, method)
    what = f"phase_diagram(method={method!r}) on a model of N={model.n} spins (2**{model.n} states), one row"
    require_memory(per_row, what)
    if progress is not None and not isinstance(progress, (bool, np.bool_)):
        raise TypeError(f"progress must be None, True or False, got {type(progress).__name__}")
    if progress is None:
        progress = _interactive()

    key = path = None
    if cache_dir is not None:
        if not isinstance(cache_dir, (str, os.PathLike)):
            raise TypeError(f"cache_dir must be a path (str or os.PathLike), got {type(cache_dir).__name__}")
        key = _cache_key(model, betas, gammas, method, tol)
        path = _cache_path(Path(cache_dir), model, key)
        if path.exists():
            arrays = _load_cache(path, key, betas.size, gammas.size)
            if isinstance(arrays, dict):
                return _diagram_from_arrays(arrays, from_cache=True)
            warnings.warn(
                f"phase_diagram: the cache file {str(path)!r} is damaged ({arrays}); "
                "recomputing it and replacing the file",
                RuntimeWarning,
                stacklevel=2,
            )

    rows = [None] * betas.size
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=betas.size, desc=f"phase diagram {model.name}", unit="row")
    try:
        if executor is None and not _main_is_importable():
            main = getattr(sys.modules.get("__main__"), "__file__", None)
            warnings.warn(_SERIAL_FALLBACK.format(main=main), RuntimeWarning, stacklevel=2)
            executor = "serial"
        if executor == "serial":
            for i, beta in enumerate(betas):
                rows[i] = _row(model, float(beta), gammas, method, tol, bool(warm_start), None)
                if bar is not None:
                    bar.update(1)
        else:
            own = executor is None
            if own:
                workers = workers_that_fit(per_row, min(os.cpu_count() or 1, betas.size), what)
                executor = cf.ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_worker_init,
                )
            try:
                # the biggest beta rows first: they are the slowest (deepest trees)
                futures = {
                    executor.submit(_row, model, float(betas[i]), gammas, method, tol, bool(warm_start), 1): i
                    for i in np.argsort(-betas, kind="stable")
                }
                for future in cf.as_completed(futures):
                    rows[futures[future]] = future.result()
                    if bar is not None:
                        bar.update(1)
            except cf.process.BrokenProcessPool as exc:
                if own:
                    _terminate(executor)
                    own = False
                raise RuntimeError(
                    "phase_diagram: a worker process died before its row was done (the operating "
                    "system may have ended it for lack of memory, or the worker could not import "
                    "the main script). Run with executor='serial', or with fewer workers, or "
                    "save the script to a file and guard the call with "
                    "`if __name__ == \"__main__\":`"
                ) from exc
            except BaseException:
                if own:  # an interrupt or a failure: no worker of ours may outlive the call
                    _terminate(executor)
                    own = False
                raise
            finally:
                if own:
                    executor.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()

    arrays = {name: np.stack([row[name] for row in rows]) for name in PHASE_STATISTICS + ("seconds",)}
    arrays.update(
        model_name=model.name,
        fingerprint=model.fingerprint,
        n=model.n,
        betas=betas,
        gammas=gammas,
        method=method,
        tol=tol,
    )
    diagram = _diagram_from_arrays(arrays, from_cache=False)
    if path is not None:
        _save_cache(path, key, diagram)
    return diagram
