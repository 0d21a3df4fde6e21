"""Benchmark (not a test): the kobold Bellman solver against quantecon's DiscreteDP.

Solves the same MDPs (2D torus and Sherrington-Kirkpatrick spin glass, beta = 1,
gamma = 0.9 and 0.99) with ``kobold_lib.solve`` and with ``quantecon.markov.DiscreteDP``
(policy iteration on a sparse state-action transition matrix, built from the energy
table), for N = 8 ... 16; then ``kobold_lib.solve`` alone up to the largest N whose
arrays fit in this machine's memory. Every solve runs in a fresh subprocess, so its peak
resident memory (``ru_maxrss``, Python and NumPy included) is its own.

For the largest N it also prints the bytes a Gauss-Seidel sweep must move (E and V read,
V written: 24 bytes per state) divided by the sweep's time, beside this machine's copy
bandwidth measured in the same run (a 1 GiB ``numpy.copyto``; bytes read + written).

Usage (from the repository root)::

    python benchmarks/bellman.py            # full run (tens of minutes)
    python benchmarks/bellman.py --quick    # N <= 14 and no large-N runs (a minute)
    python benchmarks/bellman.py --peer-only  # the table against DiscreteDP, N <= 16
    python benchmarks/bellman.py --out benchmarks/bellman_results.md
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time

PEER_LIMIT_S = 120.0  # a peer that needed longer is not run on larger N
REPEATS = 3  # against the peer, both solvers report the best of this many solves (one process each)
WORKER_TIMEOUT_S = 1800.0
BETA = 1.0


# ------------------------------------------------------------------------- workers


def _model(kind: str, n: int):
    import kobold_lib as kl

    if kind == "torus":
        side = math.isqrt(n)
        assert side * side == n, "torus sizes are squares"
        return kl.torus(side)
    return kl.spin_glass(n, seed=1)


def _peak_rss_bytes() -> int:
    """Peak resident memory of this process (VmHWM).

    Not ``ru_maxrss``: on Linux that survives ``execve`` and starts at the parent's peak.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _warm_up() -> None:
    """Load every kernel from numba's cache (or compile it) before anything is timed.

    Small models take other code paths (state-by-state sweeps below 10 spins, one chunk
    of the greedy pass below 11), so each size class is solved once.
    """
    import kobold_lib as kl

    for n in (8, 12, 16):
        for method in kl.BELLMAN_METHODS:
            kl.solve(kl.spin_glass(n, seed=0), BETA, 0.9, method)


def worker_ours(spec: dict) -> dict:
    import numpy as np

    import kobold_lib as kl
    from kobold_lib import bellman as B
    from kobold_lib._tables import Tables

    _warm_up()
    model = _model(spec["model"], spec["n"])
    table_s = None
    if spec.get("time_tables"):
        t = time.perf_counter()
        Tables(model, BETA)  # built again inside solve; timed here to isolate sweep 1
        table_s = time.perf_counter() - t
    base_rss = _peak_rss_bytes()
    elapsed = math.inf
    for _ in range(spec.get("repeats", 1)):
        stamps = []
        t0 = time.perf_counter()
        sol = kl.solve(
            model, BETA, spec["gamma"], spec["method"], callback=lambda i, c: stamps.append(time.perf_counter())
        )
        elapsed = min(elapsed, time.perf_counter() - t0)
    out = {
        "seconds": elapsed,
        "iterations": sol.iterations,
        "residual": sol.residual,
        "converged": sol.converged,
        "peak_rss": _peak_rss_bytes(),
        "rss_before": base_rss,
        "array_bytes": B.bellman_memory_bytes(model.n, spec["method"]),
        "mean_V": float(sol.V.mean()),
    }
    if spec.get("save"):
        np.save(spec["save"], sol.V)
    if table_s is not None:
        marks = [t0 + table_s] + stamps
        out["sweep_seconds"] = [b - a for a, b in zip(marks[:-1], marks[1:])]
        out["table_seconds"] = table_s
    return out


