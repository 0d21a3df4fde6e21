"""The policy graph of a kobold: its matrices, its trees and their depths.

A (deterministic) policy gives every state ``x`` in ``[0, 2**N)`` an action:
``0`` = stop, ``k + 1`` = attempt to flip spin ``k``. On acceptance the state moves to
its *successor* ``x ^ (1 << k)``; a stopping state is its own successor (absorbing).

- ``T[x, t] = 1`` for ``t`` the successor of ``x``: the deterministic policy matrix.
- ``P = D T + (I - D)``: the stochastic transition matrix of one attempt, where ``D`` is
  the diagonal of acceptance probabilities of the chosen flips (a stop row of ``P`` is a
  row of the identity).

Everything structural here (successors, absorbing states, tree depths, the forest test)
runs in ``O(2**N)`` with jitted loops and works for *any* policy array, optimal or not.
"""

from __future__ import annotations

import numba
import numpy as np
import scipy.sparse as sp

from ._rules import acceptance_scalar, check_rule
from ._validate import check_beta, check_policy
from .ising import IsingModel

__all__ = [
    "successors",
    "policy_matrix",
    "transition_matrix",
    "absorbing_states",
    "tree_depth",
    "is_forest",
    "policy_roots",
    "chosen_flip_energy_changes",
]


@numba.njit(cache=True)
def _successors(policy):
    out = np.empty(policy.size, dtype=np.int64)
    for x in range(policy.size):
        a = policy[x]
        out[x] = x if a == 0 else x ^ (1 << (a - 1))
    return out


def successors(policy) -> np.ndarray:
    """The state each state moves to when its chosen flip is accepted.

    Parameters
    ----------
    policy : (2**N,) int array
        0 = stop, ``k + 1`` = attempt to flip spin ``k``.

    Returns
    -------
    (2**N,) int64
        ``x ^ (1 << k)`` for a flip of spin ``k``, ``x`` itself for a stop.
    """
    policy, _ = check_policy(policy, dtype=np.int64)
    return _successors(policy)


def policy_matrix(policy) -> sp.csr_matrix:
    """The deterministic policy matrix ``T`` (``2**N x 2**N``, sparse, one 1 per row).

    ``T[x, t] = 1`` where ``t`` is the successor of ``x`` (``x`` itself for a stop).
    """
    policy, _ = check_policy(policy, dtype=np.int64)
    size = policy.size
    succ = _successors(policy)
    return sp.csr_matrix((np.ones(size), (np.arange(size), succ)), shape=(size, size))


@numba.njit(cache=True)
def _chosen_dE(J, h, policy):
    n = h.size
    out = np.zeros(policy.size)
    for x in range(policy.size):
        a = policy[x]
        if a == 0:
            continue
        k = a - 1
        field = h[k]
        for j in range(n):
            if j != k:
                field += J[k, j] * (1.0 if (x >> j) & 1 else -1.0)
        s_k = 1.0 if (x >> k) & 1 else -1.0
        out[x] = 2.0 * s_k * field
    return out


def chosen_flip_energy_changes(model: IsingModel, policy) -> np.ndarray:
    """``dE`` of the flip each state's policy chooses (0 for stopping states).

    Returns
    -------
    (2**N,) float64
        Energy change ``E(successor) - E(x)`` (energy units).
    """
    if not isinstance(model, IsingModel):
        raise TypeError(f"model must be an IsingModel, got {type(model).__name__}")
    policy, n = check_policy(policy, dtype=np.int64)
    if n != model.n:
        raise ValueError(f"policy has length 2**{n} but the model has N = {model.n} spins")
    return _chosen_dE(model.J, model.h, policy)


