"""Rebuild the phase diagrams the book's chapters read from ``chapters/data/phases``.

The chapters *The landscape of V* and *Greedy and wise* call
``kobold_lib.phase_diagram(model, *kobold_lib.book_grid(...), cache_dir=...)``; with the
files this script writes they read their numbers instead of recomputing them (about
15 minutes on two cores, most of it the 20-spin models). A cache file is keyed by the
model's fingerprint, the grid, the solver settings and ``PHASES_CACHE_VERSION``, so a
change to any of them makes the chapters recompute (slowly) rather than show stale
numbers; run this script again to refresh the files.

Run from the repository root:  python benchmarks/build_phase_cache.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import pathlib
import time

import numpy as np

import kobold_lib as kl

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / "chapters" / "data" / "phases"

#: name -> (model builder, grid size or "row"); the chapters use exactly these. A "row"
#: is beta = 1 and the 24 gammas of book_grid(2, 24) (The landscape of V).
BOOK_DIAGRAMS = {
    # the four models at N = 16 (Part II's main size)
    "ring16": (lambda: kl.ring(16), 32),
    "torus4": (lambda: kl.torus(4), 32),
    "cw16": (lambda: kl.curie_weiss(16), 32),
    # a smaller size of each, for the N dependence
    "ring12": (lambda: kl.ring(12), 32),
    "torus3": (lambda: kl.torus(3), 32),
    "cw12": (lambda: kl.curie_weiss(12), 32),
    # a larger size of the models that stay greedy (coarser grid: 20 spins are slow)
    "ring20": (lambda: kl.ring(20), 16),
    "cw20": (lambda: kl.curie_weiss(20), 16),
    # the largest spin glass, on the full grid (the benchmark's case)
    "sg20": (lambda: kl.spin_glass(20, seed=1), 32),
}
# single rows at beta = 1 for the chapter on values
for _name, _build in (("ring16", lambda: kl.ring(16)), ("torus4", lambda: kl.torus(4)),
                      ("cw16", lambda: kl.curie_weiss(16)), ("sg16", lambda: kl.spin_glass(16, seed=1))):
    BOOK_DIAGRAMS[f"{_name}_row"] = (_build, "row")
# disorder samples of the spin glass at two sizes (seed 1 is the chapters' main sample)
for _n in (12, 16):
    for _seed in range(1, 9):
        BOOK_DIAGRAMS[f"sg{_n}_seed{_seed}"] = (lambda n=_n, s=_seed: kl.spin_glass(n, seed=s), 32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help=f"names among {', '.join(BOOK_DIAGRAMS)}")
    args = parser.parse_args()
    names = args.only or list(BOOK_DIAGRAMS)
    for name in names:
        build, size = BOOK_DIAGRAMS[name]
        model = build()
        if size == "row":
            betas, gammas = np.array([1.0]), kl.book_grid(2, 24)[1]
        else:
            betas, gammas = kl.book_grid(size, size)
        t0 = time.perf_counter()
        diagram = kl.phase_diagram(model, betas, gammas, cache_dir=CACHE_DIR, progress=True)
        state = "cached" if diagram.from_cache else "computed"
        print(f"{name:>14}: {model.name}, {betas.size}x{gammas.size}, {state} in {time.perf_counter() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    main()
