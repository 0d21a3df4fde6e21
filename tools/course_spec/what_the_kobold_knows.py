"""Grading of the exercises of the chapter what_the_kobold_knows."""

from . import Exercise

EXERCISES = {
    "what_the_kobold_knows_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"beta": [0.3, 1.3, 2.5]},
        edits=(("beta = 0.7", "beta = P['beta']"),),
        task="""Check it at your own `P["beta"]` (instead of 0.7). Put, for each model of `MODELS`
        (keys as in `MODELS`), the largest $|$mean gain$|$ of a blind attempt under Glauber's and
        under Metropolis's acceptance in `ex1_gain`, a dict from the model's name to a pair of
        floats.""",
        rubric="""pairing $s$ with $s^k$: detailed balance $\\pi(s) p_k(s) = \\pi(s^k) p_k(s^k)$ and
        $\\Delta E_k(s^k) = -\\Delta E_k(s)$ make the two terms cancel; the proof needs detailed
        balance with respect to the $\\pi$ the start is drawn from, not the form of the acceptance
        (and fails for a start at another temperature).""",
        result="""
        ex1_gain = {}
        for name, model in MODELS.items():
            pi = kl.boltzmann_distribution(model, beta)
            dE = kl.flip_energy_changes(model)
            ex1_gain[name] = (float(np.abs(pi @ (kl.glauber_acceptance(dE, beta) * dE)).max()),
                              float(np.abs(pi @ (kl.metropolis_acceptance(dE, beta) * dE)).max()))
        """,
        visible="""
        assert set(ex1_gain) == set(MODELS) and all(len(v) == 2 for v in ex1_gain.values())
        """,
        hidden="""
        _b = _P["beta"]
        for _name, _m in MODELS.items():
            _x = _np.arange(2 ** _m.n)
            _s = _np.where((_x[:, None] >> _np.arange(_m.n)) & 1, 1.0, -1.0)
            _J = _np.triu(_np.asarray(_m.J, float), 1); _J = _J + _J.T
            _h = _np.asarray(_m.h, float)
            _E = -0.5 * _np.einsum("si,ij,sj->s", _s, _J, _s) - _s @ _h
            _pi = _np.exp(-_b * (_E - _E.min())); _pi /= _pi.sum()
            _dE = 2 * _s * (_s @ _J + _h)
            for _acc, _got in zip((1 / (1 + _np.exp(_b * _dE)), _np.minimum(1.0, _np.exp(-_b * _dE))), ex1_gain[_name]):
                _ref = _np.abs(_pi @ (_acc * _dE)).max()
                assert _ref < 1e-12 and 0 <= _got < 1e-12, f"{_name}: {_got}"
        """,
        wrong='ex1_gain = {k: (v[0] + 0.1, v[1]) for k, v in ex1_gain.items()}',
    ),
    "what_the_kobold_knows_ex2": Exercise(
        auto=1, manual=1,
        params={"h": [0.3, 1.5, 3.0]},
        edits=(("for h in (0.5, 1.0, 2.0):", "for h in (P['h'],):"),),
        task="""Check the share with `kl.information_balance` for your own field `P["h"]` (instead
        of the three fields of the book). Put $x^*$ in `ex2_x_star`, the largest share
        $(x^* - 1)/\\ln 2$ in `ex2_share`, the best temperature for your field in `ex2_best_T`
        and the library's share there in `ex2_library_share`.""",
        rubric="""$W/(T \\ln 2) = x/((1 + e^x)\\ln 2)$ with $x = 2\\beta h$; its derivative vanishes
        where $1 + e^x = x e^x$, i.e. $x = 1 + e^{-x}$; there $x/(1 + e^x) = e^{-x} = x - 1$, so the
        share is $(x^* - 1)/\\ln 2$, independent of $h$.""",
        result="""
        ex2_x_star = float(x_star)
        ex2_share = float((x_star - 1) / LN2)
        ex2_best_T = float(2 * P["h"] / x_star)
        ex2_library_share = float(bal.extracted / bal.landauer_cost)
        """,
        visible="""
        assert 1 < ex2_x_star < 2 and 0 < ex2_share < 1 and ex2_best_T > 0
        """,
        hidden="""
        from scipy.special import lambertw as _lambertw
        _x = 1 + _lambertw(_np.exp(-1)).real          # x - 1 = e^{-x}  <=>  (x - 1) e^{x - 1} = 1/e
        assert abs(ex2_x_star - _x) < 1e-6
        assert abs(ex2_share - (_x - 1) / _np.log(2)) < 1e-6
        assert abs(ex2_best_T - 2 * _P["h"] / _x) < 1e-6
        _p = 1 / (1 + _np.exp(_x))                     # excited at the best temperature
        assert abs(ex2_library_share - _x * _p / _np.log(2)) < 1e-6
        """,
        wrong="ex2_best_T = 1 / ex2_best_T",
    ),
    "what_the_kobold_knows_ex3": Exercise(
        auto=1.5, manual=0.5,
        params={"beta": [0.5, 0.8, 1.5]},
        edits=(("beta = 1.0", "beta = P['beta']"),),
        task="""Use your own `P["beta"]` (instead of $T = 1$). Put the bits per reading that `lzma`
        needs, for 1 000, 10 000 and 100 000 readings, in `ex3_bits`, a dict from `"torus(3)"` and
        `"ring(10)"` to three floats, and the entropies $S/\\ln 2$ in bits in `ex3_entropy`, a dict
        with the same keys.""",
        rubric="""a general-purpose compressor must learn the distribution from the record; the
        torus visits few states (a small dictionary), the ring many, and `lzma` works on bytes; a
        code built from $\\pi$ itself (arithmetic or typical-set code) spends $-\\log_2 \\pi(s)$ bits
        per reading, $S/\\ln 2$ on average, for any length.""",
        result="""
        ex3_bits, ex3_entropy = {}, {}
        rng = np.random.default_rng(3)
        for name in ("torus(3)", "ring(10)"):
            model = MODELS[name]
            pi = kl.boltzmann_distribution(model, beta)
            ex3_bits[name] = []
            for reads in (1_000, 10_000, 100_000):
                record = rng.choice(pi.size, size=reads, p=pi)
                bits = ((record[:, None] >> np.arange(model.n)) & 1).astype(np.uint8)
                ex3_bits[name].append(8 * len(lzma.compress(np.packbits(bits.ravel()).tobytes(), preset=9)) / reads)
            ex3_entropy[name] = float(kl.information_balance(model, beta, 0.9).information_bits)
        """,
        visible="""
        assert set(ex3_bits) == set(ex3_entropy) == {"torus(3)", "ring(10)"}
        assert all(len(v) == 3 for v in ex3_bits.values())
        """,
        hidden="""
        _b = _P["beta"]
        for _name, _m in (("torus(3)", _kl.torus(3)), ("ring(10)", _kl.ring(10))):
            _x = _np.arange(2 ** _m.n)
            _s = _np.where((_x[:, None] >> _np.arange(_m.n)) & 1, 1.0, -1.0)
            _J = _np.triu(_np.asarray(_m.J, float), 1)
            _E = -_np.einsum("si,ij,sj->s", _s, _J, _s) - _s @ _np.asarray(_m.h, float)
            _pi = _np.exp(-_b * (_E - _E.min())); _pi /= _pi.sum()
            _S = -_np.sum(_pi[_pi > 0] * _np.log2(_pi[_pi > 0]))
            assert abs(ex3_entropy[_name] - _S) < 1e-9, f"{_name}: entropy {ex3_entropy[_name]}, expected {_S:.6f}"
            _lz = ex3_bits[_name]
            assert _lz[0] > _lz[1] > _lz[2], "longer records compress better"
            assert _lz[2] > _S - 0.05, "no compressor beats the entropy"
            assert _lz[2] < _m.n, "lzma compresses the raw n bits per reading"
        """,
        wrong="ex3_entropy = {k: v / np.log(2) for k, v in ex3_entropy.items()}",
    ),
    "what_the_kobold_knows_ex4": Exercise(
        auto=2, manual=1,
        params={"h": [0.5, 1.5, 2.0], "beta": [0.5, 2.0]},
        edits=(("beta = 1.0\np = 1 / (1 + np.exp(2 * beta))",
                "h_ex4, beta = P['h'], P['beta']\np = 1 / (1 + np.exp(2 * beta * h_ex4))"),
               ('print(f"T = 1: p = ', 'print(f"h = {h_ex4}, T = {1 / beta:g}: p = '),
               ("    work, info, act = noisy_kobold(1.0, beta, q)\n    print(",
                "    work, info, act = noisy_kobold(h_ex4, beta, q)\n    print(")),
        task="""Use your own field `P["h"]` and `P["beta"]` (instead of $h = 1$, $T = 1$). Put the
        error rate beyond which the kobold stops acting in `ex4_q_stop`, and its extracted energy
        $W(q)$ and $T \\ln 2\\; I(q)$ for $q = 0, 0.05, 0.1$ in `ex4_W` and `ex4_TI` (three floats
        each, in energy units).""",
        rubric="""the reading is "excited" with probability $r = p(1-q) + (1-p)q$; acting gains $2h$
        when the spin was excited and loses $2h$ otherwise, so $W = 2h[p(1-q) - (1-p)q]$ while
        $q < p$ and 0 beyond; $I(q) = H(r) - H(q)$ bits, positive for all $q < 1/2$: between $q = p$
        and $1/2$ the kobold holds information it cannot turn into energy.""",
        result="""
        ex4_q_stop = float(q_stop)
        ex4_W, ex4_TI = [], []
        for q in (0.0, 0.05, 0.1):
            work, info, act = noisy_kobold(P["h"], beta, q)
            ex4_W.append(float(work))
            ex4_TI.append(float(info * LN2 / beta))
        """,
        visible="""
        assert len(ex4_W) == 3 and len(ex4_TI) == 3 and 0 <= ex4_q_stop <= 0.5
        assert all(w <= ti + 1e-12 for w, ti in zip(ex4_W, ex4_TI)), "W never exceeds T ln 2 I"
        """,
        hidden="""
        _h, _b = _P["h"], _P["beta"]
        _p = _np.exp(-_b * _h) / (_np.exp(_b * _h) + _np.exp(-_b * _h))   # Boltzmann weight of the excited state
        assert abs(ex4_q_stop - _p) < 1e-9
        def _H2(r):
            return 0.0 if r <= 0 or r >= 1 else -r * _np.log2(r) - (1 - r) * _np.log2(1 - r)
        for _q, _w, _ti in zip((0.0, 0.05, 0.1), ex4_W, ex4_TI):
            _work = 2 * _h * max(0.0, _p * (1 - _q) - (1 - _p) * _q)
            _info = _H2(_p * (1 - _q) + (1 - _p) * _q) - _H2(_q)
            assert abs(_w - _work) < 1e-9, f"q = {_q}: W = {_w}, expected {_work:.6f}"
            assert abs(_ti - _info * _np.log(2) / _b) < 1e-9, f"q = {_q}: T ln2 I = {_ti}"
        """,
        wrong="ex4_q_stop = 1 - ex4_q_stop",
    ),
}
