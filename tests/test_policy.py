"""kobold_lib.policy against brute force: dense matrices, matrix powers, explicit walks."""

from __future__ import annotations

import numpy as np
import pytest

import kobold_lib as kl
from kobold_lib import policy as pol


def random_policy(n, rng, stop_fraction=0.3):
    actions = rng.integers(1, n + 1, size=1 << n)
    actions[rng.random(1 << n) < stop_fraction] = 0
    return actions


def descent_policy(model):
    """A forest policy: flip the spin with the most negative dE, stop at local minima."""
    n = model.n
    spins = kl.spins_of_state(np.arange(1 << n), n).astype(float)
    energy = kl.energy_of_spins(model, spins)
    policy = np.zeros(1 << n, dtype=np.int64)
    for x in range(1 << n):
        flips = [energy[x ^ (1 << k)] - energy[x] for k in range(n)]
        k = int(np.argmin(flips))
        if flips[k] < 0:
            policy[x] = k + 1
    return policy, energy


def brute_depths(policy):
    n_states = policy.size
    out = np.empty(n_states, dtype=np.int64)
    for x in range(n_states):
        y, steps = x, 0
        while policy[y] != 0 and steps <= n_states:
            y ^= 1 << (policy[y] - 1)
            steps += 1
        out[x] = steps if policy[y] == 0 else -1
    return out


def dense_T(policy):
    n_states = policy.size
    T = np.zeros((n_states, n_states))
    for x in range(n_states):
        t = x if policy[x] == 0 else x ^ (1 << (policy[x] - 1))
        T[x, t] = 1.0
    return T


@pytest.mark.parametrize("seed", range(20))
def test_depths_absorbing_and_forest_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 7))
    policy = random_policy(n, rng, stop_fraction=rng.uniform(0.0, 0.6))
    expected = brute_depths(policy)
    np.testing.assert_array_equal(pol.tree_depth(policy), expected)
    np.testing.assert_array_equal(pol.absorbing_states(policy), np.flatnonzero(policy == 0))
    assert pol.is_forest(policy) == bool(np.all(expected >= 0))
    np.testing.assert_array_equal(pol.policy_matrix(policy).toarray(), dense_T(policy))


def test_a_two_cycle_is_not_a_forest():
    policy = np.array([2, 0, 0, 2])  # 0 -> 2 and 3 -> 1 (flip spin 1); 1 and 2 stop
    assert pol.is_forest(policy)
    policy = np.array([1, 1, 0, 0])  # 0 <-> 1 flip spin 0 forever
    assert not pol.is_forest(policy)
    np.testing.assert_array_equal(pol.tree_depth(policy), [-1, -1, 0, 0])


@pytest.mark.parametrize("model", [kl.ring(5), kl.torus(2), kl.spin_glass(6, 3), kl.curie_weiss(4)], ids=lambda m: m.name)
def test_forest_spectrum_powers_and_resolvent(model):
    policy, _ = descent_policy(model)
    assert pol.is_forest(policy)
    T = pol.policy_matrix(policy).toarray()
    depth = pol.tree_depth(policy)
    d = int(depth.max())
    n_absorbing = pol.absorbing_states(policy).size
    eigenvalues = np.linalg.eigvals(T)
    assert np.allclose(np.abs(eigenvalues) * np.abs(eigenvalues - 1), 0, atol=1e-8)
    assert np.sum(np.isclose(eigenvalues, 1.0, atol=1e-6)) == n_absorbing
    powers = [np.eye(T.shape[0])]
    for _ in range(d + 2):
        powers.append(powers[-1] @ T)
    assert np.array_equal(powers[2], T) == (d <= 1)  # T is a projector only for depth <= 1
    Td = powers[d]
    assert np.array_equal(Td @ Td, Td)  # T^d is a projector
    assert np.array_equal(powers[d + 1], Td) and np.array_equal(powers[d + 2], Td)
    if d >= 2:
        assert not np.array_equal(powers[d - 1], Td)
    gamma = 0.83
    resolvent = np.linalg.inv(np.eye(T.shape[0]) - gamma * T)
    series = sum(gamma**k * powers[k] for k in range(d)) + gamma**d / (1 - gamma) * Td
    np.testing.assert_allclose(resolvent, series, atol=1e-10)
    paper = np.eye(T.shape[0]) + gamma / (1 - gamma) * T
    assert np.allclose(resolvent, paper) == (d <= 1)