def worker_ddp(spec: dict) -> dict:
    import numpy as np
    import scipy.sparse as sp
    from quantecon.markov import DiscreteDP

    import kobold_lib as kl

    model = _model(spec["model"], spec["n"])
    gamma = spec["gamma"]

    def build():
        # energy table, rewards, sparse transitions (state-action formulation)
        n, size = model.n, 1 << model.n
        states = np.arange(size)
        E = kl.energy_of_spins(model, kl.spins_of_state(states, n))
        s_idx = np.repeat(states, n + 1)
        a_idx = np.tile(np.arange(n + 1), size)
        R = np.zeros(size * (n + 1))
        rows, cols, vals = [states * (n + 1)], [states], [np.ones(size)]
        for k in range(n):
            y = states ^ (1 << k)
            dE = E[y] - E
            p = kl.glauber_acceptance(dE, BETA)
            r = states * (n + 1) + k + 1
            R[r] = -p * dE
            rows += [r, r]
            cols += [y, states]
            vals += [p, 1.0 - p]
        Q = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(size * (n + 1), size)
        )
        del rows, cols, vals
        return DiscreteDP(R, Q, gamma, s_idx, a_idx)

    # Policy iteration; if it cycles between tied policies (it can on these symmetric
    # models), modified policy iteration, timed on its own. The first repeat finds out
    # which; the best of the repeats (build + solve) is reported, as for kobold_lib.
    max_iter = 200
    method = "PI"
    best = build_best = math.inf
    for rep in range(spec.get("repeats", 1)):
        t0 = time.perf_counter()
        ddp = build()
        build_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        if method == "PI":
            res = ddp.solve("policy_iteration", max_iter=max_iter)
        else:
            res = ddp.solve("modified_policy_iteration", epsilon=1e-10, max_iter=100_000)
        solve_s = time.perf_counter() - t1
        if method == "PI" and res.num_iter >= max_iter:
            cycled_s = solve_s
            t1 = time.perf_counter()
            res = ddp.solve("modified_policy_iteration", epsilon=1e-10, max_iter=100_000)
            solve_s = time.perf_counter() - t1
            method = f"MPI (PI cycled: {max_iter} iterations, {cycled_s:.1f} s, not counted)"
        if build_s + solve_s < best:
            best, build_best = build_s + solve_s, build_s
        del ddp
    peak = _peak_rss_bytes()
    out = {
        "seconds": best,
        "build_seconds": build_best,
        "iterations": int(res.num_iter),
        "peak_rss": peak,
        "method": method,
    }
    if spec.get("compare"):
        ours = np.load(spec["compare"])
        out["max_abs_diff"] = float(np.abs(ours - res.v).max())
    return out


# numba's default threading layer here is OpenMP (TBB is not installed). On a machine
# whose two cores are shared with other jobs, OpenMP threads wait at every barrier for a
# descheduled peer; the workqueue layer measured 2-3x faster at N = 20-22 under such
# load, so the workers use it unless NUMBA_THREADING_LAYER says otherwise.
THREADING_LAYER = os.environ.get("NUMBA_THREADING_LAYER", "workqueue")


def run_worker(spec: dict, timeout: float = WORKER_TIMEOUT_S) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)]
    env = {**os.environ, "NUMBA_THREADING_LAYER": THREADING_LAYER}
    t = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "seconds": time.perf_counter() - t}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"rc {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- main run


def copy_bandwidth() -> float:
    """Bytes read + written per second by a 1 GiB numpy copy (best of 3)."""
    import numpy as np

    a = np.ones(1 << 27)
    b = np.empty_like(a)
    np.copyto(b, a)
    best = math.inf
    for _ in range(3):
        t = time.perf_counter()
        np.copyto(b, a)
        best = min(best, time.perf_counter() - t)
    return 2 * a.nbytes / best


def largest_fitting_n(budget_bytes: float) -> int:
    from kobold_lib import bellman as B

    n = 1
    while B.bellman_memory_bytes(n + 1, "gauss_seidel") <= budget_bytes:
        n += 1
    return n


def fmt_s(x) -> str:
    return "-" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")


