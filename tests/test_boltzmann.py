"""Tests of kobold_lib.boltzmann against closed forms and an independent transfer matrix."""

import itertools
import warnings
from math import comb

import numpy as np
import pytest

from kobold_lib import (
    boltzmann_distribution,
    curie_weiss,
    energies,
    log_partition_function,
    ring,
    spin_glass,
    spins_of_state,
    thermal_averages,
    torus,
    zener,
)


def torus_log_z_transfer_matrix(side, beta):
    """ln Z of the side x side torus by a row-to-row transfer matrix (independent method).

    Each row is a ring of ``side`` spins with bonds c -- c+1 (mod side); consecutive rows
    are joined site by site. T[a, b] = exp(beta (row(a)/2 + row(b)/2 + a.b)) and
    Z = Tr T^side. For side = 2 the same formula counts every bond twice, as torus(2)
    does.
    """
    rows = np.array(list(itertools.product([-1, 1], repeat=side)), dtype=float)
    within = (rows * np.roll(rows, -1, axis=1)).sum(axis=1)
    between = rows @ rows.T
    T = np.exp(beta * (within[:, None] / 2 + within[None, :] / 2 + between))
    eigenvalues = np.linalg.eigvalsh(T)
    top = eigenvalues.max()
    return side * np.log(top) + np.log(np.sum((eigenvalues / top) ** side))


@pytest.mark.parametrize("side", [2, 3, 4])
@pytest.mark.parametrize("beta", [0.0, 0.2, 0.4406868, 1.0, 3.0])
def test_torus_partition_function_against_transfer_matrix(side, beta):
    expected = torus_log_z_transfer_matrix(side, beta)
    assert log_partition_function(torus(side), beta) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n", [3, 4, 10])
@pytest.mark.parametrize("beta", [0.1, 0.7, 2.5])
def test_ring_partition_function_and_energy_closed_form(n, beta):
    c, s = 2 * np.cosh(beta), 2 * np.sinh(beta)
    z = c**n + s**n
    assert log_partition_function(ring(n), beta) == pytest.approx(np.log(z), rel=1e-13)
    mean_e = -n * (c ** (n - 1) * s + s ** (n - 1) * c) / z  # -d ln Z / d beta
    assert thermal_averages(ring(n), beta).energy == pytest.approx(mean_e, rel=1e-12)


@pytest.mark.parametrize("n", [2, 5, 12])
@pytest.mark.parametrize("beta", [0.3, 1.0, 4.0])
def test_curie_weiss_partition_function_and_magnetisation(n, beta):
    k = np.arange(n + 1)
    m = 2 * k - n
    weight = np.array([comb(n, int(i)) for i in k]) * np.exp(beta * (m**2 - n) / (2 * n))
    z = weight.sum()
    assert log_partition_function(curie_weiss(n), beta) == pytest.approx(np.log(z), rel=1e-12)
    avg = thermal_averages(curie_weiss(n), beta)
    assert avg.magnetization_squared == pytest.approx((weight * m**2).sum() / z, rel=1e-12)
    assert avg.abs_magnetization == pytest.approx((weight * np.abs(m)).sum() / z, rel=1e-12)


def test_zener():
    h, beta = 0.8, 1.3
    pi = boltzmann_distribution(zener(h), beta)
    np.testing.assert_allclose(pi, [1 / (1 + np.exp(2 * beta * h)), 1 / (1 + np.exp(-2 * beta * h))])
    assert log_partition_function(zener(h), beta) == pytest.approx(np.log(2 * np.cosh(beta * h)))
    avg = thermal_averages(zener(h), beta)
    assert avg.energy == pytest.approx(-h * np.tanh(beta * h), rel=1e-14)
    assert avg.heat_capacity == pytest.approx((beta * h / np.cosh(beta * h)) ** 2, rel=1e-12)


def test_spin_glass_averages_by_brute_force():
    model, beta = spin_glass(8, 5), 1.7
    spins = spins_of_state(np.arange(256), 8).astype(float)
    e = -0.5 * np.einsum("si,ij,sj->s", spins, model.J, spins)
    w = np.exp(-beta * e)
    pi = w / w.sum()
    np.testing.assert_allclose(boltzmann_distribution(model, beta), pi, rtol=1e-12)
    avg = thermal_averages(model, beta)
    assert avg.energy == pytest.approx(pi @ e, rel=1e-12)
    assert avg.energy_variance == pytest.approx(pi @ e**2 - (pi @ e) ** 2, rel=1e-10)
    assert avg.abs_magnetization == pytest.approx(pi @ np.abs(spins.sum(1)), rel=1e-12)


def test_limits_and_no_overflow():
    model = torus(3)
    np.testing.assert_array_equal(boltzmann_distribution(model, 0.0), np.full(512, 1 / 512))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cold = boltzmann_distribution(model, 1e6)
        frozen = boltzmann_distribution(model, np.inf)
        log_z = log_partition_function(model, 1e6)
    expected = np.zeros(512)
    expected[[0, 511]] = 0.5
    np.testing.assert_array_equal(cold, expected)
    np.testing.assert_array_equal(frozen, expected)
    assert log_z == pytest.approx(18e6 + np.log(2), rel=1e-15)
    # rounding-split ground states of Curie-Weiss still share the beta = inf mass
    pi = boltzmann_distribution(curie_weiss(7), np.inf)
    assert pi[0] == pi[127] == 0.5
    assert thermal_averages(model, np.inf).heat_capacity == 0.0


def test_mean_energy_is_minus_derivative_of_log_z():
    model, beta, step = spin_glass(9, 1), 0.9, 1e-5
    derivative = (log_partition_function(model, beta + step)
                  - log_partition_function(model, beta - step)) / (2 * step)
    assert thermal_averages(model, beta).energy == pytest.approx(-derivative, rel=1e-8)
    assert boltzmann_distribution(model, beta) @ energies(model) == pytest.approx(-derivative, rel=1e-8)


def test_bad_inputs():
    with pytest.raises(ValueError, match="beta must be in"):
        boltzmann_distribution(ring(4), -1.0)
    with pytest.raises(ValueError, match="beta must be finite"):
        log_partition_function(ring(4), np.inf)
    with pytest.raises(TypeError, match="beta must be a real number"):
        thermal_averages(ring(4), None)
    with pytest.raises(TypeError, match="model must be an IsingModel"):
        boltzmann_distribution("ring", 1.0)
