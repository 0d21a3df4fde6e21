"""Grading of the exercises of the chapter bellman."""

import textwrap

from . import Exercise

# flip energies and Glauber acceptances computed directly from the couplings
_FLIPS = textwrap.indent("""\
def _flip_table(model, beta):
    n = model.n
    x = _np.arange(2 ** n)
    s = _np.where((x[:, None] >> _np.arange(n)) & 1, 1.0, -1.0)
    J = _np.asarray(model.J, dtype=float); J = _np.triu(J, 1); J = J + J.T
    field = s @ J + _np.asarray(model.h, dtype=float)        # local field of every spin
    dE = 2 * s * field                                        # energy change of flipping spin k
    with _np.errstate(over="ignore"):
        p = 1 / (1 + _np.exp(beta * dE)) if _np.isfinite(beta) else _np.where(dE < 0, 1.0, _np.where(dE > 0, 0.0, 0.5))
    succ = x[:, None] ^ (1 << _np.arange(n))
    E = -0.5 * _np.einsum("si,ij,sj->s", s, J, s) - s @ _np.asarray(model.h, dtype=float)
    return E, dE, p, succ
""", " " * 8)

EXERCISES = {
    "bellman_ex1": Exercise(
        manual=1,
        rubric="""with $a_k = p_k(-\\Delta E_k + \\gamma V(s^k))$ and $d_k = 1 - \\gamma(1-p_k) > 0$,
        $V(s) \\ge Q_k = a_k/d_k$ is the same inequality as $V(s) \\ge a_k + (1-d_k)V(s)$, with
        equality for the same $k$; both directions stated; uniqueness from the contraction.""",
    ),
    "bellman_ex2": Exercise(
        auto=1,
        params={"h": [0.5, 1.5], "beta": [0.3, 0.6], "target": [0.9, 0.95]},
        edits=(("h, beta, target = 1.0, 0.5, 0.9", "h, beta, target = P['h'], P['beta'], P['target']"),),
        task="""Use your own field `P["h"]`, `P["beta"]` and share `P["target"]` of $2h$. Put the
        discount by hand in `ex2_gamma_hand` and by bisection in `ex2_gamma_bisection`.""",
        result="""
        ex2_gamma_hand = by_hand
        ex2_gamma_bisection = 0.5 * (lo + hi)
        """,
        visible="""
        assert 0 < ex2_gamma_hand < 1 and 0 < ex2_gamma_bisection < 1
        """,
        hidden="""
        _h, _b, _t = _P["h"], _P["beta"], _P["target"]
        _p = 1 / (1 + _np.exp(-2 * _b * _h))
        _g = (_t - _p) / (_t * (1 - _p))
        assert abs(ex2_gamma_hand - _g) < 1e-9
        assert abs(ex2_gamma_bisection - _g) < 1e-6
        assert abs(_kl.solve(_kl.zener(_h), _b, _g).V[0] - _t * 2 * _h) < 1e-6
        """,
        wrong="ex2_gamma_hand = ex2_gamma_hand ** 2",
    ),
    "bellman_ex3": Exercise(
        auto=2,
        params={"beta_gamma": [[0.3, 0.8], [0.7, 0.95], [1.5, 0.5], [3.0, 0.9]]},
        edits=(("for beta, gamma in ((0.5, 0.9), (1.0, 0.99), (2.0, 0.7)):",
                "for beta, gamma in (tuple(P['beta_gamma']),):"),),
        task="""At your own `(beta, gamma) = P["beta_gamma"]`, put the depth of the deepest tree
        of the library's optimal policy and the number of sweeps your `value_iteration_numpy`
        needs, for the four models of `MODELS` (in their order), in `ex3_depths` and
        `ex3_sweeps` (four ints each).""",
        result="""
        beta, gamma = P["beta_gamma"]
        ex3_depths, ex3_sweeps = [], []
        for model in MODELS.values():
            sol = kl.solve(model, beta, gamma, "value_iteration")
            ex3_depths.append(int(kl.tree_depth(sol.policy).max()))
            ex3_sweeps.append(int(value_iteration_numpy(model, beta, gamma)[1]))
        """,
        visible="""
        assert len(ex3_depths) == 4 and len(ex3_sweeps) == 4
        """,
        hidden="""
        _b, _g = _P["beta_gamma"]
        _models = [_kl.ring(12), _kl.torus(4), _kl.curie_weiss(12), _kl.spin_glass(12, seed=1)]
        for _i, _m in enumerate(_models):
            _pol = _np.asarray(_kl.solve(_m, _b, _g).policy, dtype=_np.int64)
            _succ = _np.where(_pol == 0, _np.arange(_pol.size), _np.arange(_pol.size) ^ (1 << _np.maximum(_pol - 1, 0)))
            _d = _np.zeros(_pol.size, dtype=int); _x = _np.arange(_pol.size)
            while _np.any(_pol[_x] != 0):      # follow every state to its root
                _moving = _pol[_x] != 0
                _d += _moving; _x = _np.where(_moving, _succ[_x], _x)
            assert ex3_depths[_i] == _d.max(), f"model {_i}: deepest tree {_d.max()}"
            assert ex3_sweeps[_i] == _d.max() + 1
        """,
        wrong="ex3_sweeps = [s + 1 for s in ex3_sweeps]",
    ),
    "bellman_ex4": Exercise(
        auto=1, manual=1,
        params={"seed": [2, 3, 4, 5]},
        edits=(('model = MODELS["spin_glass(12, seed=1)"]', "model = kl.spin_glass(12, seed=P['seed'])"),),
        task="""Use your own `kl.spin_glass(12, seed=P["seed"])`. Put the number of states whose
        value at $\\gamma = 1 - 10^{-9}$ falls short of $E(s) - E_{\\min}$ by more than $10^{-6}$ in
        `ex4_short` (an int).""",
        rubric="""uphill attempts are worthless at $\\beta = \\infty$, so the kobold collects
        $E(s) - E_{\\rm loc}(s)$ with $E_{\\rm loc}$ the lowest energy reachable by downhill and level
        flips: the bottom of its valley, a ground state only if no local minimum traps it.""",
        result="""
        ex4_short = int(short.sum())
        """,
        visible="""
        assert isinstance(ex4_short, (int, np.integer)) and 0 <= ex4_short < 4096
        """,
        hidden=_FLIPS + """
        _E, _dE, _p, _succ = _flip_table(_kl.spin_glass(12, seed=_P["seed"]), _np.inf)
        # lowest energy reachable by downhill or level flips, by repeated relaxation
        _low = _E.copy()
        _ok = _dE <= 1e-12
        while True:
            _new = _np.minimum(_low, _np.where(_ok, _low[_succ], _np.inf).min(axis=1))
            if _np.array_equal(_new, _low):
                break
            _low = _new
        assert ex4_short == int(_np.sum(_low > _E.min() + 1e-6))
        """,
        wrong="ex4_short = ex4_short + 1",
    ),
    "bellman_ex5": Exercise(
        auto=2, manual=1,
        params={"seed": [2, 3, 4]},
        edits=(('for name in ("spin_glass(12, seed=1)", "torus(4)"):',
                "MODELS['mine'] = kl.spin_glass(12, seed=P['seed'])\n"
                "for name in ('mine',):"),),
        task="""Use your own `kl.spin_glass(12, seed=P["seed"])` (the torus is as in the book).
        Put its counts in `ex5_counts`, a dict from `(beta, gamma)` to the list of the three
        counts at $\\tau = 10^{-4}, 10^{-3}, 10^{-2}$, for $\\beta \\in \\{1, 3\\}$,
        $\\gamma \\in \\{0.9, 0.999\\}$.""",
        rubric="""the one-step regret is the retry regret times $1 - \\gamma(1-p_k) \\ge 1 - \\gamma$:
        the discount sets the squeeze; $\\beta$ only decides which attempts reach that floor, so the
        count saturates once every uphill $p_k \\ll 1 - \\gamma$.""",
        result="""
        ex5_counts = {(b, g): false_ties(MODELS["mine"], b, g) for b in (1.0, 3.0) for g in (0.9, 0.999)}
        """,
        visible="""
        assert len(ex5_counts) == 4 and all(len(v) == 3 for v in ex5_counts.values())
        """,
        hidden=_FLIPS + """
        _m = _kl.spin_glass(12, seed=_P["seed"])
        for (_b, _g), _counts in ex5_counts.items():
            _E, _dE, _p, _succ = _flip_table(_m, _b)
            _V = _kl.solve(_m, _b, _g).V
            _a = _p * (-_dE + _g * _V[_succ])
            _qr = _a / (1 - _g * (1 - _p))                    # retry form
            _q1 = _a + (1 - _p) * _g * _V[:, None]            # one-step form
            _act = _V > 0
            _rr = _qr[_act].max(1, keepdims=True) - _qr[_act]
            _ro = _q1[_act].max(1, keepdims=True) - _q1[_act]
            _ref = [int(_np.sum((_ro < t) & (_rr >= t))) for t in (1e-4, 1e-3, 1e-2)]
            assert list(_counts) == _ref, f"beta = {_b}, gamma = {_g}: {list(_counts)} against {_ref}"
        """,
        wrong="ex5_counts = {k: [c + 1 for c in v] for k, v in ex5_counts.items()}",
    ),
    "bellman_ex6": Exercise(
        auto=2, manual=1,
        params={"beta_gamma": [[0.5, 0.9], [2.0, 0.95], [1.0, 0.8], [0.7, 0.99]]},
        edits=(("def gauss_seidel_numpy(", "beta_ex6, gamma_ex6 = P['beta_gamma']\n\n\ndef gauss_seidel_numpy("),
               ("1.0, 0.95", "beta_ex6, gamma_ex6")),
        task="""At your own `(beta, gamma) = P["beta_gamma"]` (instead of 1 and 0.95), put, for the
        four models ring(12), torus(4), curie_weiss(12) and spin_glass(12, seed=1) in this order,
        the sweeps of your move-by-move Gauss-Seidel in `ex6_sweeps` and those of your Jacobi
        value iteration in `ex6_jacobi` (four ints each), and the largest $|V - V_{\\rm library}|$
        of your Gauss-Seidel values over the four models in `ex6_max_error`.""",
        rubric="""from $V = 0 \\le V^*$ every update of the monotone operator keeps $V \\le V^*$ and the
        maximum keeps values from falling; when a sweep changes nothing, $V \\ge \\mathcal{B} V$, so
        $V \\ge V^*$ and hence $V = V^*$; from a start above $V^*$ the maximum could never bring a
        value down, and the sweeps would stop at a wrong answer.""",
        result="""
        ex6_sweeps, ex6_jacobi, ex6_max_error = [], [], 0.0
        for name in ("ring(12)", "torus(4)", "curie_weiss(12)", "spin_glass(12, seed=1)"):
            V, sweeps = gauss_seidel_numpy(MODELS[name], beta_ex6, gamma_ex6)
            ex6_sweeps.append(int(sweeps))
            ex6_jacobi.append(int(value_iteration_numpy(MODELS[name], beta_ex6, gamma_ex6)[1]))
            V_library = kl.solve(MODELS[name], beta_ex6, gamma_ex6).V
            ex6_max_error = max(ex6_max_error, float(np.max(np.abs(V - V_library))))
        """,
        visible="""
        assert len(ex6_sweeps) == 4 and len(ex6_jacobi) == 4 and ex6_max_error >= 0
        """,
        hidden=_FLIPS + """
        _b, _g = _P["beta_gamma"]
        _models = [_kl.ring(12), _kl.torus(4), _kl.curie_weiss(12), _kl.spin_glass(12, seed=1)]
        for _i, _m in enumerate(_models):
            _E, _dE, _p, _succ = _flip_table(_m, _b)
            _retry = _p / (1 - _g * (1 - _p))
            _rew, _car = -_dE * _retry, _g * _retry
            _V = _np.zeros(_E.size)
            for _gs in range(1, 10_001):              # move by move, from V = 0
                _before = _V.copy()
                for _k in range(_m.n):
                    _V = _np.maximum(_V, _rew[:, _k] + _car[:, _k] * _V[_succ[:, _k]])
                if _np.max(_V - _before) <= 1e-10:
                    break
            _W = _np.zeros(_E.size)
            for _jac in range(1, 10_001):             # Jacobi, from V = 0
                _new = _np.maximum(0.0, _np.max(_rew + _car * _W[_succ], axis=1))
                _change, _W = _np.max(_np.abs(_new - _W)), _new
                if _change <= 1e-10:
                    break
            _exact = _kl.solve(_m, _b, _g).V
            assert _np.max(_np.abs(_V - _exact)) < 1e-8 and _np.max(_np.abs(_W - _exact)) < 1e-8
            assert ex6_sweeps[_i] == _gs, f"model {_i}: {ex6_sweeps[_i]} Gauss-Seidel sweeps, expected {_gs}"
            assert ex6_jacobi[_i] == _jac, f"model {_i}: {ex6_jacobi[_i]} Jacobi sweeps, expected {_jac}"
        assert ex6_max_error < 1e-8
        """,
        wrong="ex6_sweeps = [s + 1 for s in ex6_sweeps]",
    ),
}
