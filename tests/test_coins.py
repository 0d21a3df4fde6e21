"""kobold_lib.coins against closed forms, brute force and independent computations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import optimize, special, stats

from kobold_lib import coins


# ----------------------------------------------------------------- entropy and price


def test_entropy_bits_matches_scipy_and_special_values():
    p = np.linspace(0.0, 1.0, 101)
    expected = np.array([stats.entropy([q, 1 - q], base=2) for q in p])
    np.testing.assert_allclose(coins.entropy_bits(p), expected, atol=1e-14)
    assert coins.entropy_bits(0.5) == pytest.approx(1.0)
    assert coins.entropy_bits(0.0) == 0.0 and coins.entropy_bits(1.0) == 0.0


def test_price_of_the_two_example_pools():
    assert coins.price(0.2) == pytest.approx(2.0, abs=1e-15)
    assert coins.price(0.1) == pytest.approx(math.log2(9), abs=1e-15)
    assert coins.price(0.1) == pytest.approx(3.1699250014, abs=1e-9)
    assert coins.temperature(0.2) == pytest.approx(0.5)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.37, 0.5, 0.8])
def test_price_is_the_marginal_entropy_of_a_head(p):
    """Finite differences of n H(m/n) and of log2 C(n, m) converge to the price."""
    for n in (10_000, 1_000_000):
        m = round(p * n)
        canonical = n * coins.entropy_bits((m + 1) / n) - n * coins.entropy_bits(m / n)
        microcanonical = coins.log2_binomial(n, m + 1) - coins.log2_binomial(n, m)
        assert microcanonical == pytest.approx(math.log2((n - m) / (m + 1)), abs=1e-6)
        tolerance = 2.0 / (n * min(p, 1 - p))  # both differences are O(1/m) off the derivative
        assert canonical == pytest.approx(coins.price(m / n), abs=tolerance)
        assert microcanonical == pytest.approx(coins.price(m / n), abs=tolerance)


def test_negative_temperature_above_one_half():
    assert coins.price(0.7) < 0
    assert coins.price(0.5) == 0.0
    assert coins.temperature(0.5) == math.inf
    assert coins.price(0.7) == pytest.approx(-coins.price(0.3))


def test_log2_binomial_matches_exact_integers():
    for n, m in [(10, 3), (60, 30), (200, 7)]:
        assert coins.log2_binomial(n, m) == pytest.approx(math.log2(math.comb(n, m)), rel=1e-12)


# -------------------------------------------------------------- Carnot and arbitrage


def test_carnot_numbers_of_the_example():
    assert coins.arbitrage_gain(0.2, 0.1) == pytest.approx(1.16993, abs=1e-5)
    assert coins.heads_moved_per_work(0.2, 0.1) == pytest.approx(1.70951, abs=1e-5)
    eta = coins.carnot_efficiency(0.2, 0.1)
    assert eta == pytest.approx(0.36907, abs=1e-5)
    x = coins.heads_moved_per_work(0.2, 0.1)
    assert eta == pytest.approx(1 / (1 + x), abs=1e-14)
    # T_c / T_h form
    assert eta == pytest.approx(1 - coins.temperature(0.1) / coins.temperature(0.2), abs=1e-14)


def test_entropy_bound_work_solves_the_entropy_balance():
    n_h, n_c, p_h, p_c = 300, 500, 0.2, 0.1
    w = coins.entropy_bound_work(n_h, n_c, p_h, p_c)
    n, k = n_h + n_c, n_h * p_h + n_c * p_c
    s0 = n_h * coins.entropy_bits(p_h) + n_c * coins.entropy_bits(p_c)
    assert n * coins.entropy_bits((k - w) / n) == pytest.approx(s0, abs=1e-8)
    assert 0 < w < k
    # equal temperatures: nothing to extract
    assert coins.entropy_bound_work(100, 100, 0.2, 0.2) == pytest.approx(0.0, abs=1e-6)


def test_bound_efficiency_is_below_carnot_and_tends_to_the_reservoir_closed_form():
    """Full equilibration of a small hot pool against an ever larger cold pool.

    The efficiency (work per head leaving the hot pool) stays below Carnot. A finite
    cold pool warms up, so the hot pool stops early and gives only its hottest heads: the
    efficiency falls as the cold pool grows, towards the reservoir value. When the cold
    pool is a reservoir at price beta_c, the hot pool ends at p_c, its Q = n_h (p_h - p_c)
    heads leave, the reservoir must absorb the entropy the hot pool loses, and
    W = Q - n_h (H(p_h) - H(p_c)) / beta_c: an independent closed form.
    """
    p_h, p_c, n_h = 0.2, 0.1, 1000
    carnot = coins.carnot_efficiency(p_h, p_c)
    efficiencies = []
    for n_c in (10**3, 10**5, 10**8):
        w = coins.entropy_bound_work(n_h, n_c, p_h, p_c)
        p_final = (n_h * p_h + n_c * p_c - w) / (n_h + n_c)
        efficiencies.append(w / (n_h * (p_h - p_final)))
    assert all(e < carnot for e in efficiencies)
    assert efficiencies[0] > efficiencies[1] > efficiencies[2]
    q = n_h * (p_h - p_c)
    w_reservoir = q - n_h * (coins.entropy_bits(p_h) - coins.entropy_bits(p_c)) / coins.price(p_c)
    assert efficiencies[-1] == pytest.approx(w_reservoir / q, rel=1e-5)
    # and as the hot pool's temperature approaches the reservoir's, each head leaves at
    # nearly the same price: the efficiency relative to Carnot tends to 1/2 (the average
    # of a Carnot efficiency falling linearly to zero as the hot pool cools)
    p_h2 = 0.1001
    q2 = n_h * (p_h2 - p_c)
    w2 = q2 - n_h * (coins.entropy_bits(p_h2) - coins.entropy_bits(p_c)) / coins.price(p_c)
    assert (w2 / q2) / coins.carnot_efficiency(p_h2, p_c) == pytest.approx(0.5, abs=1e-3)


# --------------------------------------------------------------- the exact engine


def _configs_by_sector(n_h, n_c, p_h, p_c):
    """All pool configurations grouped by total heads, with their probabilities."""
    sectors: dict[int, list[float]] = {}
    for bits in itertools.product((0, 1), repeat=n_h + n_c):
        a, b = sum(bits[:n_h]), sum(bits[n_h:])
        prob = p_h**a * (1 - p_h) ** (n_h - a) * p_c**b * (1 - p_c) ** (n_c - b)
        sectors.setdefault(a + b, []).append(prob)
    return sectors


def brute_force_success(n_h, n_c, work, p_h, p_c):
    """Best success over every choice of which initial configurations reach success.

    A head-conserving bijection maps sector k (k heads in the pools, work coins tails)
    into the same sector of the joint system, where exactly C(n, k - work) states have
    all work coins heads. Any subset of that size of the initial configurations can be
    sent there, so we try every subset (exhaustive, no greedy assumption).
    """
    n = n_h + n_c
    total = 0.0
    for k, probs in _configs_by_sector(n_h, n_c, p_h, p_c).items():
        capacity = math.comb(n, k - work) if k >= work else 0
        if capacity >= len(probs):
            total += sum(probs)
            continue
        total += max((sum(probs[i] for i in subset) for subset in itertools.combinations(range(len(probs)), capacity)), default=0.0)
    return total


def brute_force_all_bijections(n_h, n_c, work, p_h, p_c):
    """Literally every head-conserving permutation of the joint states (tiny sizes only)."""
    n_total = n_h + n_c + work
    states = list(itertools.product((0, 1), repeat=n_total))

    def prob(state):
        pools, work_coins = state[: n_h + n_c], state[n_h + n_c :]
        if any(work_coins):
            return 0.0
        a, b = sum(pools[:n_h]), sum(pools[n_h:])
        return p_h**a * (1 - p_h) ** (n_h - a) * p_c**b * (1 - p_c) ** (n_c - b)

    sectors = {}
    for s in states:
        sectors.setdefault(sum(s), []).append(s)
    best_total = 0.0
    for sector in sectors.values():
        best = 0.0
        for perm in itertools.permutations(sector):
            value = sum(prob(src) for src, dst in zip(sector, perm) if all(dst[n_h + n_c :]))
            best = max(best, value)
        best_total += best
    return best_total


@pytest.mark.parametrize(
    "n_h, n_c, work, p_h, p_c",
    [
        (2, 2, 1, 0.2, 0.1),
        (3, 2, 1, 0.3, 0.1),
        (2, 3, 2, 0.4, 0.05),
        (3, 3, 1, 0.2, 0.1),
        (1, 4, 1, 0.1, 0.3),  # the 'hot' pool is the colder one: roles swap
        (4, 2, 2, 0.25, 0.25),  # equal temperatures
        (3, 2, 0, 0.2, 0.1),
        (2, 2, 5, 0.2, 0.1),  # more work than heads can ever supply
    ],
)
def test_engine_matches_brute_force(n_h, n_c, work, p_h, p_c):
    expected = brute_force_success(n_h, n_c, work, p_h, p_c)
    assert coins.engine_success_probability(n_h, n_c, work, p_h, p_c) == pytest.approx(expected, abs=1e-12)


def test_engine_matches_every_bijection_for_the_smallest_pools():
    for n_h, n_c, work in [(1, 1, 1), (1, 2, 1), (2, 1, 1)]:
        expected = brute_force_all_bijections(n_h, n_c, work, 0.3, 0.1)
        assert coins.engine_success_probability(n_h, n_c, work, 0.3, 0.1) == pytest.approx(expected, abs=1e-12)


def dense_success(n_h, n_c, work, p_h, p_c):
    """Independent O(n^2 log n) computation: tabulate every (k, a) group and sort it."""
    n = n_h + n_c
    total = 0.0
    for k in range(n + 1):
        a = np.arange(max(0, k - n_c), min(n_h, k) + 1)
        if a.size == 0:
            continue
        b = k - a
        log_count = special.gammaln(n_h + 1) - special.gammaln(a + 1) - special.gammaln(n_h - a + 1)
        log_count += special.gammaln(n_c + 1) - special.gammaln(b + 1) - special.gammaln(n_c - b + 1)
        log_each = a * np.log(p_h) + (n_h - a) * np.log1p(-p_h) + b * np.log(p_c) + (n_c - b) * np.log1p(-p_c)
        order = np.argsort(-log_each, kind="stable")
        counts = np.exp(log_count[order])
        each = np.exp(log_each[order])
        capacity = math.comb(n, k - work) if k >= work else 0
        taken = np.minimum(counts, np.maximum(capacity - np.concatenate(([0.0], np.cumsum(counts)[:-1])), 0.0))
        total += float(np.sum(taken * each))
    return total


@pytest.mark.parametrize("n_h, n_c, p_h, p_c", [(60, 40, 0.2, 0.1), (50, 90, 0.3, 0.05), (80, 80, 0.45, 0.2)])
def test_engine_matches_an_independent_dense_computation(n_h, n_c, p_h, p_c):
    bound = coins.entropy_bound_work(n_h, n_c, p_h, p_c)
    for work in sorted({0, 1, int(bound * 0.5), int(bound), int(bound * 1.5) + 1}):
        ours = coins.engine_success_probability(n_h, n_c, work, p_h, p_c)
        assert ours == pytest.approx(dense_success(n_h, n_c, work, p_h, p_c), abs=1e-10)


def test_success_falls_with_work_and_max_work_is_the_threshold():
    n_h = n_c = 400
    eps = 1e-2
    successes = [coins.engine_success_probability(n_h, n_c, w, 0.2, 0.1) for w in range(0, 12)]
    assert all(a >= b - 1e-15 for a, b in zip(successes, successes[1:]))
    w = coins.max_work(n_h, n_c, eps, 0.2, 0.1)
    assert coins.engine_failure_probability(n_h, n_c, w, 0.2, 0.1) <= eps
    assert coins.engine_failure_probability(n_h, n_c, w + 1, 0.2, 0.1) > eps


def test_max_work_per_coin_converges_to_the_entropy_bound():
    gaps = []
    for n in (1_000, 10_000, 50_000):
        w = coins.max_work(n, n, 1e-3, 0.2, 0.1)
        bound = coins.entropy_bound_work(n, n, 0.2, 0.1)
        assert w <= bound + 1
        gaps.append((bound - w) / (2 * n))
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert gaps[-1] < 0.15 * coins.entropy_bound_work(1, 1, 0.2, 0.1) / 2 + 1e-3


def test_equilibrium_price_maximises_total_entropy():
    n = np.array([100, 300, 50])
    p = np.array([0.05, 0.2, 0.4])
    beta_star, p_star = coins.equilibrium_price(n, p)
    total_heads = float(n @ p)

    def negative_entropy(m):
        return -float(np.sum(n * coins.entropy_bits(np.clip(m / n, 1e-12, 1 - 1e-12))))

    result = optimize.minimize(
        negative_entropy,
        x0=n * p,
        constraints=[{"type": "eq", "fun": lambda m: m.sum() - total_heads}],
        bounds=[(1e-9, ni - 1e-9) for ni in n],
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert result.success
    np.testing.assert_allclose(result.x / n, p_star, atol=1e-5)
    np.testing.assert_allclose(coins.price(result.x / n), beta_star, atol=1e-4)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_price_rejects_probabilities_outside_the_open_interval(bad):
    with pytest.raises(ValueError, match=r"p must be a probability in \(0, 1\)"):
        coins.price(bad)


def test_entropy_rejects_probabilities_outside_the_closed_interval():
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\]"):
        coins.entropy_bits(1.2)


def test_engine_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_hot"):
        coins.engine_success_probability(-1, 3, 1, 0.2, 0.1)
    with pytest.raises(ValueError, match="work"):
        coins.engine_success_probability(3, 3, -2, 0.2, 0.1)
    with pytest.raises(TypeError, match="n_cold"):
        coins.engine_success_probability(3, 2.5, 1, 0.2, 0.1)
    with pytest.raises(ValueError, match="p_hot"):
        coins.engine_success_probability(3, 3, 1, 1.2, 0.1)
    with pytest.raises(ValueError, match=r"eps .* must be in \(0, 1\)"):
        coins.max_work(10, 10, 0.0, 0.2, 0.1)
    with pytest.raises(ValueError, match=r"eps .* must be in \(0, 1\)"):
        coins.max_work(10, 10, 1.0, 0.2, 0.1)
    with pytest.raises(ValueError, match="p_hot must exceed p_cold"):
        coins.carnot_efficiency(0.1, 0.2)
