"""Grading of the exercises of the chapter glauber_dynamics."""

from . import Exercise

EXERCISES = {
    "glauber_dynamics_ex1": Exercise(
        auto=0.5, manual=0.5,
        task="""Define a function `ex1_p_up(f, beta)`: the heat-bath probability that the spin is
        $+1$ after a Glauber update, given its local field `f` (whatever its old value).""",
        rubric="""the conditional Boltzmann probability $\\frac{e^{\\pm\\beta f_k}}{e^{\\beta f_k} +
        e^{-\\beta f_k}}$ of the other value equals $p_G(\\Delta E)$ with $\\Delta E = 2 f_k s_k$;
        the new value does not depend on the old: a heat bath.""",
        code="""
        def ex1_p_up(f, beta):
            return 1 / (1 + np.exp(-2 * beta * f))
        print(ex1_p_up(0.7, 0.9))
        """,
        visible="""
        assert abs(ex1_p_up(0.0, 1.0) - 0.5) < 1e-12, "no field: up and down equally likely"
        """,
        hidden="""
        for _f in (0.3, 1.0, 2.5):
            for _beta in (0.2, 1.0, 3.0):
                _Pm = _kl.glauber_transition_matrix(_kl.zener(_f), _beta, "glauber").toarray()
                # from down (state 0) the spin flips up with P[0, 1]; from up it stays with P[1, 1]
                assert abs(ex1_p_up(_f, _beta) - _Pm[0, 1]) < 1e-12
                assert abs(ex1_p_up(_f, _beta) - _Pm[1, 1]) < 1e-12
        """,
        wrong="ex1_p_up = lambda f, beta: 1 / (1 + np.exp(-beta * f))",
    ),
    "glauber_dynamics_ex2": Exercise(
        auto=1, manual=1,
        params={"h": [0.4, 1.2, 1.5], "beta": [0.5, 1.5, 2.0]},
        edits=(("h, beta = 0.7, 0.9", "h, beta = P['h'], P['beta']"),),
        task="""Use your own field `P["h"]` and `P["beta"]`. Put the two transition matrices in
        `ex2_P_glauber` and `ex2_P_metropolis` (2 x 2 arrays, state 0 = spin down) and the
        second eigenvalue of the Metropolis chain in `ex2_lambda2`.""",
        rubric="""the two matrices; Glauber's equal rows (eigenvalues 1 and 0: equilibrium in
        one step); Metropolis's trace giving $-e^{-2\\beta h}$; a negative eigenvalue makes
        $p_t - \\pi$ change sign at every step (overshoot and oscillation).""",
        result="""
        ex2_P_glauber = kl.glauber_transition_matrix(kl.zener(h), beta, "glauber").toarray()
        ex2_P_metropolis = kl.glauber_transition_matrix(kl.zener(h), beta, "metropolis").toarray()
        ex2_lambda2 = -np.exp(-2 * beta * h)
        """,
        visible="""
        assert np.shape(ex2_P_glauber) == (2, 2) and np.shape(ex2_P_metropolis) == (2, 2)
        """,
        hidden="""
        _h, _b = _P["h"], _P["beta"]
        _q = 1 / (1 + _np.exp(2 * _b * _h))
        assert _np.allclose(ex2_P_glauber, [[_q, 1 - _q], [_q, 1 - _q]], atol=1e-12)
        _e = _np.exp(-2 * _b * _h)
        assert _np.allclose(ex2_P_metropolis, [[0, 1], [_e, 1 - _e]], atol=1e-12)
        assert abs(ex2_lambda2 + _e) < 1e-12
        """,
        wrong="ex2_lambda2 = -ex2_lambda2",
    ),
    "glauber_dynamics_ex3": Exercise(
        auto=2,
        params={"seed": [3, 4, 5, 6, 7, 8], "beta": [0.5, 2.0]},
        edits=(("model, beta = kl.spin_glass(8, seed=2), 1.0",
                "model, beta = kl.spin_glass(8, seed=P['seed']), P['beta']"),),
        task="""Use your own `kl.spin_glass(8, seed=P["seed"])` at `P["beta"]`. Put, for each of the
        three chains (keys `"glauber"`, `"metropolis"`, `"glauber sweep"`), whether the divergence
        never increased in `ex3_monotone` (a dict of bools) and the entropy production
        $\\sigma(\\pi)$ at equilibrium in `ex3_sigma_pi` (a dict of floats).""",
        code=None,
        result="""
        ex3_monotone, ex3_sigma_pi = {}, {}
        for name, P_chain in chains.items():
            ok = True
            for p0 in starts:
                path = kl.evolve_distribution(P_chain, p0, 200)
                d = np.array([np.sum(p * np.log(p / pi)) for p in path])
                ok &= bool(np.all(np.diff(d) <= 1e-15))
            ex3_monotone[name] = ok
            ex3_sigma_pi[name] = kl.entropy_production(P_chain, pi)
        """,
        visible="""
        assert set(ex3_monotone) == set(ex3_sigma_pi) == {"glauber", "metropolis", "glauber sweep"}
        """,
        hidden="""
        from functools import reduce as _reduce
        _m = _kl.spin_glass(8, seed=_P["seed"]); _b = _P["beta"]
        _E = _kl.energies(_m); _pi = _np.exp(-_b * (_E - _E.min())); _pi /= _pi.sum()
        def _sigma(M):  # entropy production of the stationary fluxes, computed directly
            F = _pi[:, None] * M
            mask = (F > 0) & (F.T > 0)
            return 0.5 * _np.sum(((F - F.T) * _np.log(_np.where(mask, F, 1) / _np.where(mask, F.T, 1)))[mask])
        _sweep = _reduce(lambda a, b: a @ b, [_kl.glauber_transition_matrix(_m, _b, "glauber", site=k).toarray() for k in range(8)])
        assert abs(ex3_sigma_pi["glauber sweep"] - _sigma(_sweep)) < 1e-6 * max(1, _sigma(_sweep))
        assert _sigma(_sweep) > 1e-6
        for _r in ("glauber", "metropolis"):
            assert abs(ex3_sigma_pi[_r]) < 1e-9
        assert all(ex3_monotone.values()), "the divergence never increases, in all three chains"
        """,
        wrong='ex3_sigma_pi["glauber sweep"] = 0.0',
    ),
    "glauber_dynamics_ex4": Exercise(
        auto=1.5, manual=1.5,
        params={"beta": [0.2, 0.5, 0.7]},
        edits=(("for beta in (0.3, 1.0):", "for beta in (P['beta'],):"),),
        task="""At your own `P["beta"]`, put the predicted time constant (sweeps) in
        `ex4_predicted` and the exact relaxation times of rings of 4, 6, 8, 10 and 12 spins in
        `ex4_taus` (five floats).""",
        rubric="""1. the identity $\\tanh(\\beta(a+b)) = \\frac{\\gamma}{2}(a+b)$ and the formula for
        $2s_kp_G$; 2. the expected change of $M$ in one step; 3. the time constant
        $1/(1 - \\tanh 2\\beta)$ sweeps, independent of $N$.""",
        result="""
        ex4_predicted = 1 / (1 - np.tanh(2 * P["beta"]))
        ex4_taus = [kl.relaxation_time(kl.ring(n), P["beta"], "glauber") for n in range(4, 13, 2)]
        """,
        visible="""
        assert len(ex4_taus) == 5
        """,
        hidden="""
        _b = _P["beta"]
        assert abs(ex4_predicted - 1 / (1 - _np.tanh(2 * _b))) < 1e-9
        for _i, _n in enumerate((4, 6, 8)):   # the second eigenvalue of the dense chain
            _M = _kl.glauber_transition_matrix(_kl.ring(_n), _b, "glauber").toarray()
            _lam = _np.sort(_np.linalg.eigvals(_M).real)[-2]
            assert abs(ex4_taus[_i] - 1 / (_n * (1 - _lam))) < 1e-6 * ex4_taus[_i]
        assert _np.allclose(ex4_taus, ex4_predicted, rtol=1e-6)
        """,
        wrong="ex4_predicted = 1 / (1 - np.tanh(P['beta']))",
    ),
}
