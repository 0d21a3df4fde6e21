"""Grading of the exercises of the chapter temperature_as_price."""

from . import Exercise

EXERCISES = {
    "temperature_as_price_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"T": [0.5, 2.0, 3.0, 4.0]},
        task="""Instead of one head per bit, find the biases at which the temperature is
        `P["T"]` and `-P["T"]` heads per bit. Put them in `ex1_p_plus` and `ex1_p_minus`.""",
        rubric="""$\\beta(1-p) = \\log_2\\frac{p}{1-p} = -\\beta(p)$ shown in one line; the bias at
        temperature $T$ from $\\frac{1-p}{p} = 2^{1/T}$, and its mirror image $1 - p$ for $-T$.""",
        code="""
        ex1_p_plus = 1 / (1 + 2 ** (1 / P["T"]))
        ex1_p_minus = 1 - ex1_p_plus
        print(f"T = {kl.temperature(ex1_p_plus):.6f} at p = {ex1_p_plus:.6f}, "
              f"T = {kl.temperature(ex1_p_minus):.6f} at p = {ex1_p_minus:.6f}")
        """,
        visible="""
        assert 0 < ex1_p_plus < 1 and 0 < ex1_p_minus < 1, "biases are probabilities"
        """,
        hidden="""
        assert abs(_kl.temperature(ex1_p_plus) - _P["T"]) < 1e-9
        assert abs(_kl.temperature(ex1_p_minus) + _P["T"]) < 1e-9
        """,
        wrong="ex1_p_plus, ex1_p_minus = ex1_p_minus, ex1_p_plus",
    ),
    "temperature_as_price_ex2": Exercise(
        auto=1, manual=1,
        params={"p": [0.15, 0.25, 0.3]},
        edits=(("p = p_hot", "p = P['p']"),),
        task="""Work at your own bias `P["p"]` (instead of the hot pool's 0.2). Put $n^2$ times
        the canonical error and $n$ times the exact-count error at $n = 10^4$ in
        `ex2_canonical` and `ex2_counted`, and your predicted limits of both in
        `ex2_canonical_limit` and `ex2_counted_limit`.""",
        rubric="""why the central difference removes the curvature term of the smooth
        $nH(m/n)$ (error $O(1/n^2)$), and why the exact count keeps an $O(1/n)$ error: the slope of
        $-\\frac12\\log_2(2\\pi m(n-m)/n)$ from Stirling's formula, a real correction to the price.""",
        result="""
        n = 10_000
        m = round(P["p"] * n)
        ex2_canonical = n**2 * ((n * kl.entropy_bits((m + 1) / n) - n * kl.entropy_bits((m - 1) / n)) / 2 - kl.price(P["p"]))
        ex2_counted = n * ((kl.log2_binomial(n, m + 1) - kl.log2_binomial(n, m - 1)) / 2 - kl.price(P["p"]))
        ex2_canonical_limit = (1 - 2 * p) / (6 * p**2 * q**2 * np.log(2))
        ex2_counted_limit = -(1 / p - 1 / q) / (2 * np.log(2))
        """,
        visible="""
        for _x in (ex2_canonical, ex2_counted, ex2_canonical_limit, ex2_counted_limit):
            assert np.isfinite(_x)
        """,
        hidden="""
        _p = _P["p"]; _q = 1 - _p; _l2 = _np.log(2)
        # the limits from derivatives of H(p) = -p log2 p - q log2 q: H''' = (1 - 2p)/(p^2 q^2 ln 2) ... / 6
        assert abs(ex2_canonical_limit - (1 - 2 * _p) / (6 * _p**2 * _q**2 * _l2)) < 1e-9
        assert abs(ex2_counted_limit - (1 / _q - 1 / _p) / (2 * _l2)) < 1e-9
        # the measured values at n = 10^4 lie close to the limits
        assert abs(ex2_canonical - ex2_canonical_limit) < 0.05 * abs(ex2_canonical_limit) + 0.01
        assert abs(ex2_counted - ex2_counted_limit) < 0.01 * abs(ex2_counted_limit) + 0.01
        """,
        wrong="ex2_counted_limit = -ex2_counted_limit",
    ),
    "temperature_as_price_ex3": Exercise(
        auto=1.5, manual=0.5,
        params={"n": [800, 1200, 2000], "p": [0.1, 0.15]},
        edits=(("n, p = 1000, p_hot", "n, p = P['n'], P['p']"),),
        task="""Use your own pool of `P["n"]` coins with bias `P["p"]` (instead of 1000 coins at
        0.2). Put the heads $h(b)$ for $b = 1, 10, 100, 200, 250$ in `ex3_heads` (five floats), the
        most bits the pool can absorb in `ex3_bits_max` and the heads that takes in
        `ex3_heads_max`.""",
        rubric="""the second-order expansion $b = \\beta h + \\frac{H''(p)}{2n} h^2$ inverted to
        $h \\approx b/\\beta + |H''(p)|\\, b^2/(2n\\beta^3)$; the correction is positive because the pool
        warms as it absorbs heads (its price falls), so each further bit costs more heads; the
        next bit always costs the current temperature, which diverges as $p \\to 1/2$.""",
        result="""
        ex3_heads = [float(heads_needed(b)) for b in (1, 10, 100, 200, 250)]
        ex3_bits_max = float(b_max)
        ex3_heads_max = float(n / 2 - m)
        """,
        visible="""
        assert len(ex3_heads) == 5 and all(np.diff(ex3_heads) > 0)
        assert ex3_bits_max > 250 and ex3_heads_max > 0
        """,
        hidden="""
        from scipy.optimize import brentq as _brentq
        _n, _p = _P["n"], _P["p"]
        _H = lambda x: -x * _np.log2(x) - (1 - x) * _np.log2(1 - x)
        _m = _n * _p
        for _b, _h in zip((1, 10, 100, 200, 250), ex3_heads):
            _ref = _brentq(lambda h: _n * _H((_m + h) / _n) - _n * _H(_p) - _b, 0.0, _n / 2 - _m, xtol=1e-12)
            assert abs(_h - _ref) < 1e-6 * _ref, f"b = {_b}: h = {_h}, expected {_ref:.6f}"
            assert _h >= _b * _np.log2(2) / _np.log2((1 - _p) / _p) - 1e-9, "never below Landauer's b/beta"
        assert abs(ex3_bits_max - _n * (1 - _H(_p))) < 1e-6
        assert abs(ex3_heads_max - (_n / 2 - _m)) < 1e-9
        """,
        wrong="ex3_heads = [h * 1.01 for h in ex3_heads]",
    ),
    "temperature_as_price_ex4": Exercise(
        auto=2, manual=1,
        params={"mu": [0.3, 0.5, 0.6, 0.8]},
        edits=(("mu, eta = 0.4, 1e-3", "mu, eta = P['mu'], 1e-3"),
               ("two coins with 0.4 expected heads: p = 0.2, ", "two coins with {mu} expected heads: p = {mu / 2}, "),
               ("price {kl.price(0.2):.4f}", "price {kl.price(mu / 2):.4f}")),
        task="""Use your own mean `P["mu"]` heads per unit (instead of 0.4). Put the
        maximum-entropy distribution $(q(0), q(1), q(2))$ in `ex4_q`, its $\\beta$ (bits per head)
        in `ex4_beta`, and the price of a pair of coins with the same mean in `ex4_beta_pair`.""",
        rubric="""the Lagrangian argument giving $q(j) \\propto 2^{-\\beta j}$; the explanation of
        the difference: a pair of coins has two microstates with one head (four in all), which
        weights heads more, so the pair needs a larger $\\beta$ for the same mean.""",
        result="""
        ex4_q = np.asarray(res.q)
        ex4_beta = beta_multiplier
        ex4_beta_pair = kl.price(P["mu"] / 2)
        """,
        visible="""
        assert np.shape(ex4_q) == (3,) and abs(np.sum(ex4_q) - 1) < 1e-6
        assert np.isfinite(ex4_beta) and np.isfinite(ex4_beta_pair)
        """,
        hidden="""
        from scipy.optimize import brentq as _brentq
        _mu = _P["mu"]
        def _mean(b):
            w = 2.0 ** (-b * _np.arange(3))
            return (w @ _np.arange(3)) / w.sum() - _mu
        _b = _brentq(_mean, -30, 30)
        _w = 2.0 ** (-_b * _np.arange(3)); _w /= _w.sum()
        assert abs(ex4_beta - _b) < 1e-3, f"beta {ex4_beta}, expected {_b:.4f}"
        assert _np.allclose(ex4_q, _w, atol=1e-4)
        assert abs(ex4_beta_pair - _np.log2((1 - _mu / 2) / (_mu / 2))) < 1e-9
        """,
        wrong="ex4_beta = ex4_beta_pair",
    ),
    "temperature_as_price_ex5": Exercise(
        auto=1, manual=1,
        params={"J": [-0.25, 0.25, 0.75, 1.5]},
        task="""Run the iteration at your own `P["J"]` from the chapter's starting pools
        (`m_start`, with $U_0$ = `conserved(*m_start, J=P["J"])`). Put the miss $U(m) - U_0$ after
        the first step in `ex5_miss`, the prediction $J\\,(m_h - m_h^0)(m_c - m_c^0)$ of part 1
        for that step in `ex5_miss_formula`, the number of steps in `ex5_steps` and the ratio
        $T_h / T_c$ of the equilibrium temperatures in `ex5_ratio`.""",
        rubric="""part 1: subtracting the linearisation that the step satisfies exactly from
        $U(m) = m_h + m_c + J m_h m_c$ leaves only $J (m_h - m_h^0)(m_c - m_c^0)$; part 2: the
        Lagrange conditions with the chain rule give $q \\propto 2^{-\\lambda (g_h k_h + g_c k_c)}$
        with $g$ at the optimum, which is what a step started there returns, so
        $\\beta_h / g_h = \\beta_c / g_c = \\lambda$; part 3: for $J = 0$ the constraint is linear and
        the first step is exact.""",
        code="""
        J_mine = P["J"]
        U_mine = conserved(*m_start, J=J_mine)
        _, g_mine, steps_mine = linearised_equilibrium(U_mine, m_start, J=J_mine)
        m1_mine = steps_mine[0][0]
        m_eq = steps_mine[-1][0]
        print(f"J = {J_mine}: first step misses U0 by {steps_mine[0][1]:+.6e}, predicted "
              f"{J_mine * (m1_mine[0] - m_start[0]) * (m1_mine[1] - m_start[1]):+.6e}; "
              f"{len(steps_mine)} steps; T_h / T_c = {kl.price(m_eq[1] / n_c) / kl.price(m_eq[0] / n_h):.4f}")
        """,
        result="""
        ex5_miss = float(steps_mine[0][1])
        ex5_miss_formula = float(J_mine * (m1_mine[0] - m_start[0]) * (m1_mine[1] - m_start[1]))
        ex5_steps = len(steps_mine)
        ex5_ratio = float(kl.price(m_eq[1] / n_c) / kl.price(m_eq[0] / n_h))
        """,
        visible="""
        assert abs(ex5_miss - ex5_miss_formula) < 1e-9, "part 1: the miss is exactly the formula"
        assert ex5_steps >= 2 and ex5_ratio > 0
        """,
        hidden="""
        from scipy.optimize import brentq as _brentq
        _J, _nh, _nc = _P["J"], 2, 4
        _m0 = _np.array([_nh * 0.2, _nc * 0.1])
        _U = lambda mh, mc: mh + mc + _J * mh * mc
        _U0 = _U(*_m0)
        _beta = lambda m, n: _np.log2((n - m) / m)                 # price of a pool of n coins
        # the first step: independent pools at prices lam * g, with g at m0, meeting g.m = g.m0
        _g = _np.array([1 + _J * _m0[1], 1 + _J * _m0[0]])
        _mean = lambda lam: _np.array([_nh / (1 + 2 ** (lam * _g[0])), _nc / (1 + 2 ** (lam * _g[1]))])
        _lam = _brentq(lambda lam: _g @ _mean(lam) - _g @ _m0, -20, 20, xtol=1e-14)
        _m1 = _mean(_lam)
        assert abs(ex5_miss - (_U(*_m1) - _U0)) < 1e-9
        assert abs(ex5_miss_formula - _J * (_m1[0] - _m0[0]) * (_m1[1] - _m0[1])) < 1e-9
        # the equilibrium: on the constraint U = U0, beta_h / g_h = beta_c / g_c
        def _mc(mh):
            return (_U0 - mh) / (1 + _J * mh)
        def _f(mh):
            mc = _mc(mh)
            return _beta(mh, _nh) / (1 + _J * mc) - _beta(mc, _nc) / (1 + _J * mh)
        _grid = _np.linspace(1e-6, _nh - 1e-6, 20001)
        _ok = [x for x in _grid if 0 < _mc(x) < _nc]
        _vals = [_f(x) for x in _ok]
        _k = next(i for i in range(len(_vals) - 1) if _np.sign(_vals[i]) != _np.sign(_vals[i + 1]))
        _mh = _brentq(_f, _ok[_k], _ok[_k + 1], xtol=1e-14)
        _ratio = _beta(_mc(_mh), _nc) / _beta(_mh, _nh)
        assert abs(ex5_ratio - _ratio) < 1e-6, f"T_h / T_c = {ex5_ratio}, expected {_ratio:.6f}"
        """,
        wrong="ex5_ratio = 1 / ex5_ratio",
    ),
}
