"""Grading of the exercises of the chapter ising_models."""

import textwrap

from . import Exercise

# brute-force energies from the couplings, independent of kobold_lib's kernels:
# E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i, spin k = +1 when bit k of the state is set
_BRUTE = textwrap.indent("""\
def _brute_energies(model):
    x = _np.arange(2 ** model.n)
    s = _np.where((x[:, None] >> _np.arange(model.n)) & 1, 1.0, -1.0)
    J = _np.triu(_np.asarray(model.J, dtype=float), 1)
    return -_np.einsum("si,ij,sj->s", s, J, s) - s @ _np.asarray(model.h, dtype=float)
""", " " * 8)

EXERCISES = {
    "ising_models_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"n": [10, 12, 14], "w": [2, 4, 6]},
        task="""For a ring of `P["n"]` spins, put the number of states with `P["w"]` domain walls
        in `ex1_count` (an int) and their energy in `ex1_energy`.""",
        rubric="""$E = -(n - w) + w$ from the bonds; $w$ even because the spin returns to its
        start after a walk round the ring; $2\\binom{n}{w}$ from the positions of the walls and the
        value of spin 0.""",
        code="""
        from math import comb
        ex1_count = 2 * comb(P["n"], P["w"])
        ex1_energy = -P["n"] + 2 * P["w"]
        print(ex1_count, ex1_energy)
        """,
        visible="""
        assert isinstance(ex1_count, (int, np.integer))
        """,
        hidden=_BRUTE + """
        _E = _brute_energies(_kl.ring(_P["n"]))
        _e = -_P["n"] + 2 * _P["w"]
        assert abs(ex1_energy - _e) < 1e-9
        assert ex1_count == int(_np.sum(_np.isclose(_E, _e)))
        """,
        wrong="ex1_count = ex1_count // 2",
    ),
    "ising_models_ex2": Exercise(
        auto=1, manual=1,
        params={"N": [7, 11, 12, 13]},
        edits=(("for n in (9, 10):", "for n in (P['N'],):"),),
        task="""For your own `P["N"]`, put the ground-state energy in `ex2_ground`, the number of
        levels in `ex2_n_levels` and the degeneracies from the ground level upwards in
        `ex2_degeneracies` (a list of ints), all from your formulas.""",
        rubric="""$M^2 = N + 2\\sum_{i<j}s_is_j$ giving $E = (N - M^2)/(2N)$; $E_{\\min} = -(N-1)/2$
        at $M = \\pm N$; $\\lfloor N/2\\rfloor + 1$ levels with degeneracies $2\\binom{N}{(N+|M|)/2}$
        ($\\binom{N}{N/2}$ at $M = 0$).""",
        result="""
        n = P["N"]
        ex2_ground = -(n - 1) / 2
        ex2_n_levels = n // 2 + 1
        ex2_degeneracies = [comb(n, (n + int(a)) // 2) * (1 if a == 0 else 2) for a in np.arange(n, -1, -2)]
        """,
        visible="""
        assert len(ex2_degeneracies) == ex2_n_levels
        """,
        hidden=_BRUTE + """
        _E = _np.round(_brute_energies(_kl.curie_weiss(_P["N"])), 9)
        _levels, _counts = _np.unique(_E, return_counts=True)
        assert abs(ex2_ground - _levels[0]) < 1e-9
        assert ex2_n_levels == len(_levels)
        assert list(map(int, ex2_degeneracies)) == list(map(int, _counts))
        """,
        wrong="ex2_ground = -ex2_ground",
    ),
    "ising_models_ex3": Exercise(
        auto=2,
        edits=(("for side in (2, 3, 4, 5):", "for side in (2, 3, 4):"),),
        task="""On the chapter's grid `betas` (1000 points in $[0.05, 1.2]$), put the position of the
        maximum of $c(\\beta)$ for $L = 2, 3, 4$ in `ex3_peak_beta` and the height of each
        maximum in `ex3_peak_c` (three floats each).""",
        result="""
        ex3_peak_beta, ex3_peak_c = [], []
        for side in (2, 3, 4):
            levels = kl.energy_levels(kl.torus(side))
            e, g = levels.energy, levels.degeneracy.astype(float)
            w = g * np.exp(-np.outer(betas, e - e.min()))
            w /= w.sum(axis=1, keepdims=True)
            c = betas**2 * (w @ e**2 - (w @ e) ** 2) / side**2
            ex3_peak_beta.append(betas[c.argmax()])
            ex3_peak_c.append(c.max())
        """,
        visible="""
        assert len(ex3_peak_beta) == 3 and len(ex3_peak_c) == 3
        """,
        hidden=_BRUTE + """
        _b = _np.linspace(0.05, 1.2, 1000)
        for _i, _L in enumerate((2, 3, 4)):
            _E = _brute_energies(_kl.torus(_L))
            _c = []
            for _beta in _b:  # thermal averages state by state
                _w = _np.exp(-_beta * (_E - _E.min())); _w /= _w.sum()
                _c.append(_beta**2 * (_w @ _E**2 - (_w @ _E) ** 2) / _L**2)
            _c = _np.array(_c)
            assert abs(ex3_peak_beta[_i] - _b[_c.argmax()]) < 2e-3, f"L = {_L}"
            assert abs(ex3_peak_c[_i] - _c.max()) < 1e-6, f"L = {_L}"
        """,
        wrong="ex3_peak_c = [2 * c for c in ex3_peak_c]",
    ),
    "ising_models_ex4": Exercise(
        auto=2, manual=1,
        params={"first_seed": [100, 200, 300, 400, 500]},
        edits=(("for seed in range(20)", "for seed in range(P['first_seed'], P['first_seed'] + 20)"),),
        task="""Average over your own 20 disorder seeds, `range(P["first_seed"], P["first_seed"] + 20)`.
        Put the mean ground energies per spin for $N = 8, 10, \\dots, 20$ in `ex4_means` (seven
        floats) and the fitted $e_\\infty$ in `ex4_e_inf`.""",
        rubric="""the weighted fit of $e(N) = e_\\infty + aN^{-2/3}$, the comparison with Parisi's
        $-0.763$ and how far $N = 20$ is from the limit.""",
        result="""
        ex4_means = np.asarray(means)
        ex4_e_inf = float(e_inf)
        """,
        visible="""
        assert np.shape(ex4_means) == (7,)
        assert -1.5 < ex4_e_inf < 0
        """,
        hidden=_BRUTE + """
        _seeds = range(_P["first_seed"], _P["first_seed"] + 20)
        for _i, _n in enumerate((8, 10, 12)):   # brute force for the small sizes
            _m = _np.mean([_brute_energies(_kl.spin_glass(_n, _s)).min() / _n for _s in _seeds])
            assert abs(ex4_means[_i] - _m) < 1e-9, f"N = {_n}"
        _g = _np.array([[_kl.energies(_kl.spin_glass(int(_n), _s)).min() / _n for _s in _seeds] for _n in range(8, 21, 2)])
        _mean, _err = _g.mean(1), _g.std(1, ddof=1) / _np.sqrt(20)
        assert _np.allclose(ex4_means, _mean, atol=1e-9)
        _x = _np.arange(8, 21, 2) ** (-2 / 3)
        _A = _np.column_stack([_np.ones(7), _x]) / _err[:, None]
        _einf = _np.linalg.lstsq(_A, _mean / _err, rcond=None)[0][0]
        assert abs(ex4_e_inf - _einf) < 1e-6
        """,
        wrong="ex4_e_inf = ex4_e_inf + 0.1",
    ),
}
