"""Tests of kobold_lib.dynamics: Monte Carlo chains against exact Boltzmann averages.

The engine's other uses (random-site runs from given starts, and the kobold) are tested
against exact hitting times in test_trajectories.py; below, every site order is also
checked against the exact Markov chain of :mod:`kobold_lib.kinetics` and
:func:`kobold_lib.transition_matrix`.
"""

import numba
import numpy as np
import pytest
from scipy import stats

import kobold_lib as kl

from kobold_lib import (
    batch_means,
    boltzmann_distribution,
    curie_weiss,
    energies,
    evolve_distribution,
    magnetizations,
    monte_carlo,
    ring,
    spin_glass,
    thermal_averages,
    torus,
    glauber_transition_matrix,
    zener,
)

# (model, beta): small enough to tabulate exactly, hot enough to mix in 10**5 sweeps
CASES = [(ring(8), 0.6), (torus(3), 0.3), (curie_weiss(10), 0.8), (spin_glass(10, 4), 1.0)]


# sequential Metropolis is not ergodic on the ring and the torus (integer couplings):
# see test_sequential_metropolis_time_average_depends_on_start and test_kinetics
RUNS = [
    (model, beta, rule, order)
    for model, beta in CASES
    for rule in ("glauber", "metropolis")
    for order in ("random", "sequential")
    if not (rule == "metropolis" and order == "sequential" and model.name[:4] in ("ring", "toru"))
]


@pytest.mark.parametrize("model,beta,rule,site_order", RUNS,
                         ids=[f"{m.name}-{r}-{o}" for m, _, r, o in RUNS])
def test_monte_carlo_averages_match_exact_boltzmann(model, beta, rule, site_order):
    # record once per sweep; batch means over 40 batches of 500 sweeps absorb the
    # autocorrelation (far shorter than a batch at these temperatures)
    trace = monte_carlo(model, beta, 20_500 * model.n, rng=2024, rule=rule,
                        site_order=site_order, record_every=model.n)
    burn = 500
    exact = thermal_averages(model, beta)
    for samples, target in [
        (trace.energy[burn:], exact.energy),
        (np.abs(trace.magnetization[burn:]), exact.abs_magnetization),
        (trace.magnetization[burn:] ** 2, exact.magnetization_squared),
    ]:
        mean, error = batch_means(samples, n_batches=40)
        assert error > 0
        assert abs(mean - target) < 5 * error, (mean, target, error)


def test_sequential_metropolis_time_average_depends_on_start():
    # the exact sweep matrix of ring(8) has four closed classes (test_kinetics); a
    # single run stays in its class and misses the Boltzmann average
    model, beta = ring(8), 0.6
    exact = thermal_averages(model, beta).energy
    means = []
    for start in (0, 0b01010101):
        trace = monte_carlo(model, beta, 8 * 20_000, rule="metropolis", rng=1, start_state=start,
                                 site_order="sequential", record_every=8)
        mean, error = batch_means(trace.energy[100:], n_batches=40)
        assert abs(mean - exact) > 20 * error
        means.append(mean)
    assert means[0] < exact < means[1]


def test_zener_occupation_matches_boltzmann():
    model, beta = zener(0.5), 1.0
    trace = monte_carlo(model, beta, 400_000, rule="glauber", rng=7)
    up = (trace.magnetization > 0).astype(float)
    mean, error = batch_means(up, n_batches=50)
    pi_up = boltzmann_distribution(model, beta)[1]
    assert abs(mean - pi_up) < 5 * error and error < 0.01
    # single spin: every step proposes the only spin; acceptance = average flip rate
    p_up_to_down = 1 / (1 + np.exp(2 * beta * 0.5))
    expected_rate = pi_up * p_up_to_down * 2  # flux up->down equals flux down->up
    assert trace.acceptance_rate == pytest.approx(expected_rate, abs=5 * np.sqrt(expected_rate / 4e5))


def test_relaxation_from_hot_start_matches_exact_evolution():
    # many independent short runs: their average energy after t steps is the exact
    # p_t . E with p_0 uniform (the hot start) and p_{t+1} = p_t P
    model, beta, steps, runs = torus(3), 0.6, 90, 3000
    rng = np.random.default_rng(11)
    samples = np.array([
        monte_carlo(model, beta, steps, rule="glauber", rng=rng, record_every=9).energy for _ in range(runs)
    ])
    P = glauber_transition_matrix(model, beta, "glauber")
    p0 = np.full(model.n_states, 1 / model.n_states)
    exact = evolve_distribution(P, p0, steps, record_every=9) @ energies(model)
    mean = samples.mean(axis=0)
    error = samples.std(axis=0, ddof=1) / np.sqrt(runs)
    assert np.all(np.abs(mean - exact) < 5 * error)
    assert exact[-1] < exact[0] - 3  # it really relaxes within the window


