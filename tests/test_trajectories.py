"""Kobold and Monte Carlo runs (kobold_lib.dynamics) against exact hitting times and energies.

Exact references, written independently of the kernels:

- a kobold following a policy waits a geometric number of attempts, mean ``1 / p``, at
  each state of its path, so its expected time to the ground is a sum along the path;
- a random-site Metropolis or Glauber chain is a Markov chain on ``2**N`` states; its
  expected hitting times of the ground states solve ``(I - P_TT) tau = 1`` (``T`` the
  other states).

The simulations must agree with both within a few standard errors.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

import kobold_lib as kl


def _energies(model):
    n = model.n
    return kl.energy_of_spins(model, kl.spins_of_state(np.arange(1 << n), n))


def kobold_mean_hitting_times(model, beta, policy):
    E = _energies(model)
    target = E.min() + 1e-9
    tau = np.full(E.size, np.nan)
    depth = kl.tree_depth(policy)
    for x in np.argsort(depth, kind="stable"):  # successors first
        if E[x] <= target:
            tau[x] = 0.0
        elif policy[x] == 0:
            tau[x] = np.inf
        else:
            y = x ^ (1 << (policy[x] - 1))
            p = 1.0 / (1.0 + np.exp(beta * (E[y] - E[x])))
            tau[x] = 1.0 / p + tau[y]
    return tau


def chain_mean_hitting_times(model, beta, rule):
    n, size = model.n, 1 << model.n
    E = _energies(model)
    P = np.zeros((size, size))
    for x in range(size):
        for k in range(n):
            y = x ^ (1 << k)
            dE = E[y] - E[x]
            acc = min(1.0, np.exp(-beta * dE)) if rule == "metropolis" else 1.0 / (1.0 + np.exp(beta * dE))
            P[x, y] += acc / n
        P[x, x] = 1.0 - P[x].sum()
    other = E > E.min() + 1e-9
    tau = np.zeros(size)
    A = np.eye(other.sum()) - P[np.ix_(other, other)]
    tau[other] = np.linalg.solve(A, np.ones(other.sum()))
    return tau


@pytest.mark.parametrize("model, beta, gamma", [(kl.spin_glass(8, seed=2), 1.5, 0.99), (kl.torus(3), 0.7, 0.9)], ids=repr)
def test_kobold_hitting_times_match_the_exact_mean(model, beta, gamma):
    policy = kl.solve(model, beta, gamma).policy
    tau = kobold_mean_hitting_times(model, beta, policy)
    starts = np.flatnonzero(np.isfinite(tau) & (tau > 0))[:6]
    for x in starts:
        runs = kl.kobold_traces(model, beta, policy, np.full(4000, x), 100_000, seed=int(x), record=False)
        hits = runs.hitting_times
        assert np.all(hits > 0)
        se = hits.std() / np.sqrt(hits.size)
        assert abs(hits.mean() - tau[x]) < 5 * se + 1e-12


def test_kobold_that_stops_above_ground_never_arrives():
    model = kl.torus(4)
    policy = kl.solve(model, 1.0, 0.3).policy  # stripes are absorbing here
    E = _energies(model)
    stripes = np.flatnonzero((policy == 0) & (E > E.min()))
    assert stripes.size == 8
    runs = kl.kobold_traces(model, 1.0, policy, stripes, 50, seed=0)
    np.testing.assert_array_equal(runs.hitting_times, -1)
    np.testing.assert_array_equal(runs.energies, -16.0)
    np.testing.assert_array_equal(runs.final_states, stripes)


@pytest.mark.parametrize("rule", kl.RULES)
def test_monte_carlo_hitting_times_match_the_exact_mean(rule):
    model = kl.spin_glass(6, seed=11)
    beta = 1.2
    tau = chain_mean_hitting_times(model, beta, rule)
    for x in (np.argmax(tau), np.argsort(tau)[len(tau) // 2]):
        runs = kl.monte_carlo_traces(model, beta, np.full(20_000, x), 10**7, seed=5, rule=rule, record=False)
        hits = runs.hitting_times
        assert np.all(hits >= 0)
        se = hits.std() / np.sqrt(hits.size)
        assert abs(hits.mean() - tau[x]) < 5 * se


@pytest.mark.parametrize("rule", kl.RULES)
def test_recorded_traces_are_energies_of_single_flip_paths(rule):
    model = kl.spin_glass(7, seed=1)
    E = _energies(model)
    starts = np.arange(0, 128, 9)
    runs = kl.monte_carlo_traces(model, 0.8, starts, 300, seed=2, rule=rule)
    assert runs.energies.shape == (starts.size, 301)
    np.testing.assert_allclose(runs.energies[:, 0], E[starts], atol=1e-12)
    np.testing.assert_allclose(runs.energies[:, -1], runs.final_energies, atol=0)
    # the engine tracks the energy through local fields: equal to the table up to rounding
    np.testing.assert_allclose(runs.final_energies, E[runs.final_states], atol=1e-9)
    # every step either keeps the energy or changes it by a single flip's dE
    dE_all = np.unique(np.round(np.abs(E[:, None] - E[np.arange(128)[:, None] ^ (1 << np.arange(7))]), 9))
    steps = np.unique(np.round(np.abs(np.diff(runs.energies, axis=1)), 9))
    assert set(steps) <= set(dE_all) | {0.0}
    hits = runs.hitting_times
    for r in range(starts.size):
        below = np.flatnonzero(runs.energies[r] <= runs.e_min + 1e-9)
        assert hits[r] == (below[0] if below.size else -1)


def test_greedy_kobold_never_climbs():
    model = kl.ring(8)  # always greedy
    policy = kl.solve(model, 2.0, 0.99).policy
    runs = kl.kobold_traces(model, 2.0, policy, np.arange(256), 200, seed=1)
    assert np.all(np.diff(runs.energies, axis=1) <= 1e-12)
    np.testing.assert_array_equal(runs.hitting_times >= 0, True)


def test_results_depend_on_the_seed_only():
    model = kl.spin_glass(9, seed=3)
    policy = kl.solve(model, 1.0, 0.9).policy
    starts = np.arange(0, 512, 5)
    a = kl.monte_carlo_traces(model, 1.0, starts, 500, seed=7)
    b = kl.monte_carlo_traces(model, 1.0, starts, 500, seed=np.random.default_rng(7))
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        c = kl.monte_carlo_traces(model, 1.0, starts, 500, seed=7)
        k1 = kl.kobold_traces(model, 1.0, policy, starts, 500, seed=7)
    finally:
        numba.set_num_threads(previous)
    k2 = kl.kobold_traces(model, 1.0, policy, starts, 500, seed=7)
    np.testing.assert_array_equal(a.energies, b.energies)
    np.testing.assert_array_equal(a.energies, c.energies)
    np.testing.assert_array_equal(k1.energies, k2.energies)
    d = kl.monte_carlo_traces(model, 1.0, starts, 500, seed=8)
    assert not np.array_equal(a.energies, d.energies)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [0], 0, 1), ValueError, "n_steps must be >= 1"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [0], 1.5, 1), TypeError, "n_steps must be"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [16], 5, 1), ValueError, "starts must be state indices"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [0.5], 5, 1), TypeError, "starts must hold integer"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [], 5, 1), ValueError, "starts must be a non-empty"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p[:-1], [0], 5, 1), ValueError, "policy must have shape"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p + 9, [0], 5, 1), ValueError, "policy actions must be in"),
        (lambda m, p: kl.kobold_traces(m, -1.0, p, [0], 5, 1), ValueError, "beta must be in"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [0], 5, -3), ValueError, "seed must be"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [0], 5, "x"), TypeError, "seed must be"),
        (lambda m, p: kl.kobold_traces(m, 1.0, p, [0], 5, 1, record=1), TypeError, "record must be"),
        (lambda m, p: kl.monte_carlo_traces(m, 1.0, [0], 5, 1, rule="heat"), ValueError, "rule must be one of"),
        (lambda m, p: kl.monte_carlo_traces("m", 1.0, [0], 5, 1), TypeError, "model must be"),
        (lambda m, p: kl.monte_carlo_traces(m, 1.0, np.zeros(10**6, int), 2**30, 1), ValueError, "recording"),
    ],
)
def test_bad_inputs(call, exc, match):
    model = kl.torus(2)
    policy = kl.solve(model, 1.0, 0.9).policy
    with pytest.raises(exc, match=match):
        call(model, policy)
