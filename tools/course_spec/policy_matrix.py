"""Grading of the exercises of the chapter policy_matrix."""

from . import Exercise

EXERCISES = {
    "policy_matrix_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"gamma": [0.5, 0.8, 0.95], "r": [[2.0, 1.0], [1.0, 3.0], [0.5, 0.25]]},
        edits=(("g = 0.9", "g = P['gamma']"), ("r = np.array([1.0, 2.0, 0.0])", "r = np.array([*P['r'], 0.0])")),
        task="""Use your own `P["gamma"]` and rewards `(r_x, r_y) = P["r"]`. Put the true resolvent
        in `ex1_true` (3 x 3), and the discounted energy from $x$ by the true resolvent and by the
        paper's formula in `ex1_V_true` and `ex1_V_paper`.""",
        rubric="""the rows of $(I - \\gamma T)^{-1}$ solved from the bottom up; the entries $(x, y)$ and
        $(x, z)$ off by $\\gamma^2/(1-\\gamma)$ in opposite directions; $r_x + \\gamma r_y$ is right,
        the paper's $r_x + \\frac{\\gamma}{1-\\gamma}r_y$ counts the second gain again at every step.""",
        result="""
        ex1_true = true
        ex1_V_true = (true @ r)[0]
        ex1_V_paper = (paper @ r)[0]
        """,
        visible="""
        assert np.shape(ex1_true) == (3, 3)
        """,
        hidden="""
        _g = _P["gamma"]; _rx, _ry = _P["r"]
        _ref = _np.array([[1, _g, _g**2 / (1 - _g)], [0, 1, _g / (1 - _g)], [0, 0, 1 / (1 - _g)]])
        assert _np.allclose(ex1_true, _ref)
        assert abs(ex1_V_true - (_rx + _g * _ry)) < 1e-9
        assert abs(ex1_V_paper - (_rx + _g / (1 - _g) * _ry)) < 1e-9
        """,
        wrong="ex1_V_true = ex1_V_paper",
    ),
    "policy_matrix_ex2": Exercise(
        auto=1, manual=1,
        params={"model": ["torus(3)", "curie_weiss(8)", "spin_glass(8, seed=1)"]},
        edits=(('c = cases["ring(8)"]', "c = cases[P['model']]"),),
        task="""Do part (b) for your own model `cases[P["model"]]` (instead of the ring). Put the
        Jordan blocks of $T$ in `ex2_blocks`, a dict from block size to the number of blocks of
        that size (sizes with no block left out), and the number of leaves in `ex2_leaves`.""",
        rubric="""(a) $T^n$ has one 1 per row, in column $\\pi^n x$, and its nonzero columns are
        independent, so the rank counts the distinct $\\pi^n x$; (b) blocks of size at least $k$
        number $r_{k-1} - r_k$, and the three checks (sizes add up to the acting states, largest
        block $d$, one block per leaf).""",
        result="""
        ex2_blocks = {int(k): int(m) for k, m in exactly.items() if m}
        ex2_leaves = int(leaves)
        """,
        visible="""
        assert isinstance(ex2_blocks, dict)
        """,
        hidden="""
        _names = {"torus(3)": _kl.torus(3), "curie_weiss(8)": _kl.curie_weiss(8), "spin_glass(8, seed=1)": _kl.spin_glass(8, seed=1)}
        _pol = _np.asarray(_kl.solve(_names[_P["model"]], 1.0, 0.9).policy, dtype=_np.int64)
        _x = _np.arange(_pol.size)
        _succ = _np.where(_pol == 0, _x, _x ^ (1 << _np.maximum(_pol - 1, 0)))
        # ranks of T^n = number of distinct n-th successors, by following the policy
        _ranks, _y = [], _x.copy()
        for _n in range(_pol.size + 1):
            _ranks.append(_np.unique(_y).size)
            if _n > 1 and _ranks[-1] == _ranks[-2]:
                break
            _y = _succ[_y]
        _atleast = [_ranks[k - 1] - _ranks[k] for k in range(1, len(_ranks))] + [0]
        _ref = {k: _atleast[k - 1] - _atleast[k] for k in range(1, len(_atleast)) if _atleast[k - 1] - _atleast[k]}
        assert {int(k): int(v) for k, v in ex2_blocks.items()} == _ref, f"{ex2_blocks} against {_ref}"
        assert ex2_leaves == int(_np.sum(_np.bincount(_succ[_pol != 0], minlength=_pol.size) == 0))
        """,
        wrong="ex2_leaves = ex2_leaves + 1",
    ),
    "policy_matrix_ex3": Exercise(
        auto=2,
        params={"n": [6, 7, 10], "gamma": [0.8, 0.95]},
        # the chapter's code names the transition matrix P: keep the parameters apart first
        edits=(("cw = kl.curie_weiss(8)", "n_ex3, gamma_ex3 = P['n'], P['gamma']\ncw = kl.curie_weiss(n_ex3)"),
               ("np.inf, 0.9)", "np.inf, gamma_ex3)"),
               ("I - 0.9 * T", "I - gamma_ex3 * T"),
               ("0.9 / 0.1", "gamma_ex3 / (1 - gamma_ex3)")),
        task="""Use your own `kl.curie_weiss(P["n"])` and discount `P["gamma"]`. Put the number of
        states where the paper's formula is wrong in `ex3_n_wrong` and its largest error in
        `ex3_max_error`.""",
        result="""
        ex3_n_wrong = int(wrong.sum())
        ex3_max_error = float(np.abs(V_paper - V_solver).max())
        """,
        visible="""
        assert isinstance(ex3_n_wrong, (int, np.integer)) and ex3_max_error >= 0
        """,
        hidden="""
        _m = _kl.curie_weiss(_P["n"]); _g = _P["gamma"]
        _pol = _np.asarray(_kl.solve(_m, _np.inf, _g).policy, dtype=_np.int64)
        _x = _np.arange(_pol.size)
        _succ = _np.where(_pol == 0, _x, _x ^ (1 << _np.maximum(_pol - 1, 0)))
        _E = _kl.energies(_m)
        _r = _np.where(_pol != 0, _E - _E[_succ], 0.0)      # every chosen flip accepted at beta = inf
        _Vt, _y, _w = _np.zeros(_pol.size), _x.copy(), 1.0
        for _ in range(_pol.size):                            # walk every path to its root
            _Vt += _w * _r[_y]; _y = _succ[_y]; _w *= _g
        _Vp = _r + _g / (1 - _g) * _r[_succ]
        _bad = ~_np.isclose(_Vp, _Vt)
        assert ex3_n_wrong == int(_bad.sum())
        assert abs(ex3_max_error - _np.abs(_Vp - _Vt).max()) < 1e-6
        """,
        wrong="ex3_n_wrong = ex3_n_wrong - 1",
    ),
    "policy_matrix_ex4": Exercise(
        auto=1.5, manual=1.5,
        params={"beta": [0.7, 1.5, 3.0]},
        edits=(("for b in (0.5, 1.0, 2.0):", "for b in (P['beta'],):"),),
        task="""At your own `P["beta"]`, put the bracket `(lo, hi)` of $\\gamma^*$ from your bisection
        (width at most 0.005) in `ex4_bracket`.""",
        rubric="""(a) the factor $p_k/(1 - \\gamma(1-p_k)) > 0$, so $Q_k$ has the sign of
        $-\\Delta E_k + \\gamma V(s^k)$; (c) $V(s^k)$ depends on $\\beta$ through the acceptance of the
        later downhill flips, which moves the threshold a little.""",
        result="""
        ex4_bracket = stripe_threshold(P["beta"])
        """,
        visible="""
        assert len(ex4_bracket) == 2 and ex4_bracket[0] < ex4_bracket[1]
        """,
        hidden="""
        _lo, _hi = ex4_bracket
        assert _hi - _lo <= 0.005 + 1e-12
        _t = _kl.torus(4)
        assert _kl.solve(_t, _P["beta"], _lo).policy[255] == 0, "state 255 still stops at lo"
        assert _kl.solve(_t, _P["beta"], _hi).policy[255] != 0, "state 255 acts at hi"
        """,
        wrong="ex4_bracket = (ex4_bracket[0] - 0.1, ex4_bracket[1] - 0.1)",
    ),
    "policy_matrix_ex5": Exercise(
        manual=3,
        rubric="""start the cycle at its lowest state so every partial sum $S_i \\le 0$ (1 point);
        summation by parts with decreasing discount weights gives $V^\\pi(x_0) \\le 0$ (1 point);
        optimality and the tie rule then force a stop at $x_0$, a contradiction, and the remark on
        level cycles (1 point).""",
    ),
}