def fmt_mb(x) -> str:
    return "-" if x is None else f"{x / 1e6:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--peer-only", action="store_true", help="only the table against DiscreteDP (N <= 16)")
    parser.add_argument("--max-n", type=int, default=None, help="largest N of the solo runs")
    parser.add_argument("--budget-gb", type=float, default=24.0, help="memory budget for the largest N")
    parser.add_argument("--out", default=None, help="also write the markdown tables here")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        if spec["solver"] == "copy":
            result = {"bytes_per_second": copy_bandwidth()}
        else:
            result = worker_ours(spec) if spec["solver"] == "ours" else worker_ddp(spec)
        print(json.dumps(result))
        return

    import numpy as np
    import numba
    import quantecon

    lines = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    bw = run_worker({"solver": "copy"})["bytes_per_second"]  # in a worker: keeps this process small
    say(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, numba threads "
        f"{numba.get_num_threads()} (threading layer {THREADING_LAYER}); numpy {np.__version__}, "
        f"numba {numba.__version__}, quantecon {quantecon.__version__}; load average at start "
        f"{os.getloadavg()[0]:.1f}")
    say(f"Copy bandwidth (1 GiB numpy.copyto, bytes read + written): {bw / 1e9:.1f} GB/s")
    say()

    # ------------------------------------------------------------- against the peer
    say(f"### Against quantecon DiscreteDP (beta = 1; seconds, best of {REPEATS} solves each)")
    say()
    say("| model | N | gamma | ours GS (s) | ours PI (s) | sweeps | DiscreteDP build+solve (s) | DDP method | DDP / ours GS | max abs dV |")
    say("|---|---|---|---|---|---|---|---|---|---|")
    cases = [("torus", 9), ("torus", 16)] + [("spin_glass", n) for n in (8, 10, 12, 14, 16)]
    if args.quick:
        cases = [c for c in cases if c[1] <= 14]
    cases.sort(key=lambda c: (c[0], c[1]))
    peer_done = {}
    tmp = f"/tmp/bellman_bench_{os.getpid()}.npy"
    for gamma in (0.9, 0.99):
        for kind, n in cases:
            gs = run_worker({"solver": "ours", "model": kind, "n": n, "gamma": gamma, "method": "gauss_seidel",
                             "save": tmp, "repeats": REPEATS})
            pi = run_worker({"solver": "ours", "model": kind, "n": n, "gamma": gamma, "method": "policy_iteration",
                             "repeats": REPEATS})
            key = (kind, gamma)
            if peer_done.get(key, 0.0) > PEER_LIMIT_S:
                ddp = {"skipped": True}
            else:
                ddp = run_worker({"solver": "ddp", "model": kind, "n": n, "gamma": gamma, "compare": tmp,
                                  "repeats": REPEATS})
                peer_done[key] = ddp.get("seconds", math.inf) if not ddp.get("timeout") else math.inf
            if ddp.get("skipped"):
                peer, ratio, diff, dmeth = "skipped", "-", "-", "-"
            elif ddp.get("timeout") or ddp.get("error"):
                peer, ratio, diff, dmeth = f"> {WORKER_TIMEOUT_S:.0f}" if ddp.get("timeout") else ddp["error"], "-", "-", "-"
            else:
                peer = fmt_s(ddp["seconds"])
                ratio = f"{ddp['seconds'] / gs['seconds']:.0f}x"
                diff = f"{ddp['max_abs_diff']:.1e}"
                dmeth = ddp["method"]
            say(f"| {kind} | {n} | {gamma} | {fmt_s(gs.get('seconds'))} | {fmt_s(pi.get('seconds'))} | "
                f"{gs.get('iterations', '-')} | {peer} | {dmeth} | {ratio} | {diff} |")
    if os.path.exists(tmp):
        os.remove(tmp)
    say()

    # ---------------------------------------------------------------- ours alone
    if args.quick or args.peer_only:
        if args.out:
            with open(args.out, "w") as f:
                f.write("\n".join(lines) + "\n")
        return
    top = largest_fitting_n(args.budget_gb * 1e9)
    if args.max_n is not None:
        top = min(top, args.max_n)
    say(f"### kobold_lib alone (Gauss-Seidel; beta = 1; largest N fitting {args.budget_gb:g} GB: {top})")
    say()
    say("| model | N | gamma | time (s) | sweeps | peak RSS (MB) | RSS before solve (MB) | solver arrays (MB) | PI time (s) |")
    say("|---|---|---|---|---|---|---|---|---|")
    solo = [("spin_glass", n, g) for n in (18, 20, 22, 24) for g in (0.9, 0.99)]
    solo += [("torus", 25, 0.9)]
    solo += [("spin_glass", n, 0.9) for n in range(26, top + 1, 2)]
    if top % 2 == 1:
        solo.append(("spin_glass", top, 0.9))
    solo = [c for c in solo if c[1] <= top]
    bandwidth = None
    for kind, n, gamma in solo:
        largest = (kind, n) == ("spin_glass", top)
        gs = run_worker({"solver": "ours", "model": kind, "n": n, "gamma": gamma, "method": "gauss_seidel",
                         "time_tables": largest})
        pi = None
        if n <= 22:
            pi = run_worker({"solver": "ours", "model": kind, "n": n, "gamma": gamma, "method": "policy_iteration"})
        if "seconds" not in gs:
            say(f"| {kind} | {n} | {gamma} | failed: {gs} | | | | | |")
            continue
        say(f"| {kind} | {n} | {gamma} | {fmt_s(gs['seconds'])} | {gs['iterations']} | {fmt_mb(gs['peak_rss'])} | "
            f"{fmt_mb(gs['rss_before'])} | {fmt_mb(gs['array_bytes'])} | {fmt_s(pi['seconds']) if pi else '-'} |")
        if largest:
            bandwidth = (n, gs)
    say()
    if bandwidth:
        n, gs = bandwidth
        sweeps = gs["sweep_seconds"]
        must = 24 * (1 << n)
        first = must / sweeps[0]
        mean = must * len(sweeps) / sum(sweeps)
        say(f"### Sweep bandwidth at N = {n} (spin glass, gamma = 0.9)")
        say()
        say(f"A sweep must move {must / 1e9:.1f} GB (E and V read, V written: 24 bytes per state).")
        say()
        say("| sweep | time (s) | must-move bytes / time (GB/s) | fraction of copy bandwidth |")
        say("|---|---|---|---|")
        say(f"| first (every move updated) | {sweeps[0]:.2f} | {first / 1e9:.2f} | {first / bw:.0%} |")
        say(f"| mean of {len(sweeps)} | {sum(sweeps) / len(sweeps):.2f} | {mean / 1e9:.2f} | {mean / bw:.0%} |")
        say(f"| copy (numpy, 1 GiB) | - | {bw / 1e9:.2f} | 100% |")
        say()
    nxt = top + 1
    from kobold_lib import bellman as B

    say(f"N = {nxt} would need {B.bellman_memory_bytes(nxt, 'gauss_seidel') / 1e9:.1f} GB of solver arrays.")
    say(f"Load average at the end: {os.getloadavg()[0]:.1f}.")
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
