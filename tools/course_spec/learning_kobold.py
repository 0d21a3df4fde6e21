"""Grading of the exercises of the chapter learning_kobold."""

from . import Exercise

EXERCISES = {
    "learning_kobold_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"h": [0.5, 1.5, 2.0], "beta": [0.5, 2.0], "gamma": [0.8, 0.95]},
        task="""For your own `P["h"]`, `P["beta"]` and `P["gamma"]`, put $Q_1(\\text{down})$ and
        $Q_1(\\text{up})$ of the policy "flip when down, stop when up" in `ex1_q_down` and
        `ex1_q_up`.""",
        rubric="""the two fixed-point equations and their solution
        $V(\\text{down}) = 2hp/[1 - \\gamma(1-p)]$; flipping up would pay only if
        $\\gamma V(\\text{down}) > 2h$, i.e. $\\gamma > 1$: never.""",
        code="""
        h_, beta_, gamma_ = P["h"], P["beta"], P["gamma"]
        p_ = 1 / (1 + np.exp(-2 * beta_ * h_))
        ex1_q_down = 2 * h_ * p_ / (1 - gamma_ * (1 - p_))
        ex1_q_up = (1 - p_) * (-2 * h_ + gamma_ * ex1_q_down)
        print(ex1_q_down, ex1_q_up)
        """,
        visible="""
        assert ex1_q_down > 0 > ex1_q_up
        """,
        hidden="""
        _m = _kl.zener(_P["h"]); _b, _g = _P["beta"], _P["gamma"]
        _V = _kl.solve(_m, _b, _g).V
        _Q1 = _kl.q_values(_m, _b, _g, _V, form="one_step")
        assert abs(ex1_q_down - _Q1[0, 1]) < 1e-9
        assert abs(ex1_q_up - _Q1[1, 1]) < 1e-9
        """,
        wrong="ex1_q_up = -ex1_q_up",
    ),
    "learning_kobold_ex2": Exercise(
        auto=0.5, manual=1.5,
        params={"gamma": [0.95, 0.99, 0.999]},
        task="""For the chapter's `glass` at $\\beta = 1$ and your own discount `P["gamma"]`, put
        the smallest squeeze factor $c = 1 - \\gamma(1 - p)$ over all (state, flip) pairs in
        `ex2_c_min`.""",
        rubric="""$Q_1 - V(s) = c\\,(Q_r - V(s))$ with $c = 1 - \\gamma(1-p) > 0$, so the maximisers
        and the stopping states coincide; a gap $c\\delta$ against noise $\\sigma$ needs about
        $(\\sigma/c\\delta)^2$ samples; for $p \\to 0$, $c \\to 1 - \\gamma$.""",
        code="""
        p_flip_ = 1 / (1 + np.exp(1.0 * dE))
        ex2_c_min = float((1 - P["gamma"] * (1 - p_flip_)).min())
        print(ex2_c_min)
        """,
        visible="""
        assert 0 < ex2_c_min <= 1
        """,
        hidden="""
        _m = _kl.spin_glass(10, seed=5)
        _x = _np.arange(2 ** 10)
        _s = _np.where((_x[:, None] >> _np.arange(10)) & 1, 1.0, -1.0)
        _J = _np.triu(_np.asarray(_m.J, float), 1); _J = _J + _J.T
        _dE = 2 * _s * (_s @ _J + _np.asarray(_m.h, float))
        _p = 1 / (1 + _np.exp(_dE))
        assert abs(ex2_c_min - (1 - _P["gamma"] * (1 - _p)).min()) < 1e-12
        """,
        wrong="ex2_c_min = 1 - ex2_c_min",
    ),
    "learning_kobold_ex3": Exercise(
        auto=2,
        params={"seed": [2, 3, 4, 6, 7]},
        edits=(("q_init=q0, seed=1)", "q_init=q0, seed=P['seed'])"),),
        task="""Use your own seed `P["seed"]` for the runs (instead of 1). Put the shortfall of
        each run in `ex3_shortfall`, a dict from `q_init` (0.0, 1.0, 5.0, 20.0) to the shortfall.""",
        result="""
        ex3_shortfall = {}
        for q0 in (0.0, 1.0, 5.0, 20.0):
            r = kl.q_learning(glass, 1.0, 0.9, 200_000, 100, epsilon=0.0, q_init=q0, seed=P["seed"])
            ex3_shortfall[q0] = 1 - r.mean_value_policy[-1] / r.mean_value_optimal
        """,
        visible="""
        assert set(ex3_shortfall) == {0.0, 1.0, 5.0, 20.0}
        """,
        hidden="""
        _r = _kl.q_learning(_kl.spin_glass(10, seed=5), 1.0, 0.9, 200_000, 100, epsilon=0.0, q_init=5.0, seed=_P["seed"])
        assert abs(ex3_shortfall[5.0] - (1 - _r.mean_value_policy[-1] / _r.mean_value_optimal)) < 1e-9
        assert all(0 <= s <= 1 for s in ex3_shortfall.values())
        """,
        wrong="ex3_shortfall = {k: v / 2 for k, v in ex3_shortfall.items()}",
    ),
    "learning_kobold_ex4": Exercise(
        auto=2, manual=1,
        params={"seed": [2, 3, 4, 6, 7]},
        edits=(("step_exponent=omega, seed=1\n", "step_exponent=omega, seed=P['seed']\n"),),
        task="""Use your own seed `P["seed"]` (instead of 1). Put, for $\\omega = 0.55, 0.7, 0.85, 1$
        (in this order), the shortfall, the agreement and the mean table error in
        `ex4_shortfall`, `ex4_agreement` and `ex4_q_error` (four floats each).""",
        rubric="""with $\\omega = 1$ the early, pessimistic targets keep weight $1/n$ each and errors
        compound along chains of states; smaller $\\omega$ forgets them faster, so the table tracks
        its improving targets (Even-Dar and Mansour).""",
        result="""
        ex4_shortfall, ex4_agreement, ex4_q_error = [], [], []
        for omega in (0.55, 0.7, 0.85, 1.0):
            r = kl.q_learning(glass, 1.0, 0.99, 200_000, 200, epsilon=0.1, step_exponent=omega, seed=P["seed"])
            ex4_shortfall.append(1 - r.mean_value_policy[-1] / r.mean_value_optimal)
            ex4_agreement.append(r.agreement[-1])
            ex4_q_error.append(r.q_error_mean[-1])
        """,
        visible="""
        assert len(ex4_shortfall) == len(ex4_agreement) == len(ex4_q_error) == 4
        """,
        hidden="""
        for _i, _w in ((0, 0.55), (3, 1.0)):
            _r = _kl.q_learning(_kl.spin_glass(10, seed=5), 1.0, 0.99, 200_000, 200, epsilon=0.1, step_exponent=_w, seed=_P["seed"])
            assert abs(ex4_shortfall[_i] - (1 - _r.mean_value_policy[-1] / _r.mean_value_optimal)) < 1e-9
            assert abs(ex4_agreement[_i] - _r.agreement[-1]) < 1e-9
            assert abs(ex4_q_error[_i] - _r.q_error_mean[-1]) < 1e-9
        """,
        wrong="ex4_agreement = ex4_agreement[::-1]",
    ),
}
