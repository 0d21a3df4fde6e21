"""How fast is a phase-diagram sweep? Grid size, time per solve, parallel and warm-start speed-ups.

Cases (targets from issue #6, on a 2-core machine):

- the 4 x 4 torus (N = 16) on the book's 32 x 32 (beta, gamma) grid: at most 20 s;
- a 20-spin spin glass on the same grid: at most 10 minutes.

For each model the full grid is timed once with the defaults (a spawn process pool with
one worker per core, one numba thread per worker, warm starts along gamma). The
speed-ups are measured on the same grid for N = 16, and on 4 rows of it (4 x 32 points)
for N = 20, to keep the benchmark short:

- serial, 1 thread: rows one after the other in this process, numba on one thread;
- serial, all threads: the same, numba's parallel kernels on every core;
- pool: the default process pool;
- cold: the pool without warm starts.

"Time per solve" is the wall time of the sweep divided by the number of grid points
(solve + statistics, including process start-up); "CPU per point" is the mean time a
worker spent on one point. No cache is used. Run:  python benchmarks/phases.py [--quick]
(--quick skips the full 20-spin grid).
"""

from __future__ import annotations

import argparse
import os
import time

import numba
import numpy as np

import kobold_lib as kl


def timed(model, betas, gammas, **kwargs):
    t0 = time.perf_counter()
    diagram = kl.phase_diagram(model, betas, gammas, progress=False, **kwargs)
    return time.perf_counter() - t0, diagram


def serial_one_thread(model, betas, gammas, **kwargs):
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return timed(model, betas, gammas, executor="serial", **kwargs)
    finally:
        numba.set_num_threads(previous)


def row(label, model, betas, gammas, seconds, diagram, reference=None):
    points = betas.size * gammas.size
    speed = "" if reference is None else f"{reference / seconds:8.2f}x"
    print(
        f"{label:<22} {model.name:<24} {betas.size:>3}x{gammas.size:<3} {model.n:>3} "
        f"{seconds:9.2f} {1e3 * seconds / points:10.1f} {1e3 * diagram.seconds.mean():10.1f} "
        f"{diagram.iterations.sum():>8d} {speed}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the full 20-spin grid")
    args = parser.parse_args()
    betas, gammas = kl.book_grid(32, 32)
    # compile / load every kernel once, outside the timings
    kl.phase_diagram(kl.spin_glass(8, seed=0), betas[:2], gammas[:2], "serial", progress=False)
    print(f"cores: {os.cpu_count()}, numba threads: {numba.get_num_threads()}")
    print(f"{'case':<22} {'model':<24} {'grid':<7} {'N':>3} {'total s':>9} {'ms/solve':>10} {'CPU ms/pt':>10} {'sweeps':>8} speed-up")

    torus = kl.torus(4)
    t_pool, d = timed(torus, betas, gammas)
    row("pool, warm (default)", torus, betas, gammas, t_pool, d)
    t_cold, d = timed(torus, betas, gammas, warm_start=False)
    row("pool, cold", torus, betas, gammas, t_cold, d)
    t_s1, d = serial_one_thread(torus, betas, gammas)
    row("serial, 1 thread", torus, betas, gammas, t_s1, d)
    t_sn, d = timed(torus, betas, gammas, executor="serial")
    row("serial, all threads", torus, betas, gammas, t_sn, d)
    print(f"  torus(4): pool vs serial 1 thread {t_s1 / t_pool:.2f}x, vs serial all threads {t_sn / t_pool:.2f}x; "
          f"warm vs cold {t_cold / t_pool:.2f}x; target 20 s: {'met' if t_pool <= 20 else 'MISSED'}")

    glass = kl.spin_glass(20, seed=1)
    rows = betas[[0, 10, 21, 31]]
    t_pool4, d = timed(glass, rows, gammas)
    row("pool, warm (default)", glass, rows, gammas, t_pool4, d)
    t_cold4, d = timed(glass, rows, gammas, warm_start=False)
    row("pool, cold", glass, rows, gammas, t_cold4, d)
    t_s14, d = serial_one_thread(glass, rows, gammas)
    row("serial, 1 thread", glass, rows, gammas, t_s14, d)
    t_sn4, d = timed(glass, rows, gammas, executor="serial")
    row("serial, all threads", glass, rows, gammas, t_sn4, d)
    print(f"  spin glass N=20, 4 rows: pool vs serial 1 thread {t_s14 / t_pool4:.2f}x, "
          f"vs serial all threads {t_sn4 / t_pool4:.2f}x; warm vs cold {t_cold4 / t_pool4:.2f}x")
    if not args.quick:
        t_full, d = timed(glass, betas, gammas)
        row("pool, warm (default)", glass, betas, gammas, t_full, d)
        print(f"  spin glass N=20, full grid: target 600 s: {'met' if t_full <= 600 else 'MISSED'}")


if __name__ == "__main__":
    main()
