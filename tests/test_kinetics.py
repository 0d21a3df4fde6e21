"""Tests of kobold_lib.kinetics: exact transition matrices, detailed balance, stationarity."""

from functools import reduce

import numpy as np
import pytest
import scipy.sparse as sp

from kobold_lib import (
    boltzmann_distribution,
    curie_weiss,
    energies,
    entropy_production,
    evolve_distribution,
    relaxation_time,
    ring,
    spin_glass,
    spins_of_state,
    torus,
    glauber_transition_matrix,
    zener,
)

MODELS = [zener(0.9), ring(6), torus(2), torus(3), curie_weiss(7), spin_glass(8, 2)]
BETAS = [0.0, 0.35, 1.2, 4.0]


def dense_reference(model, beta, rule):
    """The random-site single-flip matrix from the definitions, with plain loops."""
    n, size = model.n, model.n_states
    spins = spins_of_state(np.arange(size), n).astype(float)
    e = -0.5 * np.einsum("si,ij,sj->s", spins, model.J, spins) - spins @ model.h
    P = np.zeros((size, size))
    for x in range(size):
        for k in range(n):
            y = x ^ (1 << k)
            dE = e[y] - e[x]
            if rule == "glauber":
                p = 0.5 * (1 - np.tanh(beta * dE / 2))
            else:
                p = min(1.0, np.exp(-beta * dE))
            P[x, y] = p / n
        P[x, x] = 1 - P[x].sum()
    return P


@pytest.mark.parametrize("rule", ["glauber", "metropolis"])
@pytest.mark.parametrize("model", MODELS[:4], ids=lambda m: m.name)
def test_matrix_matches_definition(model, rule):
    P = glauber_transition_matrix(model, 0.8, rule)
    assert sp.issparse(P) and P.shape == (model.n_states,) * 2
    np.testing.assert_allclose(P.toarray(), dense_reference(model, 0.8, rule), atol=1e-15)
    assert P.nnz <= model.n_states * (model.n + 1)


@pytest.mark.parametrize("rule", ["glauber", "metropolis"])
@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_detailed_balance_every_neighbouring_pair(model, beta, rule):
    P = glauber_transition_matrix(model, beta, rule)
    pi = boltzmann_distribution(model, beta)
    x = np.repeat(np.arange(model.n_states), model.n)
    y = x ^ (1 << np.tile(np.arange(model.n), model.n_states))
    forward = pi[x] * P[x, y]
    backward = pi[y] * P[y, x]
    assert np.all(forward > 0)
    np.testing.assert_allclose(forward, backward, rtol=1e-12, atol=0)
    # rows sum to one and pi is stationary
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_allclose(pi @ P, pi, rtol=0, atol=1e-12)
    np.testing.assert_allclose((pi @ P) / pi, 1.0, rtol=0, atol=1e-12)


@pytest.mark.parametrize("rule", ["glauber", "metropolis"])
def test_sequential_sweep_keeps_boltzmann_stationary(rule):
    model, beta = spin_glass(7, 9), 1.5
    pi = boltzmann_distribution(model, beta)
    sites = [glauber_transition_matrix(model, beta, rule, site=k) for k in range(model.n)]
    for P_k in sites:
        assert P_k.nnz <= 2 * model.n_states
        F = P_k.multiply(pi[:, None]).toarray()
        np.testing.assert_allclose(F, F.T, rtol=1e-12, atol=1e-300)
    sweep = reduce(lambda a, b: a @ b, sites)
    np.testing.assert_allclose(pi @ sweep, pi, atol=1e-12)
    # the sweep itself is not reversible: its fluxes are not symmetric
    F = sweep.multiply(pi[:, None]).toarray()
    assert np.abs(F - F.T).max() > 1e-6
    # random-site matrix is the average of the site matrices
    average = sum(sites) / model.n
    np.testing.assert_allclose(average.toarray(), glauber_transition_matrix(model, beta, rule).toarray(),
                               atol=1e-15)


