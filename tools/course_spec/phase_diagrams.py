"""Grading of the exercises of the chapter phase_diagrams."""

from . import Exercise

EXERCISES = {
    "phase_diagrams_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"h": [0.2, 0.4, 0.5, 0.6]},
        task="""For your own field `P["h"]` (instead of 0.3), put the boundary $\\gamma^*$ at
        $\\beta = 0$ and its limit as $\\beta \\to \\infty$ in `ex1_gamma_beta0` and
        `ex1_gamma_inf`.""",
        rubric="""the ridge value $pf/(1 - \\gamma(1-p))$ and the sign of the climb's retry value
        giving $\\gamma^* = c/(pf + (1-p)c)$; the limits $2c/(c+f)$ and $c/f$; "both down" is a local
        minimum for $0 < h < 1$ and then always wise for some $\\gamma < 1$.""",
        code="""
        c, f = 2 - 2 * P["h"], 2 + 2 * P["h"]
        ex1_gamma_beta0 = 2 * c / (c + f)
        ex1_gamma_inf = c / f
        print(ex1_gamma_beta0, ex1_gamma_inf)
        """,
        visible="""
        assert 0 < ex1_gamma_inf < ex1_gamma_beta0 < 1
        """,
        hidden="""
        _h = _P["h"]
        assert abs(ex1_gamma_beta0 - (1 - _h)) < 1e-12     # 2c/(c + f) = (2 - 2h)/2
        assert abs(ex1_gamma_inf - (1 - _h) / (1 + _h)) < 1e-12
        """,
        wrong="ex1_gamma_inf = ex1_gamma_beta0",
    ),
    "phase_diagrams_ex2": Exercise(
        auto=0.5, manual=1.5,
        params={"n": [8, 10, 14]},
        edits=(("cw = kl.curie_weiss(12)", "cw = kl.curie_weiss(P['n'])"),),
        task="""Check on your own `kl.curie_weiss(P["n"])` (instead of 12 spins), at the chapter's nine
        points. Put the largest spread of $V^*$ within a level of $|M|$ in `ex2_spread` and the
        smallest $V^* - Q_{\\rm up}$ over all uphill moves in `ex2_gap`.""",
        rubric="""(i) the symmetry of the model and the acceptance maps the unique solution onto
        itself, so $V^*$ depends on $|M|$ only (0.5 point); (ii) uphill flips lower $|M|$ by 2 and a
        kobold must return to $|M| = m$ before it can go below $E(m)$ (0.5 point); (iii) the
        summation by parts bounds the uphill move's value strictly below $v(m) = V^*(s)$, for
        every $\\beta$ and $\\gamma$ (0.5 point).""",
        result="""
        ex2_spread = float(spread)
        ex2_gap = float(gap)
        """,
        visible="""
        assert ex2_spread >= 0 and np.isfinite(ex2_gap)
        """,
        hidden="""
        _m = _kl.curie_weiss(_P["n"])
        _x = _np.arange(2 ** _m.n)
        _s = _np.where((_x[:, None] >> _np.arange(_m.n)) & 1, 1.0, -1.0)
        _level = _np.abs(_s.sum(axis=1))
        _E = -(_level ** 2 - _m.n) / (2 * _m.n)                 # E = -(M^2 - N) / (2N)
        _up = _E[_x[:, None] ^ (1 << _np.arange(_m.n))] - _E[:, None] > 1e-9
        _spread, _gap = 0.0, _np.inf
        for _b in (0.1, 1.0, 10.0):
            for _g in (0.3, 0.9, 0.999):
                _sol = _kl.solve(_m, _b, _g)
                _spread = max(_spread, max(_np.ptp(_sol.V[_level == l]) for l in _np.unique(_level)))
                _Q = _kl.q_values(_m, _b, _g, _sol.V)[:, 1:]
                _gap = min(_gap, _np.min((_sol.V[:, None] - _Q)[_up]))
        assert ex2_spread < 1e-9, "V* depends on |M| only"
        assert _gap > 0 and abs(ex2_gap - _gap) < 1e-9 + 1e-6 * _gap
        """,
        wrong="ex2_gap = -ex2_gap",
    ),
    "phase_diagrams_ex3": Exercise(
        auto=1, manual=1,
        params={"gamma": [0.95, 0.98, 0.995]},
        edits=(("beta0, gamma0 = 3.0, 0.99", "beta0, gamma0 = 3.0, P['gamma']"),),
        task="""At your own `P["gamma"]` (instead of 0.99), put the margin $\\gamma V(s^k) - 4$ at
        $\\beta = 3$ in `ex3_margin` and your estimated inverse temperature of the cut in
        `ex3_beta_cut`.""",
        rubric="""for large $\\beta$, $p \\approx e^{-4\\beta}$ and the denominator is about
        $1 - \\gamma$, so $Q \\approx e^{-4\\beta}\\,\\text{margin}/(1 - \\gamma)$; setting it equal to
        the tolerance gives the cut, and the comparison with the grid's marginal stops.""",
        result="""
        ex3_margin = float(margin)
        ex3_beta_cut = float(beta_cut)
        """,
        visible="""
        assert ex3_margin > 0 and ex3_beta_cut > 3
        """,
        hidden="""
        _g = _P["gamma"]
        _t = _kl.torus(4)
        _V = _kl.solve(_t, 3.0, _g).V
        _Q = _kl.q_values(_t, 3.0, _g, _V)[stripe, 1:]
        _p = 1 / (1 + _np.exp(4 * 3.0))
        # invert Q = p (margin) / (1 - g (1 - p)) for the best climb
        _margin = _Q.max() * (1 - _g * (1 - _p)) / _p
        assert abs(ex3_margin - _margin) < 1e-6 * _margin
        assert abs(ex3_beta_cut - _np.log(_margin / ((1 - _g) * 32e-12)) / 4) < 1e-6
        """,
        wrong="ex3_beta_cut = ex3_beta_cut / 2",
    ),
    "phase_diagrams_ex4": Exercise(
        auto=2, manual=1,
        params={"seed": [10, 11, 12]},
        edits=(("kl.spin_glass(16, seed=9)", "kl.spin_glass(16, seed=P['seed'])"),),
        task="""Use your own sample `kl.spin_glass(16, seed=P["seed"])` (instead of seed 9), on the
        same row ($\\beta$ = `betas[I1]`, the 32 discounts `gammas`). Put the largest number of wise
        states along the row in `ex4_most_wise`, the number at $\\gamma = 0.999$ in `ex4_wise_0999`,
        how many of those are local minima in `ex4_forced`, and the sample's number of local minima
        in `ex4_minima`.""",
        rubric="""where the sample falls among the eight on the same row, and which kind of wisdom
        dominates at $\\gamma = 0.999$: wise local minima (forced) against wise-by-choice states,
        with the numbers.""",
        result="""
        ex4_most_wise = int(wise9.max())
        ex4_wise_0999 = int(wise9[-1])
        ex4_forced = int(forced9)
        ex4_minima = int(kl.local_minima(ninth).size)
        """,
        visible="""
        assert 0 <= ex4_forced <= ex4_wise_0999 <= ex4_most_wise and ex4_minima >= 1
        """,
        hidden="""
        _m = _kl.spin_glass(16, seed=_P["seed"])
        _x = _np.arange(2 ** 16)
        _s = _np.where((_x[:, None] >> _np.arange(16)) & 1, 1.0, -1.0)
        _E = -_np.einsum("si,ij,sj->s", _s, _np.triu(_np.asarray(_m.J, float), 1), _s)
        _nb = _x[:, None] ^ (1 << _np.arange(16))
        _is_min = _np.all(_E[_nb] - _E[:, None] > 1e-9, axis=1)
        assert ex4_minima == int(_is_min.sum())
        _bs, _gs = _kl.book_grid()
        _b1 = _bs[int(_np.argmin(abs(_np.log(_bs))))]
        _one = _kl.phase_diagram(_m, [_b1], [_gs[-1]], "serial", progress=False)
        assert int(_one.wise_states[0, 0]) == ex4_wise_0999
        assert int(_np.rint(_one.wise_minimum_fraction[0, 0] * 2 ** 16)) == ex4_forced
        assert ex4_forced <= int(_is_min.sum())
        """,
        wrong="ex4_minima = ex4_minima + 1",
    ),
}
