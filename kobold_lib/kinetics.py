"""Exact single-spin-flip kinetics of a small Ising model, as a Markov matrix.

One step of the chain: pick a site ``k`` (uniformly at random, or a fixed site), propose
to flip it, and accept with probability ``p(dE_k(x))`` (Glauber or Metropolis, see
:mod:`kobold_lib.acceptance`). For the random-site chain

.. math::  P(x, x^k) = p(dE_k(x)) / N, \\qquad P(x, x) = 1 - \\sum_k P(x, x^k),

a sparse ``(2**N, 2**N)`` matrix with at most ``N + 1`` entries per row; rows are "from",
columns "to", so a distribution (a row vector) evolves as ``p_{t+1} = p_t P``.

Also here: the Schnakenberg entropy production of a distribution under a chain, and the
exact evolution of a distribution, both used to watch relaxation to equilibrium.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ._rules import RULES, check_rule
from ._validate import check_beta, check_count, check_model
from .acceptance import glauber_acceptance, metropolis_acceptance
from .boltzmann import boltzmann_distribution
from ._memory import require_memory
from .ising import IsingModel, flip_energy_changes

__all__ = [
    "RULES",
    "glauber_transition_matrix",
    "relaxation_time",
    "entropy_production",
    "evolve_distribution",
]

def glauber_transition_matrix(
    model: IsingModel, beta: float, rule: str = "glauber", site: int | None = None
) -> sp.csr_array:
    """Exact transition matrix of single-spin-flip ("Glauber-type") dynamics.

    Named after Glauber's kinetic Ising model, in which spins flip one at a time; the
    acceptance rule may be Glauber's or Metropolis's. Not to be confused with
    :func:`kobold_lib.policy.transition_matrix`, the matrix of a kobold's policy, in
    which the flipped spin is chosen by the policy instead of at random.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]`` (1 / energy units).
    rule : {"glauber", "metropolis"}
        Acceptance rule of a proposed flip.
    site : int or None
        ``None`` (default): each step proposes a site chosen uniformly at random, so
        ``P(x, x^k) = p(dE_k(x)) / N``. An integer ``k`` in ``[0, N)``: the step always
        proposes spin ``k`` (``P(x, x^k) = p(dE_k(x))``); the product of these matrices
        over ``k = 0, ..., N-1`` is one sequential sweep.

    Returns
    -------
    scipy.sparse.csr_array, (2**N, 2**N) float64
        Row-stochastic (rows sum to 1 up to rounding), rows "from", columns "to", with
        sorted indices. Entries that are exactly 0 (uphill flips at ``beta = inf``) are
        not stored.

    Raises
    ------
    ValueError
        For a bad ``beta``, ``rule`` or ``site``, or if the matrix would exceed
        the available memory (the message says how many bytes).
    """
    model = check_model(model)
    beta = check_beta(beta)
    rule = check_rule(rule)
    n, n_states = model.n, model.n_states
    if site is not None:
        if isinstance(site, bool) or not isinstance(site, (int, np.integer)):
            raise TypeError(f"site must be an integer or None, got {type(site).__name__}")
        site = int(site)
        if not 0 <= site < n:
            raise ValueError(f"site must be in [0, {n}) for {model.name}, got {site}")
    # dE table + data/indices of the matrix (8 + 8 + 4 bytes per stored entry)
    require_memory(
        n_states * (n + 1) * 28,
        f"glauber_transition_matrix of {model.name} (N={n}, a 2**{n} x 2**{n} sparse matrix)",
    )
    dE = flip_energy_changes(model)
    accept = glauber_acceptance if rule == "glauber" else metropolis_acceptance
    states = np.arange(n_states, dtype=np.int64)
    if site is None:
        sites = np.arange(n)
        flip_p = accept(dE, beta) / n  # (2**N, N)
    else:
        sites = np.array([site])
        flip_p = accept(dE[:, site : site + 1], beta)  # (2**N, 1)
    del dE
    stay = 1.0 - flip_p.sum(axis=1)
    np.clip(stay, 0.0, 1.0, out=stay)
    cols = np.concatenate((states[:, None], states[:, None] ^ (np.int64(1) << sites)), axis=1)
    data = np.concatenate((stay[:, None], flip_p), axis=1)
    width = cols.shape[1]
    matrix = sp.csr_array(
        (data.ravel(), cols.ravel(), np.arange(n_states + 1, dtype=np.int64) * width),
        shape=(n_states, n_states),
    )
    matrix.sort_indices()
    matrix.eliminate_zeros()
    return matrix


#: Below this many states :func:`relaxation_time` diagonalises densely.
_DENSE_STATES = 256


def relaxation_time(model: IsingModel, beta: float, rule: str = "glauber") -> float:
    """Exact relaxation time of the random-site chain, in sweeps.

    For a reversible chain the eigenvalues of ``P`` are real,
    ``1 = lambda_1 > lambda_2 >= ...``, and the slowest deviation from equilibrium
    decays like ``lambda_2**t``. The relaxation time in sweeps (``N`` steps) is
    ``tau = 1 / (N (1 - lambda_2))``.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature, finite and ``>= 0`` (at ``beta = inf`` the chain is not
        irreducible and ``tau`` is infinite).
    rule : {"glauber", "metropolis"}

    Returns
    -------
    float
        ``tau`` in sweeps (``inf`` if ``lambda_2`` equals 1 to rounding).

    Notes
    -----
    ``P`` is similar to the symmetric matrix ``S = pi^(1/2) P pi^(-1/2)``, whose entries
    are ``S_xy = sqrt(P_xy P_yx)`` by detailed balance: no Boltzmann weights are
    divided, so nothing overflows at large ``beta``. Up to 256 states ``S`` is
    diagonalised densely; above, ``lambda_2`` is the top eigenvalue of ``S`` with its
    known top eigenvector ``pi^(1/2)`` projected out (sparse Lanczos, ARPACK).
    ``tau`` describes the slowest *monotone* decay. Negative eigenvalues (Metropolis at
    high temperature has some close to -1) make deviations flip sign from step to step;
    they do not enter ``tau``.
    """
    model = check_model(model)
    beta = check_beta(beta)
    if np.isinf(beta):
        raise ValueError("beta must be finite for relaxation_time, got inf")
    P = glauber_transition_matrix(model, beta, rule)
    S = P.multiply(P.T).sqrt().tocsr()
    n_states = model.n_states
    if n_states <= _DENSE_STATES:
        eigenvalues = np.linalg.eigvalsh(S.toarray())
        lambda_2 = eigenvalues[-2] if n_states > 1 else 0.0
    else:
        top = np.sqrt(boltzmann_distribution(model, beta))

        def deflated(v):
            v = np.asarray(v).ravel()
            v = v - top * (top @ v)
            w = S @ v
            return w - top * (top @ w)

        operator = spla.LinearOperator((n_states, n_states), matvec=deflated, dtype=np.float64)
        start = np.cos(np.arange(n_states, dtype=np.float64))  # deterministic start
        lambda_2 = float(spla.eigsh(operator, k=1, which="LA", v0=start,
                                    return_eigenvectors=False)[0])
    gap = 1.0 - lambda_2
    return float("inf") if gap <= 1e-15 else 1.0 / (model.n * gap)


def _check_distribution(p, n_states: int, name: str) -> np.ndarray:
    p = np.asarray(p, dtype=np.float64)
    if p.shape != (n_states,):
        raise ValueError(f"{name} must have shape ({n_states},) to match P, got {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0.0):
        raise ValueError(f"{name} must be a probability vector (finite, >= 0)")
    if abs(p.sum() - 1.0) > 1e-9:
        raise ValueError(f"{name} must sum to 1, got {p.sum()!r}")
    return p


def _check_stochastic(P) -> sp.csr_array:
    if sp.issparse(P):
        P = sp.csr_array(P, dtype=np.float64)
    else:
        P = np.asarray(P, dtype=np.float64)
        if P.ndim != 2:
            raise ValueError(f"P must be a 2-D matrix, got shape {P.shape}")
        P = sp.csr_array(P)
    if P.shape[0] != P.shape[1]:
        raise ValueError(f"P must be square, got shape {P.shape}")
    if P.nnz and (not np.all(np.isfinite(P.data)) or P.data.min() < 0.0):
        raise ValueError("P must have finite, non-negative entries")
    rows = np.asarray(P.sum(axis=1)).ravel()
    if np.any(np.abs(rows - 1.0) > 1e-9):
        raise ValueError("P must be row-stochastic: every row must sum to 1")
    return P


def entropy_production(P, p) -> float:
    """Schnakenberg entropy production of distribution ``p`` under chain ``P``.

    .. math::  \\sigma = \\tfrac12 \\sum_{x \\ne y} (J_{xy} - J_{yx})
               \\ln \\frac{J_{xy}}{J_{yx}}, \\qquad J_{xy} = p(x) P(x, y),

    the entropy the chain produces per step in state ``p`` (nats per step). Every term
    is ``>= 0``; the sum is zero exactly when every flux is balanced by its reverse
    (detailed balance). It is ``inf`` if some flux ``J_xy > 0`` has no reverse flux,
    ``J_yx = 0``: a transition whose reverse is impossible, or a move out of a state
    into a state that has probability 0 (a point-mass start, for example).

    Parameters
    ----------
    P : (S, S) array_like or scipy.sparse matrix
        Row-stochastic transition matrix.
    p : (S,) array_like
        A probability distribution over the states.

    Returns
    -------
    float
        Entropy production in nats per step (divide by ``ln 2`` for bits).
    """
    P = _check_stochastic(P)
    p = _check_distribution(p, P.shape[0], "p")
    flux = (sp.diags_array(p) @ P).tocsr()
    flux.setdiag(0.0)
    flux.eliminate_zeros()
    flux.sort_indices()
    reverse = flux.T.tocsr()
    reverse.sort_indices()
    if np.array_equal(flux.indptr, reverse.indptr) and np.array_equal(
        flux.indices, reverse.indices
    ):  # symmetric pattern (every single-flip chain at finite beta): data align
        forward, backward = flux.data, reverse.data
    else:  # forward flux as real part, reverse as imaginary: aligned on the union
        paired = (flux.astype(np.complex128) + 1j * reverse).tocoo()
        forward, backward = paired.data.real, paired.data.imag
    if np.any((forward > 0.0) != (backward > 0.0)):
        return float("inf")  # a one-way transition: the reverse path has probability 0
    both = forward > 0.0
    terms = (forward[both] - backward[both]) * np.log(forward[both] / backward[both])
    return float(max(0.5 * terms.sum(), 0.0))


def evolve_distribution(P, p0, n_steps: int, record_every: int = 1) -> np.ndarray:
    """Exact evolution ``p_{t+1} = p_t P`` of a distribution over states.

    Parameters
    ----------
    P : (S, S) array_like or scipy.sparse matrix
        Row-stochastic transition matrix (rows "from").
    p0 : (S,) array_like
        Initial distribution.
    n_steps : int
        Number of steps, ``>= 0``.
    record_every : int
        Keep ``p_t`` for ``t = 0, record_every, 2 record_every, ...`` up to ``n_steps``.

    Returns
    -------
    (n_steps // record_every + 1, S) float64
        The recorded distributions, row ``r`` being ``p_{r * record_every}``.
    """
    P = _check_stochastic(P)
    p = _check_distribution(p0, P.shape[0], "p0").copy()
    n_steps = check_count(n_steps, "n_steps", 0)
    record_every = check_count(record_every, "record_every", 1)
    n_records = n_steps // record_every + 1
    require_memory(n_records * P.shape[0] * 8, f"evolve_distribution ({n_records} records)")
    out = np.empty((n_records, P.shape[0]))
    out[0] = p
    PT = P.T.tocsr()
    for t in range(1, int(n_steps) + 1):
        p = PT @ p
        if t % record_every == 0:
            out[t // record_every] = p
    return out
