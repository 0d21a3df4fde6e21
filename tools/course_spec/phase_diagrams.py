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
        manual=2,
        rubric="""$E = -(M^2 - N)/(2N)$; a minority flip raises $|M|$ by 2, lowers $E$ and shortens
        the Hamming distance to the nearest ground state by one (1 point); a detour can only
        lengthen the way, yet optimality of greedy needs an argument about the discounted,
        acceptance-weighted values, not only about paths (1 point).""",
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
        edits=(("kl.spin_glass(16, seed=9)", "kl.spin_glass(16, seed=P['seed'])"),
               # in the kernel's own process: a process pool costs more to start than the grid
               ("kl.phase_diagram(ninth, b8, g8, progress=False)",
                'kl.phase_diagram(ninth, b8, g8, "serial", progress=False)')),
        task="""Use your own sample `kl.spin_glass(16, seed=P["seed"])` (instead of seed 9). Put the
        largest number of wise states on the $8 \\times 8$ grid in `ex4_most_wise`, the grid
        indices `(i, j)` where it occurs in `ex4_where`, and the number of local minima in
        `ex4_minima`.""",
        rubric="""where the sample falls among the eight, and which kind of wisdom dominates at
        $\\gamma = 0.999$ (wise local minima against wise-by-choice states).""",
        result="""
        ex4_most_wise = int(d9.wise_states.max())
        ex4_where = tuple(int(k) for k in np.unravel_index(np.argmax(d9.wise_states), d9.wise_states.shape))
        ex4_minima = int(minima9)
        """,
        visible="""
        assert len(ex4_where) == 2 and ex4_most_wise >= 0 and ex4_minima >= 1
        """,
        hidden="""
        _m = _kl.spin_glass(16, seed=_P["seed"])
        _x = _np.arange(2 ** 16)
        _s = _np.where((_x[:, None] >> _np.arange(16)) & 1, 1.0, -1.0)
        _E = -_np.einsum("si,ij,sj->s", _s, _np.triu(_np.asarray(_m.J, float), 1), _s)
        _nb = _x[:, None] ^ (1 << _np.arange(16))
        assert ex4_minima == int(_np.sum(_np.all(_E[_nb] - _E[:, None] > 1e-9, axis=1)))
        _b8, _g8 = _kl.book_grid(8, 8)
        _i, _j = ex4_where
        _one = _kl.phase_diagram(_m, [_b8[_i]], [_g8[_j]], executor="serial", progress=False)
        assert int(_one.wise_states[0, 0]) == ex4_most_wise
        """,
        wrong="ex4_minima = ex4_minima + 1",
    ),
}