def test_trace_is_consistent_with_final_state_and_tables():
    model = spin_glass(9, 1)
    e, m = energies(model), magnetizations(model)
    for rule in ("glauber", "metropolis"):
        for order in ("random", "sequential"):
            trace = monte_carlo(model, 0.7, 200_003, rng=5, rule=rule, site_order=order,
                                start_state=77)
            assert trace.energy[0] == pytest.approx(e[77], abs=1e-12)
            assert trace.magnetization[0] == m[77]
            assert trace.energy[-1] == pytest.approx(e[trace.final_state], abs=1e-9)
            assert trace.magnetization[-1] == m[trace.final_state]
            steps = np.abs(np.diff(trace.magnetization))
            assert set(np.unique(steps)) <= {0.0, 2.0}
            assert trace.n_accepted[0] == np.count_nonzero(steps) == trace.n_accepted.sum()
            assert trace.n_attempts[0] == 200_003
            assert trace.steps[-1] == 200_003 and trace.steps.size == 200_004


def test_record_every_and_sweeps():
    model = ring(6)
    trace = monte_carlo(model, 1.0, 61, rule="glauber", rng=3, record_every=6)
    np.testing.assert_array_equal(trace.steps, np.arange(11) * 6)
    np.testing.assert_array_equal(trace.sweeps, np.arange(11))
    full = monte_carlo(model, 1.0, 61, rule="glauber", rng=3, record_every=1)
    np.testing.assert_array_equal(full.energy[::6], trace.energy)
    assert full.final_state == trace.final_state


def test_reproducible_and_seed_forms_agree():
    model = torus(3)
    a = monte_carlo(model, 0.5, 10_000, rule="metropolis", rng=99)
    b = monte_carlo(model, 0.5, 10_000, rule="metropolis", rng=np.random.default_rng(99))
    c = monte_carlo(model, 0.5, 10_000, rule="metropolis", rng=100)
    np.testing.assert_array_equal(a.energy, b.energy)
    assert a.final_state == b.final_state
    assert not np.array_equal(a.energy, c.energy)
    # blocks of random numbers do not change the chain: one long run == same seed
    long = monte_carlo(model, 0.5, 150_000, rng=1)
    assert long.energy.size == 150_001


def test_limits():
    model = ring(10)
    cold = monte_carlo(model, np.inf, 5000, rule="glauber", rng=1)
    assert np.all(np.diff(cold.energy) <= 0)  # never uphill at zero temperature
    free = monte_carlo(model, 0.0, 5000, rule="metropolis", rng=1)
    assert free.acceptance_rate == 1.0
    coin = monte_carlo(model, 0.0, 100_000, rule="glauber", rng=1)
    assert coin.acceptance_rate == pytest.approx(0.5, abs=0.01)
    empty = monte_carlo(model, 1.0, 0, rule="glauber", rng=1, start_state=5)
    assert empty.final_state == 5 and empty.energy.size == 1 and np.isnan(empty.acceptance_rate)


def test_runs_beyond_tabulation():
    # 36 spins: no 2**N table, the chain only keeps local fields
    trace = monte_carlo(torus(6), 2.0, 36 * 200, rule="glauber", rng=4, start_state=0, record_every=36)
    assert trace.energy[0] == -72.0 and trace.energy.min() >= -72.0
    assert np.all(trace.energy > -72.0 - 1e-9)


def test_batch_means_error_bar():
    rng = np.random.default_rng(0)
    iid = rng.normal(size=100_000)
    mean, error = batch_means(iid, n_batches=50)
    assert error == pytest.approx(1 / np.sqrt(1e5), rel=0.3)
    # AR(1) with phi = 0.9: true error of the mean is sqrt((1+phi)/(1-phi)) / sqrt(n)
    phi, n = 0.9, 200_000
    noise = rng.normal(size=n) * np.sqrt(1 - phi**2)
    x = np.empty(n)
    x[0] = rng.normal()
    for t in range(1, n):
        x[t] = phi * x[t - 1] + noise[t]
    mean, error = batch_means(x, n_batches=40)
    assert error == pytest.approx(np.sqrt((1 + phi) / (1 - phi) / n), rel=0.35)