def unit_eigenvalues(matrix):
    values = np.linalg.eigvals(matrix.toarray())
    return np.sort_complex(values[np.abs(values) > 1 - 1e-9])


def test_sequential_metropolis_sweep_is_not_ergodic_on_the_ring():
    # every zero-cost or downhill flip is certain under Metropolis, so a sweep is
    # almost deterministic and the ring's states fall apart into closed classes
    model, beta = ring(8), 0.6
    sweeps = {
        rule: reduce(lambda a, b: a @ b,
                     [glauber_transition_matrix(model, beta, rule, site=k) for k in range(8)])
        for rule in ("glauber", "metropolis")
    }
    np.testing.assert_allclose(unit_eigenvalues(sweeps["glauber"]), [1.0], atol=1e-9)
    np.testing.assert_allclose(unit_eigenvalues(sweeps["metropolis"]), np.ones(4), atol=1e-9)
    # at beta = 0 the Metropolis sweep flips every spin: x -> complement of x
    free = reduce(lambda a, b: a @ b,
                  [glauber_transition_matrix(model, 0.0, "metropolis", site=k) for k in range(8)])
    np.testing.assert_array_equal(free.toarray(), np.eye(256)[::-1])
    # random site order is fine: a single unit eigenvalue
    np.testing.assert_allclose(
        unit_eigenvalues(glauber_transition_matrix(model, beta, "metropolis")), [1.0], atol=1e-9)


def test_zero_temperature_matrix():
    model = ring(5)
    P = glauber_transition_matrix(model, np.inf, "glauber")
    e = energies(model)
    rows, cols = P.nonzero()
    off = rows != cols
    assert np.all(e[cols[off]] <= e[rows[off]])  # never uphill
    assert np.all(P.data > 0)


def test_metropolis_relaxes_faster_than_glauber():
    # Peskun: Metropolis moves away with at least Glauber's probability, so its
    # spectral gap is at least as large.
    for model, beta in [(torus(3), 0.3), (spin_glass(8, 1), 1.0), (ring(7), 0.8)]:
        gaps = {}
        for rule in ("glauber", "metropolis"):
            P = glauber_transition_matrix(model, beta, rule).toarray()
            pi = boltzmann_distribution(model, beta)
            root = np.sqrt(pi)
            symmetric = root[:, None] * P / root[None, :]  # similar to P, symmetric
            eig = np.sort(np.linalg.eigvalsh(0.5 * (symmetric + symmetric.T)))
            gaps[rule] = 1 - eig[-2]
        assert gaps["metropolis"] > gaps["glauber"] > 0


@pytest.mark.parametrize("beta", [0.2, 0.7, 1.5])
def test_relaxation_time_of_the_ring_is_glauber_closed_form(beta):
    # Glauber (1963): the magnetisation of the ring decays at rate 1 - tanh(2 beta) per
    # sweep, and it is the slowest mode, whatever the size (dense and sparse paths)
    expected = 1.0 / (1.0 - np.tanh(2 * beta))
    for n in (3, 5, 8, 9, 11):
        assert relaxation_time(ring(n), beta, "glauber") == pytest.approx(expected, rel=1e-9)


def test_relaxation_time_zener_and_dense_reference():
    h, beta = 0.6, 0.8
    assert relaxation_time(zener(h), beta, "glauber") == pytest.approx(1.0, rel=1e-12)
    assert relaxation_time(zener(h), beta, "metropolis") == pytest.approx(
        1.0 / (1.0 + np.exp(-2 * beta * h)), rel=1e-12)
    for model, beta in [(torus(3), 0.5), (spin_glass(9, 3), 1.3)]:  # 512 states: sparse path
        for rule in ("glauber", "metropolis"):
            P = glauber_transition_matrix(model, beta, rule).toarray()
            pi = boltzmann_distribution(model, beta)
            root = np.sqrt(pi)
            eig = np.linalg.eigvalsh(root[:, None] * P / root[None, :])
            expected = 1.0 / (model.n * (1.0 - eig[-2]))
            assert relaxation_time(model, beta, rule) == pytest.approx(expected, rel=1e-8)
    with pytest.raises(ValueError, match="beta must be finite"):
        relaxation_time(ring(4), np.inf)


