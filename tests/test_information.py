"""kobold_lib.information against closed forms, brute force and the second law."""

from __future__ import annotations

import numpy as np
import pytest

import kobold_lib as kl

LN2 = np.log(2.0)


def h2(p):
    """Binary entropy in bits (log1p keeps it accurate for tiny p)."""
    return (-p * np.log(p) - (1 - p) * np.log1p(-p)) / LN2


# ------------------------------------------------------------------ one spin: closed forms


@pytest.mark.parametrize("h", [0.5, 1.0, -2.0])
@pytest.mark.parametrize("beta", [0.1, 0.7, 2.5, 12.0])
@pytest.mark.parametrize("gamma", [0.3, 0.9, 0.999])
def test_one_spin_balance_matches_the_closed_form(h, beta, gamma):
    """Zener / Szilard: a spin in a field h; the excited state has probability p."""
    bal = kl.information_balance(kl.zener(h), beta, gamma)
    a = abs(h)
    p = 1 / (1 + np.exp(2 * beta * a))  # Boltzmann weight of the excited state
    accept = 1 - p  # Glauber acceptance of the downhill flip, 1/(1 + e^{-2 beta |h|})
    T = 1 / beta
    assert bal.extracted == pytest.approx(2 * a * p, rel=1e-12)
    assert bal.discounted_value == pytest.approx(p * 2 * a * accept / (1 - gamma * (1 - accept)), rel=1e-10)
    assert bal.information_bits == pytest.approx(h2(p), rel=1e-12)
    assert bal.landauer_cost == pytest.approx(T * LN2, rel=1e-14)
    assert bal.information_cost == pytest.approx(T * LN2 * h2(p), rel=1e-12)
    # T S - W = T ln(1 + e^{-2 beta |h|}) = E_min - F
    assert bal.information_cost - bal.extracted == pytest.approx(T * np.log1p(np.exp(-2 * beta * a)), rel=1e-9)
    assert bal.free_energy_gap == pytest.approx(T * np.log1p(np.exp(-2 * beta * a)), rel=1e-12)
    assert bal.free_energy_gap == pytest.approx(bal.e_min - bal.free_energy, rel=1e-6, abs=1e-12)
    assert bal.extracted_variance == pytest.approx((2 * a) ** 2 * p * (1 - p), rel=1e-10)


def test_a_spin_in_zero_field_gives_nothing_for_a_full_bit():
    bal = kl.information_balance(kl.zener(0.0), 1.3, 0.9)
    assert bal.extracted == 0.0 and bal.discounted_value == 0.0
    assert bal.information_bits == pytest.approx(1.0, rel=1e-14)
    assert bal.information_cost == pytest.approx(LN2 / 1.3, rel=1e-14)


# ------------------------------------------------------------------ many spins

