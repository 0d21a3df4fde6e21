"""Tests of kobold_lib.ising: builders, the state convention and the exact tables."""

import itertools

import numpy as np
import pytest

import kobold_lib
from kobold_lib import ising
from kobold_lib.ising import (
    IsingModel,
    curie_weiss,
    energies,
    energy_of_spins,
    flip_energy_changes,
    from_couplings,
    magnetizations,
    ring,
    spin_glass,
    spins_of_state,
    torus,
    zener,
)


def random_model(n, seed):
    rng = np.random.default_rng(seed)
    J = rng.normal(size=(n, n))
    J = np.triu(J, 1)
    J = J + J.T
    return from_couplings(J, rng.normal(size=n), name=f"random({n}, {seed})")


def direct_energy_table(model):
    """Plain definition, state by state, with Python loops (independent of the library)."""
    table = np.empty(model.n_states)
    J, h, n = np.asarray(model.J), np.asarray(model.h), model.n
    for x in range(model.n_states):
        s = [1.0 if (x >> k) & 1 else -1.0 for k in range(n)]
        e = 0.0
        for i in range(n):
            e -= h[i] * s[i]
            for j in range(i + 1, n):
                e -= J[i, j] * s[i] * s[j]
        table[x] = e
    return table


ALL_MODELS = [zener(0.7), zener(-2.0), ring(3), ring(7), torus(2), torus(3),
              curie_weiss(2), curie_weiss(8), spin_glass(2, 0), spin_glass(9, 4)]


def test_public_names_importable_from_package():
    for name in ["energies", "flip_energy_changes", "magnetizations", "IsingModel", "torus"]:
        assert hasattr(kobold_lib, name), name


@pytest.mark.parametrize("n,seed", [(1, 0), (2, 1), (3, 2), (5, 3), (8, 4), (10, 5), (11, 6)])
def test_energies_match_direct_loops_for_random_models(n, seed):
    model = random_model(n, seed)
    e = energies(model)
    assert e.shape == (2**n,) and e.dtype == np.float64
    np.testing.assert_allclose(e, direct_energy_table(model), rtol=0, atol=1e-12 * n * n)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.name)
def test_energies_match_energy_of_spins_for_every_builder(model):
    spins = spins_of_state(np.arange(model.n_states), model.n)
    np.testing.assert_allclose(energies(model), energy_of_spins(model, spins), rtol=0, atol=1e-12)


def test_energies_n16_random_model_vectorised_reference():
    model = random_model(16, 11)
    spins = spins_of_state(np.arange(model.n_states), 16).astype(float)
    reference = -0.5 * np.einsum("si,ij,sj->s", spins, model.J, spins) - spins @ model.h
    np.testing.assert_allclose(energies(model), reference, rtol=0, atol=1e-11)


@pytest.mark.parametrize("model", [random_model(6, 1), ring(5), torus(3), spin_glass(7, 2)],
                         ids=lambda m: m.name)
def test_flip_energy_changes_match_direct_definition(model):
    n = model.n
    d = flip_energy_changes(model)
    assert d.shape == (2**n, n) and d.dtype == np.float64
    states = np.arange(model.n_states)
    spins = spins_of_state(states, n)
    e = energy_of_spins(model, spins)
    for k in range(n):
        flipped = spins.copy()
        flipped[:, k] *= -1
        np.testing.assert_allclose(d[:, k], energy_of_spins(model, flipped) - e, atol=1e-12)
        # local-field formula dE_k = 2 s_k (h_k + sum_j J_kj s_j)
        local = 2 * spins[:, k] * (spins @ model.J[k] + model.h[k])
        np.testing.assert_allclose(d[:, k], local, atol=1e-12)
        np.testing.assert_array_equal(d[:, k], -d[states ^ (1 << k), k])


def test_magnetizations():
    for n in (1, 4, 9):
        m = magnetizations(ring(n) if n >= 3 else zener(1.0))
        spins = spins_of_state(np.arange(2**n), n)
        np.testing.assert_array_equal(m, spins.sum(axis=1))
    assert magnetizations(ring(5))[0] == -5 and magnetizations(ring(5))[-1] == 5


@pytest.mark.parametrize("side", [2, 3, 4])
def test_torus_ground_energy_and_degeneracy(side):
    e = energies(torus(side))
    n = side * side
    assert e.min() == -2 * n
    assert np.count_nonzero(e == e.min()) == 2
    assert set(np.flatnonzero(e == e.min())) == {0, 2**n - 1}


def test_torus_4_known_values():
    e = energies(torus(4))
    assert e.min() == -32.0 and np.count_nonzero(e == -32.0) == 2
    # one flipped spin breaks its 4 bonds: 16 sites x 2 mirror images
    assert np.count_nonzero(e == -24.0) == 32
    assert e.max() == 32.0 and np.count_nonzero(e == 32.0) == 2  # the two checkerboards


def test_torus_2_counts_doubled_bonds():
    model = torus(2)
    # spins 0 and 1 are right-neighbours both ways round: two bonds, J = 2
    assert model.J[0, 1] == 2.0 and model.J[0, 3] == 0.0
    assert energies(model).min() == -8.0


def test_ring_energy_levels_closed_form():
    n = 8
    e = energies(ring(n))
    for walls in range(0, n + 1, 2):
        # E = -n + 2 * (number of domain walls); 2 * C(n, walls) states
        count = np.count_nonzero(np.isclose(e, -n + 2 * walls))
        assert count == 2 * len(list(itertools.combinations(range(n), walls)))


def test_memory_refusal_states_bytes():
    with pytest.raises(ValueError, match=r"needs \d+ bytes") as info:
        energies(torus(6))  # 2**36 states
    assert "torus(6)" in str(info.value) and "MEMORY_BUDGET_BYTES" in str(info.value)
    with pytest.raises(ValueError, match="flip_energy_changes.*needs"):
        flip_energy_changes(from_couplings(np.zeros((38, 38))))


def test_memory_budget_is_read_at_call_time(monkeypatch):
    monkeypatch.setattr(ising, "MEMORY_BUDGET_BYTES", 1000)
    with pytest.raises(ValueError, match=r"needs 1024 bytes"):
        energies(ring(7))  # 8 * 128
    with pytest.raises(ValueError, match="magnetizations"):
        magnetizations(ring(8))
    monkeypatch.setattr(ising, "MEMORY_BUDGET_BYTES", 10**6)
    assert energies(ring(7)).shape == (128,)


def test_tables_reject_non_models():
    for func in (energies, flip_energy_changes, magnetizations):
        with pytest.raises(TypeError, match="model must be an IsingModel"):
            func(np.eye(3))


def test_model_is_frozen_and_fingerprinted():
    model = torus(3)
    assert isinstance(model, IsingModel)
    with pytest.raises(ValueError):
        model.J[0, 1] = 5.0
    assert spin_glass(6, 1).fingerprint == spin_glass(6, 1).fingerprint
    assert spin_glass(6, 1).fingerprint != spin_glass(6, 2).fingerprint
