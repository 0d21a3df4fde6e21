"""Grading of the exercises of the chapter value_landscape."""

import textwrap

from . import Exercise

_DEPTH = textwrap.indent("""\
def _depth(policy):   # accepted flips from every state to its root, by following the policy
    pol = _np.asarray(policy, dtype=_np.int64); x = _np.arange(pol.size)
    succ = _np.where(pol == 0, x, x ^ (1 << _np.maximum(pol - 1, 0)))
    d = _np.zeros(pol.size, dtype=int)
    while _np.any(pol[x] != 0):
        moving = pol[x] != 0
        d += moving; x = _np.where(moving, succ[x], x)
    return d
""", " " * 8)

EXERCISES = {
    "value_landscape_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"seed": [2, 3, 4, 5, 6]},
        task="""For your own `kl.spin_glass(16, seed=P["seed"])` (no fields), put the limit of
        $\\langle V\\rangle$ as $\\gamma \\to 1$ in `ex1_limit`.""",
        rubric="""$\\langle s_is_j\\rangle = 0$ over all states, so $\\langle E\\rangle = 0$ and
        $\\langle E - E_{\\min}\\rangle = -E_{\\min}$; with $V \\to E - E_{\\min}$ pointwise the mean
        tends to $-E_{\\min}$.""",
        code="""
        ex1_limit = -kl.energies(kl.spin_glass(16, seed=P["seed"])).min()
        print(f"<V> -> {ex1_limit:.4f}")
        """,
        visible="""
        assert ex1_limit > 0
        """,
        hidden="""
        _m = _kl.spin_glass(16, seed=_P["seed"])
        _x = _np.arange(2 ** 16)
        _s = _np.where((_x[:, None] >> _np.arange(16)) & 1, 1.0, -1.0)
        _E = -_np.einsum("si,ij,sj->s", _s, _np.triu(_np.asarray(_m.J, float), 1), _s)
        assert abs(ex1_limit + _E.min()) < 1e-9
        assert abs(_kl.solve(_m, 1.0, 1 - 1e-7).V.mean() - ex1_limit) < 1e-3 * ex1_limit + 1e-3
        """,
        wrong="ex1_limit = -ex1_limit",
    ),
    "value_landscape_ex2": Exercise(
        auto=2,
        params={"gamma": [0.8, 0.9, 0.99]},
        edits=(("sol = solutions[name]", "sol = kl.solve(MODELS[name], 1.0, P['gamma'])"),),
        task="""At your own `P["gamma"]` (instead of 0.95), put the mean kept share per tree
        depth $1, 2, \\dots, d_{\\max}$ in `ex2_means` (a list of floats).""",
        result="""
        ex2_means = [float(m) for m in means]
        """,
        visible="""
        assert len(ex2_means) >= 1 and all(0 < m <= 1 for m in ex2_means)
        """,
        hidden=_DEPTH + """
        _m = _kl.spin_glass(16, seed=1)
        _sol = _kl.solve(_m, 1.0, _P["gamma"])
        _d = _depth(_sol.policy)
        _E = _kl.energies(_m); _avail = _E - _E.min(); _keep = _avail > 1e-9
        _share = _sol.V[_keep] / _avail[_keep]
        _ref = [_share[_d[_keep] == k].mean() for k in range(1, _d.max() + 1)]
        assert _np.allclose(ex2_means, _ref, atol=1e-9)
        """,
        wrong="ex2_means = ex2_means[::-1]",
    ),
    "value_landscape_ex3": Exercise(
        auto=1, manual=1,
        params={"gamma": [0.9, 0.95, 0.999], "seed": [11, 12, 13]},
        edits=(("kl.solve(model, 0.0, 0.99)", "kl.solve(model, 0.0, P['gamma'])"),
               ("default_rng(3)", "default_rng(P['seed'])")),
        task="""Use your own `P["gamma"]` and the seed `P["seed"]` for the random starts. Put the
        measured mean number of attempts in `ex3_mean_attempts`, twice the mean tree depth of the
        starts in `ex3_twice_depth` and the standard error in `ex3_standard_error`.""",
        rubric="""the attempts of step $i$ are geometric with mean $1/p_i$ and expectations add;
        at $\\beta = 0$ every $p_i = 1/2$, so the mean time is twice the mean tree depth.""",
        result="""
        ex3_mean_attempts = runs.hitting_times.mean()
        ex3_twice_depth = 2 * depth[starts].mean()
        ex3_standard_error = runs.hitting_times.std() / np.sqrt(starts.size)
        """,
        visible="""
        assert ex3_mean_attempts > 0 and ex3_standard_error > 0
        """,
        hidden=_DEPTH + """
        _m = _kl.torus(4)
        _d = _depth(_kl.solve(_m, 0.0, _P["gamma"]).policy)
        _starts = _np.random.default_rng(_P["seed"]).integers(0, _m.n_states, size=20000)
        assert abs(ex3_twice_depth - 2 * _d[_starts].mean()) < 1e-9
        assert abs(ex3_mean_attempts - ex3_twice_depth) < 5 * ex3_standard_error, "the measurement agrees with 2 <d>"
        """,
        wrong="ex3_twice_depth = ex3_twice_depth / 2",
    ),
    "value_landscape_ex4": Exercise(
        auto=1.5, manual=1.5,
        params={"seed": [7, 8, 9]},
        edits=(("default_rng(5)", "default_rng(P['seed'])"),),
        task="""Use your own seed `P["seed"]` for the random starts (the chains keep `seed=6`). Put
        the three ratios Glauber/Metropolis of the median numbers of attempts, at
        $\\beta = 0.5, 1, 2$, in `ex4_ratios`.""",
        rubric="""$p_G \\le p_M \\le 2p_G$ for every $\\Delta E$ (both signs); Peskun's ordering and
        the step-by-step heuristic with a shared random number, with the caveat that it is not a
        bound.""",
        result="""
        ex4_ratios = []
        for beta in (0.5, 1.0, 2.0):
            med = {rule: np.median(kl.monte_carlo_traces(model, beta, starts, 10**7, seed=6, rule=rule, record=False).hitting_times)
                   for rule in ("metropolis", "glauber")}
            ex4_ratios.append(med["glauber"] / med["metropolis"])
        """,
        visible="""
        assert len(ex4_ratios) == 3
        """,
        hidden="""
        _m = _kl.spin_glass(16, seed=1)
        _starts = _np.random.default_rng(_P["seed"]).integers(0, _m.n_states, size=1000)
        _beta = 2.0
        _med = [_np.median(_kl.monte_carlo_traces(_m, _beta, _starts, 10**7, seed=6, rule=_r, record=False).hitting_times)
                for _r in ("glauber", "metropolis")]
        assert abs(ex4_ratios[2] - _med[0] / _med[1]) < 1e-9
        assert all(0.9 < r < 2.2 for r in ex4_ratios)
        """,
        wrong="ex4_ratios = [1 / r for r in ex4_ratios]",
    ),
}
