"""kobold_lib.max_entropy against closed forms and an independent optimiser over q."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import optimize

import kobold_lib as kl


def configurations(n):
    return np.array(list(itertools.product((0, 1), repeat=n)))


@pytest.mark.parametrize("n, p", [(3, 0.2), (5, 0.35), (6, 0.7)])
def test_coin_pool_is_independent_coins_at_the_price(n, p):
    configs = configurations(n)
    k = configs.sum(axis=1)
    res = kl.max_entropy(k, n * p)
    np.testing.assert_allclose(res.q, p**k * (1 - p) ** (n - k), rtol=1e-10, atol=1e-14)
    assert res.beta[0] == pytest.approx(kl.price(p), abs=1e-9)
    assert res.entropy_bits == pytest.approx(n * kl.entropy_bits(p), abs=1e-10)
    assert res.residual < 1e-10


@pytest.mark.parametrize("mu", [0.1, 0.4, 1.0, 1.7])
def test_three_level_unit_closed_form(mu):
    # q(j) proportional to x**j with (2 - mu) x^2 + (1 - mu) x - mu = 0, x = 2**-beta
    x = (-(1 - mu) + np.sqrt((1 - mu) ** 2 + 4 * mu * (2 - mu))) / (2 * (2 - mu))
    expected = np.array([1, x, x * x]) / (1 + x + x * x)
    res = kl.max_entropy(np.array([0.0, 1.0, 2.0]), mu)
    np.testing.assert_allclose(res.q, expected, rtol=1e-10)
    assert res.beta[0] == pytest.approx(-np.log2(x), abs=1e-9)


def test_two_constraints_against_slsqp_over_q():
    configs = configurations(4)
    features = np.column_stack([configs.sum(axis=1), configs[:, 0]])
    targets = np.array([1.3, 0.45])
    res = kl.max_entropy(features, targets)

    def neg_entropy(q):
        q = np.clip(q, 1e-300, None)
        return np.sum(q * np.log2(q))

    cons = [{"type": "eq", "fun": lambda q: q.sum() - 1}]
    cons += [{"type": "eq", "fun": lambda q, j=j: q @ features[:, j] - targets[j]} for j in range(2)]
    ref = optimize.minimize(neg_entropy, np.full(16, 1 / 16), method="SLSQP",
                            bounds=[(0, 1)] * 16, constraints=cons,
                            options={"ftol": 1e-14, "maxiter": 500})
    np.testing.assert_allclose(res.q, ref.x, atol=1e-6)
    assert res.entropy_bits == pytest.approx(-ref.fun, abs=1e-8)
    np.testing.assert_allclose(res.q @ features, targets, atol=1e-10)


def test_multiplier_is_the_slope_of_the_entropy():
    features = np.array([0.0, 1.0, 2.0, 5.0])
    delta = 1e-5
    up = kl.max_entropy(features, 1.5 + delta).entropy_bits
    down = kl.max_entropy(features, 1.5 - delta).entropy_bits
    beta = kl.max_entropy(features, 1.5).beta[0]
    assert (up - down) / (2 * delta) == pytest.approx(beta, abs=1e-6)


@pytest.mark.parametrize(
    "features, targets, match",
    [
        (np.arange(4.0), 0.0, r"targets\[0\] must lie strictly inside"),
        (np.arange(4.0), 3.5, r"targets\[0\] must lie strictly inside"),
        (np.arange(4.0), [1.0, 2.0], "one value per feature column"),
        (np.array([1.0]), 1.0, "n_states >= 2"),
        (np.array([0.0, np.nan, 1.0]), 0.5, "finite"),
        # each column alone is feasible, together they are not: x0 = x1 always, means differ
        (np.column_stack([np.arange(3.0), np.arange(3.0)]), [0.5, 1.5], "convex hull"),
    ],
)
def test_bad_input(features, targets, match):
    with pytest.raises(ValueError, match=match):
        kl.max_entropy(features, targets)
