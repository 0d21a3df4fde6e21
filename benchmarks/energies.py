"""Time ``kobold_lib.energies`` (incremental, O(2**N)) against a vectorised NumPy reference.

The reference evaluates the definition ``E = -s.J.s/2 - h.s`` for every state, in chunks
of 2**16 states (a matrix product per chunk: ``O(2**N N**2)`` work, done by BLAS). It runs
only while its predicted time stays under ``--reference-budget`` seconds.

Usage (from the repository root)::

    PYTHONPATH=$PWD python benchmarks/energies.py            # N = 8, 12, ..., 24
    PYTHONPATH=$PWD python benchmarks/energies.py --sizes 20 22 24 --repeat 5

Model: an SK spin glass (real couplings, no field structure to exploit). Prints a table;
times are the best of ``--repeat`` runs after one warm-up call (numba compiled/cached).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from kobold_lib import energies, flip_energy_changes, spin_glass


def numpy_reference(model) -> np.ndarray:
    n = model.n
    out = np.empty(model.n_states)
    chunk = 1 << min(n, 16)
    bits = np.arange(n, dtype=np.int64)
    J, h = np.asarray(model.J), np.asarray(model.h)
    for start in range(0, model.n_states, chunk):
        x = np.arange(start, start + chunk, dtype=np.int64)
        s = 2.0 * ((x[:, None] >> bits) & 1) - 1.0
        out[start : start + chunk] = -0.5 * np.einsum("si,si->s", s @ J, s) - s @ h
    return out


def best_time(func, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 12, 16, 18, 20, 22, 24])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-budget", type=float, default=30.0,
                        help="skip the NumPy reference when its predicted time exceeds this (s)")
    parser.add_argument("--flip-table", action="store_true",
                        help="also time flip_energy_changes (needs 8 (N+1) 2**N bytes)")
    args = parser.parse_args()

    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    energies(spin_glass(4, 0))  # compile or load the numba cache
    flip_energy_changes(spin_glass(4, 0))
    header = f"{'N':>3} {'states':>10} {'energies (s)':>13} {'states/s':>10} " \
             f"{'NumPy ref (s)':>14} {'speed-up':>9} {'max |diff|':>11}"
    if args.flip_table:
        header += f" {'flip table (s)':>15}"
    print(header)
    ref_rate = None  # seconds per (state * N**2), from the last reference run
    for n in args.sizes:
        model = spin_glass(n, 1)
        t_fast = best_time(lambda: energies(model), args.repeat)
        row = f"{n:>3} {model.n_states:>10} {t_fast:>13.4f} {model.n_states / t_fast:>10.3g}"
        predicted = None if ref_rate is None else ref_rate * model.n_states * n * n
        if predicted is None or predicted < args.reference_budget:
            start = time.perf_counter()
            reference = numpy_reference(model)
            t_ref = time.perf_counter() - start
            ref_rate = t_ref / (model.n_states * n * n)
            diff = np.abs(reference - energies(model)).max()
            row += f" {t_ref:>14.3f} {t_ref / t_fast:>9.1f} {diff:>11.1e}"
        else:
            row += f" {'(~' + format(predicted, '.0f') + ' s)':>14} {'':>9} {'':>11}"
        if args.flip_table:
            t_flip = best_time(lambda: flip_energy_changes(model), 1)
            row += f" {t_flip:>15.3f}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
