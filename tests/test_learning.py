"""The learning kobold against closed forms and an independent MDP solver.

Q-learning converges to the optimal *one-step* action values
``Q1_k(s) = p (-dE + gamma V(s^k)) + (1 - p) gamma V(s)``. The oracles here are the
Zener closed form (one spin in a field ``h > 0``: the downhill flip, accepted with
``p = 1 / (1 + exp(-2 beta h))``, is worth ``V = 2 h p / (1 - gamma (1 - p))`` by repeating
it until it succeeds; the up state stops, ``V = 0``) and
``quantecon.markov.DiscreteDP`` (value iteration on
the full one-step transition table), never the library's own solver. Tolerances are
stated as fractions of the model's energy scale ``max(1, sum_{i<j} |J_ij| + sum_i |h_i|)``
(a bound on ``|E|``): the one-step table within 2 % of it, the retry form (where an
error can grow by ``1 / (1 - gamma (1 - p))``) within 5 %. Every run is seeded, so these
are deterministic checks; the margins were chosen from eight seeds (the largest errors
seen were about half the tolerance).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from quantecon.markov import DiscreteDP

import kobold_lib as kl

ONE_STEP_RTOL = 0.02
RETRY_RTOL = 0.05


def energy_scale(model) -> float:
    iu = np.triu_indices(model.n, k=1)
    return max(1.0, float(np.abs(model.J[iu]).sum() + np.abs(model.h).sum()))


def flip_tables(model, beta):
    """dE (2**N, N) and Glauber p (2**N, N), from the direct energy definition."""
    n = model.n
    states = np.arange(1 << n)
    E = np.atleast_1d(kl.energy_of_spins(model, kl.spins_of_state(states, n)))
    partners = states[:, None] ^ (1 << np.arange(n))[None, :]
    dE = E[partners] - E[:, None]
    p = 1.0 / (1.0 + np.exp(beta * dE))
    return dE, p, partners


def zener_one_step_q(h, beta, gamma):
    """Closed-form one-step Q table (2, 2) of one spin in a field h > 0 (state 1 = up)."""
    p = 1.0 / (1.0 + math.exp(-2.0 * beta * h))  # downhill flip, down -> up
    v_down = 2.0 * h * p / (1.0 - gamma * (1.0 - p))
    q_down = p * 2.0 * h + (1.0 - p) * gamma * v_down  # = v_down (it is the optimal action)
    q_up = (1.0 - p) * (-2.0 * h + gamma * v_down)  # uphill, accepted with 1 - p; V(up) = 0
    return np.array([[0.0, q_down], [0.0, q_up]]), np.array([v_down, 0.0])


def discretedp_one_step_q(model, beta, gamma):
    """Optimal V by quantecon's value iteration, and the one-step Q table built from it."""
    n, size = model.n, 1 << model.n
    dE, p, partners = flip_tables(model, beta)
    R = np.zeros((size, n + 1))
    P = np.zeros((size, n + 1, size))
    P[np.arange(size), 0, np.arange(size)] = 1.0  # stop: stay put, reward 0 forever
    for k in range(n):
        R[:, k + 1] = -p[:, k] * dE[:, k]
        P[np.arange(size), k + 1, partners[:, k]] += p[:, k]
        P[np.arange(size), k + 1, np.arange(size)] += 1.0 - p[:, k]
    ddp = DiscreteDP(R, P, gamma)
    res = ddp.solve(method="value_iteration", epsilon=1e-12, max_iter=1_000_000)
    V = res.v
    Q = R + gamma * P @ V
    Q[:, 0] = 0.0
    return Q, V


# ----------------------------------------------------------------- convergence