MODELS = [kl.ring(8), kl.torus(3), kl.curie_weiss(8), kl.spin_glass(8, seed=3)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_thermal_side_agrees_with_brute_force_and_the_boltzmann_module(model):
    beta = 0.8
    bal = kl.information_balance(model, beta, 0.9)
    E = kl.energy_of_spins(model, kl.spins_of_state(np.arange(2**model.n), model.n))
    w = np.exp(-beta * E)
    pi = w / w.sum()
    assert bal.information_bits == pytest.approx(-(pi * np.log2(pi)).sum(), rel=1e-10)
    assert bal.free_energy == pytest.approx(-np.log(w.sum()) / beta, rel=1e-12)
    avg = kl.thermal_averages(model, beta)
    assert bal.mean_energy == pytest.approx(avg.energy, rel=1e-12, abs=1e-12)
    assert bal.energy_variance == pytest.approx(avg.energy_variance, rel=1e-10)
    assert bal.e_min == pytest.approx(E.min(), rel=1e-14)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_a_patient_kobold_takes_all_energy_and_falls_short_of_TS_by_Emin_minus_F(model):
    """gamma -> 1: every start goes to a ground state, so W(s) = E(s) - E_min."""
    beta = 1.0
    bal = kl.information_balance(model, beta, 1 - 1e-7)
    assert bal.extracted == pytest.approx(bal.mean_energy - bal.e_min, rel=1e-9)
    assert bal.extracted_variance == pytest.approx(bal.energy_variance, rel=1e-9)
    assert bal.information_cost - bal.extracted == pytest.approx(bal.free_energy_gap, rel=1e-9)
    assert bal.discounted_value == pytest.approx(bal.extracted, rel=1e-4)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_extracted_energy_is_the_policy_walk(model):
    """Follow the optimal policy's flips by hand from every start, independently of policy_roots."""
    beta, gamma = 1.5, 0.6
    bal = kl.information_balance(model, beta, gamma)
    sol = kl.solve(model, beta, gamma)
    E = kl.energy_of_spins(model, kl.spins_of_state(np.arange(2**model.n), model.n))
    ends = np.empty(E.size, dtype=np.int64)
    for s in range(E.size):
        x = s
        for _ in range(E.size):
            a = int(sol.policy[x])
            if a == 0:
                break
            x ^= 1 << (a - 1)
        ends[s] = x
    pi = np.exp(-beta * (E - E.min()))
    pi /= pi.sum()
    assert bal.extracted == pytest.approx(pi @ (E - E[ends]), rel=1e-12)
    assert bal.discounted_value == pytest.approx(pi @ sol.V, rel=1e-12)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_second_law_with_feedback_holds_everywhere(model):
    for beta in (0.05, 0.3, 1.0, 4.0):
        for gamma in (0.2, 0.9, 0.999):
            bal = kl.information_balance(model, beta, gamma)
            assert bal.discounted_value <= bal.extracted + 1e-12
            assert bal.extracted <= bal.information_cost + 1e-12
            assert bal.information_cost <= bal.landauer_cost * (1 + 1e-12)
            assert bal.free_energy_gap >= -1e-12


# ------------------------------------------------------------------ gains of runs


def test_discounted_gains_of_a_hand_made_trace():
    disc, plain = kl.discounted_gains(np.array([[3.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]), 0.5)
    np.testing.assert_allclose(disc, [2.0 + 0.0 + 0.25, 0.0])
    np.testing.assert_allclose(plain, [3.0, 0.0])


def test_discounted_gains_of_one_spin_runs_match_the_geometric_law():
    """From the excited state the gain is 2h gamma^K, K ~ Geometric(accept) refusals."""
    h, beta, gamma = 1.0, 0.4, 0.8
    model = kl.zener(h)
    sol = kl.solve(model, beta, gamma)
    runs = 20_000
    traces = kl.kobold_traces(model, beta, sol.policy, np.zeros(runs, dtype=np.int64), 80, seed=7)
    disc, plain = kl.discounted_gains(traces, gamma)
    a = 1 / (1 + np.exp(-2 * beta * h))
    mean = 2 * h * a / (1 - gamma * (1 - a))
    second = (2 * h) ** 2 * a / (1 - gamma**2 * (1 - a))
    var = second - mean**2
    assert np.all(plain == 2 * h)
    assert abs(disc.mean() - mean) < 5 * np.sqrt(var / runs)
    assert mean == pytest.approx(sol.V[0], rel=1e-12)
    assert disc.var() == pytest.approx(var, rel=0.05)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("beta", [0.0, -1.0, np.inf, np.nan])
def test_bad_beta_is_refused(beta):
    with pytest.raises(ValueError, match="beta"):
        kl.information_balance(kl.ring(4), beta, 0.9)


@pytest.mark.parametrize("gamma", [0.0, 1.0, 1.5, -0.1])
def test_bad_gamma_is_refused(gamma):
    with pytest.raises(ValueError, match="gamma"):
        kl.information_balance(kl.ring(4), 1.0, gamma)
    with pytest.raises(ValueError, match="gamma"):
        kl.discounted_gains(np.zeros((2, 3)), gamma)


def test_bad_types_are_refused():
    with pytest.raises(TypeError, match="model"):
        kl.information_balance("ring", 1.0, 0.9)
    with pytest.raises(TypeError, match="gamma"):
        kl.information_balance(kl.ring(4), 1.0, "0.9")
    with pytest.raises(TypeError, match="beta"):
        kl.information_balance(kl.ring(4), None, 0.9)


def test_unrecorded_or_bad_traces_are_refused():
    model = kl.ring(4)
    traces = kl.kobold_traces(model, 1.0, kl.solve(model, 1.0, 0.9).policy, [5], 10, seed=1, record=False)
    with pytest.raises(ValueError, match="record=True"):
        kl.discounted_gains(traces, 0.9)
    with pytest.raises(ValueError, match="finite"):
        kl.discounted_gains(np.array([[1.0, np.nan]]), 0.9)
    with pytest.raises(ValueError, match="shape"):
        kl.discounted_gains(np.zeros(5), 0.9)
