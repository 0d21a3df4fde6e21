"""The kobold's Bellman equation: an exact, fast solver for every state of a model.

The kobold's Markov decision process (the book-wide conventions): in
state ``s`` (an index in ``[0, 2**N)``) the kobold either stops (action ``0``: reward 0
forever) or attempts to flip spin ``k`` (action ``k + 1``). The flip is accepted with
Glauber probability ``p_k(s) = 1 / (1 + exp(beta dE_k(s)))``, and then the kobold
gains ``-dE_k(s)``; a rejected attempt changes nothing. Every attempt costs one factor
``gamma`` of discount. Two equivalent Bellman equations have the same solution ``V``:

one-step form
    ``V(s) = max(0, max_k [p_k (-dE_k + gamma V(s^k)) + (1 - p_k) gamma V(s)])``

retry form (repeat one attempt until it is accepted)
    ``V(s) = max(0, max_k Q_k(s))``, with
    ``Q_k(s) = p_k (-dE_k + gamma V(s^k)) / (1 - gamma (1 - p_k))``.

The solver works with the retry form: it has no self-loops, its Q values do not shrink
by ``1 - gamma (1 - p)`` at large ``beta`` (so one tie tolerance means the same thing at
every temperature), and value iteration started from ``V = 0`` reaches the fixed point
in about as many sweeps as the optimal policy's trees are deep.

Public functions
----------------
:func:`solve`
    ``V``, the optimal policy and convergence data, by policy iteration (exact policy
    evaluation), value iteration (Jacobi) or Gauss-Seidel (in place, cache-blocked).
:func:`q_values`
    The ``2**N x (N + 1)`` table of action values for a given ``V`` (small ``N``).
:func:`evaluate_policy`
    The exact value of any deterministic policy (a walk over its functional graph).

Tie rule (deterministic, used everywhere)
-----------------------------------------
With ``best = max_k Q_k(s)`` in the retry form and ``tie = TIE_RTOL * scale``, where
``scale = max(1, sum_{i<j} |J_ij| + sum_i |h_i|)`` bounds ``|E|``: the kobold stops if
``best <= tie``; otherwise it flips the lowest-index spin ``k`` with
``Q_k(s) >= best - tie``.

Numerics
--------
``E(s)`` is tabulated once per solve (blocked, no drift). When
``beta (E_max - E_min) / 2 <= 300`` the kernels also tabulate Boltzmann weights
``W(s) = exp(beta (E(s) - E_mid))``, so that an acceptance ratio is a ratio of two
table entries and no sweep calls ``exp``; otherwise (very large ``beta`` or
``beta = inf``) each pair of states computes its weights with ``exp``, safely, and
value iteration / Gauss-Seidel run state by state. The kernels compute a Q value with
one expression, so the solvers agree to rounding error (and often to the last bit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._memory import require_memory
from ._sweeps import evaluate, q_table, solve_tables
from ._tables import Tables, ThreadsFor, energy_scale, uses_weights
from ._validate import (
    check_beta,
    check_choice,
    check_count,
    check_gamma,
    check_model,
    check_policy,
    check_tol,
    check_values,
)
from .ising import IsingModel

__all__ = [
    "BellmanSolution",
    "solve",
    "q_values",
    "evaluate_policy",
    "bellman_memory_bytes",
    "TIE_RTOL",
    "BELLMAN_METHODS",
]

#: Relative tie tolerance of the policy rule (times the model's energy scale).
TIE_RTOL = 1e-12

#: The solution methods of :func:`solve`.
BELLMAN_METHODS = ("policy_iteration", "value_iteration", "gauss_seidel")

_FORMS = ("retry", "one_step")


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class BellmanSolution:
    """The solution of the kobold's Bellman equation on one model.

    Attributes
    ----------
    V : (2**N,) float64, read-only
        Optimal discounted energy the kobold extracts from each start state (energy units).
    policy : (2**N,) int8, read-only
        The optimal policy by the tie rule: 0 = stop, ``k + 1`` = attempt to flip spin ``k``.
    iterations : int
        Sweeps (value iteration, Gauss-Seidel) or policy improvements (policy iteration).
    residual : float
        Final Bellman residual ``max_s |(T V)(s) - V(s)|`` of the returned ``V`` (retry
        form unless ``form="one_step"``), energy units.
    converged : bool
        Whether the stopping rule was met before ``max_iter``.
    method : str
        ``"policy_iteration"``, ``"value_iteration"`` or ``"gauss_seidel"``.
    form : str
        Bellman form the sweeps iterated: ``"retry"`` or ``"one_step"``.
    history : (iterations,) float64, read-only
        Per iteration: the largest change of ``V`` in that sweep (value iteration,
        Gauss-Seidel) or the Bellman residual of the evaluated policy before improving it
        (policy iteration). Energy units.
    beta, gamma : float
        The inverse temperature and discount factor solved for.
    tie_tolerance : float
        Absolute tolerance of the tie rule, ``TIE_RTOL * scale`` (energy units).
    """

    V: np.ndarray
    policy: np.ndarray
    iterations: int
    residual: float
    converged: bool
    method: str
    form: str
    history: np.ndarray
    beta: float
    gamma: float
    tie_tolerance: float

    def __repr__(self) -> str:
        n = self.V.size.bit_length() - 1
        return (
            f"BellmanSolution(N={n}, method={self.method!r}, iterations={self.iterations}, "
            f"residual={self.residual:.3g}, converged={self.converged})"
        )


def bellman_memory_bytes(n: int, method: str = "gauss_seidel", weights: bool = True) -> int:
    """Bytes of the arrays :func:`solve` allocates for ``N = n`` spins.

    Per state: ``E`` (8 bytes), ``V`` (8), the policy (1, int8), the weights ``W`` (8,
    when tabulated) and for value iteration a second ``V`` (8). Policy iteration's stack
    is not counted (it holds one chain of the policy graph).

    Parameters
    ----------
    n : int
        Number of spins.
    method : str
        One of :data:`BELLMAN_METHODS`.
    weights : bool
        Whether the Boltzmann weights are tabulated (true unless ``beta`` is very large).
    """
    check_choice(method, "method", BELLMAN_METHODS)
    per_state = 8 + 8 + 1 + (8 if weights else 0) + (8 if method == "value_iteration" else 0)
    return per_state << int(n)


# ------------------------------------------------------------------------ public


def solve(
    model: IsingModel,
    beta,
    gamma,
    method: str = "policy_iteration",
    *,
    tol=None,
    max_iter: int = 100_000,
    form: str = "retry",
    callback=None,
    V0=None,
) -> BellmanSolution:
    """Solve the kobold's Bellman equation exactly, for every state of ``model``.

    Parameters
    ----------
    model : IsingModel
        The spins (``N`` of them; ``2**N`` states).
    beta : float
        Inverse temperature of the Glauber acceptance, in ``[0, inf]``; ``inf`` is zero
        temperature (downhill flips always accepted, uphill never, level ones half the time).
    gamma : float
        Discount per attempt, in ``(0, 1)``: energy one attempt later is worth ``gamma``
        of energy now.
    method : str
        ``"policy_iteration"`` (default): improve the policy greedily, evaluate it
        exactly (a walk over its graph, ``O(2**N)``), stop when the Bellman residual of
        the evaluated values is at most ``tol`` or the policy no longer changes.
        ``"value_iteration"``: Jacobi sweeps ``V <- T V`` from ``V = 0``.
        ``"gauss_seidel"``: in-place sweeps from ``V = 0``, move by move and cache
        blocked (see Notes); usually the fastest on large models.
    tol : float, optional
        Stopping tolerance, energy units: value iteration and Gauss-Seidel stop when a
        sweep changes no value by more than ``tol``; policy iteration when the residual
        is at most ``tol``. Default ``1e-10 * scale`` (``scale`` bounds ``|E|``).
    max_iter : int
        Most sweeps (or policy improvements).
    form : str
        Bellman operator the sweeps apply: ``"retry"`` (default) or ``"one_step"``. The
        one-step form converges geometrically, at rate up to ``gamma (1 - p)`` per sweep,
        and is there to be compared with; it runs state by state. Policy iteration
        evaluates exactly, so ``form`` only sets which residual it reports.
    callback : callable, optional
        Called as ``callback(iteration, change)`` after every sweep or policy
        improvement (``change`` is the entry appended to ``history``), e.g. to watch
        progress or time sweeps. Its return value is ignored.
    V0 : (2**N,) array_like, optional
        Warm start for ``"value_iteration"`` and ``"gauss_seidel"`` (energy units),
        e.g. the solution of the same model at the same ``beta`` and a smaller
        ``gamma``, which lies below this one everywhere. Default: ``V = 0``. Any finite
        ``V0`` gives the same fixed point; one that is below the solution everywhere
        (a sub-solution, ``V0 <= T V0``) converges fastest. Gauss-Seidel's move-by-move
        sweeps only ever raise values, so if they end with a Bellman residual above
        ``tol`` (``V0`` was above the solution somewhere) the solve goes on with
        state-by-state sweeps, which converge from anywhere.

    Returns
    -------
    BellmanSolution
        ``V`` ((2**N,) float64), ``policy`` ((2**N,) int8, tie rule of the module
        docstring), ``iterations``, ``residual`` (of the returned ``V``, in ``form``),
        ``converged`` and the per-iteration ``history``.

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`~kobold_lib.ising.IsingModel` or a number is not real.
    ValueError
        If ``gamma`` is not in ``(0, 1)``, ``beta`` is negative or NaN, ``method`` or
        ``form`` is unknown, ``tol``/``max_iter`` are not positive, ``V0`` has the wrong
        shape, is not finite or is given to policy iteration, or the arrays would not fit
        in the available memory (the message gives the bytes).

    Notes
    -----
    Gauss-Seidel (retry form, ``N >= 10``, weights tabulated) works move by move: for
    each pair of states ``(x, x ^ 2**k)`` one division gives both directions' Q values,
    and ``V(x) <- max(V(x), Q)``. Starting from ``V = 0`` (below the solution) this
    raises values monotonically, and each sweep does at least what a Jacobi sweep does.
    The moves of spins 0..13 are swept inside blocks of ``2**14`` consecutive states
    (spins 0..4 after transposing 1024 states, so that every run of moves is a
    contiguous vector loop), the other spins in groups of at most 6 by tiles, so each
    array crosses the memory bus a few times per sweep instead of once per spin. A run
    of moves whose states did not change since it was last swept is skipped, and so is
    one that a division-free test shows cannot raise a value. Value iteration and the
    one-step form run state by state. The final policy and residual come from one
    state-by-state pass over the converged values. Problems under ``2**18`` states run
    on one thread (waking threads would cost more than it saves).
    """
    model = check_model(model)
    beta = check_beta(beta)
    gamma = check_gamma(gamma)
    method = check_choice(method, "method", BELLMAN_METHODS)
    form = check_choice(form, "form", _FORMS)
    max_iter = check_count(max_iter, "max_iter", 1)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    scale = energy_scale(model)
    tol = check_tol(tol, scale)
    tie = TIE_RTOL * scale
    n = model.n
    if V0 is not None:
        if method == "policy_iteration":
            raise ValueError("V0 warm-starts method='value_iteration' or 'gauss_seidel' only, not 'policy_iteration'")
        V0 = check_values(V0, n)
    require_memory(
        bellman_memory_bytes(n, method, uses_weights(model, beta)),
        f"solve(method={method!r}) on a model of N={n} spins (2**{n} states)",
    )

    with ThreadsFor(1 << n):
        solved = solve_tables(Tables(model, beta), gamma, method, tol, max_iter, form, callback, tie, V0)
    return BellmanSolution(
        V=solved.V,
        policy=solved.policy,
        iterations=solved.iterations,
        residual=solved.residual,
        converged=solved.converged,
        method=method,
        form=form,
        history=solved.history,
        beta=beta,
        gamma=gamma,
        tie_tolerance=tie,
    )


def q_values(model: IsingModel, beta, gamma, V, form: str = "retry") -> np.ndarray:
    """The table of action values of every state for a value function ``V``.

    Parameters
    ----------
    model, beta, gamma : IsingModel, float, float
        The model, the inverse temperature in ``[0, inf]`` and the discount per attempt
        in ``(0, 1)``.
    V : (2**N,) array_like
        Values (energy units), e.g. ``solve(...).V``.
    form : str
        ``"retry"`` (default): ``Q_k(s) = p_k (-dE_k + gamma V(s^k)) / (1 - gamma (1 - p_k))``;
        ``"one_step"``: ``p_k (-dE_k + gamma V(s^k)) + (1 - p_k) gamma V(s)``.

    Returns
    -------
    (2**N, N + 1) float64
        Column 0 is the stop action (always 0); column ``k + 1`` attempts spin ``k``. At
        the solution, ``V = max(Q, axis=1)`` in either form.
    """
    model = check_model(model)
    beta = check_beta(beta)
    gamma = check_gamma(gamma)
    form = check_choice(form, "form", _FORMS)
    n = model.n
    require_memory(
        (8 * (n + 1) + 16 + (8 if uses_weights(model, beta) else 0)) << n,
        f"q_values on a model of N={n} spins (a 2**{n} x {n + 1} table)",
    )
    V = check_values(V, n)
    out = np.empty((1 << n, n + 1))
    with ThreadsFor(1 << n):
        q_table(Tables(model, beta), V, gamma, form == "one_step", out)
    return out


def evaluate_policy(model: IsingModel, beta, gamma, policy) -> np.ndarray:
    """The exact discounted energy a deterministic policy extracts from every state.

    Solves ``V(s) = Q_{policy(s)}(s)`` (retry form; ``V = 0`` where the policy stops)
    by walking the policy graph once: chains are unwound from their ends, and a cycle, if
    the policy has one, is solved in closed form. ``O(2**N)`` time.

    Parameters
    ----------
    policy : (2**N,) int array
        Any deterministic policy (0 = stop, ``k + 1`` = attempt to flip spin ``k``).

    Returns
    -------
    (2**N,) float64
        Energy units.
    """
    model = check_model(model)
    beta = check_beta(beta)
    gamma = check_gamma(gamma)
    n = model.n
    policy, _ = check_policy(policy, n)
    require_memory(bellman_memory_bytes(n, "policy_iteration", uses_weights(model, beta)), f"evaluate_policy on N={n} spins")
    V = np.empty(1 << n)
    with ThreadsFor(1 << n):
        evaluate(Tables(model, beta), policy, gamma, V)
    return V