def dense_entropy_production(P, p):
    total = 0.0
    for x in range(P.shape[0]):
        for y in range(P.shape[0]):
            if x != y and P[x, y] > 0:
                a, b = p[x] * P[x, y], p[y] * P[y, x]
                total += 0.5 * (a - b) * np.log(a / b)
    return total


def test_entropy_production():
    model, beta = torus(2), 0.7
    P = glauber_transition_matrix(model, beta)
    pi = boltzmann_distribution(model, beta)
    assert entropy_production(P, pi) == pytest.approx(0.0, abs=1e-16)
    rng = np.random.default_rng(3)
    p = rng.random(16)
    p /= p.sum()
    expected = dense_entropy_production(P.toarray(), p)
    assert expected > 0
    assert entropy_production(P, p) == pytest.approx(expected, rel=1e-12)
    assert entropy_production(P.toarray(), p) == pytest.approx(expected, rel=1e-12)
    # one-way transitions (beta = inf) make it infinite
    assert entropy_production(glauber_transition_matrix(model, np.inf), p) == np.inf
    # a cyclic, irreversible chain on three states
    cycle = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]])
    assert entropy_production(cycle, np.full(3, 1 / 3)) == np.inf


def test_evolve_distribution_matches_matrix_powers_and_converges():
    model, beta = curie_weiss(6), 0.9
    P = glauber_transition_matrix(model, beta)
    p0 = np.zeros(64)
    p0[5] = 1.0
    path = evolve_distribution(P, p0, 40, record_every=10)
    assert path.shape == (5, 64)
    dense = P.toarray()
    for r in range(5):
        np.testing.assert_allclose(path[r], p0 @ np.linalg.matrix_power(dense, 10 * r), atol=1e-14)
    far = evolve_distribution(P, p0, 3000, record_every=3000)[-1]
    np.testing.assert_allclose(far, boltzmann_distribution(model, beta), atol=1e-10)


def test_bad_inputs():
    model = ring(4)
    with pytest.raises(ValueError, match="rule must be one of"):
        glauber_transition_matrix(model, 1.0, "heat-bath")
    with pytest.raises(ValueError, match="beta must be in"):
        glauber_transition_matrix(model, -2.0)
    with pytest.raises(ValueError, match=r"site must be in \[0, 4\)"):
        glauber_transition_matrix(model, 1.0, site=4)
    with pytest.raises(TypeError, match="site must be an integer"):
        glauber_transition_matrix(model, 1.0, site=1.0)
    with pytest.raises(ValueError, match=r"glauber_transition_matrix of torus\(6\).*needs \d+ bytes"):
        glauber_transition_matrix(torus(6), 1.0)
    P = glauber_transition_matrix(model, 1.0)
    with pytest.raises(ValueError, match="p must sum to 1"):
        entropy_production(P, np.full(16, 0.1))
    with pytest.raises(ValueError, match=r"p must have shape \(16,\)"):
        entropy_production(P, np.full(8, 1 / 8))
    with pytest.raises(ValueError, match="P must be row-stochastic"):
        entropy_production(np.full((2, 2), 0.7), [0.5, 0.5])
    with pytest.raises(ValueError, match="P must be square"):
        evolve_distribution(np.ones((2, 3)) / 3, [0.5, 0.5], 3)
    with pytest.raises(ValueError, match="n_steps must be >= 0"):
        evolve_distribution(P, np.full(16, 1 / 16), -1)
    with pytest.raises(ValueError, match="record_every must be >= 1"):
        evolve_distribution(P, np.full(16, 1 / 16), 5, record_every=0)
    with pytest.raises(ValueError, match="p0 must be a probability vector"):
        evolve_distribution(P, np.r_[-0.5, 1.5, np.zeros(14)], 5)