def transition_matrix(model: IsingModel, beta, policy, rule: str = "glauber") -> sp.csr_matrix:
    """The stochastic matrix ``P = D T + (I - D)`` of one attempt under ``policy``.

    Parameters
    ----------
    model : IsingModel
    beta : float
        Inverse temperature in ``[0, inf]``.
    policy : (2**N,) int array
    rule : {"glauber", "metropolis"}
        Acceptance rule of the attempted flip.

    Returns
    -------
    scipy.sparse.csr_matrix, (2**N, 2**N)
        Row-stochastic; row ``x`` has ``p`` at its successor and ``1 - p`` on the diagonal.
    """
    beta = check_beta(beta)
    rule = check_rule(rule)
    policy, _ = check_policy(policy, dtype=np.int64)
    dE = chosen_flip_energy_changes(model, policy)
    accept = _acceptances(dE, beta, rule == "glauber")
    accept[policy == 0] = 0.0
    size = policy.size
    succ = _successors(policy)
    rows = np.concatenate([np.arange(size), np.arange(size)])
    cols = np.concatenate([succ, np.arange(size)])
    vals = np.concatenate([accept, 1.0 - accept])
    return sp.csr_matrix((vals, (rows, cols)), shape=(size, size))  # duplicates summed


@numba.njit(cache=True)
def _acceptances(dE, beta, glauber):
    out = np.empty(dE.size)
    for i in range(dE.size):
        out[i] = acceptance_scalar(dE[i], beta, glauber)
    return out


def absorbing_states(policy) -> np.ndarray:
    """Sorted indices of the states where the policy stops (action 0)."""
    policy, _ = check_policy(policy, dtype=np.int64)
    return np.flatnonzero(policy == 0).astype(np.int64)


@numba.njit(cache=True)
def _depths(succ):
    """Accepted flips from each state to its absorbing state; -1 if it never gets there."""
    size = succ.size
    depth = np.full(size, -2, dtype=np.int64)  # -2 = unknown
    path = np.empty(size, dtype=np.int64)
    for start in range(size):
        if depth[start] != -2:
            continue
        # walk until a known state, an absorbing state, or a state seen on this walk
        length = 0
        x = start
        while depth[x] == -2:
            depth[x] = -3  # on the current path
            path[length] = x
            length += 1
            if succ[x] == x:
                break
            x = succ[x]
        if depth[x] == -3 and succ[x] == x:
            base = 0  # x is absorbing, and the last state of the path
            depth[x] = 0
            length -= 1
        elif depth[x] == -3 or depth[x] == -1:
            base = -1  # a cycle: every state on this path never stops
        else:
            base = depth[x]
        for i in range(length - 1, -1, -1):
            y = path[i]
            if base == -1:
                depth[y] = -1
            else:
                base += 1
                depth[y] = base
    return depth


def tree_depth(policy) -> np.ndarray:
    """For each state, the number of accepted flips that take it to its absorbing state.

    Parameters
    ----------
    policy : (2**N,) int array

    Returns
    -------
    (2**N,) int64
        0 for absorbing (stopping) states; ``-1`` for states whose successor chain
        never stops (it runs into a cycle, which only a non-optimal policy can have).
        ``O(2**N)``: every state is visited once.
    """
    policy, _ = check_policy(policy, dtype=np.int64)
    return _depths(_successors(policy))


def policy_roots(policy) -> np.ndarray:
    """For each state, the absorbing state it ends in when every chosen flip is accepted.

    Parameters
    ----------
    policy : (2**N,) int array
        0 = stop, ``k + 1`` = attempt to flip spin ``k``; must be a forest (every state
        drains into a stopping state, as every optimal policy does).

    Returns
    -------
    (2**N,) int64
        The root of each state's tree: ``T^d`` applied to the state, with ``d`` the
        largest tree depth. Stopping states are their own roots.
    """
    policy, _ = check_policy(policy, dtype=np.int64)
    succ = _successors(policy)
    depth = _depths(succ)
    if np.any(depth < 0):
        raise ValueError("policy must be a forest (no cycles); some states never reach a stop")
    root = np.arange(policy.size, dtype=np.int64)
    for _ in range(int(depth.max())):
        root = succ[root]
    return root


def is_forest(policy) -> bool:
    """True when the policy graph has no cycles: every state drains into a stopping state."""
    return bool(np.all(tree_depth(policy) >= 0))


