"""Tests of kobold_lib.acceptance: the Glauber and Metropolis rules."""

import warnings

import numpy as np
import pytest

from kobold_lib import glauber_acceptance, metropolis_acceptance
from kobold_lib._validate import check_beta

RULES = [glauber_acceptance, metropolis_acceptance]
DE = np.array([-7.5, -2.0, -0.3, 0.0, 0.3, 2.0, 7.5])


@pytest.mark.parametrize("rule", RULES, ids=["glauber", "metropolis"])
@pytest.mark.parametrize("beta", [0.0, 0.1, 0.44, 1.0, 3.0])
def test_detailed_balance_identity(rule, beta):
    # p(dE) / p(-dE) = exp(-beta dE): the ratio that makes Boltzmann weights balance
    ratio = rule(DE, beta) / rule(-DE, beta)
    np.testing.assert_allclose(ratio, np.exp(-beta * DE), rtol=1e-14)


def test_glauber_closed_form_and_symmetry():
    for beta in (0.2, 1.3):
        p = glauber_acceptance(DE, beta)
        np.testing.assert_allclose(p, 1 / (1 + np.exp(beta * DE)), rtol=1e-15)
        np.testing.assert_allclose(p + glauber_acceptance(-DE, beta), 1.0, rtol=1e-15)


def test_metropolis_closed_form():
    p = metropolis_acceptance(DE, 0.7)
    np.testing.assert_allclose(p, np.minimum(1.0, np.exp(-0.7 * DE)), rtol=1e-15)
    assert np.all(metropolis_acceptance(DE, 0.7) >= glauber_acceptance(DE, 0.7))


def test_limits_beta_zero_and_infinite():
    np.testing.assert_array_equal(glauber_acceptance(DE, 0.0), 0.5)
    np.testing.assert_array_equal(metropolis_acceptance(DE, 0.0), 1.0)
    np.testing.assert_array_equal(glauber_acceptance(DE, np.inf), [1, 1, 1, 0.5, 0, 0, 0])
    np.testing.assert_array_equal(metropolis_acceptance(DE, np.inf), [1, 1, 1, 1, 0, 0, 0])


def test_large_arguments_give_no_warnings_and_exact_limits():
    huge = np.array([-1e300, -1e6, 1e6, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
            g = glauber_acceptance(huge, 50.0)
            m = metropolis_acceptance(huge, 50.0)
            g_inf = glauber_acceptance(huge, np.inf)
    np.testing.assert_array_equal(g, [1, 1, 0, 0])
    np.testing.assert_array_equal(m, [1, 1, 0, 0])
    np.testing.assert_array_equal(g_inf, [1, 1, 0, 0])
    # far tail of Glauber keeps its relative accuracy: p ~ exp(-beta dE)
    assert glauber_acceptance(700.0, 1.0) == pytest.approx(np.exp(-700.0), rel=1e-12)


def test_shapes_and_scalars():
    assert isinstance(glauber_acceptance(1.0, 1.0), float)
    assert isinstance(metropolis_acceptance(-1.0, 1.0), float)
    assert glauber_acceptance(np.zeros((3, 4)), 1.0).shape == (3, 4)
    assert metropolis_acceptance([1.0, 2.0], 1).shape == (2,)


@pytest.mark.parametrize("rule", RULES, ids=["glauber", "metropolis"])
def test_bad_inputs(rule):
    with pytest.raises(ValueError, match="beta must be in"):
        rule(1.0, -0.1)
    with pytest.raises(ValueError, match="beta must be in"):
        rule(1.0, float("nan"))
    with pytest.raises(TypeError, match="beta must be a real number"):
        rule(1.0, "hot")
    with pytest.raises(TypeError, match="beta must be a real number"):
        rule(1.0, True)
    with pytest.raises(ValueError, match="dE must be finite"):
        rule([0.0, np.nan], 1.0)
    with pytest.raises(ValueError, match="dE must be finite"):
        rule(np.inf, 1.0)


def test_check_beta():
    assert check_beta(2) == 2.0 and isinstance(check_beta(np.float32(0.5)), float)
    assert check_beta(np.inf) == np.inf