def test_transition_matrix_rows_and_entries():
    model = kl.spin_glass(5, 7)
    beta = 1.3
    policy, energy = descent_policy(model)
    policy[3] = 2  # an uphill or arbitrary flip too
    P = pol.transition_matrix(model, beta, policy).toarray()
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-14)
    for x in range(policy.size):
        if policy[x] == 0:
            assert P[x, x] == 1.0
            continue
        t = x ^ (1 << (policy[x] - 1))
        p = kl.glauber_acceptance(energy[t] - energy[x], beta)
        assert P[x, t] == pytest.approx(p, abs=1e-14)
        assert P[x, x] == pytest.approx(1 - p, abs=1e-14)
    Pm = pol.transition_matrix(model, beta, policy, rule="metropolis").toarray()
    x = int(np.flatnonzero(policy)[0])
    t = x ^ (1 << (policy[x] - 1))
    assert Pm[x, t] == pytest.approx(kl.metropolis_acceptance(energy[t] - energy[x], beta))


def test_bad_policies_are_rejected():
    with pytest.raises(ValueError, match="length 2\\*\\*N"):
        pol.tree_depth(np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match=r"actions must be in \[0, N\]"):
        pol.tree_depth(np.array([0, 3]))
    with pytest.raises(TypeError, match="integers"):
        pol.policy_matrix(np.zeros(4))
    with pytest.raises(ValueError, match="N = 3 spins"):
        pol.transition_matrix(kl.ring(3), 1.0, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="beta"):
        pol.transition_matrix(kl.ring(3), -1.0, np.zeros(8, dtype=int))


@pytest.mark.parametrize("seed", range(6))
def test_optimal_policies_of_random_spin_glasses_are_forests(seed):
    """The optimal policy never cycles: its graph is a forest draining into stop states.

    Checked against brute-force walks, with the absorbing states' values zero and each
    tree's root (absorbing state) a state where no flip has positive retry-form value.
    """
    rng = np.random.default_rng(100 + seed)
    model = kl.spin_glass(int(rng.integers(4, 9)), seed)
    beta = float(rng.uniform(0.2, 3.0))
    gamma = float(rng.uniform(0.3, 0.99))
    solution = kl.solve(model, beta, gamma)
    policy = np.asarray(solution.policy, dtype=np.int64)
    assert pol.is_forest(policy)
    np.testing.assert_array_equal(pol.tree_depth(policy), brute_depths(policy))
    stops = pol.absorbing_states(policy)
    assert stops.size >= 1
    np.testing.assert_allclose(solution.V[stops], 0.0, atol=1e-12)
    q = kl.q_values(model, beta, gamma, solution.V)
    assert np.all(q[stops, 1:] <= solution.tie_tolerance + 1e-12)


def test_policy_roots_against_explicit_walks():
    rng = np.random.default_rng(7)
    model = kl.spin_glass(7, seed=3)
    policy, _ = descent_policy(model)
    roots = pol.policy_roots(policy)
    for x in range(policy.size):
        y = x
        while policy[y] != 0:
            y ^= 1 << (policy[y] - 1)
        assert roots[x] == y
    cyclic = random_policy(5, rng, stop_fraction=0.0)
    cyclic[0] = 0
    if not pol.is_forest(cyclic):
        with pytest.raises(ValueError, match="forest"):
            pol.policy_roots(cyclic)