@pytest.mark.parametrize("h, beta, gamma", [(1.0, 1.0, 0.9), (0.5, 2.0, 0.95)])
def test_zener_learns_the_closed_form(h, beta, gamma):
    model = kl.zener(h)
    res = kl.q_learning(model, beta, gamma, 20_000, 50, epsilon=0.5, seed=3)
    q_exact, v_exact = zener_one_step_q(h, beta, gamma)
    scale = energy_scale(model)
    assert np.abs(res.Q - q_exact).max() < ONE_STEP_RTOL * scale
    assert np.all(res.Q[:, 0] == 0.0)
    # the closed form is also what the library's reference solution says
    np.testing.assert_allclose(res.optimal.V, v_exact, rtol=1e-12, atol=1e-12)
    # and the learned kobold is the optimal one: flip when down, stop when up
    assert res.policy.tolist() == [1, 0]
    assert res.agreement[-1] == 1.0
    np.testing.assert_allclose(res.V_policy, v_exact, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "model, beta, gamma, n_episodes",
    [(kl.ring(3), 1.0, 0.9, 20_000), (kl.ring(4), 1.0, 0.9, 50_000), (kl.ring(4), 2.0, 0.8, 50_000)],
    ids=["ring3", "ring4", "ring4-cold"],
)
def test_small_rings_learn_the_discretedp_q(model, beta, gamma, n_episodes):
    res = kl.q_learning(model, beta, gamma, n_episodes, 50, epsilon=0.5, seed=3)
    q_exact, v_exact = discretedp_one_step_q(model, beta, gamma)
    scale = energy_scale(model)
    assert np.abs(res.Q - q_exact).max() < ONE_STEP_RTOL * scale
    np.testing.assert_allclose(res.q_error_max[-1], np.abs(res.Q - q_exact)[:, 1:].max(), atol=1e-8)
    # retry form: the learned table converted with its own values, against the exact one
    q_retry = kl.one_step_to_retry(model, beta, gamma, res.Q)
    q_retry_exact = kl.one_step_to_retry(model, beta, gamma, q_exact)
    assert np.abs(q_retry - q_retry_exact).max() < RETRY_RTOL * scale
    # its greedy policy is optimal: exact value equal to the optimum in every state
    np.testing.assert_allclose(res.V_policy, v_exact, atol=1e-8 * scale)
    assert res.agreement[-1] == 1.0


def test_learning_improves_along_the_way_and_never_beats_the_optimum():
    model = kl.spin_glass(8, seed=1)
    res = kl.q_learning(model, 1.0, 0.9, 20_000, 100, epsilon=0.2, seed=0, record_every=2_000)
    assert res.episodes.tolist() == list(range(0, 20_001, 2_000))
    assert np.all(np.diff(res.steps) > 0)
    # at the start every flip is worth q_init = 0: the greedy policy stops everywhere
    assert res.mean_value_policy[0] == 0.0 and res.mean_value_estimate[0] == 0.0
    # the exact value of any policy is at most the optimum, state by state
    assert np.all(res.V_policy <= res.optimal.V + 1e-9)
    assert np.all(res.mean_value_policy <= res.mean_value_optimal + 1e-9)
    assert res.mean_value_policy[-1] > 0.95 * res.mean_value_optimal
    assert res.q_error_mean[-1] < 0.25 * res.q_error_mean[0]
    assert np.all((res.agreement >= 0.0) & (res.agreement <= 1.0))
    assert res.agreement[-1] > res.agreement[0]


def test_training_returns_average_to_the_optimal_value():
    """Zener, no exploration: once learned, episodes from 'down' earn V*(down) on average."""
    h, beta, gamma = 1.0, 0.5, 0.9
    res = kl.q_learning(kl.zener(h), beta, gamma, 40_000, 200, epsilon=0.0, seed=5)
    _, v_exact = zener_one_step_q(h, beta, gamma)
    later = np.arange(res.n_episodes) >= 100
    down = res.returns[later & (res.starts == 0)]
    up = res.returns[later & (res.starts == 1)]
    assert down.size > 15_000 and up.size > 15_000  # starts are uniform
    assert abs(down.mean() - v_exact[0]) < 4 * down.std() / math.sqrt(down.size)
    assert np.all(up == 0.0)  # it stops at once in the ground state
    regret = res.optimal.V[res.starts] - res.returns
    assert abs(regret[later].mean()) < 4 * regret[later].std() / math.sqrt(later.sum())


# ----------------------------------------------------------------- helpers


@pytest.mark.parametrize("model", [kl.zener(0.7), kl.ring(5), kl.spin_glass(6, seed=2)], ids=str)
def test_one_step_to_retry_maps_the_exact_tables_onto_each_other(model):
    beta, gamma = 1.5, 0.95
    V = kl.solve(model, beta, gamma).V
    q1 = kl.q_values(model, beta, gamma, V, form="one_step")
    qr = kl.q_values(model, beta, gamma, V, form="retry")
    np.testing.assert_allclose(kl.one_step_to_retry(model, beta, gamma, q1), qr, atol=1e-10)


