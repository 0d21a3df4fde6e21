"""Policy statistics and phase diagrams against hand-made models, brute force and each other.

The brute-force reference classifies every state with NumPy from the full table of
retry-form action values (energies by the direct O(N^2) formula); the hand-made models
have closed-form answers. Sweeps must give the same numbers serial, in a process pool,
in a thread pool, warm or cold, cached or fresh.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import pathlib

import numpy as np
import pytest

import kobold_lib as kl
from kobold_lib import phases

ROOT = pathlib.Path(__file__).resolve().parents[1]
BOOK_CACHE = ROOT / "chapters" / "data" / "phases"


def _energies(model):
    n = model.n
    return kl.energy_of_spins(model, kl.spins_of_state(np.arange(1 << n), n))


def _scale(model):
    return max(1.0, 0.5 * np.abs(model.J).sum() + np.abs(model.h).sum())


def brute_statistics(model, beta, gamma):
    """Counts of wise, greedy, neutral, stopping, non-ground stopping states; <V>."""
    n, size = model.n, 1 << model.n
    E = _energies(model)
    sol = kl.solve(model, beta, gamma, "policy_iteration")
    V = sol.V
    x = np.arange(size)
    Q = np.empty((size, n))
    dE = np.empty((size, n))
    for k in range(n):
        y = x ^ (1 << k)
        d = E[y] - E
        p = kl.glauber_acceptance(d, beta)
        Q[:, k] = p * (-d + gamma * V[y]) / (1.0 - gamma * (1.0 - p))
        dE[:, k] = d
    best = Q.max(axis=1)
    tie = sol.tie_tolerance
    dtol = kl.DE_RTOL * _scale(model)
    acts = best > tie
    optimal = Q >= best[:, None] - tie
    down = (optimal & (dE < -dtol)).any(axis=1)
    level = (optimal & (np.abs(dE) <= dtol)).any(axis=1)
    minimum = (dE > dtol).all(axis=1)
    return {
        "wise": int((acts & ~down & ~level).sum()),
        "wise_minima": int((acts & ~down & ~level & minimum).sum()),
        "marginal": int((~acts & (best > 0)).sum()),
        "greedy": int((acts & down).sum()),
        "neutral": int((acts & ~down & level).sum()),
        "stop": int((~acts).sum()),
        "nonground": int((~acts & (E > E.min() + dtol)).sum()),
        "mean_value": float(V.mean()),
    }


# -------------------------------------------------------------- hand-made models


def two_spin_trap(field=0.3):
    """Two ferromagnetic spins in a field: "both down" is a local minimum, "both up" the ground.

    E(++) = -1 - 2 field, E(--) = -1 + 2 field, E(+-) = E(-+) = +1. From "--" both flips
    climb by 2 - 2 field and the way down from the top gains 2 + 2 field.
    """
    return kl.from_couplings([[0.0, 1.0], [1.0, 0.0]], [field, field], name=f"trap({field})")


def trap_threshold(beta, field=0.3):
    """The discount above which climbing out of "--" pays: gamma V(top) = climb."""
    climb, fall = 2.0 - 2.0 * field, 2.0 + 2.0 * field
    p = 1.0 / (1.0 + np.exp(-beta * fall))  # acceptance of the way down
    # gamma * fall * p / (1 - gamma (1 - p)) = climb
    return climb / (fall * p + climb * (1.0 - p))


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 3.0])
def test_two_spin_trap_is_wise_exactly_above_its_threshold(beta):
    model = two_spin_trap()
    g_star = trap_threshold(beta)
    assert 0.0 < g_star < 1.0
    above = kl.policy_statistics(model, beta, min(g_star + 0.02, 0.999))
    below = kl.policy_statistics(model, beta, g_star - 0.02)
    # above: "--" climbs (both of its moves are uphill, so it is wise whichever it picks),
    # the two middle states fall, "++" stops
    assert above.wise_fraction == above.wise_minimum_fraction == 0.25
    assert above.wise_fraction_acting == pytest.approx(1.0 / 3.0)
    assert above.greedy_fraction == 0.5
    assert (above.n_absorbing, above.n_nonground_absorbing, above.max_depth) == (1, 0, 2)
    assert above.mean_depth == pytest.approx((2 + 1 + 1 + 0) / 4)
    # below: "--" prefers to stop, a second absorbing state above the ground
    assert below.wise_fraction == 0.0
    assert (below.n_absorbing, below.n_nonground_absorbing, below.max_depth) == (2, 1, 1)
    assert kl.wise_fraction(model, beta, min(g_star + 0.02, 0.999)) == 0.25
    assert kl.wise_fraction(model, beta, min(g_star + 0.02, 0.999), among="acting") == pytest.approx(1 / 3)


@pytest.mark.parametrize("h, beta, gamma", [(1.0, 1.0, 0.9), (0.4, 3.0, 0.5)])
def test_zener(h, beta, gamma):
    stats = kl.policy_statistics(kl.zener(h), beta, gamma)
    p = 1.0 / (1.0 + np.exp(-2.0 * beta * h))
    assert stats.mean_value == pytest.approx(h * p / (1.0 - gamma * (1.0 - p)), rel=1e-12)
    assert (stats.wise_fraction, stats.greedy_fraction, stats.stop_fraction) == (0.0, 0.5, 0.5)
    assert (stats.n_absorbing, stats.n_nonground_absorbing, stats.max_depth, stats.mean_depth) == (1, 0, 1, 0.5)


def test_ring4_domain_walls_are_neutral():
    # ++-- and its rotations / reflections have two domain walls: moving a wall is free
    # (dE = 0) and is optimal, since the walls must meet before they annihilate
    stats = kl.policy_statistics(kl.ring(4), 1.0, 0.9)
    ref = brute_statistics(kl.ring(4), 1.0, 0.9)
    assert round(stats.neutral_fraction * 16) == ref["neutral"] > 0
    assert stats.wise_fraction == 0.0


# ------------------------------------------------------------------- brute force

MODELS = {
    "ring7": lambda: kl.ring(7),
    "torus3": lambda: kl.torus(3),
    "cw8": lambda: kl.curie_weiss(8),
    "sg8": lambda: kl.spin_glass(8, seed=3),
    "sg10": lambda: kl.spin_glass(10, seed=4),
    "trap": two_spin_trap,
}


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("beta, gamma", [(0.3, 0.5), (1.0, 0.9), (3.0, 0.99), (0.1, 0.999)])
def test_statistics_match_brute_force(name, beta, gamma):
    model = MODELS[name]()
    size = model.n_states
    stats = kl.policy_statistics(model, beta, gamma)
    ref = brute_statistics(model, beta, gamma)
    assert round(stats.wise_fraction * size) == ref["wise"]
    assert round(stats.greedy_fraction * size) == ref["greedy"]
    assert round(stats.neutral_fraction * size) == ref["neutral"]
    assert stats.n_absorbing == ref["stop"] == round(stats.stop_fraction * size)
    assert stats.n_nonground_absorbing == ref["nonground"]
    assert round(stats.wise_minimum_fraction * size) == ref["wise_minima"]
    assert stats.n_marginal_stops == ref["marginal"]
    assert stats.mean_value == pytest.approx(ref["mean_value"], rel=1e-9, abs=1e-12)
    total = stats.wise_fraction + stats.greedy_fraction + stats.neutral_fraction + stats.stop_fraction
    assert total == pytest.approx(1.0, abs=1e-15)
    depth = kl.tree_depth(kl.solve(model, beta, gamma).policy)
    assert stats.max_depth == depth.max() and stats.mean_depth == pytest.approx(depth.mean())


def test_statistics_accept_a_given_solution():
    model = kl.spin_glass(8, seed=2)
    sol = kl.solve(model, 1.0, 0.9, "value_iteration")
    assert kl.policy_statistics(model, 1.0, 0.9, sol) == kl.policy_statistics(model, 1.0, 0.9, sol)
    with pytest.raises(ValueError, match="solution was solved at"):
        kl.policy_statistics(model, 2.0, 0.9, sol)
    with pytest.raises(TypeError, match="solution"):
        kl.policy_statistics(model, 1.0, 0.9, "not a solution")


def test_torus4_stripes_are_the_wise_states():
    # the 8 states made of two straight stripes of width 2 are the only local minima of
    # the 4 x 4 torus above the ground (every flip costs 4): the only wise states
    model = kl.torus(4)
    sol = kl.solve(model, 1.0, 0.99)
    dE = kl.chosen_flip_energy_changes(model, sol.policy)
    wise = np.flatnonzero(dE > 0)
    assert wise.size == 8
    np.testing.assert_allclose(_energies(model)[wise], -16.0)
    stats = kl.policy_statistics(model, 1.0, 0.99, sol)
    assert stats.wise_fraction == stats.wise_minimum_fraction == 8 / 2**16
    # at strong discounting they stop instead: 8 absorbing states above the ground
    low = kl.policy_statistics(model, 1.0, 0.3)
    assert (low.wise_fraction, low.n_nonground_absorbing, low.n_marginal_stops) == (0.0, 8, 0)
    # when cold, climbing out is worth e^{-4 beta} x O(1): positive, but below the solver's
    # tie tolerance, so the stripes count as stops, and as marginal ones
    cold = kl.policy_statistics(model, 12.0, 0.99)
    assert (cold.wise_fraction, cold.n_nonground_absorbing, cold.n_marginal_stops) == (0.0, 8, 8)


# ------------------------------------------------- the paper's "always greedy" claims


@pytest.mark.parametrize("model", [kl.ring(8), kl.ring(11), kl.curie_weiss(8), kl.curie_weiss(11)], ids=repr)
def test_ring_and_curie_weiss_are_always_greedy(model):
    betas = np.array([0.05, 0.3, 1.0, 3.0, 10.0])
    gammas = np.array([0.1, 0.5, 0.9, 0.99, 0.999])
    diagram = kl.phase_diagram(model, betas, gammas, "serial", progress=False)
    assert diagram.wise_states.max() == 0
    assert diagram.n_nonground_absorbing.max() == 0  # no local minima to stop in either
    assert np.all(np.isnan(diagram.wise_boundary()))


# ------------------------------------------------------------------------ sweeps

GRID = (np.array([0.2, 1.0, 4.0]), np.array([0.95, 0.3, 0.7, 0.99]))  # gammas unsorted on purpose


def _assert_same(a, b, exact_counts=True):
    for name in kl.PHASE_STATISTICS:
        x, y = a.statistic(name), b.statistic(name)
        if name == "iterations":
            continue  # warm and cold starts need different numbers of sweeps
        if name == "mean_value":
            np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)
        else:
            np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.betas, b.betas)
    np.testing.assert_array_equal(a.gammas, b.gammas)


def test_sweep_matches_pointwise_statistics():
    model = kl.spin_glass(9, seed=5)
    diagram = kl.phase_diagram(model, *GRID, "serial", progress=False)
    assert diagram.wise_fraction.shape == (3, 4)
    for i, beta in enumerate(GRID[0]):
        for j, gamma in enumerate(GRID[1]):
            point = kl.policy_statistics(model, beta, gamma)
            got = diagram.at(i, j)
            for name in kl.PHASE_STATISTICS:
                if name != "iterations":
                    assert got[name] == pytest.approx(getattr(point, name), rel=1e-9, abs=1e-12), name


def test_serial_parallel_warm_cold_agree():
    model = kl.spin_glass(10, seed=6)
    serial = kl.phase_diagram(model, *GRID, "serial", progress=False)
    cold = kl.phase_diagram(model, *GRID, "serial", progress=False, warm_start=False)
    with cf.ThreadPoolExecutor(2) as pool:
        threads = kl.phase_diagram(model, *GRID, pool, progress=False)
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        processes = kl.phase_diagram(model, *GRID, pool, progress=False)
    default = kl.phase_diagram(model, *GRID, progress=False)  # its own spawn pool
    jacobi = kl.phase_diagram(model, *GRID, "serial", progress=False, method="value_iteration")
    policy_iteration = kl.phase_diagram(
        model, *GRID, "serial", progress=False, method="policy_iteration", warm_start=False
    )
    for other in (cold, threads, processes, default, jacobi, policy_iteration):
        _assert_same(serial, other)
    # the warm start saves sweeps
    assert serial.iterations.sum() < cold.iterations.sum()


def test_cache_roundtrip_and_misses(tmp_path):
    model = kl.spin_glass(8, seed=7)
    fresh = kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False)
    assert not fresh.from_cache
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and files[0].name.startswith("spin_glass_8_seed_7-")
    again = kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False)
    assert again.from_cache
    _assert_same(fresh, again)
    np.testing.assert_array_equal(fresh.iterations, again.iterations)
    assert (again.model_name, again.fingerprint, again.n, again.method) == (model.name, model.fingerprint, 8, "gauss_seidel")
    # a changed grid, model or setting misses
    assert not kl.phase_diagram(model, GRID[0][:2], GRID[1], "serial", cache_dir=tmp_path, progress=False).from_cache
    other = kl.spin_glass(8, seed=8)
    assert not kl.phase_diagram(other, *GRID, "serial", cache_dir=tmp_path, progress=False).from_cache
    assert not kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False, tol=1e-8).from_cache
    assert len(list(tmp_path.glob("*.npz"))) == 4
    # the same grid off by one ulp (np.logspace on another CPU) hits the same file; a grid
    # that differs in the tenth digit does not
    betas, gammas = (np.asarray(g, dtype=float) for g in GRID)
    nudged = kl.phase_diagram(model, np.nextafter(betas, np.inf), np.nextafter(gammas, -np.inf), "serial",
                              cache_dir=tmp_path, progress=False)
    assert nudged.from_cache
    _assert_same(fresh, nudged)
    assert not kl.phase_diagram(model, betas * (1 + 1e-9), gammas, "serial", cache_dir=tmp_path,
                                progress=False).from_cache
    assert len(list(tmp_path.glob("*.npz"))) == 5
    # a damaged file is recomputed (and rewritten)
    files[0].write_bytes(b"not an npz file")
    with pytest.warns(RuntimeWarning, match="damaged"):
        repaired = kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False)
    assert not repaired.from_cache
    _assert_same(fresh, repaired)
    assert kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False).from_cache


BOOK_CASES = [
    (lambda: kl.torus(4), 32),
    (lambda: kl.spin_glass(16, seed=1), 32),
    (lambda: kl.curie_weiss(12), 32),
]


@pytest.mark.parametrize("case", range(len(BOOK_CASES)))
def test_book_cache_matches_a_fresh_recomputation(case):
    build, size = BOOK_CASES[case]
    model = build()
    betas, gammas = kl.book_grid(size, size)
    cached = kl.phase_diagram(model, betas, gammas, "serial", cache_dir=BOOK_CACHE, progress=False)
    assert cached.from_cache, "the book's cache file is missing: run benchmarks/build_phase_cache.py"
    rows, cols = np.arange(1, size, 10), np.arange(2, size, 9)
    fresh = kl.phase_diagram(model, betas[rows], gammas[cols], "serial", progress=False)
    for name in kl.PHASE_STATISTICS:
        if name == "iterations":
            continue
        got = cached.statistic(name)[np.ix_(rows, cols)]
        if name == "mean_value":
            np.testing.assert_allclose(got, fresh.statistic(name), rtol=1e-9)
        else:
            np.testing.assert_array_equal(got, fresh.statistic(name), err_msg=name)


def test_wise_boundary():
    model = two_spin_trap()
    betas = np.array([0.5, 2.0])
    gammas = np.linspace(0.05, 0.95, 19)
    diagram = kl.phase_diagram(model, betas, gammas, "serial", progress=False)
    for beta, edge in zip(betas, diagram.wise_boundary()):
        assert edge == gammas[gammas > trap_threshold(beta)].min()


# ---------------------------------------------------------------- warm-start solve


@pytest.mark.parametrize("method", ["gauss_seidel", "value_iteration"])
@pytest.mark.parametrize("model", [kl.spin_glass(9, seed=1), kl.torus(3), kl.curie_weiss(10)], ids=repr)
def test_solve_warm_start_reaches_the_same_fixed_point(method, model):
    cold = kl.solve(model, 1.5, 0.95, method)
    below = kl.solve(model, 1.5, 0.6, method).V  # the solution at a smaller gamma is below
    assert np.all(below <= cold.V + 1e-12)
    above = cold.V + 1.0  # above the solution everywhere: raise-only sweeps cannot fix it alone
    noise = np.random.default_rng(3).normal(0.0, 2.0, cold.V.size)
    for V0 in (below, above, noise, cold.V):
        warm = kl.solve(model, 1.5, 0.95, method, V0=V0)
        assert warm.converged
        np.testing.assert_allclose(warm.V, cold.V, rtol=0, atol=1e-8)
        np.testing.assert_array_equal(warm.policy, cold.policy)


def test_solve_warm_start_bad_inputs():
    model = kl.torus(3)
    with pytest.raises(ValueError, match="V0 warm-starts"):
        kl.solve(model, 1.0, 0.9, "policy_iteration", V0=np.zeros(512))
    with pytest.raises(ValueError, match=r"V must have shape"):
        kl.solve(model, 1.0, 0.9, "gauss_seidel", V0=np.zeros(10))
    with pytest.raises(ValueError, match="finite"):
        kl.solve(model, 1.0, 0.9, "gauss_seidel", V0=np.full(512, np.nan))


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"gammas": [0.5, 1.0]}, ValueError, "gammas must be in"),
        ({"gammas": []}, ValueError, "gammas must be a non-empty"),
        ({"betas": [-1.0]}, ValueError, "betas must be in"),
        ({"betas": [[1.0]]}, ValueError, "betas must be a non-empty 1-D"),
        ({"betas": ["a"]}, TypeError, "betas must hold real numbers"),
        ({"executor": "threads"}, ValueError, "executor must be"),
        ({"executor": 4}, TypeError, "executor must be"),
        ({"method": "newton"}, ValueError, "method must be one of"),
        ({"method": "policy_iteration"}, ValueError, "warm_start=True needs"),
        ({"warm_start": "yes"}, TypeError, "warm_start must be"),
        ({"progress": "yes"}, TypeError, "progress must be"),
        ({"cache_dir": 3}, TypeError, "cache_dir must be a path"),
        ({"tol": -1.0}, ValueError, "tol must be"),
        ({"model": "torus"}, TypeError, "model must be"),
    ],
)
def test_phase_diagram_bad_inputs(kwargs, exc, match):
    args = {"model": kl.torus(2), "betas": [1.0], "gammas": [0.5], "executor": "serial", "progress": False}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        kl.phase_diagram(**args)


def test_fork_pools_are_refused():
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        with pytest.raises(ValueError, match="executor: a ProcessPoolExecutor with the 'fork'"):
            kl.phase_diagram(kl.torus(2), [1.0], [0.5], pool, progress=False)


def test_point_bad_inputs():
    with pytest.raises(ValueError, match="gamma must be in"):
        kl.policy_statistics(kl.torus(2), 1.0, 1.0)
    with pytest.raises(ValueError, match="beta must be in"):
        kl.wise_fraction(kl.torus(2), -1.0, 0.5)
    with pytest.raises(ValueError, match="among must be one of"):
        kl.wise_fraction(kl.torus(2), 1.0, 0.5, among="some")
    with pytest.raises(ValueError, match="n_beta must be"):
        kl.book_grid(1, 4)
    with pytest.raises(ValueError, match="name must be one of"):
        kl.phase_diagram(kl.torus(2), [1.0], [0.5], "serial", progress=False).statistic("wisdom")


def test_book_grid():
    betas, gammas = kl.book_grid(32, 32)
    assert betas[0] == pytest.approx(0.05) and betas[-1] == pytest.approx(20.0)
    assert gammas[0] == pytest.approx(0.05) and gammas[-1] == pytest.approx(0.999)
    assert np.all(np.diff(betas) > 0) and np.all(np.diff(gammas) > 0)
    assert phases.PHASES_CACHE_VERSION >= 1


# ------------------------------------------------- failing safe (memory, cache, pool)


class _CountingPool(cf.ProcessPoolExecutor):
    """A spawn pool that records how many workers phase_diagram asked for."""

    sizes: list = []

    def __init__(self, max_workers=None, **kwargs):
        _CountingPool.sizes.append(max_workers)
        super().__init__(max_workers, **kwargs)


def test_default_pool_starts_only_the_workers_that_fit_in_memory(monkeypatch):
    from kobold_lib import _memory

    model = kl.spin_glass(8, seed=7)
    serial = kl.phase_diagram(model, *GRID, "serial", progress=False)
    one_row = phases._row_memory_bytes(model.n, "gauss_seidel")
    # what a row holds: one solve's arrays, the warm start (V0 and its copy), the previous
    # point's V and policy, the tree depths' three int64 arrays
    assert one_row >= kl.bellman_memory_bytes(model.n, "gauss_seidel") + (8 + 8 + 8 + 1 + 24) * model.n_states - 8 * model.n_states
    monkeypatch.setattr(phases.os, "cpu_count", lambda: 8)
    monkeypatch.setattr(cf, "ProcessPoolExecutor", _CountingPool)
    _CountingPool.sizes = []
    # room for one row but not for two: one worker
    monkeypatch.setattr(_memory, "available_memory", lambda: int(1.5 * one_row))
    _assert_same(serial, kl.phase_diagram(model, *GRID, progress=False))
    # plenty of room: no more workers than rows
    monkeypatch.setattr(_memory, "available_memory", lambda: 100 * one_row)
    _assert_same(serial, kl.phase_diagram(model, *GRID, progress=False))
    assert _CountingPool.sizes == [1, len(GRID[0])]
    # not even one row: the solver's clear ValueError, before any work
    monkeypatch.setattr(_memory, "available_memory", lambda: one_row // 2)
    with pytest.raises(ValueError, match=r"phase_diagram.*N=8 spins.*needs \d+ bytes .* of memory, but only"):
        kl.phase_diagram(model, *GRID, progress=False)
    monkeypatch.setattr(_memory, "available_memory", lambda: 1000)
    with pytest.raises(ValueError, match=r"solve.*N=8 spins.*needs \d+ bytes .* of memory, but only"):
        kl.solve(model, 1.0, 0.5)
    assert _CountingPool.sizes == [1, len(GRID[0])]


def _damage(path, kind):
    if kind == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "garbage":
        path.write_bytes(b"not an npz file" * 100)
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        with np.load(path) as data:
            arrays = {name: data[name] for name in data.files}
        if kind == "wrong key":
            arrays["key"] = np.array("0" * 64)
        elif kind == "wrong shape":
            arrays["wise_fraction"] = arrays["wise_fraction"][:, :1]
        elif kind == "missing array":
            del arrays["mean_depth"]
        elif kind == "wrong grid":
            arrays["betas"] = arrays["betas"][:1]
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)


@pytest.mark.parametrize("kind", ["truncated", "garbage", "empty", "wrong key", "wrong shape", "missing array", "wrong grid"])
def test_a_damaged_cache_is_recomputed_with_one_warning_and_replaced(tmp_path, kind):
    import warnings

    model = kl.spin_glass(8, seed=7)
    fresh = kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False)
    (path,) = tmp_path.glob("*.npz")
    _damage(path, kind)
    with pytest.warns(RuntimeWarning) as record:
        repaired = kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False)
    messages = [str(w.message) for w in record if issubclass(w.category, RuntimeWarning)]
    assert len(messages) == 1 and str(path) in messages[0] and "recomputing" in messages[0], messages
    assert not repaired.from_cache
    _assert_same(fresh, repaired)
    # replaced: the next call reads it, silently; no temporary file is left
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = kl.phase_diagram(model, *GRID, "serial", cache_dir=tmp_path, progress=False)
    assert again.from_cache
    _assert_same(fresh, again)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_a_script_read_from_standard_input_runs_serially_with_a_warning(tmp_path):
    import subprocess
    import sys

    model = kl.spin_glass(8, seed=7)
    serial = kl.phase_diagram(model, *GRID, "serial", progress=False)
    script = (
        "import kobold_lib as kl\n"
        f"d = kl.phase_diagram(kl.spin_glass(8, seed=7), {GRID[0].tolist()!r}, {GRID[1].tolist()!r}, progress=False)\n"
        "print(repr(d.mean_value.tolist()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={**__import__("os").environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "BrokenProcessPool" not in done.stderr
    assert "RuntimeWarning" in done.stderr and 'if __name__ == "__main__":' in done.stderr, done.stderr
    np.testing.assert_allclose(eval(done.stdout.strip().splitlines()[-1]), serial.mean_value, rtol=1e-12)


INTERRUPTED_SWEEP = """
import multiprocessing, sys, threading, time
import numpy as np
import kobold_lib as kl

