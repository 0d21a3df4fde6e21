"""Grading of the exercises of the chapter kobolds_at_scale."""

from . import Exercise

EXERCISES = {
    "kobolds_at_scale_ex1": Exercise(
        auto=1, manual=1,
        params={"gigabytes": [8, 16, 64, 128], "seed": [2, 3, 4, 5]},
        edits=(("24e9", "P['gigabytes'] * 1e9"),
               ("kl.spin_glass(16, seed=1), 1.0, 0.99", "kl.spin_glass(16, seed=P['seed']), 1.0, 0.99")),
        task="""With `P["gigabytes"]` GB ($10^9$ bytes) of memory instead of 24, put the largest
        number of spins in `ex1_max_spins` (an int). On your own `kl.spin_glass(16, seed=P["seed"])`
        (instead of seed 1), put the largest error of the float32 values, $\\max_s |V(s) - V_{\\rm
        library}(s)|$, in `ex1_error`.""",
        rubric="""(a) $4 + 4 + 1 = 9$ bytes per state and the doubling per spin; (b) float32 keeps
        about 7 significant digits, so the values err at that relative size; the policy survives
        with the library's tie tolerance, but a tolerance below float32's resolution cannot
        recognise genuine ties, while one at that resolution calls moves tied that are not, and
        taking the lowest-numbered of them loses value.""",
        result="""
        ex1_max_spins = max(n for n in range(60) if per_state * 2**n <= P["gigabytes"] * 1e9)
        ex1_error = float(error)
        """,
        visible="""
        assert isinstance(ex1_max_spins, (int, np.integer)) and ex1_error >= 0
        """,
        hidden="""
        _n = int(ex1_max_spins)
        assert 9 * 2**_n <= _P["gigabytes"] * 1e9 < 9 * 2 ** (_n + 1)
        _V = _kl.solve(_kl.spin_glass(16, seed=_P["seed"]), 1.0, 0.99).V
        # float32 carries about 7 significant digits: an error at that relative size, not zero
        assert 1e-9 * _V.max() < ex1_error < 1e-5 * _V.max(), f"error {ex1_error:.2e}, largest value {_V.max():.3f}"
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
        params={"scale": [0.3, 0.6, 0.9, 1.1], "seed": [2, 3, 4, 5]},
        edits=(('kl.from_couplings(0.7 * kl.torus(4).J, name="torus(4), J = 0.7")',
                'kl.from_couplings(P["scale"] * kl.torus(4).J, name=f"torus(4), J = {P[\'scale\']}")'),
               ("kl.spin_glass(16, seed=1)", "kl.spin_glass(16, seed=P['seed'])")),
        task="""Use the torus with every coupling multiplied by your own `P["scale"]` (instead of
        0.7) and your own `kl.spin_glass(16, seed=P["seed"])` (instead of seed 1). Put your wise
        counts in `ex3_counts`, one list of four ints ($\\tau_E = 0, 10^{-12}, 10^{-9}, 10^{-6}$ times
        the energy scale) per model, in the order ring(16), the rescaled torus, the spin glass; and
        the library's counts (`kl.policy_statistics`) in `ex3_library` (three ints, same order).""",
        rubric="""which counts move with $\\tau_E$ and why: no level moves in the spin glass, exactly
        zero level moves on the integer-valued ring, rounding-sized $\\Delta E$ on a torus whose
        couplings are not binary fractions; a wise fraction is comparable between models only where
        it is flat over a range of tolerances between rounding and the smallest real energy step.""",
        result="""
        ex3_counts = [[wise_count(m, 1.0, 0.99, r) for r in (0.0, 1e-12, 1e-9, 1e-6)] for m in check_models]
        ex3_library = [round(kl.policy_statistics(m, 1.0, 0.99).wise_fraction * m.n_states) for m in check_models]
        """,
        visible="""
        assert len(ex3_counts) == 3 and all(len(c) == 4 for c in ex3_counts) and len(ex3_library) == 3
        """,
        hidden="""
        _models = [_kl.ring(16), _kl.from_couplings(_P["scale"] * _kl.torus(4).J),
                   _kl.spin_glass(16, seed=_P["seed"])]
        for _i, _m in enumerate(_models):
            _sol = _kl.solve(_m, 1.0, 0.99)
            _Q = _kl.q_values(_m, 1.0, 0.99, _sol.V)[:, 1:]
            _x = _np.arange(2 ** _m.n)
            _s = _np.where((_x[:, None] >> _np.arange(_m.n)) & 1, 1.0, -1.0)
            _J = _np.triu(_np.asarray(_m.J, float), 1); _J = _J + _J.T
            _dE = 2 * _s * (_s @ _J + _np.asarray(_m.h, float))   # flip energies from the couplings
            _scale = max(1.0, _np.abs(_np.triu(_m.J, 1)).sum() + _np.abs(_m.h).sum())
            _best = _Q.max(axis=1)
            _opt = _Q >= _best[:, None] - _sol.tie_tolerance
            _acts = _best > _sol.tie_tolerance
            _lib = round(_kl.policy_statistics(_m, 1.0, 0.99).wise_fraction * _m.n_states)
            assert ex3_library[_i] == _lib
            for _j, _r in enumerate((1e-12, 1e-9, 1e-6)):
                _ref = int(_np.sum(_acts & _np.all(~_opt | (_dE > _r * _scale), axis=1)))
                assert ex3_counts[_i][_j + 1] == _ref, f"model {_i}, tau_E = {_r}: {ex3_counts[_i][_j + 1]} against {_ref}"
            assert ex3_counts[_i][2] == _lib, "at the library's tau_E = 1e-9 your count is the library's"
        """,
        wrong="ex3_counts = [[c + 1 for c in row] for row in ex3_counts]",
    ),
}
