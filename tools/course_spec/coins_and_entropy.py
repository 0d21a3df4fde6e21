"""Grading of the exercises of the chapter coins_and_entropy."""

from . import Exercise

EXERCISES = {
    "coins_and_entropy_ex1": Exercise(
        auto=0.5, manual=0.5,
        params={"pool": [[5, 2], [6, 2], [6, 3], [7, 3], [8, 3]]},
        task="""Your hot pool has `P["pool"][0]` coins of which exactly `P["pool"][1]` are heads
        (instead of 4 coins with 2 heads), the cold pool $c$ coins that are all tails. Put the
        smallest $c$ for which one unit of work is possible in `ex1_c_min` (an `int`).""",
        rubric="""the counting argument (configurations before, room after one unit of work, the
        inequality that decides), and why $W = 2$ (every head turned into work) is never possible:
        the pools would have to end in a single configuration.""",
        code="""
        from math import comb
        n_hot, heads = P["pool"]
        start = comb(n_hot, heads)  # the cold pool (all tails) has one configuration
        ex1_c_min = next(c for c in range(1000) if comb(n_hot + c, heads - 1) >= start)
        print(f"smallest cold pool: c = {ex1_c_min}")
        """,
        visible="""
        assert isinstance(ex1_c_min, (int, np.integer)), "ex1_c_min should be an integer"
        assert ex1_c_min >= 0
        """,
        hidden="""
        from math import comb
        _n, _k = _P["pool"]
        # brute force: count the configurations with itertools, not with comb
        import itertools as _it
        def _count(n, k):
            return sum(1 for c in _it.product((0, 1), repeat=n) if sum(c) == k)
        _c = int(ex1_c_min)
        assert _count(_n + _c, _k - 1) >= _count(_n, _k), "W = 1 does not fit with this cold pool"
        assert _c == 0 or _count(_n + _c - 1, _k - 1) < _count(_n, _k), "a smaller cold pool already works"
        """,
        wrong="ex1_c_min = ex1_c_min + 1",
    ),
    "coins_and_entropy_ex2": Exercise(
        auto=2,
        params={"n": [4, 6], "m": [1.5, 2.0], "first": [0.3, 0.6, 0.7]},
        edits=(("n = 5", 'n = P["n"]'), ("[1.0, 0.5]", '[P["m"], P["first"]]')),
        task="""Use your own number of coins `P["n"]`, expected number of heads `P["m"]` and
        probability `P["first"]` that the first coin is heads. Put the head probability of
        every coin in `ex2_biases` (array of length `P["n"]`) and the maximum-entropy
        distribution over all $2^n$ configurations in `ex2_q` (in the order of
        `itertools.product((0, 1), repeat=n)`).""",
        result="""
        ex2_biases = np.asarray(biases)
        ex2_q = np.asarray(res.x)
        """,
        visible="""
        assert np.shape(ex2_biases) == (P["n"],), "one bias per coin"
        assert np.shape(ex2_q) == (2 ** P["n"],), "one probability per configuration"
        assert abs(np.sum(ex2_q) - 1) < 1e-6, "a distribution sums to 1"
        """,
        hidden="""
        import itertools as _it
        _n, _m, _a = _P["n"], _P["m"], _P["first"]
        _b = _np.r_[_a, _np.full(_n - 1, (_m - _a) / (_n - 1))]   # the product solution
        assert _np.allclose(ex2_biases, _b, atol=1e-4), f"biases {ex2_biases}, expected {_b}"
        _c = _np.array(list(_it.product((0, 1), repeat=_n)))
        _prod = _np.prod(_np.where(_c == 1, _b, 1 - _b), axis=1)
        assert _np.allclose(ex2_q, _prod, atol=1e-4), "the optimum is the product of the marginals"
        """,
        wrong="ex2_biases = ex2_biases[::-1]",
    ),
    "coins_and_entropy_ex3": Exercise(
        auto=2,
        params={"p": [0.05, 0.15, 0.25], "eps": [0.04, 0.06, 0.08]},
        edits=(("np.arange(1, 5001)", "np.arange(1, 3001)"),
               ("typical_set(int(n), p_cold, 0.05)", "typical_set(int(n), P['p'], P['eps'])"),
               ("entropy_bits(p_cold)", "entropy_bits(P['p'])")),
        task="""Use your own bias `P["p"]` and tolerance `P["eps"]` (bits per coin), and search
        $n \\le 3000$. Put the smallest $n$ with at least 90% of the probability in the typical
        set in `ex3_n` (an `int`), the typical set's size in bits per coin at that $n$,
        $\\log_2|A|/n$, in `ex3_bits_per_coin`, and $\\log_2$ of the fraction of all $2^n$
        configurations that it is in `ex3_log2_fraction`.""",
        result="""
        ts = kl.typical_set(int(first), P["p"], P["eps"])
        ex3_n = int(first)
        ex3_bits_per_coin = ts.log2_size / ex3_n
        ex3_log2_fraction = ts.log2_size - ex3_n
        """,
        visible="""
        assert isinstance(ex3_n, (int, np.integer)) and 1 <= ex3_n <= 3000
        assert 0 < ex3_bits_per_coin <= 1, "bits per coin lie in (0, 1]"
        assert ex3_log2_fraction <= 0, "a fraction of all configurations is at most 1"
        """,
        hidden="""
        from scipy.special import gammaln as _gl, logsumexp as _lse
        _p, _e = _P["p"], _P["eps"]
        _H = -(_p * _np.log2(_p) + (1 - _p) * _np.log2(1 - _p))
        def _typical(n):  # directly over head counts: probability and log2 of the size
            k = _np.arange(n + 1)
            log2p = k * _np.log2(_p) + (n - k) * _np.log2(1 - _p)
            inside = _np.abs(-log2p / n - _H) <= _e
            if not inside.any():
                return 0.0, -_np.inf
            lncomb = _gl(n + 1) - _gl(k + 1) - _gl(n - k + 1)
            prob = _np.exp(_lse(lncomb[inside] + log2p[inside] * _np.log(2)))
            return prob, _lse(lncomb[inside]) / _np.log(2)
        _n = int(ex3_n)
        _prob, _log2size = _typical(_n)
        assert _prob >= 0.9, f"at n = {_n} the typical set holds only {_prob:.4f}"
        assert all(_typical(k)[0] < 0.9 for k in range(1, _n)), "a smaller n already reaches 90%"
        assert abs(ex3_bits_per_coin - _log2size / _n) < 1e-6
        assert abs(ex3_log2_fraction - (_log2size - _n)) < 1e-3
        """,
        wrong="ex3_n = ex3_n + 1",
    ),
    "coins_and_entropy_ex4": Exercise(
        auto=1.5, manual=1.5,
        params={"p": [0.1, 0.15, 0.3, 0.35]},
        edits=(("p = 0.2\n", 'p = P["p"]\n'),),
        task="""Work at your own head fraction `P["p"]` (instead of 0.2). Put $n$ times the
        remainder at $n = 10\\,000$ in `ex4_n_remainder` and your closed-form limit of $n$ times
        the remainder in `ex4_limit` (both floats).""",
        rubric="""Stirling applied to the three factorials with the $-n + m + (n-m)$ terms
        cancelling; the square-root terms giving $-\\frac12\\log_2(2\\pi n p q)$; the $1/(12n)$ terms
        giving the limit $-\\frac{1}{12\\ln 2}\\frac{1 - pq}{pq}$.""",
        result="""
        n, m = 10_000, round(P["p"] * 10_000)
        stirling = n * kl.entropy_bits(m / n) - 0.5 * np.log2(2 * np.pi * n * P["p"] * (1 - P["p"]))
        ex4_n_remainder = n * (kl.log2_binomial(n, m) - stirling)
        ex4_limit = -(1 - P["p"] * (1 - P["p"])) / (P["p"] * (1 - P["p"])) / (12 * np.log(2))
        """,
        visible="""
        assert np.isfinite(ex4_n_remainder) and np.isfinite(ex4_limit)
        """,
        hidden="""
        from math import lgamma, log
        _p = _P["p"]; _q = 1 - _p
        _lim = (1 - 1 / _p - 1 / _q) / (12 * log(2))
        assert abs(ex4_limit - _lim) < 1e-9, f"limit {ex4_limit}, expected {_lim}"
        _n = 10_000; _m = round(_p * _n)
        _exact = (lgamma(_n + 1) - lgamma(_m + 1) - lgamma(_n - _m + 1)) / log(2)
        _h = -(_m / _n * log(_m / _n) + (1 - _m / _n) * log(1 - _m / _n)) / log(2)
        _st = _n * _h - 0.5 * log(2 * 3.141592653589793 * _n * _p * _q) / log(2)
        assert abs(ex4_n_remainder - _n * (_exact - _st)) < 1e-3
        assert abs(ex4_n_remainder - _lim) < 1e-2, "n times the remainder is close to its limit at n = 10^4"
        """,
        wrong="ex4_limit = -ex4_limit",
    ),
}
