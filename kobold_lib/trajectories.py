"""Energy traces: the kobold's policy against Metropolis and Glauber Monte Carlo.

Every run starts from a given state and makes ``n_steps`` *attempts*, one per time step:

- the kobold attempts the flip its policy chooses (or stops for good), accepted with
  Glauber probability ``1 / (1 + exp(beta dE))``: the kinetics of its Markov decision
  process;
- a Monte Carlo chain attempts a flip of a spin drawn uniformly at random, accepted with
  the Metropolis probability ``min(1, exp(-beta dE))`` or the Glauber one.

So the clocks agree: one step is one attempted flip (``N`` steps are one Monte Carlo
sweep). Random numbers come from a small counter-based generator (SplitMix64) seeded
per run from ``numpy.random.default_rng(seed)``, so results depend only on ``seed``,
not on the number of threads.

Public functions
----------------
:func:`kobold_traces`
    Runs of a policy (e.g. ``solve(...).policy``) with Glauber acceptance.
:func:`monte_carlo_traces`
    Runs of random-site Metropolis or Glauber dynamics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba import prange, uint64

from ._memory import require_memory
from ._rules import acceptance_scalar, check_rule
from ._tables import energy_scale, energy_table
from ._validate import check_beta, check_bool, check_count, check_model, check_policy
from .ising import IsingModel

__all__ = ["EnergyTraces", "kobold_traces", "monte_carlo_traces"]

#: Relative tolerance (times the energy scale) for "this state is a ground state".
_GROUND_RTOL = 1e-9

_MAX_STEPS = 1 << 40


# ----------------------------------------------------------------------------- kernels


@numba.njit(cache=True, inline="always")
def _next_uniform(state):
    """SplitMix64: the next state and a uniform double in [0, 1) (53 random bits)."""
    state = state + uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> uint64(27))) * uint64(0x94D049BB133111EB)
    z = z ^ (z >> uint64(31))
    return state, float(z >> uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True, parallel=True)
def _run_kernel(E, policy, n, beta, starts, seeds, n_steps, kobold, glauber, e_target, record, traces, hits, finals):
    """Runs of the kobold (policy, Glauber) or of random-site Monte Carlo.

    ``hits[r]`` = first step t (0..n_steps) with E <= e_target, or -1. ``traces[r, t]``
    = energy after t attempts when ``record``.
    """
    for r in prange(starts.size):
        x = starts[r]
        state = uint64(seeds[r])
        hit = 0 if E[x] <= e_target else -1
        if record:
            traces[r, 0] = E[x]
        t = 1
        while t <= n_steps:
            if kobold:
                a = policy[x]
                if a == 0:
                    break  # the kobold has stopped: nothing changes any more
                y = x ^ (1 << (a - 1))
            else:
                state, u = _next_uniform(state)
                k = int(u * n)
                if k >= n:  # pragma: no cover - u < 1 always
                    k = n - 1
                y = x ^ (1 << k)
            dE = E[y] - E[x]
            p = acceptance_scalar(dE, beta, glauber)
            state, u = _next_uniform(state)
            if u < p:
                x = y
            if hit < 0 and E[x] <= e_target:
                hit = t
            if record:
                traces[r, t] = E[x]
            elif hit >= 0 and not kobold:
                break  # nothing more to learn from this run
            t += 1
        if record:
            for s in range(t, n_steps + 1):
                traces[r, s] = E[x]
        hits[r] = hit
        finals[r] = x


# ------------------------------------------------------------------------ results


@dataclass(frozen=True, eq=False)
class EnergyTraces:
    """Runs of one dynamics from given start states.

    Attributes
    ----------
    energies : (n_runs, n_steps + 1) float64
        Energy after ``t`` attempts (column 0 is the start), energy units. Shape
        ``(n_runs, 0)`` when the runs were not recorded.
    hitting_times : (n_runs,) int64
        First attempt ``t`` after which the state is a ground state (``E <= E_min`` up to
        ``1e-9`` of the energy scale); ``0`` for a ground start; ``-1`` if none within
        ``n_steps`` (for a kobold: also when it stopped above the ground).
    final_states : (n_runs,) int64
        The state at the end of each run (for unrecorded Monte Carlo runs: where it first
        reached a ground state, if it did).
    final_energies : (n_runs,) float64
        Their energies.
    e_min : float
        Ground-state energy of the model.
    dynamics : str
        ``"kobold"``, ``"metropolis"`` or ``"glauber"``.
    beta : float
        Inverse temperature.
    n_steps : int
        Attempts per run.
    """

    energies: np.ndarray
    hitting_times: np.ndarray
    final_states: np.ndarray
    final_energies: np.ndarray
    e_min: float
    dynamics: str
    beta: float
    n_steps: int

    def __repr__(self) -> str:
        reached = int(np.sum(self.hitting_times >= 0))
        return (
            f"EnergyTraces(dynamics={self.dynamics!r}, runs={self.hitting_times.size}, "
            f"n_steps={self.n_steps}, reached_ground={reached})"
        )


# ----------------------------------------------------------------------- validation


def _check_starts(starts, n: int) -> np.ndarray:
    arr = np.asarray(starts)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"starts must be a non-empty 1-D sequence of state indices, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"starts must hold integer state indices, got dtype {arr.dtype}")
    if arr.min() < 0 or arr.max() >= (1 << n):
        raise ValueError(f"starts must be state indices in [0, 2**{n}) = [0, {1 << n}), got range [{arr.min()}, {arr.max()}]")
    return np.ascontiguousarray(arr, dtype=np.int64)


def _check_model_size(model) -> IsingModel:
    model = check_model(model)
    if model.n > 30:
        raise ValueError(f"model has N={model.n} spins; energy tables need N <= 30 (2**N states)")
    return model


def _seeds(seed, n_runs: int) -> np.ndarray:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer, np.random.Generator, np.random.SeedSequence)):
        raise TypeError(f"seed must be an integer or a numpy.random.Generator, got {type(seed).__name__}")
    if isinstance(seed, (int, np.integer)) and seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    rng = np.random.default_rng(seed)
    return rng.integers(0, np.iinfo(np.int64).max, size=n_runs, dtype=np.int64)


def _run(model, beta, policy, starts, n_steps, seed, record, kobold, glauber, name) -> EnergyTraces:
    n = model.n
    n_runs = starts.size
    # the energy table, and every run's energies when they are recorded
    nbytes = (8 << n) + (8 * n_runs * (n_steps + 1) if record else 0)
    what = f"{'recording ' if record else ''}{n_runs} runs of n_steps={n_steps} on N={n} spins"
    require_memory(nbytes, what, "use fewer steps or runs, or record=False")
    E = energy_table(model)
    e_min = float(E.min())
    e_target = e_min + _GROUND_RTOL * energy_scale(model)
    traces = np.empty((n_runs, n_steps + 1 if record else 0))
    hits = np.empty(n_runs, dtype=np.int64)
    finals = np.empty(n_runs, dtype=np.int64)
    _run_kernel(E, policy, n, beta, starts, _seeds(seed, n_runs), n_steps, kobold, glauber, e_target, record, traces, hits, finals)
    final_energies = E[finals]
    for arr in (traces, hits, finals, final_energies):
        arr.setflags(write=False)
    # the fields in their order: energies, hitting_times, final_states, final_energies, ...
    return EnergyTraces(traces, hits, finals, final_energies, e_min, name, beta, n_steps)


# ------------------------------------------------------------------------ public


def kobold_traces(model: IsingModel, beta, policy, starts, n_steps: int, seed, *, record: bool = True) -> EnergyTraces:
    """Runs of a kobold following ``policy``, with Glauber acceptance at ``beta``.

    In state ``x`` the kobold attempts the flip ``policy[x]`` chooses; it succeeds with
    probability ``1 / (1 + exp(beta dE))`` and otherwise nothing happens (the kobold
    tries again next step). Where the policy stops, the run stays put.

    Parameters
    ----------
    model : IsingModel
        At most 30 spins (the energies of all ``2**N`` states are tabulated).
    beta : float
        Inverse temperature in ``[0, inf]``.
    policy : (2**N,) int array
        0 = stop, ``k + 1`` = attempt spin ``k`` (e.g. ``solve(...).policy``).
    starts : (n_runs,) int array
        Start state of each run.
    n_steps : int
        Attempts per run.
    seed : int or numpy.random.Generator
        Seeds the runs (each run gets its own stream).
    record : bool
        Keep every run's energy after every attempt (``n_runs * (n_steps + 1)`` floats).

    Returns
    -------
    EnergyTraces
    """
    model = _check_model_size(model)
    beta = check_beta(beta)
    n = model.n
    policy, _ = check_policy(policy, n, dtype=np.int64)
    starts = _check_starts(starts, n)
    n_steps = check_count(n_steps, "n_steps", 1, _MAX_STEPS)
    record = check_bool(record, "record")
    return _run(model, beta, policy, starts, n_steps, seed, record, True, True, "kobold")


def monte_carlo_traces(
    model: IsingModel, beta, starts, n_steps: int, seed, *, rule: str = "metropolis", record: bool = True
) -> EnergyTraces:
    """Runs of random-site single-flip Monte Carlo at ``beta``.

    Each step draws a spin uniformly at random and flips it with the ``rule``'s
    acceptance probability: ``min(1, exp(-beta dE))`` (Metropolis) or
    ``1 / (1 + exp(beta dE))`` (Glauber). Both leave the Boltzmann distribution
    invariant.

    Parameters
    ----------
    model : IsingModel
        At most 30 spins.
    beta : float
        Inverse temperature in ``[0, inf]``.
    starts : (n_runs,) int array
        Start state of each run.
    n_steps : int
        Attempts per run.
    seed : int or numpy.random.Generator
    rule : {"metropolis", "glauber"}
    record : bool
        Keep every energy; with ``False`` a run ends as soon as it reaches a ground
        state (only the hitting time is wanted).

    Returns
    -------
    EnergyTraces
    """
    model = _check_model_size(model)
    beta = check_beta(beta)
    rule = check_rule(rule)
    starts = _check_starts(starts, model.n)
    n_steps = check_count(n_steps, "n_steps", 1, _MAX_STEPS)
    record = check_bool(record, "record")
    dummy = np.zeros(1, dtype=np.int64)
    return _run(model, beta, dummy, starts, n_steps, seed, record, False, rule == "glauber", rule)
