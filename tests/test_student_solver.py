"""The solver students write in the Bellman chapter agrees with the library's.

The chapter ``chapters/bellman.ipynb`` has the reader write value iteration and policy
iteration for the retry-form Bellman equation in plain NumPy (with a sparse linear solve
for policy evaluation), before it ever calls ``kobold_lib.solve``. These tests take those
functions from the notebook's own cells, by their source, so that the code the book
shows is the code tested, and check them against ``kobold_lib.solve`` (a separate,
compiled implementation) and against closed forms, on models chosen to be hard for one
of the two: a spin glass under weak discounting (gamma = 0.99) and under strong
discounting, models with exact ties (a ring and a torus without field, where the tie
rule decides between equally good moves), zero temperature, and the Zener spin.
"""

from __future__ import annotations

import ast
import json
import pathlib

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import kobold_lib as kl

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "chapters" / "bellman.ipynb"
FUNCTIONS = (
    "retry_tables",
    "value_iteration_numpy",
    "tie_tolerance_numpy",
    "improve_policy_numpy",
    "evaluate_policy_numpy",
    "policy_iteration_numpy",
    "gauss_seidel_numpy",
)


def _notebook_functions() -> dict:
    """Execute the definitions (only) of FUNCTIONS found in the notebook's code cells."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    namespace = {"np": np, "sp": sp, "spla": spla, "kl": kl}
    found = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        defs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in FUNCTIONS]
        if defs:
            exec(compile(ast.Module(body=defs, type_ignores=[]), str(NOTEBOOK), "exec"), namespace)
            found.update(node.name for node in defs)
    missing = set(FUNCTIONS) - found
    assert not missing, f"the Bellman chapter no longer defines {sorted(missing)}"
    return namespace


@pytest.fixture(scope="module")
def student():
    return _notebook_functions()


CASES = [
    # (model, beta, gamma): what makes the case hard
    (kl.spin_glass(10, seed=1), 1.0, 0.99),  # weak discount: long, patient descents
    (kl.spin_glass(10, seed=2), 3.0, 0.99),  # weak discount, cold: uphill moves nearly never accepted
    (kl.spin_glass(11, seed=3), 0.5, 0.3),  # strong discount: early stops above the ground
    (kl.spin_glass(9, seed=4), np.inf, 0.9),  # zero temperature: p = 0 uphill, 1/2 level
    (kl.ring(10), 1.0, 0.95),  # h = 0: exact ties between moves everywhere
    (kl.ring(11), 2.0, 0.999),  # odd ring: level moves (a wall that can wander)
    (kl.torus(3), 1.0, 0.9),  # 3x3 torus, h = 0: ties and level moves
    (kl.curie_weiss(9), 0.7, 0.8),  # J = 1/N: energies not exactly representable
    (kl.from_couplings([[0.0, 1.0], [1.0, 0.0]], [0.3, 0.3]), 1.0, 0.6),  # two-spin trap, wise above gamma* = 0.556
]
IDS = [f"{m.name}-beta{b}-gamma{g}" for m, b, g in CASES]


@pytest.mark.parametrize("model, beta, gamma", CASES, ids=IDS)
def test_value_iteration_by_hand_matches_the_library(student, model, beta, gamma):
    V, sweeps = student["value_iteration_numpy"](model, beta, gamma)
    ref = kl.solve(model, beta, gamma, "value_iteration")
    assert np.max(np.abs(V - ref.V)) < 1e-10
    # the same algorithm: the retry form finishes after exactly as many sweeps
    assert sweeps == ref.iterations
    assert sweeps == kl.tree_depth(ref.policy).max() + 1


@pytest.mark.parametrize("model, beta, gamma", CASES, ids=IDS)
def test_policy_iteration_by_hand_matches_the_library(student, model, beta, gamma):
    V, policy, improvements = student["policy_iteration_numpy"](model, beta, gamma)
    ref = kl.solve(model, beta, gamma, "policy_iteration")
    assert np.max(np.abs(V - ref.V)) < 1e-10
    # the tie rule is the library's, so even where moves are exactly tied the policies agree
    assert student["tie_tolerance_numpy"](model) == pytest.approx(ref.tie_tolerance, rel=1e-12)
    np.testing.assert_array_equal(policy, ref.policy)
    assert 1 <= improvements <= 2 ** model.n


@pytest.mark.parametrize("model, beta, gamma", CASES, ids=IDS)
def test_gauss_seidel_by_hand_matches_the_library(student, model, beta, gamma):
    V, sweeps = student["gauss_seidel_numpy"](model, beta, gamma)
    ref = kl.solve(model, beta, gamma, "gauss_seidel")
    assert np.max(np.abs(V - ref.V)) < 1e-10
    assert sweeps <= student["value_iteration_numpy"](model, beta, gamma)[1]


@pytest.mark.parametrize("model, beta, gamma", CASES[:3] + CASES[4:5], ids=IDS[:3] + IDS[4:5])
def test_hand_written_values_solve_both_forms_of_the_bellman_equation(student, model, beta, gamma):
    """Independent of the library's solver: the residual of V in the one-step and retry forms."""
    V, _ = student["value_iteration_numpy"](model, beta, gamma)
    E = kl.energies(model)
    neighbours = np.arange(2**model.n)[:, None] ^ (1 << np.arange(model.n))
    dE = E[neighbours] - E[:, None]
    p = kl.glauber_acceptance(dE, beta)
    one_step = np.maximum(0.0, np.max(p * (-dE + gamma * V[neighbours]) + (1 - p) * gamma * V[:, None], axis=1))
    retry = np.maximum(0.0, np.max(p * (-dE + gamma * V[neighbours]) / (1 - gamma * (1 - p)), axis=1))
    assert np.max(np.abs(one_step - V)) < 1e-9
    assert np.max(np.abs(retry - V)) < 1e-9
    # 0 <= V <= E - E_min for every state
    assert V.min() >= 0.0 and np.all(V <= E - E.min() + 1e-9)


def test_policy_evaluation_by_hand_is_the_libraries_for_any_policy(student):
    """Evaluation of arbitrary (not optimal) policies, cycles included, against kl.evaluate_policy."""
    model, beta, gamma = kl.spin_glass(8, seed=5), 1.3, 0.97
    neighbours, reward, carry = student["retry_tables"](model, beta, gamma)
    rng = np.random.default_rng(12)
    for _ in range(5):
        policy = rng.integers(0, model.n + 1, size=2**model.n)
        V = student["evaluate_policy_numpy"](policy, neighbours, reward, carry)
        np.testing.assert_allclose(V, kl.evaluate_policy(model, beta, gamma, policy), rtol=0, atol=1e-10)


@pytest.mark.parametrize("h, beta, gamma", [(1.0, 0.5, 0.9), (0.3, 2.0, 0.99), (2.0, 0.0, 0.5)])
def test_zener_closed_form(student, h, beta, gamma):
    p = 1 / (1 + np.exp(-2 * beta * h))
    closed = 2 * h * p / (1 - gamma * (1 - p))
    for solver in ("value_iteration_numpy", "policy_iteration_numpy", "gauss_seidel_numpy"):
        V = student[solver](kl.zener(h), beta, gamma)[0]
        assert V[0] == pytest.approx(closed, abs=1e-12), solver  # spin down
        assert V[1] == 0.0, solver  # spin up: the kobold stops
