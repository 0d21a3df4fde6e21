"""Tests for kobold_lib.figures.phases: each figure draws what it says, and refuses bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kobold_lib as kl  # noqa: E402


@pytest.fixture(scope="module")
def diagram():
    return kl.phase_diagram(kl.torus(3), [0.1, 1.0, 10.0], [0.2, 0.6, 0.9, 0.99], "serial", progress=False)


@pytest.fixture(scope="module")
def trap_diagram():
    trap = kl.from_couplings([[0.0, 1.0], [1.0, 0.0]], [0.3, 0.3], name="trap")
    return kl.phase_diagram(trap, [0.1, 1.0, 10.0], np.linspace(0.1, 0.95, 10), "serial", progress=False)


def test_sorted_values():
    V = np.array([0.0, 3.0, 1.0, 2.0])
    ax = kl.plot_sorted_values({"a": V, "b": 2 * V})
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [3.0, 2.0, 1.0, 0.0])
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0.0, 0.25, 0.5, 0.75])
    ax2 = kl.plot_sorted_values({"b": 2 * V}, normalise=True)
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [1.0, 2 / 3, 1 / 3, 0.0])
    assert "V(s)" in ax.get_ylabel()
    plt.close("all")
    with pytest.raises(TypeError, match="values must be a non-empty dict"):
        kl.plot_sorted_values([V])


def test_mean_values():
    ax = kl.plot_mean_values([0.1, 0.5, 0.9], {"m": [1.0, 2.0, 3.0]})
    assert ax.get_xscale() == "logit"
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="means"):
        kl.plot_mean_values([0.1, 0.5], {"m": [1.0]})
    plt.close("all")


def test_phase_diagram_draws_the_grid_and_the_boundary(diagram, trap_diagram):
    ax = kl.plot_phase_diagram(diagram, "mean_value", marker=(1.0, 0.9))
    mesh = ax.collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(4, 3), diagram.mean_value.T)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "logit"
    assert ax.get_title() == "torus(3)"
    assert len(ax.lines) == 1  # the marker; torus(3) is never wise: no boundary
    ax = kl.plot_phase_diagram(trap_diagram)
    np.testing.assert_array_equal(np.asarray(ax.collections[0].get_array()).reshape(10, 3), trap_diagram.wise_states.T)
    assert len(ax.collections) >= 2  # the mesh and the boundary contour
    plt.close("all")


def test_phase_diagram_bad_inputs(diagram):
    with pytest.raises(TypeError, match="diagram must be a PhaseDiagram"):
        kl.plot_phase_diagram("x")
    with pytest.raises(ValueError, match="statistic must be"):
        kl.plot_phase_diagram(diagram, "wisdom")
    zero = kl.phase_diagram(kl.torus(2), [0.0, 1.0], [0.5], "serial", progress=False)
    with pytest.raises(ValueError, match="betas in"):
        kl.plot_phase_diagram(zero)


def test_policy_point(diagram):
    stats = kl.policy_statistics(kl.torus(3), 1.0, 0.9)
    fig = kl.plot_policy_point(diagram, stats)
    text = fig.axes[1].texts[0].get_text()
    assert "stopping states" in text and f"{stats.n_absorbing:>7d}" in text
    assert fig.axes[0].lines[0].get_xdata()[0] == 1.0
    with pytest.raises(TypeError, match="stats must be"):
        kl.plot_policy_point(diagram, {"beta": 1.0})
    plt.close("all")


def test_traces_and_hitting_times():
    model = kl.torus(3)
    policy = kl.solve(model, 1.0, 0.99).policy
    starts = np.arange(0, 512, 37)
    traces = {
        "kobold": kl.kobold_traces(model, 1.0, policy, starts, 200, seed=1),
        "Metropolis": kl.monte_carlo_traces(model, 1.0, starts, 200, seed=2),
    }
    ax = kl.plot_energy_traces(traces, runs=2)
    assert len(ax.lines) == 2 * 2 + 1  # two runs each, and the ground energy
    assert ax.lines[0].get_color() == kl.DYNAMICS_COLORS["kobold"]
    ax = kl.plot_hitting_times(traces)
    kob = ax.lines[0].get_ydata()
    hits = traces["kobold"].hitting_times
    # survival after t attempts: runs not yet arrived
    assert kob[0] == pytest.approx(np.mean(hits > 0))
    assert kob[-1] == pytest.approx(np.mean(hits < 0))
    plt.close("all")
    unrecorded = {"m": kl.monte_carlo_traces(model, 1.0, starts, 50, seed=3, record=False)}
    with pytest.raises(ValueError, match="was not recorded"):
        kl.plot_energy_traces(unrecorded)
    with pytest.raises(TypeError, match="must be a MonteCarloRuns"):
        kl.plot_hitting_times({"m": 3})
    with pytest.raises(ValueError, match="runs must be"):
        kl.plot_energy_traces(traces, runs=0)
