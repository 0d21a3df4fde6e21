"""The energy landscape of a small Ising model: levels, ground states, traps, frustration.

Everything here reads the exact table of :func:`kobold_lib.ising.energies`, so it is
meant for models small enough to tabulate (``N`` up to about 24 on a laptop).

Energies that should be equal (a state and its mirror image, two domain walls in
different places) can differ in the last bits when the couplings are not exactly
representable, as with ``J = 1/N`` in the Curie-Weiss model. Functions that group
equal energies therefore take a tolerance ``atol`` (energy units).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_model
from .ising import IsingModel, energies, flip_energy_changes

__all__ = [
    "EnergyLevels",
    "energy_levels",
    "ground_states",
    "local_minima",
    "frustrated_triangles",
]


def _check_atol(atol) -> float:
    if isinstance(atol, bool) or not isinstance(atol, (int, float, np.integer, np.floating)):
        raise TypeError(f"atol must be a real number, got {type(atol).__name__}")
    atol = float(atol)
    if not (np.isfinite(atol) and atol >= 0.0):
        raise ValueError(f"atol must be a finite number >= 0 (energy units), got {atol}")
    return atol


@dataclass(frozen=True)
class EnergyLevels:
    """Distinct energies of a model and how many states share each.

    Attributes
    ----------
    energy : (L,) float64
        The distinct energy levels in increasing order (energy units); each is the
        smallest energy of the states grouped into it.
    degeneracy : (L,) int64
        Number of states at each level; sums to ``2**N``.
    """

    energy: np.ndarray
    degeneracy: np.ndarray

    @property
    def ground_energy(self) -> float:
        """Lowest energy ``E_min``."""
        return float(self.energy[0])

    @property
    def ground_degeneracy(self) -> int:
        """Number of ground states."""
        return int(self.degeneracy[0])


def _group(sorted_energy: np.ndarray, atol: float) -> np.ndarray:
    """Start indices of groups of a sorted array, consecutive gaps <= atol joined."""
    if sorted_energy.size == 0:
        return np.zeros(0, dtype=np.int64)
    gaps = np.diff(sorted_energy) > atol
    return np.concatenate(([0], np.flatnonzero(gaps) + 1))


def energy_levels(model: IsingModel, atol: float = 1e-9) -> EnergyLevels:
    """Distinct energy levels and their degeneracies.

    Parameters
    ----------
    model : IsingModel
    atol : float, optional
        Sorted energies closer than ``atol`` (energy units) to their neighbour are the
        same level. The default absorbs rounding but never merges genuinely different
        levels of the book's models.

    Returns
    -------
    EnergyLevels
    """
    model = check_model(model)
    atol = _check_atol(atol)
    e = np.sort(energies(model))
    starts = _group(e, atol)
    counts = np.diff(np.concatenate((starts, [e.size])))
    return EnergyLevels(energy=e[starts], degeneracy=counts.astype(np.int64))


def ground_states(model: IsingModel, atol: float = 1e-9) -> np.ndarray:
    """State indices of all ground states, ``E(x) <= E_min + atol``.

    Parameters
    ----------
    model : IsingModel
    atol : float, optional
        Tolerance in energy units (see :func:`energy_levels`).

    Returns
    -------
    (G,) int64
        The ground states in increasing order of index.
    """
    model = check_model(model)
    atol = _check_atol(atol)
    e = energies(model)
    return np.flatnonzero(e <= e.min() + atol).astype(np.int64)


def frustrated_triangles(model: IsingModel) -> tuple[int, int]:
    """Count the frustrated triangles of a model's coupling graph.

    A triangle ``i < j < k`` with all three couplings nonzero is frustrated when
    ``J_ij J_jk J_ik < 0``: no assignment of the three spins satisfies all three bonds
    (each bond wants ``J_ij s_i s_j > 0``, and the product of the three ``s_i s_j`` is
    always ``+1``).

    Parameters
    ----------
    model : IsingModel

    Returns
    -------
    (frustrated, triangles) : tuple of int
        Number of frustrated triangles and number of triangles. Ferromagnets have no
        frustrated triangle; for the Sherrington-Kirkpatrick glass about half are.
    """
    model = check_model(model)
    J = np.asarray(model.J)
    sign = np.sign(J)
    n = model.n
    frustrated = 0
    triangles = 0
    for i in range(n):
        for j in range(i + 1, n):
            if sign[i, j] == 0:
                continue
            k = np.arange(j + 1, n)
            prod = sign[i, j] * sign[j, k] * sign[i, k]
            triangles += int(np.count_nonzero(prod))
            frustrated += int(np.count_nonzero(prod < 0))
    return frustrated, triangles


def local_minima(model: IsingModel, strict: bool = True, atol: float = 1e-9) -> np.ndarray:
    """States that no single spin flip can lower: the traps of a greedy descent.

    Parameters
    ----------
    model : IsingModel
    strict : bool, optional
        ``True`` (default): every flip raises the energy by more than ``atol``
        (``dE_k(x) > atol`` for all ``k``). ``False``: no flip lowers it by more than
        ``atol`` (``dE_k(x) >= -atol``), which also counts the states on flat
        plateaus, e.g. a ring whose domain walls can slide at zero cost.
    atol : float, optional
        Tolerance in energy units for ``dE = 0``.

    Returns
    -------
    (K,) int64
        The local minima in increasing order of index; the ground states are always
        among them when ``strict=False``.
    """
    model = check_model(model)
    atol = _check_atol(atol)
    if not isinstance(strict, (bool, np.bool_)):
        raise TypeError(f"strict must be True or False, got {type(strict).__name__}")
    d = flip_energy_changes(model)
    mask = np.all(d > atol, axis=1) if strict else np.all(d >= -atol, axis=1)
    return np.flatnonzero(mask).astype(np.int64)
