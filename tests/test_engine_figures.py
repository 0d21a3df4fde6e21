"""Tests for kobold_lib.carnot (and its figure in kobold_lib.figures.coins): the work-versus-efficiency curve of two pools."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kobold_lib import (  # noqa: E402
    EfficiencyCurve,
    efficiency_curve,
    entropy_bound_work,
    plot_efficiency,
    transfer_work_bound,
)

POOLS = [(1000, 1000, 0.2, 0.1), (50, 2000, 0.3, 0.05), (3000, 40, 0.45, 0.2), (7, 11, 0.25, 0.15)]


def _h(p):
    return 0.0 if p in (0.0, 1.0) else -p * math.log2(p) - (1 - p) * math.log2(1 - p)


def _carnot(p_h, p_c):
    # written out independently of the library
    return 1.0 - math.log2((1 - p_h) / p_h) / math.log2((1 - p_c) / p_c)


@pytest.mark.parametrize("n_h, n_c, p_h, p_c", POOLS)
def test_small_transfers_reach_carnot(n_h, n_c, p_h, p_c):
    q = 1e-5 * n_h * p_h
    eta = transfer_work_bound(n_h, n_c, q, p_h, p_c) / q
    assert eta == pytest.approx(_carnot(p_h, p_c), rel=1e-3)


@pytest.mark.parametrize("n_h, n_c, p_h, p_c", POOLS)
def test_work_never_beats_carnot_and_balances_entropy(n_h, n_c, p_h, p_c):
    curve = efficiency_curve(n_h, n_c, p_h, p_c, num=60)
    assert np.all(curve.efficiency <= _carnot(p_h, p_c) + 1e-9)
    s0 = n_h * _h(p_h) + n_c * _h(p_c)
    for q, w in zip(curve.heads_out[:-1], curve.work[:-1]):
        # the returned W makes the final maximum entropy exactly the initial entropy
        s1 = n_h * _h((n_h * p_h - q) / n_h) + n_c * _h((n_c * p_c + q - w) / n_c)
        assert s1 == pytest.approx(s0, rel=1e-10, abs=1e-9)


@pytest.mark.parametrize("n_h, n_c, p_h, p_c", POOLS)
def test_full_equilibration_is_the_largest_work(n_h, n_c, p_h, p_c):
    curve = efficiency_curve(n_h, n_c, p_h, p_c, num=20)
    q_eq = curve.q_equilibrium
    w_at_eq = transfer_work_bound(n_h, n_c, q_eq, p_h, p_c)
    assert w_at_eq == pytest.approx(entropy_bound_work(n_h, n_c, p_h, p_c), rel=1e-8)
    for q in (0.9 * q_eq, 0.99 * q_eq):
        assert transfer_work_bound(n_h, n_c, q, p_h, p_c) <= w_at_eq + 1e-9
    for q in (min(1.01 * q_eq, n_h * p_h), min(1.1 * q_eq, n_h * p_h)):
        # beyond equilibrium the work falls again, or the cold pool cannot absorb the entropy
        try:
            assert transfer_work_bound(n_h, n_c, q, p_h, p_c) <= w_at_eq + 1e-9
        except ValueError as err:
            assert "cannot leave the hot pool" in str(err)
    assert np.all(np.diff(curve.work) > 0)
    assert np.all(np.diff(curve.efficiency) < 0)


def test_cold_reservoir_limit_closed_form():
    # finite hot pool, huge cold pool, full equilibration: the hot pool falls to p_c and
    # the efficiency is 1 - (H(p_h) - H(p_c)) / (beta_c (p_h - p_c)), below Carnot
    p_h, p_c = 0.2, 0.1
    curve = efficiency_curve(100, 10**7, p_h, p_c, num=5)
    beta_c = math.log2((1 - p_c) / p_c)
    expected = 1.0 - (_h(p_h) - _h(p_c)) / (beta_c * (p_h - p_c))
    assert curve.efficiency_equilibrium == pytest.approx(expected, rel=1e-4)
    assert expected < _carnot(p_h, p_c)


def test_curve_type_and_shapes():
    curve = efficiency_curve(100, 200, 0.2, 0.1, num=17)
    assert isinstance(curve, EfficiencyCurve)
    assert curve.heads_out.shape == curve.work.shape == curve.efficiency.shape == (17,)
    assert curve.heads_out[-1] == pytest.approx(curve.q_equilibrium)
    with pytest.raises(AttributeError):
        curve.carnot = 1.0


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        (dict(n_hot=0), ValueError, "n_hot"),
        (dict(n_cold=2.5), TypeError, "n_cold"),
        (dict(p_hot=0.6), ValueError, "p_hot"),
        (dict(p_cold=0.0), ValueError, "p_cold"),
        (dict(p_hot=0.1, p_cold=0.2), ValueError, "p_hot"),
        (dict(q=-1.0), ValueError, "q"),
        (dict(q=1e6), ValueError, "q"),
        (dict(q="1"), TypeError, "q"),
    ],
)
def test_bad_inputs(kwargs, exc, word):
    args = dict(n_hot=100, n_cold=100, q=1.0, p_hot=0.2, p_cold=0.1)
    args.update(kwargs)
    with pytest.raises(exc, match=word):
        transfer_work_bound(**args)


def test_bad_num():
    with pytest.raises(ValueError, match="num"):
        efficiency_curve(10, 10, 0.2, 0.1, num=1)


def test_cold_pool_too_small_to_absorb():
    # 1 cold coin cannot hold the entropy the hot pool loses when it gives up all its heads
    with pytest.raises(ValueError, match="q"):
        transfer_work_bound(100, 1, 20.0, 0.2, 0.1)


def test_plot_efficiency_draws():
    fig, ax = plt.subplots()
    out = plot_efficiency(200, 300, 0.25, 0.1, ax=ax, num=30)
    assert out is ax
    curve = efficiency_curve(200, 300, 0.25, 0.1, num=30)
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), curve.efficiency)
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
    ax2 = plot_efficiency()
    assert len(ax2.get_lines()) == 3
    plt.close(ax2.figure)