def test_optimal_action_mask_sees_ties_and_stops():
    model = kl.ring(4)
    V = kl.solve(model, 1.0, 0.9).V
    mask = kl.optimal_action_mask(model, 1.0, 0.9, V)
    assert mask.shape == (16, 5) and mask.dtype == bool
    assert np.all(mask.sum(axis=1) >= 1)
    # ground states (all down, all up): only stopping is optimal
    for x in (0b0000, 0b1111):
        assert mask[x].tolist() == [True, False, False, False, False]
    # one spin up: flip it back, nothing else
    assert mask[0b0001].tolist() == [False, True, False, False, False]
    # two neighbours up: four level moves of the two domain walls, all equivalent by symmetry
    assert mask[0b0011].tolist() == [False, True, True, True, True]


def test_optimal_action_mask_on_zener():
    mask = kl.optimal_action_mask(kl.zener(1.0), 1.0, 0.9, zener_one_step_q(1.0, 1.0, 0.9)[1])
    assert mask.tolist() == [[False, True], [True, False]]


# ----------------------------------------------------------------- reproducibility


def test_same_seed_same_table_and_recording_does_not_matter():
    model = kl.ring(5)
    a = kl.q_learning(model, 1.0, 0.9, 3_000, 50, seed=11, record_every=7)
    b = kl.q_learning(model, 1.0, 0.9, 3_000, 50, seed=11, record_every=1_000)
    assert np.array_equal(a.Q, b.Q) and np.array_equal(a.visits, b.visits)
    assert np.array_equal(a.returns, b.returns) and np.array_equal(a.starts, b.starts)
    # a shorter run with the same seed is the beginning of the longer one
    c = kl.q_learning(model, 1.0, 0.9, 1_000, 50, seed=11)
    assert np.array_equal(c.starts, a.starts[:1_000]) and np.array_equal(c.returns, a.returns[:1_000])
    d = kl.q_learning(model, 1.0, 0.9, 3_000, 50, seed=12)
    assert not np.array_equal(a.Q, d.Q)


def test_result_is_frozen_and_read_only():
    res = kl.q_learning(kl.zener(1.0), 1.0, 0.9, 10, 5, seed=0)
    with pytest.raises(AttributeError):
        res.Q = None
    for name in ("Q", "visits", "policy", "V", "V_policy", "episodes", "agreement", "returns", "starts"):
        with pytest.raises(ValueError):
            getattr(res, name)[0] = 1
    assert "zener" in repr(res)


# ----------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"gamma": 1.0}, ValueError, "gamma"),
        ({"gamma": 0.0}, ValueError, "gamma"),
        ({"beta": -1.0}, ValueError, "beta"),
        ({"beta": "hot"}, TypeError, "beta"),
        ({"n_episodes": 0}, ValueError, "n_episodes"),
        ({"n_episodes": 2.5}, TypeError, "n_episodes"),
        ({"n_episodes": kl.MAX_EPISODES + 1}, ValueError, "n_episodes"),
        ({"episode_length": 0}, ValueError, "episode_length"),
        ({"epsilon": -0.1}, ValueError, "epsilon"),
        ({"epsilon": 1.5}, ValueError, "epsilon"),
        ({"epsilon": float("nan")}, ValueError, "epsilon"),
        ({"step_exponent": 0.5}, ValueError, "step_exponent"),
        ({"step_exponent": 1.2}, ValueError, "step_exponent"),
        ({"q_init": float("inf")}, ValueError, "q_init"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.0}, TypeError, "seed"),
        ({"record_every": 0}, ValueError, "record_every"),
    ],
)
def test_bad_parameters_are_rejected_by_name(kwargs, exc, word):
    args = {"model": kl.ring(3), "beta": 1.0, "gamma": 0.9, "n_episodes": 10, "episode_length": 10}
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        kl.q_learning(**args)


def test_models_too_big_for_a_table_or_not_models_are_rejected():
    with pytest.raises(ValueError, match=r"N=13.*N <= 12"):
        kl.q_learning(kl.spin_glass(13, seed=0), 1.0, 0.9, 10)
    with pytest.raises(TypeError, match="model"):
        kl.q_learning(np.zeros((3, 3)), 1.0, 0.9, 10)


def test_bad_tables_and_tolerances_are_rejected():
    model = kl.ring(3)
    with pytest.raises(ValueError, match="Q must have shape"):
        kl.one_step_to_retry(model, 1.0, 0.9, np.zeros((8, 3)))
    bad = np.zeros((8, 4))
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="Q must be finite"):
        kl.one_step_to_retry(model, 1.0, 0.9, bad)
    with pytest.raises(ValueError, match="tol"):
        kl.optimal_action_mask(model, 1.0, 0.9, np.zeros(8), tol=-1.0)
