"""Single-spin-flip dynamics: the library's one Monte Carlo engine, for chains and kobolds.

A *step* is one attempted flip of one spin ``k``, accepted with the Glauber probability
``1 / (1 + exp(beta dE))`` or the Metropolis probability ``min(1, exp(-beta dE))``
(``dE`` the energy change of the flip, energy units). The dynamics differ only in how
``k`` is chosen (:data:`SITE_ORDERS`):

- ``"random"``: a spin drawn uniformly at random (Monte Carlo);
- ``"sequential"``: spin ``t mod N`` at step ``t`` (sweeps in a fixed order);
- ``"policy"``: the spin a kobold's policy chooses in the current state, with Glauber
  acceptance (the kinetics of its decision process); where the policy says stop
  (action 0) the run stays put for good.

So the clocks agree: one step is one attempted flip, and ``N`` steps are one sweep.

One jitted kernel runs every dynamics, one run at a time. It keeps each run's spins and local fields, never
a table of the ``2**N`` states, so a chain runs on any model the library builds (up to
``MAX_SPINS`` spins): a step costs ``O(1)`` when rejected and ``O(N)`` when accepted.
Independent runs run in parallel threads, each with its own SplitMix64 stream seeded from
``numpy.random.default_rng(seed)``: results depend only on the seed, not on the number
of threads or the machine. Every function returns a :class:`MonteCarloRuns`.

Public functions
----------------
:func:`monte_carlo`
    One chain, random or sequential sites, from a given or a hot start.
:func:`monte_carlo_traces`
    Random-site runs from given starts, with their hitting times of the ground state.
:func:`kobold_traces`
    Runs of a kobold following a policy (e.g. ``solve(...).policy``), with hitting times.
:func:`batch_means`
    The mean of a correlated time series and its honest error bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numba import prange, uint64

from ._memory import require_memory
from ._rules import acceptance_scalar, check_rule
from ._tables import energy_scale, energy_table
from ._validate import check_beta, check_bool, check_choice, check_count, check_model, check_policy
from .ising import IsingModel

__all__ = [
    "MonteCarloRuns",
    "MonteCarloTrace",
    "EnergyTraces",
    "SITE_ORDERS",
    "monte_carlo",
    "monte_carlo_traces",
    "kobold_traces",
    "batch_means",
]

#: How a run picks the spin of each attempted flip (``"policy"``: a kobold's policy).
SITE_ORDERS = ("random", "sequential", "policy")

#: Relative tolerance (times the energy scale) for "this state is a ground state".
_GROUND_RTOL = 1e-9

#: Accepted flips between exact recomputations of a run's local fields and energy.
_REFRESH = 1 << 12

_MAX_STEPS = 1 << 40

#: Largest model whose ``2**N`` energies are tabulated for hitting times (and policies).
_MAX_TABLE_SPINS = 30


# ----------------------------------------------------------------------------- kernel


@numba.njit(cache=True, inline="always")
def _next_uniform(state):
    """SplitMix64: the next state and a uniform double in [0, 1) (53 random bits)."""
    state = state + uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> uint64(27))) * uint64(0x94D049BB133111EB)
    z = z ^ (z >> uint64(31))
    return state, float(z >> uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def _exact_fields(J, h, spins, field):
    """Set ``field = J s + h`` and return ``E = -s.J.s / 2 - h.s`` (both from scratch)."""
    n = spins.shape[0]
    energy = 0.0
    for i in range(n):
        f = h[i]
        for j in range(n):
            f += J[i, j] * spins[j]
        field[i] = f
        energy -= 0.5 * spins[i] * (f + h[i])
    return energy


@numba.njit(cache=True)
def _one_run(J, h, beta, glauber, mode, policy, x, seed, n_steps, record_every, e_target,
             stop_at_target, out_e, out_m):
    """The kernel: one run of up to ``n_steps`` attempted flips from state ``x``.

    ``mode``: 0 random site, 1 sequential site, 2 the site ``policy[x] - 1`` (stop at 0).
    Draws from SplitMix64 seeded with ``seed``: one uniform for a random site, then one
    for the acceptance. ``out_e[i]``, ``out_m[i]``: energy and magnetisation after step
    ``i * record_every`` (when they have room). ``stop_at_target``: end at the first
    state with energy ``<= e_target``. Returns ``(hit, final state, final energy,
    accepted, attempted)``; ``hit`` is the first step at or below ``e_target`` (0 at the
    start, -1 if none).
    """
    n = h.shape[0]
    n_records = out_e.shape[0]
    state = uint64(seed)
    spins = np.empty(n)
    field = np.empty(n)
    mag = 0.0
    for k in range(n):
        spins[k] = 1.0 if (x >> k) & 1 else -1.0
        mag += spins[k]
    energy = _exact_fields(J, h, spins, field)
    hit = 0 if energy <= e_target else -1
    if n_records > 0:
        out_e[0] = energy
        out_m[0] = mag
    acc = 0
    t = 0
    while t < n_steps:
        if stop_at_target and hit >= 0:
            break
        if mode == 2:
            a = policy[x]
            if a == 0:
                break  # the kobold has stopped: nothing changes any more
            k = a - 1
        elif mode == 1:
            k = t % n
        else:
            state, u = _next_uniform(state)
            k = min(int(u * n), n - 1)
        s_k = spins[k]
        dE = 2.0 * s_k * field[k]
        p = acceptance_scalar(dE, beta, glauber)
        state, u = _next_uniform(state)
        t += 1
        if u < p:
            spins[k] = -s_k
            delta = -2.0 * s_k
            for j in range(n):
                field[j] += J[k, j] * delta  # J symmetric: row k is contiguous
            x ^= 1 << k
            energy += dE
            mag += delta
            acc += 1
            if acc % _REFRESH == 0:  # counted in flips, so one path always rounds alike
                energy = _exact_fields(J, h, spins, field)
            if hit < 0 and energy <= e_target:
                hit = t
        if n_records > 0 and t % record_every == 0:
            out_e[t // record_every] = energy
            out_m[t // record_every] = mag
    for i in range(t // record_every + 1, n_records):  # a stopped kobold stays put
        out_e[i] = energy
        out_m[i] = mag
    return hit, x, energy, acc, t


@numba.njit(cache=True, parallel=True)
def _engine(J, h, beta, glauber, mode, policy, starts, seeds, n_steps, record_every, e_target,
            stop_at_target, out_e, out_m, hits, finals, final_e, accepted, attempts):
    """:func:`_one_run` for every start, in parallel; run ``r`` fills row ``r`` and entry ``r``."""
    for r in prange(starts.shape[0]):
        hits[r], finals[r], final_e[r], accepted[r], attempts[r] = _one_run(
            J, h, beta, glauber, mode, policy, starts[r], seeds[r], n_steps, record_every, e_target,
            stop_at_target, out_e[r], out_m[r],
        )


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class MonteCarloRuns:
    """Independent runs of one single-spin-flip dynamics (every function here returns one).

    Attributes
    ----------
    steps : (R,) int64
        Step numbers of the records: ``0, record_every, 2 record_every, ...``; record 0
        is the start. Empty when the runs were not recorded.
    energies : (n_runs, R) float64
        Energy of each run after each recorded step (energy units).
    magnetizations : (n_runs, R) float64
        Total magnetisation ``M = sum_i s_i`` after each recorded step.
    hitting_times : (n_runs,) int64
        First step after which the run is in a ground state (``E <= e_min`` up to ``1e-9``
        of the energy scale); ``0`` for a ground start; ``-1`` if none within ``n_steps``
        (a kobold: also when it stopped above the ground; :func:`monte_carlo`: always,
        as it has no ground energy to compare with).
    final_states : (n_runs,) int64
        State index at the end of each run (bit ``k`` set: spin ``k`` up); for an
        unrecorded Monte Carlo run, where it first reached a ground state.
    final_energies : (n_runs,) float64
        Their energies, as the run tracked them (within rounding of the exact ones).
    n_accepted, n_attempts : (n_runs,) int64
        Accepted and attempted flips of each run (a run attempts fewer than ``n_steps``
        when a kobold stops or an unrecorded run reaches the ground).
    e_min : float
        Ground-state energy of the model (NaN for :func:`monte_carlo`).
    dynamics : str
        ``"kobold"``, ``"glauber"`` or ``"metropolis"``.
    rule : str
        Acceptance rule, ``"glauber"`` or ``"metropolis"`` (a kobold's is Glauber).
    site_order : str
        One of :data:`SITE_ORDERS`.
    beta : float
        Inverse temperature (1 / energy units).
    n_steps : int
        Steps (attempted flips) each run was allowed.
    n : int
        Number of spins (one sweep is ``n`` steps).
    """

    steps: np.ndarray
    energies: np.ndarray
    magnetizations: np.ndarray
    hitting_times: np.ndarray
    final_states: np.ndarray
    final_energies: np.ndarray
    n_accepted: np.ndarray
    n_attempts: np.ndarray
    e_min: float
    dynamics: str
    rule: str
    site_order: str
    beta: float
    n_steps: int
    n: int

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return int(self.final_states.size)

    def _single(self, name: str):
        if self.n_runs != 1:
            raise ValueError(f"{name} is defined for a single run; these are {self.n_runs} runs")

    @property
    def energy(self) -> np.ndarray:
        """The energies of a single run (``energies[0]``), e.g. of :func:`monte_carlo`."""
        self._single("energy")
        return self.energies[0]

    @property
    def magnetization(self) -> np.ndarray:
        """The magnetisations of a single run (``magnetizations[0]``)."""
        self._single("magnetization")
        return self.magnetizations[0]

    @property
    def final_state(self) -> int:
        """The final state of a single run."""
        self._single("final_state")
        return int(self.final_states[0])

    @property
    def acceptance_rate(self) -> float:
        """Accepted over attempted flips, all runs together (NaN when none was attempted)."""
        tried = int(self.n_attempts.sum())
        return int(self.n_accepted.sum()) / tried if tried else float("nan")

    @property
    def sweeps(self) -> np.ndarray:
        """Record times in sweeps (``steps / n``), float64."""
        return self.steps / self.n

    def __repr__(self) -> str:
        reached = int(np.sum(self.hitting_times >= 0))
        return (
            f"MonteCarloRuns(dynamics={self.dynamics!r}, site_order={self.site_order!r}, "
            f"runs={self.n_runs}, n_steps={self.n_steps}, records={self.steps.size}, "
            f"reached_ground={reached})"
        )


#: Former names of :class:`MonteCarloRuns` (one chain; runs from given starts).
MonteCarloTrace = MonteCarloRuns
EnergyTraces = MonteCarloRuns


# ------------------------------------------------------------------------- plumbing


def _generator(seed, name: str) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer, np.random.SeedSequence)):
        raise TypeError(
            f"{name} must be a non-negative integer seed or a numpy.random.Generator, got {type(seed).__name__}"
        )
    if isinstance(seed, (int, np.integer)) and seed < 0:
        raise ValueError(f"{name} must be a non-negative integer seed or a numpy.random.Generator, got {seed}")
    return np.random.default_rng(seed)


def _seeds(rng: np.random.Generator, n_runs: int) -> np.ndarray:
    return rng.integers(0, np.iinfo(np.int64).max, size=n_runs, dtype=np.int64)


def _check_starts(starts, n: int) -> np.ndarray:
    arr = np.asarray(starts)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"starts must be a non-empty 1-D sequence of state indices, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"starts must hold integer state indices, got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= (1 << n):
        raise ValueError(
            f"starts must be state indices in [0, 2**{n}) = [0, {1 << n}), got range [{arr.min()}, {arr.max()}]"
        )
    return np.ascontiguousarray(arr, dtype=np.int64)


def _run(model, beta, rule, site_order, policy, starts, seeds, n_steps, record_every, record,
         e_min, dynamics) -> MonteCarloRuns:
    """Run the engine and wrap its output (every argument already checked)."""
    n_runs, n = starts.size, model.n
    n_records = n_steps // record_every + 1 if record else 0
    stop_at_target = not record and site_order != "policy"  # only the hitting time is wanted
    e_target = e_min + _GROUND_RTOL * energy_scale(model) if math.isfinite(e_min) else -np.inf
    out_e = np.empty((n_runs, n_records))
    out_m = np.empty((n_runs, n_records))
    hits, finals, accepted, attempts = (np.empty(n_runs, dtype=np.int64) for _ in range(4))
    final_e = np.empty(n_runs)
    J = np.ascontiguousarray(model.J, dtype=np.float64)
    h = np.ascontiguousarray(model.h, dtype=np.float64)
    args = (J, h, beta, rule == "glauber", SITE_ORDERS.index(site_order), policy)
    if n_runs == 1:  # one chain: no thread pool to wake
        hits[0], finals[0], final_e[0], accepted[0], attempts[0] = _one_run(
            *args, starts[0], seeds[0], n_steps, record_every, e_target, stop_at_target, out_e[0], out_m[0]
        )
    else:
        _engine(*args, starts, seeds, n_steps, record_every, e_target, stop_at_target,
                out_e, out_m, hits, finals, final_e, accepted, attempts)
    steps = np.arange(n_records, dtype=np.int64) * record_every
    for arr in (steps, out_e, out_m, hits, finals, final_e, accepted, attempts):
        arr.setflags(write=False)
    return MonteCarloRuns(
        steps=steps, energies=out_e, magnetizations=out_m, hitting_times=hits, final_states=finals,
        final_energies=final_e, n_accepted=accepted, n_attempts=attempts, e_min=e_min,
        dynamics=dynamics, rule=rule, site_order=site_order, beta=beta, n_steps=n_steps, n=n,
    )


_NO_POLICY = np.zeros(1, dtype=np.int64)


def _runs_with_targets(model, beta, policy, starts, n_steps, seed, record, rule) -> MonteCarloRuns:
    """Check the arguments, then run from given starts with hitting times (``policy``: a kobold)."""
    model = check_model(model)
    if model.n > _MAX_TABLE_SPINS:
        raise ValueError(
            f"model has N={model.n} spins; runs with hitting times tabulate the 2**N energies "
            f"and need N <= {_MAX_TABLE_SPINS}"
        )
    beta = check_beta(beta)
    rule = check_rule(rule)
    n = model.n
    if policy is not None:
        policy, _ = check_policy(policy, n, dtype=np.int64)
    starts = _check_starts(starts, n)
    n_steps = check_count(n_steps, "n_steps", 1, _MAX_STEPS)
    record = check_bool(record, "record")
    n_runs = starts.size
    # the energy table, and every run's energies and magnetisations when they are recorded
    nbytes = (8 << n) + (16 * n_runs * (n_steps + 1) if record else 0)
    what = f"{'recording ' if record else ''}{n_runs} runs of n_steps={n_steps} on N={n} spins"
    require_memory(nbytes, what, "use fewer steps or runs, or record=False")
    e_min = float(energy_table(model).min())
    seeds = _seeds(_generator(seed, "seed"), n_runs)
    if policy is None:
        return _run(model, beta, rule, "random", _NO_POLICY, starts, seeds, n_steps, 1, record, e_min, rule)
    return _run(model, beta, rule, "policy", policy, starts, seeds, n_steps, 1, record, e_min, "kobold")


# ------------------------------------------------------------------------ public


def monte_carlo(
    model: IsingModel,
    beta: float,
    n_steps: int,
    *,
    rng,
    rule: str = "glauber",
    start_state: int | None = None,
    site_order: str = "random",
    record_every: int = 1,
) -> MonteCarloRuns:
    """Run one single-spin-flip Monte Carlo chain and record its energy and magnetisation.

    Parameters
    ----------
    model : IsingModel
        Any size up to ``MAX_SPINS`` (no table of the ``2**N`` states is built).
    beta : float
        Inverse temperature in ``[0, inf]`` (1 / energy units).
    n_steps : int
        Number of proposed flips, ``>= 0`` (``n_steps = sweeps * model.n``).
    rng : numpy.random.Generator or int
        Source of randomness, or a non-negative seed for ``numpy.random.default_rng``.
        Required, so that every run is reproducible. The chain draws one seed for its
        SplitMix64 stream from it, then (for a hot start) the start state.
    rule : {"glauber", "metropolis"}
        Acceptance rule: ``1 / (1 + exp(beta dE))`` or ``min(1, exp(-beta dE))``.
    start_state : int or None
        Initial state index in ``[0, 2**N)``. ``None`` draws it uniformly from ``rng``
        (every spin up or down with probability 1/2: a "hot", infinite-temperature start).
    site_order : {"random", "sequential"}
        ``"random"``: each step proposes a uniformly random site. ``"sequential"``: step
        ``t`` proposes spin ``t mod N``.
    record_every : int
        Record after every ``record_every`` steps (``1``: every step; ``model.n``: every
        sweep). The starting state is always record 0.

    Returns
    -------
    MonteCarloRuns
        One run: ``energy``, ``magnetization``, ``final_state`` and ``acceptance_rate``
        give its record; ``e_min`` is NaN and ``hitting_times`` is ``[-1]``.

    Notes
    -----
    Each step costs ``O(1)`` if rejected and ``O(N)`` if accepted (the local fields of
    all spins are updated). The energy is accumulated from the ``dE`` of accepted flips
    and recomputed from the spins every 4096 accepted flips, so rounding cannot drift.

    Each single-site update leaves the Boltzmann distribution stationary, whatever the
    site order, but stationarity is not ergodicity. Metropolis with sequential sweeps
    accepts every downhill or zero-cost flip with certainty, and on models with integer
    couplings (ring, torus) the sweep then splits the states into several closed
    classes: a run never forgets which class it started in, and its averages are wrong.
    At ``beta = 0`` a sequential Metropolis sweep simply flips every spin. Use random
    site order or the Glauber rule there.
    """
    model = check_model(model)
    beta = check_beta(beta)
    rule = check_rule(rule)
    site_order = check_choice(site_order, "site_order", SITE_ORDERS[:2])
    n_steps = check_count(n_steps, "n_steps", 0)
    record_every = check_count(record_every, "record_every", 1)
    if start_state is not None and (isinstance(start_state, bool) or not isinstance(start_state, (int, np.integer))):
        raise TypeError(f"start_state must be an integer or None, got {type(start_state).__name__}")
    if start_state is not None and not 0 <= int(start_state) < model.n_states:
        raise ValueError(f"start_state must be in [0, 2**{model.n}) for {model.name}, got {start_state}")
    rng = _generator(rng, "rng")
    n_records = n_steps // record_every + 1
    require_memory(16 * n_records, f"a Monte Carlo trace of {n_records} records", "record less often")
    seeds = _seeds(rng, 1)
    start = int(rng.integers(0, model.n_states)) if start_state is None else int(start_state)
    starts = np.array([start], dtype=np.int64)
    return _run(model, beta, rule, site_order, _NO_POLICY, starts, seeds, n_steps, record_every, True,
                float("nan"), rule)


def monte_carlo_traces(
    model: IsingModel, beta, starts, n_steps: int, seed, *, rule: str = "metropolis", record: bool = True
) -> MonteCarloRuns:
    """Runs of random-site single-flip Monte Carlo at ``beta``, one per start state.

    Each step draws a spin uniformly at random and flips it with the ``rule``'s
    acceptance probability: ``min(1, exp(-beta dE))`` (Metropolis) or
    ``1 / (1 + exp(beta dE))`` (Glauber). Both leave the Boltzmann distribution
    invariant.

    Parameters
    ----------
    model : IsingModel
        At most 30 spins (the ground energy is found from all ``2**N`` energies).
    beta : float
        Inverse temperature in ``[0, inf]``.
    starts : (n_runs,) int array
        Start state of each run.
    n_steps : int
        Attempts per run, at least 1.
    seed : int or numpy.random.Generator
        Seeds the runs (each run gets its own stream).
    rule : {"metropolis", "glauber"}
    record : bool
        Keep every energy and magnetisation (``2 n_runs (n_steps + 1)`` floats); with
        ``False`` a run ends as soon as it reaches a ground state (only the hitting time
        is wanted).

    Returns
    -------
    MonteCarloRuns
    """
    return _runs_with_targets(model, beta, None, starts, n_steps, seed, record, rule)


def kobold_traces(model: IsingModel, beta, policy, starts, n_steps: int, seed, *, record: bool = True) -> MonteCarloRuns:
    """Runs of a kobold following ``policy``, with Glauber acceptance at ``beta``.

    In state ``x`` the kobold attempts the flip ``policy[x]`` chooses; it succeeds with
    probability ``1 / (1 + exp(beta dE))`` and otherwise nothing happens (the kobold
    tries again next step). Where the policy stops, the run stays put.

    Parameters
    ----------
    model, beta, starts, n_steps, seed
        As for :func:`monte_carlo_traces` (at most 30 spins: the policy covers all
        ``2**N`` states).
    policy : (2**N,) int array
        0 = stop, ``k + 1`` = attempt spin ``k`` (e.g. ``solve(...).policy``).
    record : bool
        Keep every run's energy and magnetisation after every attempt
        (``2 n_runs (n_steps + 1)`` floats); unrecorded runs still end only when the
        kobold stops or ``n_steps`` are spent.

    Returns
    -------
    MonteCarloRuns
    """
    if policy is None:
        raise TypeError("policy must be an integer array over the 2**N states, got None")
    return _runs_with_targets(model, beta, policy, starts, n_steps, seed, record, "glauber")


def batch_means(samples, n_batches: int = 20) -> tuple[float, float]:
    """Mean of a correlated time series and its standard error by batch means.

    The series is cut into ``n_batches`` consecutive batches of equal length (the last
    ``len % n_batches`` samples are dropped). If each batch is much longer than the
    autocorrelation time, the batch averages are nearly independent, and their spread
    gives an honest error bar for the overall mean, where the naive ``std / sqrt(n)``
    would be too small.

    Parameters
    ----------
    samples : (T,) array_like
        The time series (e.g. ``trace.energy`` after burn-in).
    n_batches : int
        Number of batches, at least 2; ``T`` must be at least ``n_batches``.

    Returns
    -------
    (mean, standard_error) : tuple of float
        The mean of the batch averages and ``std(batch averages, ddof=1) /
        sqrt(n_batches)``.
    """
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"samples must be 1-D, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("samples must be finite")
    n_batches = check_count(n_batches, "n_batches", 2)
    if x.size < n_batches:
        raise ValueError(f"samples must hold at least n_batches={n_batches} values, got {x.size}")
    length = x.size // n_batches
    batches = x[: length * n_batches].reshape(n_batches, length).mean(axis=1)
    return float(batches.mean()), float(batches.std(ddof=1) / np.sqrt(n_batches))
