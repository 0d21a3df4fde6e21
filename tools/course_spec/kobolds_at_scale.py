"""Grading of the exercises of the chapter kobolds_at_scale."""

from . import Exercise

EXERCISES = {
    "kobolds_at_scale_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"gigabytes": [8, 16, 64, 128]},
        edits=(("24e9", "P['gigabytes'] * 1e9"),),
        task="""With `P["gigabytes"]` GB ($10^9$ bytes) of memory instead of 24, put the largest
        number of spins in `ex1_max_spins` (an int).""",
        rubric="""$4 + 4 + 1 = 9$ bytes per state; single precision keeps about 7 significant
        digits, so ties closer than about $10^{-7}$ can no longer be told apart and the stopping
        tolerance must be loosened.""",
        result="""
        ex1_max_spins = max(n for n in range(60) if per_state * 2**n <= P["gigabytes"] * 1e9)
        """,
        visible="""
        assert isinstance(ex1_max_spins, (int, np.integer))
        """,
        hidden="""
        _n = int(ex1_max_spins)
        assert 9 * 2**_n <= _P["gigabytes"] * 1e9 < 9 * 2 ** (_n + 1)
        """,
        wrong="ex1_max_spins = ex1_max_spins + 1",
    ),
    "kobolds_at_scale_ex2": Exercise(
        auto=2,
        params={"beta": [0.5, 2.0, 3.0]},
        edits=(("kl.solve(model, 1.0, gamma,", "kl.solve(model, P['beta'], gamma,"),),
        task="""At your own `P["beta"]` (instead of 1), put the Gauss-Seidel sweeps and the deepest
        tree for $\\gamma = 0.3, 0.5, 0.7, 0.9, 0.99$ in `ex2_sweeps` and `ex2_depths` (five ints
        each).""",
        result="""
        ex2_sweeps, ex2_depths = [], []
        for gamma in (0.3, 0.5, 0.7, 0.9, 0.99):
            solution = kl.solve(model, P["beta"], gamma, method="gauss_seidel")
            ex2_sweeps.append(int(solution.iterations))
            ex2_depths.append(int(kl.tree_depth(solution.policy).max()))
        """,
        visible="""
        assert len(ex2_sweeps) == 5 and len(ex2_depths) == 5
        """,
        hidden="""
        for _i, _g in enumerate((0.3, 0.5, 0.7, 0.9, 0.99)):
            _sol = _kl.solve(_kl.torus(4), _P["beta"], _g, method="gauss_seidel")
            assert ex2_sweeps[_i] == _sol.iterations
            _pol = _np.asarray(_sol.policy, dtype=_np.int64); _x = _np.arange(_pol.size)
            _succ = _np.where(_pol == 0, _x, _x ^ (1 << _np.maximum(_pol - 1, 0)))
            _d = _np.zeros(_pol.size, dtype=int)
            while _np.any(_pol[_x] != 0):
                _mv = _pol[_x] != 0; _d += _mv; _x = _np.where(_mv, _succ[_x], _x)
            assert ex2_depths[_i] == _d.max()
        """,
        wrong="ex2_depths = [d + 1 for d in ex2_depths]",
    ),
    "kobolds_at_scale_ex3": Exercise(
        auto=2, manual=1,
        params={"seed": [2, 3, 4, 5]},
        edits=(("kl.spin_glass(16, seed=1)", "kl.spin_glass(16, seed=P['seed'])"),),
        task="""Use your own `kl.spin_glass(16, seed=P["seed"])`. Put the smallest positive
        $\\Delta E$ among the chosen moves in `ex3_smallest_uphill` and the counts of wise moves at
        `tol` $= 10^{-12}, 10^{-9}, 10^{-6}$ in `ex3_counts` (three ints).""",
        rubric="""the smallest uphill step is far above $10^{-6}$, so the classification does not
        depend on the tolerance; on the ferromagnets level moves ($\\Delta E = 0$ exactly) could be
        misfiled by a tolerance below rounding error, an artefact of the threshold.""",
        result="""
        ex3_smallest_uphill = float(dE[dE > 0].min())
        ex3_counts = [int(np.sum(dE > tol)) for tol in (1e-12, 1e-9, 1e-6)]
        """,
        visible="""
        assert ex3_smallest_uphill > 0 and len(ex3_counts) == 3
        """,
        hidden="""
        _m = _kl.spin_glass(16, seed=_P["seed"])
        _pol = _np.asarray(_kl.solve(_m, 1.0, 0.99, method="gauss_seidel").policy, dtype=_np.int64)
        _x = _np.arange(2 ** 16)
        _s = _np.where((_x[:, None] >> _np.arange(16)) & 1, 1.0, -1.0)
        _J = _np.triu(_np.asarray(_m.J, float), 1); _J = _J + _J.T
        _dE = 2 * _s * (_s @ _J + _np.asarray(_m.h, float))
        _act = _pol != 0
        _chosen = _dE[_np.arange(_x.size)[_act], _pol[_act] - 1]
        assert abs(ex3_smallest_uphill - _chosen[_chosen > 0].min()) < 1e-9
        assert list(ex3_counts) == [int(_np.sum(_chosen > t)) for t in (1e-12, 1e-9, 1e-6)]
        """,
        wrong="ex3_counts = [c - 1 for c in ex3_counts]",
    ),
}
