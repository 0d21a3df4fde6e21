"""Compile the library's numba kernels once and cache them, so a chapter's first run is quick.

``kobold_lib``'s jitted kernels are compiled the first time they are called and cached on
disk (``numba.njit(cache=True)``: in ``kobold_lib/__pycache__``, or in ``$NUMBA_CACHE_DIR``
when that is set). Without this step the first Run All of a chapter spends most of its time
compiling, silently. This script calls the library's public functions on small models, with
the argument kinds the chapters use (every model family, every Bellman method and form,
both acceptance rules), so that every kernel a chapter needs is compiled and cached before
a notebook is opened. It uses public ``kobold_lib`` names only.

It runs in the setup commands (``tools/setup.sh``, which every ``tools/*.sh`` sources, and
``binder/postBuild``). A second run only loads the cache (a few seconds). A call that fails
is reported and skipped (setup goes on: a kernel not warmed here is compiled on first use);
``--strict`` makes any failure an error (the test suite runs it that way).

Usage (from the repository root)::

    python tools/warm_kernels.py [--strict] [--quiet]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def calls():
    """(name, thunk) pairs: each calls public kobold_lib functions on a small input."""
    import numpy as np

    import kobold_lib as kl

    models = [kl.ring(6), kl.torus(3), kl.curie_weiss(6), kl.spin_glass(6, seed=1)]
    glass = models[-1]
    out = []

    def add(name, fn):
        out.append((name, fn))

    # Part I: coins, prices, the exact engine, maximum entropy
    add("coins", lambda: (kl.price(0.2), kl.entropy_bits(0.2), kl.temperature(0.2),
                          kl.log2_binomial(100, 20), kl.typical_set(60, 0.2, 0.1)))
    add("engine", lambda: (kl.max_work(200, 200, 1e-3, 0.2, 0.1),
                           kl.engine_success_probability(200, 200, 5, 0.2, 0.1),
                           kl.entropy_bound_work(200, 200, 0.2, 0.1),
                           kl.efficiency_curve(100, 100, 0.2, 0.1, num=5)))
    add("max_entropy", lambda: kl.max_entropy(np.arange(4.0), 1.2))

    # Part II: models, energies, dynamics
    for m in models:
        add(f"energies {m.name}", lambda m=m: (kl.energies(m), kl.flip_energy_changes(m),
                                               kl.local_minima(m), kl.energy_levels(m)))
        add(f"thermal {m.name}", lambda m=m: (kl.boltzmann_distribution(m, 1.0), kl.thermal_averages(m, 1.0)))
    for rule in kl.RULES:
        add(f"monte_carlo {rule}", lambda rule=rule: kl.monte_carlo(
            glass, 1.0, 200, rng=np.random.default_rng(0), rule=rule))
        add(f"transition matrix {rule}", lambda rule=rule: kl.glauber_transition_matrix(glass, 1.0, rule=rule))
    for rule in getattr(kl, "TRACE_RULES", kl.RULES):
        add(f"monte_carlo_traces {rule}", lambda rule=rule: kl.monte_carlo_traces(
            glass, 1.0, np.arange(4), 50, 0, rule=rule))

    # The Bellman equation: every method and form, the policy's graph, its statistics
    for method in kl.BELLMAN_METHODS:
        for form in ("retry", "one_step"):
            add(f"solve {method} {form}", lambda method=method, form=form: kl.solve(
                glass, 1.0, 0.9, method=method, form=form))
    # The solvers switch to blocked kernels on larger models (N = 12 to 16, as in the
    # chapters' tables and widgets): warm those paths too, for every model family.
    larger = [kl.ring(12), kl.torus(4), kl.curie_weiss(12), kl.spin_glass(12, seed=1), kl.spin_glass(16, seed=1)]
    for m in models + larger:
        for method in kl.BELLMAN_METHODS:
            add(f"solve {m.name} {method}", lambda m=m, method=method: kl.solve(m, 1.0, 0.9, method=method))
        add(f"policy_statistics {m.name}", lambda m=m: kl.policy_statistics(
            m, 1.0, 0.9, solution=kl.solve(m, 1.0, 0.9)))

    def policy_graph():
        sol = kl.solve(glass, 1.0, 0.9)
        policy = sol.policy
        kl.q_values(glass, 1.0, 0.9, sol.V)
        kl.chosen_flip_energy_changes(glass, policy)
        kl.tree_depth(policy)
        kl.absorbing_states(policy)
        kl.successors(policy)
        kl.policy_matrix(policy)
        kl.policy_roots(policy)
        kl.is_forest(policy)
        kl.kobold_traces(glass, 1.0, policy, np.arange(4), 50, 0)

    add("policy graph and kobold traces", policy_graph)
    for m in models:
        add(f"policy_statistics {m.name}", lambda m=m: (kl.policy_statistics(m, 1.0, 0.9),
                                                       kl.wise_fraction(m, 1.0, 0.9)))
    add("phase_diagram", lambda: kl.phase_diagram(glass, [0.5, 1.0], [0.5, 0.9]))
    add("q_learning", lambda: kl.q_learning(glass, 1.0, 0.9, 20, 20, seed=0))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="fail on any call that fails")
    parser.add_argument("--quiet", action="store_true", help="print only failures")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fn in calls():
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 (reported, and fatal under --strict)
                failures.append(name)
                print(f"warm_kernels: {name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    if not args.quiet or failures:
        print(f"warm_kernels: library kernels compiled and cached in {time.perf_counter() - start:.0f} s"
              + (f" ({len(failures)} calls failed)" if failures else ""))
    return 1 if (failures and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