def test_bad_inputs():
    model = ring(5)
    with pytest.raises(TypeError, match="rng"):
        monte_carlo(model, 1.0, 10)
    with pytest.raises(TypeError, match="rng must be a non-negative integer seed or a numpy.random.Generator"):
        monte_carlo(model, 1.0, 10, rng="seed")
    with pytest.raises(ValueError, match="rng must be a non-negative integer seed"):
        monte_carlo(model, 1.0, 10, rng=-1)
    with pytest.raises(ValueError, match="rule must be one of"):
        monte_carlo(model, 1.0, 10, rng=1, rule="wolff")
    with pytest.raises(ValueError, match="site_order must be one of"):
        monte_carlo(model, 1.0, 10, rng=1, site_order="checkerboard")
    with pytest.raises(ValueError, match="site_order must be one of 'random', 'sequential'"):
        monte_carlo(model, 1.0, 10, rng=1, site_order="policy")  # a policy needs kobold_traces
    with pytest.raises(ValueError, match=r"start_state must be in \[0, 2\*\*5\)"):
        monte_carlo(model, 1.0, 10, rng=1, start_state=32)
    with pytest.raises(TypeError, match="start_state must be an integer"):
        monte_carlo(model, 1.0, 10, rng=1, start_state=1.5)
    with pytest.raises(ValueError, match="n_steps must be >= 0"):
        monte_carlo(model, 1.0, -3, rng=1)
    with pytest.raises(TypeError, match="n_steps must be an integer"):
        monte_carlo(model, 1.0, 1e3, rng=1)
    with pytest.raises(ValueError, match="record_every must be >= 1"):
        monte_carlo(model, 1.0, 10, rng=1, record_every=0)
    with pytest.raises(ValueError, match="beta must be in"):
        monte_carlo(model, -1.0, 10, rng=1)
    with pytest.raises(TypeError, match="model must be an IsingModel"):
        monte_carlo(None, 1.0, 10, rng=1)
    with pytest.raises(ValueError, match=r"needs \d+ bytes"):
        monte_carlo(model, 1.0, 10**15, rng=1)
    with pytest.raises(ValueError, match="n_batches"):
        batch_means(np.arange(5.0), n_batches=10)
    with pytest.raises(ValueError, match="n_batches must be >= 2"):
        batch_means(np.arange(5.0), n_batches=1)
    with pytest.raises(ValueError, match="samples must be finite"):
        batch_means([1.0, np.nan, 2.0, 3.0])


# ------------------------------------------------- one engine for chains and kobolds


def _final_state_test(final_states, p_exact, what):
    """Chi-square test of sampled final states against the exact distribution."""
    counts = np.bincount(final_states, minlength=p_exact.size)
    expected = p_exact * final_states.size
    big = expected >= 5  # pool the rare states into one cell
    observed = np.append(counts[big], counts[~big].sum())
    expected = np.append(expected[big], expected[~big].sum())
    if expected[-1] < 5:
        observed, expected = observed[:-1], expected[:-1]
        expected *= observed.sum() / expected.sum()
    assert observed.size >= 3, (what, "too few states to test")
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    p_value = stats.chi2.sf(chi2, observed.size - 1)
    assert p_value > 1e-6, (what, chi2, observed.size - 1, p_value)


