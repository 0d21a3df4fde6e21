"""Grading of the exercises of the chapter exact_engine."""

from . import Exercise

EXERCISES = {
    "exact_engine_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"p_h": [0.3, 0.35, 0.4], "p_c": [0.05, 0.15]},
        edits=(("engine_success_probability(1, 1, 1, p_hot, p_cold)",
                "engine_success_probability(1, 1, 1, P['p_h'], P['p_c'])"),),
        task="""Use your own biases `P["p_h"]` and `P["p_c"]`. Put the best success probability
        in `ex1_success` and the success probability of simply swapping the hot coin with the work
        coin in `ex1_swap`.""",
        rubric="""the four configurations with their probabilities; the sectors and capacities
        $\\binom{2}{k-1}$; the best success probability equals the hot coin's bias, so swapping
        is already optimal: one coin per pool leaves nothing to compress.""",
        result="""
        ex1_success = kl.engine_success_probability(1, 1, 1, P["p_h"], P["p_c"])
        ex1_swap = P["p_h"]
        """,
        visible="""
        assert 0 <= ex1_success <= 1 and 0 <= ex1_swap <= 1
        """,
        hidden="""
        _ph, _pc = _P["p_h"], _P["p_c"]
        # by hand: sector k = 1 keeps the likelier of HT and TH, sector k = 2 keeps HH
        _best = max(_ph * (1 - _pc), (1 - _ph) * _pc) + _ph * _pc
        assert abs(ex1_success - _best) < 1e-12
        assert abs(ex1_swap - _ph) < 1e-12
        """,
        wrong="ex1_success = ex1_success / 2",
    ),
    "exact_engine_ex2": Exercise(
        auto=1, manual=1,
        params={"p": [0.05, 0.15, 0.2, 0.3]},
        edits=(("engine_success_probability(500, 500, 1, 0.1, 0.1)",
                "engine_success_probability(500, 500, 1, P['p'], P['p'])"),
               ("0.1 / 0.9 * (1 - 0.1**1000)", "P['p'] / (1 - P['p']) * (1 - P['p']**1000)"),
               ("max_work(500, 500, 1e-3, 0.1, 0.1)", "max_work(500, 500, 1e-3, P['p'], P['p'])")),
        task="""Use your own common bias `P["p"]` (instead of 0.1). Put the success probability
        for $W = 1$ with 500 + 500 coins in `ex2_success`, your formula's value in `ex2_formula`,
        the smallest failure tolerance that allows any work in `ex2_tolerance` and `max_work`
        at $\\varepsilon = 10^{-3}$ in `ex2_max_work`.""",
        rubric="""(a) with $r = 1$ all configurations of a sector are equally likely; (b) the sum
        $\\sum_k \\binom{n}{k-1}p^k q^{n-k} = \\frac{p}{q}(1 - p^n)$ and the bound on the capped
        sectors; the conclusion that one temperature runs no engine.""",
        result="""
        ex2_success = kl.engine_success_probability(500, 500, 1, P["p"], P["p"])
        ex2_formula = P["p"] / (1 - P["p"]) * (1 - P["p"] ** 1000)
        ex2_tolerance = (1 - 2 * P["p"]) / (1 - P["p"])
        ex2_max_work = kl.max_work(500, 500, 1e-3, P["p"], P["p"])
        """,
        visible="""
        assert 0 <= ex2_success <= 1 and 0 <= ex2_tolerance <= 1
        """,
        hidden="""
        _p = _P["p"]
        assert abs(ex2_formula - _p / (1 - _p)) < 1e-12
        assert abs(ex2_success - _p / (1 - _p)) < 1e-8
        assert abs(ex2_tolerance - (1 - 2 * _p) / (1 - _p)) < 1e-12
        assert ex2_max_work == 0
        """,
        wrong="ex2_tolerance = 1 - ex2_tolerance",
    ),
    "exact_engine_ex3": Exercise(
        auto=2,
        params={"n_c": [20_000, 30_000, 60_000]},
        edits=(("max_work(10_000, 40_000,", "max_work(10_000, P['n_c'],"),
               ("normal_max_work(10_000, 40_000,", "normal_max_work(10_000, P['n_c'],"),
               ("entropy_bound_work(10_000, 40_000,", "entropy_bound_work(10_000, P['n_c'],")),
        task="""Use your own cold pool of `P["n_c"]` coins (instead of 40 000). For $p_h = 0.2$
        and $0.4$ (in this order) put the exact maximal work in `ex3_max_work` (two ints) and
        the gap ratio exact/normal in `ex3_gap_ratio` (two floats).""",
        result="""
        ex3_max_work, ex3_gap_ratio = [], []
        for p_h in [0.2, 0.4]:
            w_exact = kl.max_work(10_000, P["n_c"], 1e-3, p_h, p_cold)
            w_s = kl.entropy_bound_work(10_000, P["n_c"], p_h, p_cold)
            ex3_max_work.append(int(w_exact))
            ex3_gap_ratio.append((w_s - w_exact) / (w_s - normal_max_work(10_000, P["n_c"], 1e-3, p_h, p_cold)))
        """,
        visible="""
        assert len(ex3_max_work) == 2 and len(ex3_gap_ratio) == 2
        """,
        hidden="""
        for _i, _ph in enumerate((0.2, 0.4)):
            _w = _kl.max_work(10_000, _P["n_c"], 1e-3, _ph, 0.1)
            assert ex3_max_work[_i] == _w
            # the optimal engine at W fails with probability <= 1e-3, and at W + 1 it does not
            assert 1 - _kl.engine_success_probability(10_000, _P["n_c"], _w, _ph, 0.1) <= 1e-3
            assert 1 - _kl.engine_success_probability(10_000, _P["n_c"], _w + 1, _ph, 0.1) > 1e-3
            assert 0.5 < ex3_gap_ratio[_i] < 1.5
        """,
        wrong="ex3_max_work = [w + 1 for w in ex3_max_work]",
    ),
    "exact_engine_ex4": Exercise(
        auto=2,
        params={"n1": [300, 500, 800]},
        edits=(("heads = np.round(pool_n * pool_p).astype(int)",
                "pool_n = np.array([P['n1'], 1000, 250, 2000, 600])\n"
                "beta_star, p_star = kl.equilibrium_price(pool_n, pool_p)\n"
                "heads = np.round(pool_n * pool_p).astype(int)"),),
        task="""Your first pool has `P["n1"]` coins (instead of 400); the other four are the
        chapter's. Put the number of trades in `ex4_trades`, the final head counts in
        `ex4_heads` (five ints) and $\\beta^*$ in `ex4_beta_star`.""",
        result="""
        ex4_trades = len(history) - 1
        ex4_heads = np.asarray(heads)
        ex4_beta_star = beta_star
        """,
        visible="""
        assert np.shape(ex4_heads) == (5,)
        """,
        hidden="""
        from math import lgamma, log
        _n = _np.array([_P["n1"], 1000, 250, 2000, 600]); _p = _np.array([0.30, 0.05, 0.45, 0.12, 0.20])
        _h0 = _np.round(_n * _p).astype(int)
        _h = _np.asarray(ex4_heads)
        assert _h.sum() == _h0.sum(), "trades conserve the heads"
        assert _np.abs(_h - _h0).sum() // 2 <= ex4_trades
        _lb = lambda n, m: (lgamma(n + 1) - lgamma(m + 1) - lgamma(n - m + 1)) / log(2)
        # at the end, moving one head from the cheapest to the dearest pool no longer raises the total
        _pr = _kl.price(_h / _n)
        _i, _j = int(_np.argmin(_pr)), int(_np.argmax(_pr))
        _gain = (_lb(_n[_i], _h[_i] - 1) + _lb(_n[_j], _h[_j] + 1) - _lb(_n[_i], _h[_i]) - _lb(_n[_j], _h[_j]))
        assert _gain <= 0, "a trade that raises the total entropy is still possible"
        _bs, _ = _kl.equilibrium_price(_n, _p)
        assert abs(ex4_beta_star - _bs) < 1e-9
        assert _np.all(_np.abs(_pr - _bs) < 0.1)
        """,
        wrong="ex4_trades = ex4_trades - 1",
    ),
    "exact_engine_ex5": Exercise(
        manual=3,
        rubric="""Jensen's inequality with weights $n_i/N$ for the concave $H$ bounds the total
        entropy by $N H(p^*)$ (1 point); the bound is reached at $p_i = p^*$, which is feasible
        (1 point); strict concavity forces equality of all $p_i$, so the maximiser is unique
        (1 point).""",
    ),
}
