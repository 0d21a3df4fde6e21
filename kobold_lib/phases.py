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

import math
import os
import time
import warnings
from dataclasses import dataclass, fields

import numba
import numpy as np

from ._cache import cache_key, cache_path, load_cache, save_cache
from ._memory import require_memory
from ._pool import check_executor, interactive, run_tasks
from ._sweeps import classify, evaluate, solve_tables
from ._tables import Tables, ThreadsFor, energy_scale
from ._validate import check_beta, check_bool, check_choice, check_gamma, check_grid, check_model, check_tol
from .bellman import BELLMAN_METHODS, TIE_RTOL, bellman_memory_bytes, solve
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


def _statistics_of(model: IsingModel, tables: Tables, V, policy, iterations: int, tie: float, gamma: float) -> PolicyStatistics:
    de_tol = DE_RTOL * energy_scale(model)
    counts = classify(tables, V, policy, gamma, tie, de_tol, tables.e_min + de_tol)
    wise, greedy, neutral, stop, tie_up, nonground, wise_min, marginal = (int(v) for v in counts)
    size = model.n_states
    depth = tree_depth(policy)
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
        mean_value=float(np.mean(V)),
        n_absorbing=stop,
        n_nonground_absorbing=nonground,
        n_marginal_stops=marginal,
        mean_depth=float(depth.mean()),
        max_depth=int(depth.max()),
        iterations=int(iterations),
    )


def policy_statistics(model: IsingModel, beta, gamma, solution=None, *, method: str = "gauss_seidel", tol=None) -> PolicyStatistics:
    """Solve the kobold's Bellman equation at one point and describe its optimal policy.

    Parameters
    ----------
    model, beta, gamma : IsingModel, float, float
        The model, the inverse temperature in ``[0, inf]`` and the discount per attempt
        in ``(0, 1)``.
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
    model = check_model(model)
    beta = check_beta(beta)
    gamma = check_gamma(gamma)
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
    with ThreadsFor(model.n_states):
        tables = Tables(model, beta)
        return _statistics_of(model, tables, solution.V, solution.policy, solution.iterations, solution.tie_tolerance, gamma)


def wise_fraction(model: IsingModel, beta, gamma, *, among: str = "all", method: str = "gauss_seidel", tol=None) -> float:
    """The fraction of states whose optimal moves all go uphill.

    Parameters
    ----------
    model, beta, gamma : IsingModel, float, float
        The model, the inverse temperature in ``[0, inf]`` and the discount per attempt
        in ``(0, 1)``.
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
    check_choice(among, "among", ("all", "acting"))
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
        check_choice(name, "name", PHASE_STATISTICS)
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
        tables = Tables(model, beta)
        scale = energy_scale(model)
        tie = TIE_RTOL * scale
        tol = check_tol(tol, scale)
        t_tables = time.perf_counter() - t_tables
        policy = None
        with ThreadsFor(model.n_states):
            for j in order:
                t0 = time.perf_counter()
                gamma = float(gammas[j])
                V0 = None
                if warm_start and policy is not None:
                    # The previous (smaller) gamma's optimal policy, evaluated at this
                    # gamma, lies below this gamma's optimum everywhere and is a
                    # sub-solution, so Gauss-Seidel's raise-only sweeps start from it safely.
                    V0 = evaluate(tables, policy, gamma, np.empty(model.n_states))
                sol = solve_tables(tables, gamma, method, tol, 100_000, "retry", None, tie, V0)
                stats = _statistics_of(model, tables, sol.V, sol.policy, sol.iterations, tie, gamma)
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


def _cache_file(cache_dir, model: IsingModel, betas, gammas, method: str, tol: float):
    version = f"kobold_lib.phases v{PHASES_CACHE_VERSION}"
    key = cache_key((version, model.fingerprint, model.n, method, repr(float(tol)), repr(TIE_RTOL), repr(DE_RTOL)), (betas, gammas))
    return cache_path(cache_dir, model.name, key), key


def _read_cache(path, key: str, n_beta: int, n_gamma: int):
    shapes = {"betas": (n_beta,), "gammas": (n_gamma,), "seconds": (n_beta, n_gamma)}
    shapes.update({name: (n_beta, n_gamma) for name in PHASE_STATISTICS})
    shapes.update({name: () for name in ("model_name", "fingerprint", "method", "n", "tol")})
    return load_cache(path, key, shapes, ("betas", "gammas", "seconds", "n", "tol") + PHASE_STATISTICS)


def _write_cache(path, key: str, diagram: PhaseDiagram) -> None:
    arrays = {f.name: getattr(diagram, f.name) for f in fields(diagram) if f.name != "from_cache"}
    for name in _INT_STATISTICS:
        arrays[name] = arrays[name].astype(np.int32)  # small counts: half the bytes
    save_cache(path, key, arrays)


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


def _row_memory_bytes(n: int, method: str) -> int:
    """Bytes one row holds at once: a solve's arrays, warm start and previous point (17), depths (24)."""
    return bellman_memory_bytes(n, method) + (41 << n)


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
    model = check_model(model)
    betas = check_grid(betas, "betas", "[0, inf] (inverse temperature)", lambda b: not math.isnan(b) and b >= 0.0)
    gammas = check_grid(gammas, "gammas", "(0, 1) (discount per attempt)", lambda g: 0.0 < g < 1.0)
    method = check_choice(method, "method", BELLMAN_METHODS)
    tol = check_tol(tol, energy_scale(model))
    warm_start = check_bool(warm_start, "warm_start")
    if warm_start and method == "policy_iteration":
        raise ValueError("warm_start=True needs method='gauss_seidel' or 'value_iteration'; pass warm_start=False")
    executor = check_executor(executor)
    # every row holds the arrays of one solve and its warm start at once: one must fit
    per_row = _row_memory_bytes(model.n, method)
    what = f"phase_diagram(method={method!r}) on a model of N={model.n} spins (2**{model.n} states), one row"
    require_memory(per_row, what)
    progress = interactive() if progress is None else check_bool(progress, "progress")

    key = path = None
    if cache_dir is not None:
        if not isinstance(cache_dir, (str, os.PathLike)):
            raise TypeError(f"cache_dir must be a path (str or os.PathLike), got {type(cache_dir).__name__}")
        path, key = _cache_file(cache_dir, model, betas, gammas, method, tol)
        if path.exists():
            arrays = _read_cache(path, key, betas.size, gammas.size)
            if isinstance(arrays, dict):
                return _diagram_from_arrays(arrays, from_cache=True)
            warnings.warn(
                f"phase_diagram: the cache file {str(path)!r} is damaged ({arrays}); "
                "recomputing it and replacing the file",
                RuntimeWarning,
                stacklevel=2,
            )

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=betas.size, desc=f"phase diagram {model.name}", unit="row")
    try:
        tasks = [(model, float(beta), gammas, method, tol, warm_start) for beta in betas]
        # the biggest beta rows first: they are the slowest (deepest trees)
        order = np.argsort(-betas, kind="stable")
        rows = run_tasks(_row, tasks, executor, per_row, what, "phase_diagram", order, bar)
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
        _write_cache(path, key, diagram)
    return diagram
