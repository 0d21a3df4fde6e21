"""Single-spin-flip Monte Carlo: Glauber and Metropolis chains, seeded and jitted.

A *step* is one proposed flip: choose a site ``k`` (uniformly at random, or ``k = t mod
N`` at step ``t`` for sequential sweeps), compute ``dE_k`` from the local field, and
accept with the Glauber or Metropolis probability. ``N`` steps make one *sweep*.

The chain never tabulates the ``2**N`` states, so it runs on any model the library can
build (up to ``MAX_SPINS`` spins). Every random number comes from a NumPy
``Generator`` (given, or built from an integer seed), drawn in blocks and handed to the
jitted kernel: the same seed gives the same trace on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from ._memory import require_memory
from ._rules import acceptance_scalar, check_rule
from ._validate import check_beta, check_count, check_model
from .ising import IsingModel, spins_of_state

__all__ = [
    "MonteCarloTrace",
    "monte_carlo",
    "batch_means",
    "SITE_ORDERS",
]

#: How a chain picks the site of each proposed flip.
SITE_ORDERS = ("random", "sequential")

_BLOCK = 1 << 16  # steps per block of random numbers


@dataclass(frozen=True)
class MonteCarloTrace:
    """The record of one Monte Carlo run.

    Attributes
    ----------
    steps : (R,) int64
        Step numbers of the records: ``0, record_every, 2 record_every, ...``; record 0
        is the starting state.
    energy : (R,) float64
        Energy after each recorded step (energy units).
    magnetization : (R,) float64
        Total magnetisation ``M = sum_i s_i`` after each recorded step (divide by
        ``n`` for the magnetisation per spin).
    final_state : int
        State index after the last step (bit ``k`` set: spin ``k`` up).
    n_accepted : int
        Number of accepted flips over all ``n_steps`` steps.
    n_steps : int
        Number of proposed flips.
    n : int
        Number of spins (one sweep is ``n`` steps).
    beta : float
        Inverse temperature.
    rule : str
        ``"glauber"`` or ``"metropolis"``.
    site_order : str
        ``"random"`` or ``"sequential"``.
    """

    steps: np.ndarray
    energy: np.ndarray
    magnetization: np.ndarray
    final_state: int
    n_accepted: int
    n_steps: int
    n: int
    beta: float
    rule: str
    site_order: str

    @property
    def acceptance_rate(self) -> float:
        """Fraction of proposed flips that were accepted (NaN for a run of 0 steps)."""
        return self.n_accepted / self.n_steps if self.n_steps else float("nan")

    @property
    def sweeps(self) -> np.ndarray:
        """Record times in sweeps (``steps / n``), float64."""
        return self.steps / self.n


@numba.njit(cache=True)
def _chain_block(
    J, h, spins, field, beta, metropolis, sites, sequential, uniforms,
    step0, record_every, energy, magnetization, out_e, out_m,
):
    """Run ``uniforms.size`` steps in place on ``spins`` and ``field``.

    Returns ``(energy, magnetization, n_accepted)`` after the block; records the energy
    and magnetisation after every step ``t`` (global count, from 1) divisible by
    ``record_every`` into ``out_e[t // record_every]``.
    """
    n = spins.shape[0]
    accepted = 0
    for i in range(uniforms.shape[0]):
        t = step0 + i
        if sequential:
            k = t % n
        else:
            k = sites[i]
        s_k = spins[k]
        dE = 2.0 * s_k * field[k]
        p = acceptance_scalar(dE, beta, not metropolis)
        if uniforms[i] < p:
            spins[k] = -s_k
            delta = -2.0 * s_k  # change of s_k
            for j in range(n):
                field[j] += J[k, j] * delta  # J symmetric: row k is contiguous
            energy += dE
            magnetization += delta
            accepted += 1
        if (t + 1) % record_every == 0:
            r = (t + 1) // record_every
            out_e[r] = energy
            out_m[r] = magnetization
    return energy, magnetization, accepted


def _as_generator(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng seed must be >= 0, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be a numpy.random.Generator or a non-negative integer seed, got "
        f"{type(rng).__name__}"
    )


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
) -> MonteCarloTrace:
    """Run a single-spin-flip Monte Carlo chain and record its energy and magnetisation.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]`` (1 / energy units).
    n_steps : int
        Number of proposed flips, ``>= 0`` (``n_steps = sweeps * model.n``).
    rng : numpy.random.Generator or int
        Source of randomness, or a seed for ``numpy.random.default_rng``. Required, so
        that every run is reproducible.
    rule : {"glauber", "metropolis"}
        Acceptance rule: ``1 / (1 + exp(beta dE))`` or ``min(1, exp(-beta dE))``.
    start_state : int or None
        Initial state index in ``[0, 2**N)``. ``None`` draws each spin up or down with
        probability 1/2 from ``rng`` (a "hot", infinite-temperature start).
    site_order : {"random", "sequential"}
        ``"random"``: each step proposes a uniformly random site. ``"sequential"``: step
        ``t`` proposes spin ``t mod N``.
    record_every : int
        Record after every ``record_every`` steps (``1``: every step; ``model.n``: every
        sweep). The starting state is always record 0.

    Returns
    -------
    MonteCarloTrace

    Notes
    -----
    Each step costs ``O(1)`` if rejected and ``O(N)`` if accepted (the local fields of
    all spins are updated). The energy is accumulated from the ``dE`` of accepted flips
    and recomputed from the spins every 65536 steps, so rounding cannot drift.

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
    if site_order not in SITE_ORDERS:
        raise ValueError(f"site_order must be one of {SITE_ORDERS}, got {site_order!r}")
    n_steps = check_count(n_steps, "n_steps", 0)
    record_every = check_count(record_every, "record_every", 1)
    rng = _as_generator(rng)
    n = model.n
    n_records = n_steps // record_every + 1
    require_memory(16 * n_records, f"a Monte Carlo trace of {n_records} records")

    if start_state is None:
        spins = 2.0 * rng.integers(0, 2, size=n).astype(np.float64) - 1.0
    else:
        if isinstance(start_state, bool) or not isinstance(start_state, (int, np.integer)):
            raise TypeError(
                f"start_state must be an integer or None, got {type(start_state).__name__}"
            )
        if not 0 <= int(start_state) < model.n_states:
            raise ValueError(
                f"start_state must be in [0, 2**{n}) for {model.name}, got {start_state}"
            )
        spins = spins_of_state(int(start_state), n).astype(np.float64)

    J = np.ascontiguousarray(model.J)
    h = np.ascontiguousarray(model.h)
    out_e = np.empty(n_records)
    out_m = np.empty(n_records)
    sequential = site_order == "sequential"
    metropolis = rule == "metropolis"
    empty_sites = np.zeros(0, dtype=np.int64)

    def exact(spins):
        field = J @ spins + h
        return field, float(-0.5 * spins @ (J @ spins) - h @ spins), float(spins.sum())

    field, energy, magnetization = exact(spins)
    out_e[0], out_m[0] = energy, magnetization
    accepted = 0
    done = 0
    while done < n_steps:
        size = min(_BLOCK, n_steps - done)
        sites = empty_sites if sequential else rng.integers(0, n, size=size)
        uniforms = rng.random(size)
        energy, magnetization, acc = _chain_block(
            J, h, spins, field, beta, metropolis, sites, sequential, uniforms,
            done, record_every, energy, magnetization, out_e, out_m,
        )
        accepted += acc
        done += size
        field, energy, magnetization = exact(spins)  # remove accumulated rounding
    final = int((((spins > 0).astype(np.int64)) << np.arange(n, dtype=np.int64)).sum())
    steps = np.arange(n_records, dtype=np.int64) * record_every
    for a in (steps, out_e, out_m):
        a.setflags(write=False)
    return MonteCarloTrace(
        steps=steps,
        energy=out_e,
        magnetization=out_m,
        final_state=final,
        n_accepted=int(accepted),
        n_steps=n_steps,
        n=n,
        beta=beta,
        rule=rule,
        site_order=site_order,
    )


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
