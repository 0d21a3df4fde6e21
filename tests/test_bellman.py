"""The Bellman solver against closed forms, brute force and an independent MDP solver.

The independent solver is ``quantecon.markov.DiscreteDP``, built here from the full
one-step transition table of the kobold's MDP (stop = stay put with reward 0; attempt
``k`` = move to ``s ^ 2**k`` with Glauber probability ``p``, stay with ``1 - p``,
expected reward ``-p dE``). Its policy iteration may cycle between exactly tied optimal
policies on these symmetric models, so values are compared, and our policy is checked by
evaluating it with DiscreteDP itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from quantecon.markov import DiscreteDP

import kobold_lib as kl
from kobold_lib import bellman

MODELS = {
    "zener": lambda: kl.zener(0.7),
    "ring8": lambda: kl.ring(8),
    "torus3": lambda: kl.torus(3),
    "cw8": lambda: kl.curie_weiss(8),
    "sg8": lambda: kl.spin_glass(8, seed=1),
    "sg10": lambda: kl.spin_glass(10, seed=2),
}
PARAMS = [(1.0, 0.9), (2.0, 0.99), (0.5, 0.999), (5.0, 0.95)]


def energies(model):
    n = model.n
    return kl.energy_of_spins(model, kl.spins_of_state(np.arange(1 << n), n))


def glauber(dE, beta):
    return kl.glauber_acceptance(dE, beta)


def build_ddp(model, beta, gamma):
    """DiscreteDP (state-action pairs, sparse Q) of the one-step kobold MDP."""
    n, size = model.n, 1 << model.n
    E = energies(model)
    states = np.arange(size)
    s_idx = np.repeat(states, n + 1)
    a_idx = np.tile(np.arange(n + 1), size)
    R = np.zeros(size * (n + 1))
    rows, cols, vals = [states * (n + 1)], [states], [np.ones(size)]
    for k in range(n):
        y = states ^ (1 << k)
        dE = E[y] - E
        p = glauber(dE, beta)
        r = states * (n + 1) + k + 1
        R[r] = -p * dE
        rows += [r, r]
        cols += [y, states]
        vals += [p, 1.0 - p]
    Q = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(size * (n + 1), size)
    )
    return DiscreteDP(R, Q, gamma, s_idx, a_idx)


def scale(model):
    return max(1.0, 0.5 * np.abs(model.J).sum() + np.abs(model.h).sum())


# ------------------------------------------------------------------ closed forms


@pytest.mark.parametrize("method", kl.BELLMAN_METHODS)
@pytest.mark.parametrize("h, beta, gamma", [(1.0, 1.0, 0.9), (0.3, 2.5, 0.99), (2.0, 0.0, 0.5), (1.5, 0.7, 0.999)])
def test_zener_closed_form(method, h, beta, gamma):
    p = 1.0 / (1.0 + np.exp(-2.0 * beta * h))
    down = 2.0 * h * p / (1.0 - gamma * (1.0 - p))
    sol = kl.solve(kl.zener(h), beta, gamma, method)
    # state 0 is spin -1 (against the field), state 1 is spin +1
    np.testing.assert_allclose(sol.V, [down, 0.0], rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(sol.policy, [1, 0])
    assert sol.V.mean() == pytest.approx(down / 2, rel=1e-13)
    assert sol.converged and sol.residual <= 1e-12


def test_zener_negative_field_mirrors():
    sol = kl.solve(kl.zener(-1.2), 1.0, 0.8)
    p = 1.0 / (1.0 + np.exp(-2.0 * 1.2))
    np.testing.assert_allclose(sol.V, [0.0, 2.4 * p / (1 - 0.8 * (1 - p))], rtol=1e-13)
    np.testing.assert_array_equal(sol.policy, [0, 1])


@pytest.mark.parametrize("name", ["ring8", "torus3", "cw8", "sg8"])
@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_gamma_to_one_gives_energy_above_the_ground_state(name, beta):
    model = MODELS[name]()
    E = energies(model)
    sol = kl.solve(model, beta, 1.0 - 1e-9, "gauss_seidel")
    # Any path to a ground state telescopes to E(s) - E_min; the discount costs O(1 - gamma).
    np.testing.assert_allclose(sol.V, E - E.min(), atol=1e-5)
    assert np.all(sol.V <= E - E.min() + 1e-9)
    # at gamma = 0.999999 the deficit is still small, and grows as gamma falls
    near = kl.solve(model, beta, 0.999999).V
    far = kl.solve(model, beta, 0.99).V
    gap_near = np.max(E - E.min() - near)
    gap_far = np.max(E - E.min() - far)
    assert 0 <= gap_near < 1e-2 * scale(model) and gap_near < gap_far


def test_stopping_states_have_zero_value_and_ground_states_stop():
    model = kl.spin_glass(9, seed=3)
    sol = kl.solve(model, 1.0, 0.95)
    E = energies(model)
    assert np.all(sol.V >= 0)
    assert np.all(sol.V[sol.policy == 0] == 0)
    assert sol.policy[np.argmin(E)] == 0


# ----------------------------------------------------- the independent MDP solver


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("beta, gamma", PARAMS)
def test_agrees_with_discretedp(name, beta, gamma):
    model = MODELS[name]()
    ddp = build_ddp(model, beta, gamma)
    ref = ddp.solve("policy_iteration", max_iter=300)
    sol = kl.solve(model, beta, gamma)
    tol = 1e-9 * scale(model) / (1 - gamma)
    np.testing.assert_allclose(sol.V, ref.v, rtol=0, atol=tol)
    # our policy is optimal for DiscreteDP too (a check free of tie-breaking)
    sigma = sol.policy.astype(int)
    np.testing.assert_allclose(ddp.evaluate_policy(sigma), ref.v, rtol=0, atol=tol)


@pytest.mark.parametrize("name", ["ring8", "torus3", "sg8"])
def test_zero_temperature_agrees_with_discretedp(name):
    model = MODELS[name]()
    for beta in (np.inf, 300.0):  # both run without tabulated weights
        ddp = build_ddp(model, beta, 0.9)
        ref = ddp.solve("value_iteration", epsilon=1e-12, max_iter=100_000)
        for method in kl.BELLMAN_METHODS:
            sol = kl.solve(model, beta, 0.9, method)
            np.testing.assert_allclose(sol.V, ref.v, rtol=0, atol=1e-9)


def test_policy_matches_discretedp_where_the_best_action_wins_clearly():
    model = kl.spin_glass(10, seed=4)
    beta, gamma = 1.3, 0.97
    ddp = build_ddp(model, beta, gamma)
    ref = ddp.solve("policy_iteration", max_iter=300)
    sol = kl.solve(model, beta, gamma)
    q = kl.q_values(model, beta, gamma, ref.v)  # retry form, from the oracle's values
    top2 = np.sort(q, axis=1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-6
    assert clear.mean() > 0.9
    np.testing.assert_array_equal(sol.policy[clear], np.argmax(q, axis=1)[clear])


# -------------------------------------------------------- the solvers agree


@pytest.mark.parametrize(
    "model",
    [kl.ring(5), kl.spin_glass(7, seed=0), kl.torus(3), kl.spin_glass(12, seed=5), kl.torus(4), kl.spin_glass(18, seed=1)],
    ids=lambda m: m.name,
)
@pytest.mark.parametrize("beta, gamma", [(1.0, 0.9), (2.0, 0.99)])
def test_the_three_methods_agree(model, beta, gamma):
    sols = {m: kl.solve(model, beta, gamma, m) for m in kl.BELLMAN_METHODS}
    ref = sols["policy_iteration"]
    for method, sol in sols.items():
        assert sol.method == method and sol.converged
        assert sol.iterations == sol.history.size
        assert sol.residual <= 1e-10 * scale(model)
        np.testing.assert_allclose(sol.V, ref.V, rtol=0, atol=1e-11 * scale(model))
        np.testing.assert_array_equal(sol.policy, ref.policy)


def test_gauss_seidel_on_a_model_with_two_tile_groups_reaches_the_fixed_point():
    # N = 21: spins 0-13 in blocks, 14-17 and 18-20 in two tile groups; a run skipped
    # wrongly (dirty flags, division-free test) would leave V off its fixed point, which
    # the independent state-by-state residual and the exact policy evaluation would see
    model = kl.spin_glass(21, seed=3)
    sol = kl.solve(model, 1.0, 0.97, "gauss_seidel")
    assert sol.converged and sol.residual <= 1e-10 * scale(model)
    np.testing.assert_allclose(kl.evaluate_policy(model, 1.0, 0.97, sol.policy), sol.V, rtol=0, atol=1e-10)


def test_value_iteration_residuals_fall_and_gauss_seidel_needs_fewer_sweeps():
    model = kl.spin_glass(12, seed=5)
    vi = kl.solve(model, 1.0, 0.95, "value_iteration")
    gs = kl.solve(model, 1.0, 0.95, "gauss_seidel")
    assert vi.history[0] > vi.history[-1]
    assert gs.iterations <= vi.iterations


@pytest.mark.parametrize("model", [kl.ring(6), kl.spin_glass(9, seed=2), kl.torus(3)], ids=lambda m: m.name)
@pytest.mark.parametrize("method", ["value_iteration", "gauss_seidel"])
def test_both_bellman_forms_have_the_same_solution(model, method):
    beta, gamma = 1.5, 0.95
    retry = kl.solve(model, beta, gamma, method)
    one = kl.solve(model, beta, gamma, method, form="one_step", tol=1e-13)
    assert one.form == "one_step" and one.converged
    np.testing.assert_allclose(one.V, retry.V, rtol=0, atol=1e-9)
    # and the retry solution satisfies both equations
    for form in ("retry", "one_step"):
        q = kl.q_values(model, beta, gamma, retry.V, form=form)
        np.testing.assert_allclose(q.max(axis=1), retry.V, rtol=0, atol=1e-12 * scale(model))


def test_one_step_value_iteration_needs_more_sweeps_at_low_temperature():
    model = kl.ring(6)
    retry = kl.solve(model, 3.0, 0.99, "value_iteration")
    one = kl.solve(model, 3.0, 0.99, "value_iteration", form="one_step")
    assert one.iterations > 5 * retry.iterations


# ------------------------------------------------------------ q values and ties


def test_q_values_table_is_consistent_with_the_solution():
    model = kl.spin_glass(8, seed=1)
    beta, gamma = 1.0, 0.9
    sol = kl.solve(model, beta, gamma)
    q = kl.q_values(model, beta, gamma, sol.V)
    assert q.shape == (256, 9)
    assert np.all(q[:, 0] == 0)
    np.testing.assert_allclose(q.max(axis=1), sol.V, rtol=0, atol=1e-13)
    # direct retry-form formula for a few entries
    E = energies(model)
    for s in (0, 17, 200):
        for k in range(8):
            t = s ^ (1 << k)
            dE = E[t] - E[s]
            p = 1 / (1 + np.exp(beta * dE))
            expect = p * (-dE + gamma * sol.V[t]) / (1 - gamma * (1 - p))
            assert q[s, k + 1] == pytest.approx(expect, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("model", [kl.ring(8), kl.torus(3), kl.curie_weiss(6)], ids=lambda m: m.name)
def test_tie_rule_stop_then_lowest_spin(model):
    beta, gamma = 1.0, 0.9
    sol = kl.solve(model, beta, gamma)
    q = kl.q_values(model, beta, gamma, sol.V)[:, 1:]
    tie = sol.tie_tolerance
    best = q.max(axis=1)
    expected = np.where(best <= tie, 0, 1 + np.argmax(q >= best[:, None] - tie, axis=1))
    np.testing.assert_array_equal(sol.policy, expected)
    # symmetric models really have ties, so the rule matters
    ntied = ((q >= best[:, None] - tie).sum(axis=1) > 1).sum()
    assert ntied > 0


def test_tie_tolerance_scales_with_the_model():
    sol = kl.solve(kl.ring(6), 1.0, 0.9)
    assert sol.tie_tolerance == pytest.approx(kl.TIE_RTOL * 6)


# --------------------------------------------------------- policy evaluation


def one_step_policy_value(model, beta, gamma, policy):
    """Dense linear solve of V = r + gamma P V for a deterministic policy (one-step form)."""
    n, size = model.n, 1 << model.n
    E = energies(model)
    P = np.zeros((size, size))
    r = np.zeros(size)
    for s in range(size):
        a = policy[s]
        if a == 0:
            continue  # stop: reward 0 forever, V = 0
        t = s ^ (1 << (a - 1))
        p = glauber(E[t] - E[s], beta)
        P[s, t] += p
        P[s, s] += 1 - p
        r[s] = -p * (E[t] - E[s])
    stop = policy == 0
    A = np.eye(size) - gamma * P
    A[stop] = np.eye(size)[stop]
    return np.linalg.solve(A, r)


@pytest.mark.parametrize("seed", range(4))
def test_evaluate_policy_any_policy_even_with_cycles(seed):
    model = kl.spin_glass(7, seed=seed)
    rng = np.random.default_rng(seed)
    policy = rng.integers(0, model.n + 1, size=1 << model.n)
    policy[rng.random(policy.size) < 0.1] = 0
    V = kl.evaluate_policy(model, 1.2, 0.93, policy)
    np.testing.assert_allclose(V, one_step_policy_value(model, 1.2, 0.93, policy), rtol=0, atol=1e-11)


def test_evaluate_policy_of_the_optimal_policy_is_v():
    model = kl.torus(3)
    sol = kl.solve(model, 0.8, 0.97, "gauss_seidel")
    np.testing.assert_allclose(kl.evaluate_policy(model, 0.8, 0.97, sol.policy), sol.V, rtol=0, atol=1e-12)


# -------------------------------------------------------------------- results


def test_result_is_frozen_and_read_only():
    sol = kl.solve(kl.ring(4), 1.0, 0.9)
    with pytest.raises(AttributeError):
        sol.V = None
    with pytest.raises(ValueError):
        sol.V[0] = 1.0
    with pytest.raises(ValueError):
        sol.policy[0] = 1
    assert sol.V.dtype == np.float64 and sol.V.shape == (16,)
    assert np.issubdtype(sol.policy.dtype, np.integer) and sol.policy.shape == (16,)
    assert "policy_iteration" in repr(sol)


def test_max_iter_reached_is_reported():
    sol = kl.solve(kl.spin_glass(8, seed=1), 1.0, 0.99, "value_iteration", form="one_step", max_iter=3)
    assert not sol.converged and sol.iterations == 3 and sol.residual > 1e-6


# ----------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("gamma", [0.0, 1.0, 1.5, -0.2, float("nan"), float("inf")])
def test_gamma_outside_the_open_unit_interval_is_rejected(gamma):
    with pytest.raises(ValueError, match="gamma"):
        kl.solve(kl.ring(4), 1.0, gamma)
    with pytest.raises(ValueError, match="gamma"):
        kl.q_values(kl.ring(4), 1.0, gamma, np.zeros(16))


@pytest.mark.parametrize("beta", [-0.1, float("nan"), -np.inf])
def test_negative_or_nan_beta_is_rejected(beta):
    with pytest.raises(ValueError, match="beta"):
        kl.solve(kl.ring(4), beta, 0.9)


def test_wrong_types_are_rejected():
    with pytest.raises(TypeError, match="model"):
        kl.solve(np.zeros((3, 3)), 1.0, 0.9)
    with pytest.raises(TypeError, match="gamma"):
        kl.solve(kl.ring(4), 1.0, "0.9")
    with pytest.raises(TypeError, match="beta"):
        kl.solve(kl.ring(4), None, 0.9)
    with pytest.raises(TypeError, match="max_iter"):
        kl.solve(kl.ring(4), 1.0, 0.9, max_iter=2.5)
    with pytest.raises(TypeError, match="policy"):
        kl.evaluate_policy(kl.ring(4), 1.0, 0.9, np.zeros(16))


def test_bad_options_are_rejected():
    model = kl.ring(4)
    with pytest.raises(ValueError, match="method"):
        kl.solve(model, 1.0, 0.9, "newton")
    with pytest.raises(ValueError, match="form"):
        kl.solve(model, 1.0, 0.9, form="two_step")
    with pytest.raises(ValueError, match="tol"):
        kl.solve(model, 1.0, 0.9, tol=-1e-9)
    with pytest.raises(ValueError, match="max_iter"):
        kl.solve(model, 1.0, 0.9, max_iter=0)
    with pytest.raises(ValueError, match="V"):
        kl.q_values(model, 1.0, 0.9, np.zeros(15))
    with pytest.raises(ValueError, match="V"):
        kl.q_values(model, 1.0, 0.9, np.full(16, np.nan))
    with pytest.raises(ValueError, match="policy"):
        kl.evaluate_policy(model, 1.0, 0.9, np.full(16, 5))


def test_a_model_too_big_for_memory_is_refused_with_the_bytes():
    model = kl.spin_glass(40, seed=0)
    need = kl.bellman_memory_bytes(40, "gauss_seidel")
    assert need == 25 << 40
    for method in kl.BELLMAN_METHODS:
        with pytest.raises(ValueError, match=r"needs .*bytes") as info:
            kl.solve(model, 1.0, 0.9, method)
        assert "N=40" in str(info.value)
    with pytest.raises(ValueError, match="bytes"):
        kl.q_values(kl.spin_glass(36, seed=0), 1.0, 0.9, np.zeros(1))
    assert bellman.bellman_memory_bytes(24) < 1e9


@pytest.mark.parametrize("seed", range(4))
def test_value_grows_with_the_discount_state_by_state(seed):
    """value_landscape's theorem, pointwise: gamma < gamma' implies V*_gamma <= V*_gamma'.

    Also its proof's middle term: the gamma-optimal policy evaluated at gamma' lies between
    the two optimal values (a sub-solution of the gamma' problem).
    """
    rng = np.random.default_rng(200 + seed)
    models = [kl.ring(8), kl.torus(3), kl.curie_weiss(9), kl.spin_glass(9, seed=seed)]
    model = models[seed]
    beta = float(rng.uniform(0.1, 4.0))
    g1, g2 = np.sort(rng.uniform(0.05, 0.995, size=2))
    low = kl.solve(model, beta, g1)
    high = kl.solve(model, beta, g2)
    middle = kl.evaluate_policy(model, beta, g2, low.policy)
    slack = 1e-12 * max(1.0, float(np.abs(high.V).max()))
    assert np.all(low.V <= middle + slack)
    assert np.all(middle <= high.V + slack)
    assert np.any(high.V > low.V + 1e-6)  # and it really grows somewhere
