"""Grading of the exercises of the chapter arbitrage_and_carnot."""

from . import Exercise

EXERCISES = {
    "arbitrage_and_carnot_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"p_h": [0.25, 0.35, 0.4, 0.45]},
        edits=(("p_h1 = 0.3", "p_h1 = P['p_h']"),),
        task="""Use your own hot pool `P["p_h"]` (instead of 0.3) with the cold pool
        $p_c = 0.1$. Put $\\beta_h$, $\\beta_c$, the gain, $x$ and the Carnot efficiency in
        `ex1_beta_h`, `ex1_beta_c`, `ex1_gain`, `ex1_x` and `ex1_eta`.""",
        rubric="""the prices from $\\beta = \\log_2\\frac{1-p}{p}$, the gain
        $\\beta_c - \\beta_h$, $x = \\beta_h/(\\beta_c - \\beta_h)$, $\\eta_C = 1 - \\beta_h/\\beta_c$, and the
        reason the efficiency is higher than 0.369: a hotter pool has a lower price, so the margin
        is larger.""",
        result="""
        ex1_beta_h, ex1_beta_c = kl.price(p_h1), kl.price(p_cold)
        ex1_gain = kl.arbitrage_gain(p_h1, p_cold)
        ex1_x = kl.heads_moved_per_work(p_h1, p_cold)
        ex1_eta = kl.carnot_efficiency(p_h1, p_cold)
        """,
        visible="""
        assert 0 < ex1_eta < 1, "an efficiency between 0 and 1"
        """,
        hidden="""
        _bh = _np.log2((1 - _P["p_h"]) / _P["p_h"]); _bc = _np.log2(9.0)
        assert abs(ex1_beta_h - _bh) < 1e-9 and abs(ex1_beta_c - _bc) < 1e-9
        assert abs(ex1_gain - (_bc - _bh)) < 1e-9
        assert abs(ex1_x - _bh / (_bc - _bh)) < 1e-9
        assert abs(ex1_eta - (1 - _bh / _bc)) < 1e-9
        """,
        wrong="ex1_eta = ex1_eta / 2",
    ),
    "arbitrage_and_carnot_ex2": Exercise(
        auto=1, manual=1,
        params={"n_h": [500, 2000, 5000], "p_h": [0.15, 0.25, 0.3]},
        edits=(("nh_small, nc_huge = 1000, 10**8", "nh_small, nc_huge = P['n_h'], 10**8"),
               ("w = kl.entropy_bound_work(nh_small, nc_huge, p_hot, p_cold)",
                "p_hot = P['p_h']\ndH = kl.entropy_bits(p_hot) - kl.entropy_bits(p_cold)\n"
                "eta_big_cold = 1 - dH / (beta_c * (p_hot - p_cold))\n"
                "eta_c = kl.carnot_efficiency(p_hot, p_cold)\n"
                "w = kl.entropy_bound_work(nh_small, nc_huge, p_hot, p_cold)")),
        task="""Use your own hot pool of `P["n_h"]` coins with bias `P["p_h"]`, and the cold pool
        $p_c = 0.1$ of $10^8$ coins. Put the work from `entropy_bound_work` in `ex2_w`, your
        formula's work in `ex2_w_formula` and the formula's efficiency in `ex2_eta`.""",
        rubric="""the entropy balance (hot pool drained to $p_c$, cold pool absorbing $Q - W$
        heads at the fixed price $\\beta_c$) giving $W$; the concavity argument: the chord slope
        $\\frac{H(p_h) - H(p_c)}{p_h - p_c}$ exceeds the tangent slope $\\beta_h$ at $p_h$, so the
        efficiency is below Carnot's.""",
        result="""
        ex2_w = w
        ex2_w_formula = w_formula
        ex2_eta = eta_big_cold
        """,
        visible="""
        assert ex2_w > 0 and ex2_w_formula > 0 and 0 < ex2_eta < 1
        """,
        hidden="""
        _ph, _pc, _n = _P["p_h"], 0.1, _P["n_h"]
        _H = lambda p: -p * _np.log2(p) - (1 - p) * _np.log2(1 - p)
        _w = _n * ((_ph - _pc) - (_H(_ph) - _H(_pc)) / _np.log2(9.0))
        assert abs(ex2_w_formula - _w) < 1e-6 * _n
        assert abs(ex2_w - _kl.entropy_bound_work(_n, 10**8, _ph, _pc)) < 1e-6 * _n
        assert abs(ex2_w - _w) < 1e-3 * _w, "a huge cold pool reproduces the formula"
        assert abs(ex2_eta - _w / (_n * (_ph - _pc))) < 1e-9
        assert ex2_eta < 1 - _np.log2((1 - _ph) / _ph) / _np.log2(9.0), "below Carnot"
        """,
        wrong="ex2_eta = 1 - ex2_eta",
    ),
    "arbitrage_and_carnot_ex3": Exercise(
        auto=2,
        params={"p_c": [0.05, 0.15, 0.2, 0.3]},
        edits=(("p_cold + delta, p_cold", "P['p_c'] + delta, P['p_c']"),),
        task="""Use your own cold pool bias `P["p_c"]` (instead of 0.1), with
        $p_h = p_c + \\delta$. Put the five ratios (efficiency of full equilibration over Carnot, for
        $\\delta = 0.1, 0.03, 0.01, 0.003, 0.001$ in this order) in `ex3_ratios` and their limit
        as $\\delta \\to 0$ in `ex3_limit`.""",
        result="""
        ex3_ratios = np.array([
            (lambda c: c.efficiency_equilibrium / c.carnot)(kl.efficiency_curve(1000, 1000, P["p_c"] + d, P["p_c"], num=2))
            for d in (0.1, 0.03, 0.01, 0.003, 0.001)])
        ex3_limit = 0.5
        """,
        visible="""
        assert np.shape(ex3_ratios) == (5,)
        """,
        hidden="""
        _pc = _P["p_c"]
        _H = lambda p: -p * _np.log2(p) - (1 - p) * _np.log2(1 - p)
        _b = lambda p: _np.log2((1 - p) / p)
        _r = []
        for _d in (0.1, 0.03, 0.01, 0.003, 0.001):
            _ph = _pc + _d
            # equal pools: the common final bias p maximises work W = 2000 (pbar - p) with 2000 H(p) = 1000 (H(ph) + H(pc))
            from scipy.optimize import brentq as _brentq
            _pf = _brentq(lambda p: 2 * _H(p) - _H(_ph) - _H(_pc), 1e-12, (_ph + _pc) / 2)
            _w = 2000 * ((_ph + _pc) / 2 - _pf)
            _eta = _w / (1000 * (_ph - _pf))
            _r.append(_eta / (1 - _b(_ph) / _b(_pc)))
        assert _np.allclose(ex3_ratios, _r, atol=2e-3), f"{ex3_ratios} against {_np.round(_r, 4)}"
        assert abs(ex3_limit - 0.5) < 1e-9
        """,
        wrong="ex3_ratios = ex3_ratios * 1.1",
    ),
    "arbitrage_and_carnot_ex4": Exercise(
        auto=1.5, manual=1.5,
        params={"p": [0.65, 0.7, 0.75, 0.85, 0.9, 0.95]},
        edits=(("entropy_bound_work(1000, 0, 0.8, p_cold)", "entropy_bound_work(1000, 0, P['p'], p_cold)"),
               ("price(0.8)", "price(P['p'])")),
        task="""Use your own pool bias `P["p"]` (instead of 0.8). Put (a) the largest work per
        coin in `ex4_work_per_coin` and (b) $1 - \\beta_h/\\beta_c$ for $p_c = 0.1$ in `ex4_ratio`.""",
        rubric="""(a) the pool may fall to $1 - p$ because $H(p) = H(1-p)$, so the work is
        $2p - 1$ per coin; (b) a negative $\\beta_h$ gives a "efficiency" above 1 because the hot pool
        gains entropy room as it loses heads: the Carnot picture assumed positive temperatures.""",
        result="""
        ex4_work_per_coin = w_neg / 1000
        ex4_ratio = 1 - kl.price(P["p"]) / beta_c
        """,
        visible="""
        assert np.isfinite(ex4_work_per_coin) and np.isfinite(ex4_ratio)
        """,
        hidden="""
        _p = _P["p"]
        assert abs(ex4_work_per_coin - (2 * _p - 1)) < 1e-3
        assert abs(ex4_ratio - (1 - _np.log2((1 - _p) / _p) / _np.log2(9.0))) < 1e-9
        assert ex4_ratio > 1
        """,
        wrong="ex4_work_per_coin = ex4_work_per_coin / 2",
    ),
}