@pytest.mark.parametrize("dynamics", ["kobold", "glauber", "metropolis", "glauber-sequential", "metropolis-sequential"])
def test_every_dynamics_follows_its_exact_markov_chain(dynamics):
    # after t attempts from a fixed start, the state of a run is distributed as
    # e_start P^t, with P the exact one-attempt matrix of its dynamics: the kobold's
    # (policy.transition_matrix), the random-site chain's (kinetics), or for sequential
    # sites the product of the single-site matrices in the order the sweep visits them
    model, beta, t, runs = kl.spin_glass(6, seed=4), 0.8, 15, 20_000
    policy = kl.solve(model, beta, 0.95).policy
    start = int(np.argmax(kl.tree_depth(policy)))  # the kobold's longest path
    assert kl.tree_depth(policy)[start] >= 3
    p0 = np.zeros(model.n_states)
    p0[start] = 1.0
    rule, _, order = dynamics.partition("-")
    if dynamics == "kobold":
        t = 4  # mid-way down its path: most runs have not yet arrived
        P = kl.transition_matrix(model, beta, policy)
        result = kl.kobold_traces(model, beta, policy, np.full(runs, start), t, seed=3)
        finals, energy = result.final_states, result.energies
        path = kl.evolve_distribution(P, p0, t)
    elif not order:
        P = kl.glauber_transition_matrix(model, beta, rule)
        result = kl.monte_carlo_traces(model, beta, np.full(runs, start), t, seed=4, rule=rule)
        finals, energy = result.final_states, result.energies
        path = kl.evolve_distribution(P, p0, t)
    else:  # one chain per call: the sequential order lives in monte_carlo
        rng = np.random.default_rng(5)
        chains = [kl.monte_carlo(model, beta, t, rng=rng, rule=rule, start_state=start, site_order="sequential")
                  for _ in range(runs // 4)]
        finals = np.array([c.final_state for c in chains])
        energy = np.array([c.energy for c in chains])
        path = [p0]
        for step in range(t):
            path.append(kl.glauber_transition_matrix(model, beta, rule, site=step % model.n).T @ path[-1])
        path = np.array(path)
    _final_state_test(finals, path[-1], dynamics)
    exact_energy = path @ kl.energies(model)
    mean = energy.mean(axis=0)
    error = energy.std(axis=0, ddof=1) / np.sqrt(energy.shape[0])
    assert np.all(np.abs(mean - exact_energy) <= 5 * error + 1e-12), (mean - exact_energy) / (error + 1e-300)
    assert exact_energy[-1] < exact_energy[0] - 1.0  # the runs really move


def test_a_chain_and_a_run_from_a_start_are_the_same_computation():
    # monte_carlo and monte_carlo_traces draw one stream seed from the same Generator
    # and run the same kernel: the same chain, step for step, and the same record type
    model = kl.spin_glass(8, seed=2)
    for rule in kl.RULES:
        chain = kl.monte_carlo(model, 0.9, 3000, rng=np.random.default_rng(21), rule=rule, start_state=77)
        runs = kl.monte_carlo_traces(model, 0.9, [77], 3000, seed=np.random.default_rng(21), rule=rule)
        assert type(chain) is type(runs) is kl.MonteCarloRuns
        assert kl.MonteCarloTrace is kl.EnergyTraces is kl.MonteCarloRuns
        np.testing.assert_array_equal(chain.energy, runs.energies[0])
        np.testing.assert_array_equal(chain.magnetization, runs.magnetizations[0])
        assert chain.final_state == runs.final_states[0]
        assert chain.n_accepted[0] == runs.n_accepted[0]
        np.testing.assert_array_equal(chain.steps, runs.steps)
        assert np.isnan(chain.e_min) and chain.hitting_times.tolist() == [-1]
        assert runs.e_min == pytest.approx(kl.energies(model).min())


def test_magnetisation_and_energy_records_match_the_tables():
    model = kl.torus(3)
    e, m = kl.energies(model), kl.magnetizations(model)
    policy = kl.solve(model, 1.0, 0.9).policy
    starts = np.arange(0, 512, 7)
    for runs in (kl.kobold_traces(model, 1.0, policy, starts, 40, seed=1),
                 kl.monte_carlo_traces(model, 1.0, starts, 40, seed=1, rule="glauber")):
        np.testing.assert_array_equal(runs.magnetizations[:, -1], m[runs.final_states])
        np.testing.assert_allclose(runs.energies[:, -1], e[runs.final_states], atol=1e-9)
        flips = np.count_nonzero(np.diff(runs.magnetizations, axis=1), axis=1)
        np.testing.assert_array_equal(flips, runs.n_accepted)
        assert np.all(runs.n_attempts <= 40) and 0 < runs.acceptance_rate < 1


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
def test_results_do_not_depend_on_the_number_of_threads():
    model = kl.spin_glass(9, seed=3)
    policy = kl.solve(model, 1.0, 0.9).policy
    starts = np.arange(0, 512, 3)
    previous = numba.get_num_threads()
    out = {}
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            out[threads] = (
                kl.monte_carlo_traces(model, 1.0, starts, 400, seed=7, rule="glauber"),
                kl.monte_carlo_traces(model, 1.0, starts, 10**6, seed=7, record=False),
                kl.kobold_traces(model, 1.0, policy, starts, 400, seed=7),
            )
    finally:
        numba.set_num_threads(previous)
    for one, two in zip(out[1], out[2]):
        for name in ("energies", "magnetizations", "hitting_times", "final_states", "n_accepted", "n_attempts"):
            np.testing.assert_array_equal(getattr(one, name), getattr(two, name), err_msg=name)


def test_single_run_views_refuse_many_runs_and_tables_refuse_big_models():
    model = kl.ring(4)
    runs = kl.monte_carlo_traces(model, 1.0, [0, 1], 5, seed=1)
    for name in ("energy", "magnetization", "final_state"):
        with pytest.raises(ValueError, match=f"{name} is defined for a single run; these are 2 runs"):
            getattr(runs, name)
    with pytest.raises(ValueError, match=r"need N <= 30"):
        kl.monte_carlo_traces(kl.ring(31), 1.0, [0], 5, seed=1)
    with pytest.raises(TypeError, match="seed must be a non-negative integer seed or a numpy.random.Generator"):
        kl.monte_carlo_traces(model, 1.0, [0], 5, seed=1.5)
    with pytest.raises(TypeError, match="record must be True or False"):
        kl.monte_carlo_traces(model, 1.0, [0], 5, seed=1, record="yes")
