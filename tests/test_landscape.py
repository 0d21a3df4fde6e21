"""Tests of kobold_lib.landscape: energy levels, ground states, frustration."""

import itertools
from math import comb

import numpy as np
import pytest

from kobold_lib import (
    curie_weiss,
    energy_levels,
    from_couplings,
    frustrated_triangles,
    ground_states,
    ring,
    spin_glass,
    spins_of_state,
    torus,
    zener,
)


def test_ring_levels_are_domain_wall_counts():
    n = 9
    levels = energy_levels(ring(n))
    walls = np.arange(0, n + 1, 2)
    np.testing.assert_array_equal(levels.energy, -n + 2 * walls)
    np.testing.assert_array_equal(levels.degeneracy, [2 * comb(n, w) for w in walls])
    assert levels.ground_energy == -9 and levels.ground_degeneracy == 2


@pytest.mark.parametrize("side", [2, 3, 4])
def test_torus_ground_states(side):
    n = side * side
    levels = energy_levels(torus(side))
    assert levels.ground_energy == -2 * n and levels.ground_degeneracy == 2
    assert levels.degeneracy.sum() == 2**n
    np.testing.assert_array_equal(ground_states(torus(side)), [0, 2**n - 1])


def test_curie_weiss_levels_group_rounding_ties():
    # J = 1/n is not exact in binary: mirror states differ in the last bits
    n = 7
    levels = energy_levels(curie_weiss(n))
    m = np.arange(n % 2, n + 1, 2)  # |M| values
    np.testing.assert_allclose(levels.energy, (n - m[::-1] ** 2) / (2 * n), atol=1e-12)
    np.testing.assert_array_equal(levels.degeneracy, [2 * comb(n, (n + k) // 2) for k in m[::-1]])
    np.testing.assert_array_equal(ground_states(curie_weiss(n)), [0, 2**n - 1])


def test_zener_and_field_break_the_tie():
    assert list(ground_states(zener(1.5))) == [1]
    assert list(ground_states(zener(-1.5))) == [0]
    model = from_couplings(ring(5).J, h=np.full(5, 0.1))
    assert list(ground_states(model)) == [31]


def test_spin_glass_ground_pair_is_mirror_pair():
    model = spin_glass(10, 3)
    g = ground_states(model)
    assert len(g) == 2 and g[0] ^ g[1] == 2**10 - 1
    # brute force over all states with the direct definition
    spins = spins_of_state(np.arange(2**10), 10).astype(float)
    e = -0.5 * np.einsum("si,ij,sj->s", spins, model.J, spins)
    assert set(np.flatnonzero(e <= e.min() + 1e-9)) == set(g)


def brute_force_triangles(J):
    n = J.shape[0]
    frustrated = total = 0
    for i, j, k in itertools.combinations(range(n), 3):
        product = J[i, j] * J[j, k] * J[i, k]
        if product != 0:
            total += 1
            frustrated += product < 0
    return frustrated, total


def test_frustrated_triangles():
    assert frustrated_triangles(curie_weiss(6)) == (0, 20)
    assert frustrated_triangles(ring(5)) == (0, 0)
    assert frustrated_triangles(ring(3)) == (0, 1)
    antiferro = from_couplings(-ring(3).J)
    assert frustrated_triangles(antiferro) == (1, 1)
    for seed in range(3):
        model = spin_glass(9, seed)
        assert frustrated_triangles(model) == brute_force_triangles(np.asarray(model.J))


def test_bad_inputs():
    with pytest.raises(ValueError, match="atol must be"):
        energy_levels(ring(4), atol=-1.0)
    with pytest.raises(ValueError, match="atol must be"):
        ground_states(ring(4), atol=np.nan)
    with pytest.raises(TypeError, match="atol must be a real number"):
        ground_states(ring(4), atol="small")
    with pytest.raises(TypeError, match="model must be an IsingModel"):
        frustrated_triangles(np.ones((3, 3)))
