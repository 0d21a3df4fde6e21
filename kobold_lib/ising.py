"""Ising models: couplings, fields and the book-wide state convention.

A model is a frozen :class:`IsingModel` holding symmetric couplings ``J`` and fields
``h``. Its energy is

.. math::  E(s) = -\\sum_{i<j} J_{ij} s_i s_j - \\sum_i h_i s_i , \\qquad s_i \\in \\{-1, +1\\}.

State convention (fixed for the whole book): a state is an integer index ``x`` in
``[0, 2**N)``; spin ``k`` is ``+1`` when bit ``k`` of ``x`` is set and ``-1`` when it is
clear. So ``x = 0`` is "all down" and ``x = 2**N - 1`` is "all up".

Builders: :func:`ring`, :func:`torus`, :func:`curie_weiss`, :func:`spin_glass`,
:func:`zener` and :func:`from_couplings` for anything else.

Tables over all ``2**N`` states: :func:`energies`, :func:`flip_energy_changes` and
:func:`magnetizations`. They refuse, with the number of bytes they would need, to build
a table that does not fit in the available memory (capped by
:data:`MEMORY_BUDGET_BYTES`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numba
import numpy as np

from ._memory import physical_memory, require_memory
from ._tables import energy_table
from ._validate import check_model

__all__ = [
    "IsingModel",
    "ring",
    "torus",
    "curie_weiss",
    "spin_glass",
    "zener",
    "from_couplings",
    "spins_of_state",
    "energy_of_spins",
    "energies",
    "flip_energy_changes",
    "magnetizations",
    "MAX_SPINS",
]

#: Largest number of spins any model may have: state indices must fit in int64 and
#: anything past this could never be tabulated anyway.
MAX_SPINS = 40


#: A cap, in bytes, on any one table or set of arrays the library allocates over the
#: ``2**N`` states (read at call time: assign a new value to change it). Default: this
#: machine's physical memory. Whatever the cap, an allocation must also fit in the memory
#: the operating system says is available now.
MEMORY_BUDGET_BYTES = physical_memory()


@dataclass(frozen=True, eq=False)
class IsingModel:
    """An Ising model on ``N`` spins.

    Attributes
    ----------
    J : (N, N) float64, read-only
        Symmetric couplings with zero diagonal (energy units).
    h : (N,) float64, read-only
        External fields (energy units).
    name : str
        A human-readable identity, e.g. ``"torus(4)"`` or ``"spin_glass(10, seed=1)"``.
    """

    J: np.ndarray
    h: np.ndarray
    name: str

    @property
    def n(self) -> int:
        """Number of spins ``N``."""
        return int(self.h.shape[0])

    @property
    def n_states(self) -> int:
        """Number of states ``2**N``."""
        return 1 << self.n

    @property
    def fingerprint(self) -> str:
        """A short hash of ``(name, J, h)``: equal models give equal fingerprints.

        Used as a cache key (for example by phase-diagram sweeps).
        """
        digest = hashlib.sha256()
        digest.update(self.name.encode())
        digest.update(np.ascontiguousarray(self.J).tobytes())
        digest.update(np.ascontiguousarray(self.h).tobytes())
        return digest.hexdigest()[:16]

    def __repr__(self) -> str:
        return f"IsingModel(name={self.name!r}, N={self.n})"


def _check_int(value, name: str, minimum: int, maximum: int = MAX_SPINS) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be in [{minimum}, {maximum}], got {value}")
    return value


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=np.float64, copy=True)
    array.setflags(write=False)
    return array


def from_couplings(J, h=None, name: str = "custom") -> IsingModel:
    """Build a model from any couplings and fields, after checking them.

    Parameters
    ----------
    J : array_like, (N, N)
        Couplings; must be finite, symmetric (to 1e-12) and have a zero diagonal.
    h : array_like, (N,), optional
        Fields; zero if omitted. Must be finite.
    name : str
        Identity of the model (appears in figures and cache keys).

    Raises
    ------
    ValueError
        If ``J`` is not square, not symmetric, has a nonzero diagonal, holds a
        non-finite entry, or ``h`` has the wrong length; or ``N`` is not in
        ``[1, MAX_SPINS]``.
    """
    J = np.asarray(J, dtype=np.float64)
    if J.ndim != 2 or J.shape[0] != J.shape[1]:
        raise ValueError(f"J must be a square (N, N) array, got shape {J.shape}")
    n = J.shape[0]
    if not 1 <= n <= MAX_SPINS:
        raise ValueError(f"the number of spins N must be in [1, {MAX_SPINS}], got {n}")
    if not np.all(np.isfinite(J)):
        raise ValueError("J must be finite (no NaN or inf entries)")
    if np.any(np.diag(J) != 0.0):
        raise ValueError("J must have a zero diagonal (no self-couplings)")
    if not np.allclose(J, J.T, rtol=0.0, atol=1e-12):
        raise ValueError("J must be symmetric: J[i, j] == J[j, i]")
    if h is None:
        h = np.zeros(n)
    h = np.asarray(h, dtype=np.float64)
    if h.shape != (n,):
        raise ValueError(f"h must have shape ({n},) to match J, got {h.shape}")
    if not np.all(np.isfinite(h)):
        raise ValueError("h must be finite (no NaN or inf entries)")
    J = 0.5 * (J + J.T)  # exact symmetry, whatever rounding came in
    return IsingModel(J=_frozen(J), h=_frozen(h), name=str(name))


def ring(n: int) -> IsingModel:
    """A 1D ferromagnetic ring: ``J = 1`` between neighbours ``k`` and ``k+1 mod n``.

    Parameters
    ----------
    n : int
        Number of spins, at least 3 (so that every spin has two distinct neighbours).
    """
    n = _check_int(n, "n", 3)
    J = np.zeros((n, n))
    for k in range(n):
        J[k, (k + 1) % n] = J[(k + 1) % n, k] = 1.0
    return from_couplings(J, name=f"ring({n})")


def torus(side: int) -> IsingModel:
    """A 2D ferromagnetic ``side x side`` square lattice with periodic boundaries.

    Spin ``k = row * side + col``. Every site has a bond to its right and to its lower
    neighbour (wrapping around), so there are ``2 N`` bonds of strength 1 and the
    ground-state energy is ``-2 N``. For ``side = 2`` the right and left neighbours of a
    site are the same spin, so each neighbouring pair is joined by two bonds and
    ``J_ij = 2``: we count bonds, not distinct neighbours, which keeps ``E_min = -2 N``
    for every size.

    Parameters
    ----------
    side : int
        Linear size, at least 2 (``N = side**2`` spins, at most ``MAX_SPINS``).
    """
    side = _check_int(side, "side", 2, int(np.sqrt(MAX_SPINS)))
    n = side * side
    J = np.zeros((n, n))
    for row in range(side):
        for col in range(side):
            k = row * side + col
            right = row * side + (col + 1) % side
            down = ((row + 1) % side) * side + col
            for j in (right, down):
                J[k, j] += 1.0
                J[j, k] += 1.0
    return from_couplings(J, name=f"torus({side})")


def curie_weiss(n: int) -> IsingModel:
    """The Curie-Weiss (fully connected) ferromagnet: ``J_ij = 1/n`` for all ``i != j``.

    Parameters
    ----------
    n : int
        Number of spins, at least 2.
    """
    n = _check_int(n, "n", 2)
    J = np.full((n, n), 1.0 / n)
    np.fill_diagonal(J, 0.0)
    return from_couplings(J, name=f"curie_weiss({n})")


def spin_glass(n: int, seed: int) -> IsingModel:
    """A Sherrington-Kirkpatrick spin glass: ``J_ij ~ Normal(0, 1/n)``, i.i.d. for ``i < j``.

    The seed is part of the model's identity (it appears in the name): the same
    ``(n, seed)`` always gives the same couplings, drawn from
    ``numpy.random.default_rng(seed)`` in row-major order of the upper triangle.

    Parameters
    ----------
    n : int
        Number of spins, at least 2.
    seed : int
        Non-negative seed of the disorder sample.
    """
    n = _check_int(n, "n", 2)
    seed = _check_int(seed, "seed", 0, 2**63 - 1)
    rng = np.random.default_rng(seed)
    upper = np.triu_indices(n, k=1)
    J = np.zeros((n, n))
    J[upper] = rng.normal(0.0, 1.0 / np.sqrt(n), size=upper[0].size)
    J = J + J.T
    return from_couplings(J, name=f"spin_glass({n}, seed={seed})")


def zener(field: float = 1.0) -> IsingModel:
    """A single spin in a field: ``E(s) = -field * s`` (the "Zener" example).

    Parameters
    ----------
    field : float
        The field ``h`` (energy units); any finite value.
    """
    field = float(field)
    if not np.isfinite(field):
        raise ValueError(f"field must be finite, got {field}")
    return from_couplings(np.zeros((1, 1)), [field], name=f"zener({field:g})")


def spins_of_state(state, n: int) -> np.ndarray:
    """Spins ``(..., n)`` in ``{-1, +1}`` (int8) of state index/indices ``state``."""
    n = _check_int(n, "n", 1)
    state = np.asarray(state, dtype=np.int64)
    if np.any(state < 0) or np.any(state >= (1 << n)):
        raise ValueError(f"state must be in [0, 2**{n}), got {state}")
    bits = (state[..., None] >> np.arange(n, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


def energy_of_spins(model: IsingModel, spins) -> np.ndarray | float:
    """Energy of spin configuration(s) ``(..., N)`` by direct ``O(N^2)`` evaluation.

    This is the plain definition, kept as the reference that faster tabulations are
    tested against.
    """
    spins = np.asarray(spins, dtype=np.float64)
    if spins.shape[-1] != model.n:
        raise ValueError(f"spins must have last axis of length N={model.n}, got {spins.shape}")
    pair = 0.5 * np.einsum("...i,ij,...j->...", spins, model.J, spins)
    energy = -pair - spins @ model.h
    return float(energy) if np.ndim(energy) == 0 else energy


# ---------------------------------------------------------------------------------------
# Tables over the whole state space
# ---------------------------------------------------------------------------------------


@numba.njit(cache=True)
def _flip_energy_changes_kernel(energy, n):
    n_states = energy.shape[0]
    out = np.empty((n_states, n))
    for x in range(n_states):
        e = energy[x]
        for k in range(n):
            out[x, k] = energy[x ^ (1 << k)] - e
    return out


@numba.njit(cache=True)
def _magnetizations_kernel(n):
    n_states = 1 << n
    out = np.empty(n_states)
    out[0] = -float(n)
    for k in range(n):
        size = 1 << k
        for x in range(size):
            out[size + x] = out[x] + 2.0
    return out


def energies(model: IsingModel) -> np.ndarray:
    """Energy of every state, ``E(x)`` for ``x = 0, ..., 2**N - 1``.

    Parameters
    ----------
    model : IsingModel

    Returns
    -------
    (2**N,) float64
        ``E(s(x)) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i`` in energy units, indexed by
        the state convention of this module (bit ``k`` set means spin ``k`` up).

    Notes
    -----
    Jitted, parallel and blocked (the same table the Bellman solver builds): with the
    lowest ``b = min(N, 12)`` spins ``L`` and the others ``H`` of a state,
    ``E = E_low(L) + E_high(H) - sum_{j<b} s_j(L) g_j(H)``, where ``g_j(H)`` is the field
    the high spins put on low spin ``j``. Each block of ``2**b`` states costs ``O(2**b b)``
    additions, against ``O(2**N N**2)`` for evaluating the definition state by state, and
    no entry is the end of a long chain of additions (no drift); ``N = 24`` (16.8 million
    states) takes a fraction of a second (see ``benchmarks/energies.py``).

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`IsingModel`.
    ValueError
        If the table (``8 * 2**N`` bytes) does not fit in the available memory (capped
        by :data:`MEMORY_BUDGET_BYTES`); the message says how many bytes it needs.
    """
    model = check_model(model)
    n = model.n
    require_memory(8 * (1 << n), f"energies of {model.name} (N={n}, 2**{n} states)", "use a smaller model")
    return energy_table(model)


def flip_energy_changes(model: IsingModel) -> np.ndarray:
    """Energy change of every single flip from every state: ``dE_k(x) = E(x ^ 2**k) - E(x)``.

    Parameters
    ----------
    model : IsingModel

    Returns
    -------
    (2**N, N) float64
        Row ``x``, column ``k``: the energy change (energy units) when spin ``k`` of
        state ``x`` flips. Built as differences of the :func:`energies` table, so
        ``dE_k(x) == -dE_k(x ^ 2**k)`` exactly, and ``E(x) + dE_k(x)`` equals the
        neighbour's energy to rounding.

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`IsingModel`.
    ValueError
        If the tables (``8 * 2**N * (N + 1)`` bytes and a little scratch) would exceed
        :data:`MEMORY_BUDGET_BYTES`; the message says how many bytes they need.
    """
    model = check_model(model)
    n = model.n
    require_memory(8 * (1 << n) * (n + 1) + 4 * (1 << n),
        f"flip_energy_changes of {model.name} (N={n}, a 2**{n} x {n} table)",
    )
    return _flip_energy_changes_kernel(energies(model), n)


def magnetizations(model: IsingModel) -> np.ndarray:
    """Total magnetisation ``M(x) = sum_i s_i`` of every state of ``model``.

    Returns
    -------
    (2**N,) float64
        Integers from ``-N`` (state 0, all down) to ``N`` (all up), stored as floats so
        that they mix freely with energies and probabilities. Divide by ``N`` for the
        magnetisation per spin.

    Raises
    ------
    ValueError
        If the table would exceed :data:`MEMORY_BUDGET_BYTES`.
    """
    model = check_model(model)
    n = model.n
    require_memory(8 * (1 << n), f"magnetizations of {model.name} (N={n})")
    return _magnetizations_kernel(n)