def announce():
    while True:
        workers = multiprocessing.active_children()
        if workers:
            print("workers", *[w.pid for w in workers], flush=True)
            return
        time.sleep(0.05)

if __name__ == "__main__":
    threading.Thread(target=announce, daemon=True).start()
    gammas = np.linspace(0.05, 0.999, int(sys.argv[2]))
    kl.phase_diagram(kl.spin_glass(16, seed=1), [20.0, 19.0], gammas, cache_dir=sys.argv[1], progress=False)
    print("finished", flush=True)
"""


def test_an_interrupted_sweep_stops_within_a_row_and_leaves_no_worker_and_no_cache(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    import psutil

    # Rows of several seconds: stopping takes about a second of its own (interpreter and
    # pool shutdown, longer on a loaded CI machine: 1.2 s against a 1.4 s row once), and
    # the test must tell that from waiting for the rows to finish.
    n_gammas = 384
    model = kl.spin_glass(16, seed=1)
    gammas = np.linspace(0.05, 0.999, n_gammas)
    kl.phase_diagram(model, [20.0], gammas[:2], "serial", progress=False)  # compiled
    t0 = time.perf_counter()
    kl.phase_diagram(model, [20.0], gammas, "serial", progress=False)
    row = time.perf_counter() - t0  # one row, on every thread of this process

    script = tmp_path / "sweep.py"
    script.write_text(INTERRUPTED_SWEEP)
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(cache), str(n_gammas)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("workers"), line + proc.stderr.read()
        workers = [int(pid) for pid in line.split()[1:]]
        time.sleep(min(2.0, row / 4))  # the workers start and take their rows
        proc.send_signal(signal.SIGINT)  # what Ctrl-C or a notebook's interrupt sends
        t_int = time.perf_counter()
        _, err = proc.communicate(timeout=600)
        stopped = time.perf_counter() - t_int
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "KeyboardInterrupt" in err, err[-3000:]
    # the rows already running are not waited for: well within one row's time
    assert stopped < 0.5 * row, (stopped, row)
    for pid in workers:
        try:
            assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid
        except psutil.NoSuchProcess:
            pass
    assert not cache.exists() or not any(cache.iterdir())
