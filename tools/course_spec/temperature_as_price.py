"""Grading of the exercises of the chapter temperature_as_price."""

from . import Exercise

EXERCISES = {
    "temperature_as_price_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"T": [0.5, 2.0, 3.0, 4.0]},
        task="""Instead of one head per bit, find the biases at which the temperature is
        `P["T"]` and `-P["T"]` heads per bit. Put them in `ex1_p_plus` and `ex1_p_minus`.""",
        rubric="""$\\beta(1-p) = \\log_2\\frac{p}{1-p} = -\\beta(p)$ shown in one line; the bias at
        temperature $T$ from $\\frac{1-p}{p} = 2^{1/T}$, and its mirror image $1 - p$ for $-T$.""",
        code="""
        ex1_p_plus = 1 / (1 + 2 ** (1 / P["T"]))
        ex1_p_minus = 1 - ex1_p_plus
        print(f"T = {kl.temperature(ex1_p_plus):.6f} at p = {ex1_p_plus:.6f}, "
              f"T = {kl.temperature(ex1_p_minus):.6f} at p = {ex1_p_minus:.6f}")
        """,
        visible="""
        assert 0 < ex1_p_plus < 1 and 0 < ex1_p_minus < 1, "biases are probabilities"
        """,
        hidden="""
        assert abs(_kl.temperature(ex1_p_plus) - _P["T"]) < 1e-9
        assert abs(_kl.temperature(ex1_p_minus) + _P["T"]) < 1e-9
        """,
        wrong="ex1_p_plus, ex1_p_minus = ex1_p_minus, ex1_p_plus",
    ),
    "temperature_as_price_ex2": Exercise(
        auto=1, manual=1,
        params={"p": [0.15, 0.25, 0.3]},
        edits=(("p = p_hot", "p = P['p']"),),
        task="""Work at your own bias `P["p"]` (instead of the hot pool's 0.2). Put $n^2$ times
        the canonical error and $n$ times the exact-count error at $n = 10^4$ in
        `ex2_canonical` and `ex2_counted`, and your predicted limits of both in
        `ex2_canonical_limit` and `ex2_counted_limit`.""",
        rubric="""why the central difference removes the curvature term of the smooth
        $nH(m/n)$ (error $O(1/n^2)$), and why the exact count keeps an $O(1/n)$ error: the slope of
        $-\\frac12\\log_2(2\\pi m(n-m)/n)$ from Stirling's formula, a real correction to the price.""",
        result="""
        n = 10_000
        m = round(P["p"] * n)
        ex2_canonical = n**2 * ((n * kl.entropy_bits((m + 1) / n) - n * kl.entropy_bits((m - 1) / n)) / 2 - kl.price(P["p"]))
        ex2_counted = n * ((kl.log2_binomial(n, m + 1) - kl.log2_binomial(n, m - 1)) / 2 - kl.price(P["p"]))
        ex2_canonical_limit = (1 - 2 * p) / (6 * p**2 * q**2 * np.log(2))
        ex2_counted_limit = -(1 / p - 1 / q) / (2 * np.log(2))
        """,
        visible="""
        for _x in (ex2_canonical, ex2_counted, ex2_canonical_limit, ex2_counted_limit):
            assert np.isfinite(_x)
        """,
        hidden="""
        _p = _P["p"]; _q = 1 - _p; _l2 = _np.log(2)
        # the limits from derivatives of H(p) = -p log2 p - q log2 q: H''' = (1 - 2p)/(p^2 q^2 ln 2) ... / 6
        assert abs(ex2_canonical_limit - (1 - 2 * _p) / (6 * _p**2 * _q**2 * _l2)) < 1e-9
        assert abs(ex2_counted_limit - (1 / _q - 1 / _p) / (2 * _l2)) < 1e-9
        # the measured values at n = 10^4 lie close to the limits
        assert abs(ex2_canonical - ex2_canonical_limit) < 0.05 * abs(ex2_canonical_limit) + 0.01
        assert abs(ex2_counted - ex2_counted_limit) < 0.01 * abs(ex2_counted_limit) + 0.01
        """,
        wrong="ex2_counted_limit = -ex2_counted_limit",
    ),
    "temperature_as_price_ex3": Exercise(
        auto=1,
        params={"kelvin": [4.2, 77.0, 350.0, 1000.0], "gigabytes": [2, 16, 64]},
        edits=(("bits = 8e9", "bits = 8e9 * P['gigabytes']"), ("* 300 *", "* P['kelvin'] *")),
        task="""Erase `P["gigabytes"]` gigabytes at `P["kelvin"]` kelvin. Put the least heat (in
        joules) in `ex3_heat_J`, and the heads per erased bit of the hot and the cold pool in
        `ex3_heads_hot` and `ex3_heads_cold`.""",
        result="""
        ex3_heat_J = bits * constants.k * P["kelvin"] * np.log(2)
        ex3_heads_hot = kl.temperature(p_hot)
        ex3_heads_cold = kl.temperature(p_cold)
        """,
        visible="""
        assert ex3_heat_J > 0 and ex3_heads_hot > 0 and ex3_heads_cold > 0
        """,
        hidden="""
        _kB = 1.380649e-23  # J/K, exact in the SI
        _bits = 8e9 * _P["gigabytes"]
        assert abs(ex3_heat_J / (_bits * _kB * _P["kelvin"] * _np.log(2)) - 1) < 1e-9
        assert abs(ex3_heads_hot - 1 / _np.log2(0.8 / 0.2)) < 1e-9
        assert abs(ex3_heads_cold - 1 / _np.log2(0.9 / 0.1)) < 1e-9
        """,
        wrong="ex3_heat_J = ex3_heat_J / np.log(2)",
    ),
    "temperature_as_price_ex4": Exercise(
        auto=2, manual=1,
        params={"mu": [0.3, 0.5, 0.6, 0.8]},
        edits=(("mu, delta = 0.4, 1e-3", "mu, delta = P['mu'], 1e-3"),
               ("price(0.2)", "price(P['mu'] / 2)")),
        task="""Use your own mean `P["mu"]` heads per unit (instead of 0.4). Put the
        maximum-entropy distribution $(q(0), q(1), q(2))$ in `ex4_q`, its $\\beta$ (bits per head)
        in `ex4_beta`, and the price of a pair of coins with the same mean in `ex4_beta_pair`.""",
        rubric="""the Lagrangian argument giving $q(j) \\propto 2^{-\\beta j}$; the explanation of
        the difference: a pair of coins has two microstates with one head (four in all), which
        weights heads more, so the pair needs a larger $\\beta$ for the same mean.""",
        result="""
        ex4_q = np.asarray(res.x)
        ex4_beta = beta_multiplier
        ex4_beta_pair = kl.price(P["mu"] / 2)
        """,
        visible="""
        assert np.shape(ex4_q) == (3,) and abs(np.sum(ex4_q) - 1) < 1e-6
        assert np.isfinite(ex4_beta) and np.isfinite(ex4_beta_pair)
        """,
        hidden="""
        from scipy.optimize import brentq as _brentq
        _mu = _P["mu"]
        def _mean(b):
            w = 2.0 ** (-b * _np.arange(3))
            return (w @ _np.arange(3)) / w.sum() - _mu
        _b = _brentq(_mean, -30, 30)
        _w = 2.0 ** (-_b * _np.arange(3)); _w /= _w.sum()
        assert abs(ex4_beta - _b) < 1e-3, f"beta {ex4_beta}, expected {_b:.4f}"
        assert _np.allclose(ex4_q, _w, atol=1e-4)
        assert abs(ex4_beta_pair - _np.log2((1 - _mu / 2) / (_mu / 2))) < 1e-9
        """,
        wrong="ex4_beta = ex4_beta_pair",
    ),
}
