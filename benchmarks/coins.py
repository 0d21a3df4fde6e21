"""How fast is the exact coin engine? max_work against a dense NumPy reference.

The reference tabulates every (sector k, hot heads a) group with scipy's gammaln, sorts
each sector by probability and fills the capacity: O(n^2 log n) per W, the obvious way
to compute the same number. Both find the largest W with failure <= eps by bisection.
Run:  python benchmarks/coins.py
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import special

import kobold_lib as kl


def dense_failure(n_h, n_c, work, p_h, p_c):
    n = n_h + n_c
    failure = 0.0
    for k in range(n + 1):
        a = np.arange(max(0, k - n_c), min(n_h, k) + 1)
        b = k - a
        log_count = (special.gammaln(n_h + 1) - special.gammaln(a + 1) - special.gammaln(n_h - a + 1)
                     + special.gammaln(n_c + 1) - special.gammaln(b + 1) - special.gammaln(n_c - b + 1))
        log_each = a * np.log(p_h) + (n_h - a) * np.log1p(-p_h) + b * np.log(p_c) + (n_c - b) * np.log1p(-p_c)
        order = np.argsort(-log_each, kind="stable")
        counts = np.exp(log_count[order])
        each = np.exp(log_each[order])
        capacity = math.comb(n, k - work) if k >= work else 0
        room = np.maximum(float(capacity) - np.concatenate(([0.0], np.cumsum(counts)[:-1])), 0.0)
        failure += float(np.sum((counts - np.minimum(counts, room)) * each))
    return failure


def dense_max_work(n_h, n_c, eps, p_h, p_c):
    lo, hi = 0, int(math.ceil(kl.entropy_bound_work(n_h, n_c, p_h, p_c))) + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if dense_failure(n_h, n_c, mid, p_h, p_c) > eps:
            hi = mid
        else:
            lo = mid
    return lo


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


EPS = 0.1  # failure tolerance (large enough that small pools give some work)


def main():
    kl.max_work(50, 50, 1e-3, 0.2, 0.1)  # compile once, outside the timings
    print(f"max_work(n, n, eps={EPS}, 0.2, 0.1): exact engine vs dense NumPy reference")
    print(f"{'coins per pool':>15} {'W (ours)':>9} {'ours [s]':>9} {'dense [s]':>10} {'ratio':>8}")
    for n in (100, 200, 400, 5_000, 50_000, 500_000):
        ours, t_ours = timed(kl.max_work, n, n, EPS, 0.2, 0.1)
        if n <= 400:  # beyond this the dense reference overflows float64 (C(n, k) > 1e308)
            reference, t_dense = timed(dense_max_work, n, n, EPS, 0.2, 0.1)
            assert reference == ours, (n, reference, ours)
            print(f"{n:>15,} {ours:>9} {t_ours:>9.3f} {t_dense:>10.3f} {t_dense / t_ours:>7.0f}x")
        else:
            print(f"{n:>15,} {ours:>9} {t_ours:>9.3f} {'-':>10} {'-':>8}")


if __name__ == "__main__":
    main()
