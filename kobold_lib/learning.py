"""A kobold that learns: tabular Q-learning on the kobold's Markov decision process.

The planning kobold of :mod:`kobold_lib.bellman` knows every energy change ``dE_k(s)``
and every acceptance probability ``p_k(s)``. The learning kobold knows neither: it only
sees what happens when it tries something. It keeps a table ``Q[s, a]`` of one-step
action values and improves it from its own experience (Watkins' Q-learning):

* in state ``s`` it picks an action, epsilon-greedily: with probability ``epsilon`` a
  flip attempt of a uniformly random spin, otherwise the action with the largest
  ``Q[s, a]`` (ties broken uniformly at random; column 0 is *stop*, worth 0 forever);
* *stop* ends the episode. An attempt at spin ``k`` is accepted with the Glauber
  probability ``p_k(s)``: the state becomes ``s' = s ^ 2**k`` and the reward is
  ``r = -dE_k(s)``; otherwise ``s' = s`` and ``r = 0``. Each attempt costs one factor
  ``gamma`` of discount, exactly as in the planning problem;
* it moves ``Q[s, a]`` towards the sampled target,
  ``Q[s, a] += alpha * (r + gamma * max(0, max_j Q[s', j]) - Q[s, a])``, with a step size
  ``alpha = 1 / n(s, a)**omega`` that decays with the number ``n(s, a)`` of times the
  pair was tried (``omega`` in ``(1/2, 1]``: the steps sum to infinity, their squares
  do not, so the table converges to the optimum wherever every pair keeps being tried).

Its fixed point is the **one-step** action value of the optimal kobold,
``Q1_k(s) = p_k (-dE_k + gamma V(s^k)) + (1 - p_k) gamma V(s)`` (``bellman.q_values``
with ``form="one_step"``): a rejected attempt is a self-loop the learner lives through,
not the "retry until accepted" macro-action of the retry form. Differences between
actions are smaller in the one-step form by the factor ``1 - gamma (1 - p_k)``, so
*which* action is optimal is judged in the retry form (:func:`optimal_action_mask`).

Episodes start from uniformly random states and run until the kobold stops or has made
``episode_length`` attempts. All randomness comes from one
``numpy.random.default_rng(seed)`` generator that the compiled kernel draws from, so a
run is reproducible, and the result does not depend on how often it is recorded.

Public functions
----------------
:func:`q_learning`
    Learn; return the table, the greedy policy and learning curves measured against the
    exact solution (which the learner itself never sees).
:func:`one_step_to_retry`
    Convert a one-step Q table to the retry form, using its own values.
:func:`optimal_action_mask`
    Which actions are optimal in each state, judged in the retry form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from ._memory import require_memory
from ._sweeps import evaluate
from ._tables import Tables, energy_scale
from ._validate import check_beta, check_count, check_gamma, check_model, check_real, check_table
from .acceptance import glauber_acceptance
from .bellman import TIE_RTOL, BellmanSolution, q_values, solve
from .ising import IsingModel, flip_energy_changes

__all__ = [
    "QLearningResult",
    "q_learning",
    "one_step_to_retry",
    "optimal_action_mask",
    "MAX_LEARNING_SPINS",
    "MAX_EPISODES",
]

#: Largest model :func:`q_learning` accepts. Tabular learning needs every one of the
#: ``2**N (N + 1)`` state-action pairs tried many times: at ``N = 12`` that is 53 248
#: pairs, and about five million attempts bring a spin glass within 1% of the optimum;
#: each extra spin doubles the table and the
#: experience needed (the table itself, ``2**N (N + 1)`` float64 plus visit counts, is
#: small: 0.85 MB at ``N = 12``).
MAX_LEARNING_SPINS = 12

#: Most training episodes of one call (the per-episode start states and returns take
#: 16 bytes each: 160 MB at this limit).
MAX_EPISODES = 10_000_000

# Relative tolerance (times the model's energy scale) within which an action counts as
# optimal: far above the rounding of the exact solution, far below any real difference.
AGREEMENT_RTOL = 1e-9


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class QLearningResult:
    """What a learning kobold learned, and how fast, measured against the exact solution.

    Arrays are read-only. ``R`` is the number of recording points (episode 0 included).

    Attributes
    ----------
    Q : (2**N, N + 1) float64
        Learned one-step action values (energy units). Column 0 is *stop*, always 0;
        column ``k + 1`` attempts spin ``k``. Compare with
        ``bellman.q_values(model, beta, gamma, V, form="one_step")``.
    visits : (2**N, N + 1) int64
        How often each action was taken in each state during training (column 0: how
        often the kobold stopped there).
    policy : (2**N,) int8
        Greedy policy of ``Q``: stop where ``max_k Q[s, k] <= TIE_RTOL * scale``,
        otherwise the lowest-index spin with the largest ``Q`` (the rule of
        :mod:`kobold_lib.bellman`).
    V : (2**N,) float64
        The learner's own value estimate ``max(0, max_k Q[s, k])`` (energy units).
    V_policy : (2**N,) float64
        Exact value of ``policy`` in every state (``bellman.evaluate_policy``): what the
        learned kobold actually extracts when it stops exploring (energy units).
    optimal : BellmanSolution
        The exact solution (policy iteration) the curves are measured against.
    episodes : (R,) int64
        Training episodes completed at each recording point.
    steps : (R,) int64
        Flip attempts made so far (the learner's experience) at each recording point.
    mean_value_estimate : (R,) float64
        Mean over all states of the learner's estimate ``max(0, max_k Q)``.
    mean_value_policy : (R,) float64
        Mean over all states of the exact value of the greedy policy of ``Q``.
    agreement : (R,) float64
        Fraction of states whose greedy action is an optimal action (retry form, see
        :func:`optimal_action_mask`).
    q_error_max, q_error_mean : (R,) float64
        Largest and mean absolute error of the flip columns of ``Q`` against the exact
        one-step ``Q`` (energy units).
    starts : (n_episodes,) int64
        Start state of each training episode.
    returns : (n_episodes,) float64
        Discounted energy the kobold extracted in each training episode, exploration
        included (energy units). ``optimal.V[starts] - returns`` averages to what not
        knowing the landscape costs, episode by episode.
    beta, gamma, epsilon, step_exponent, q_init : float
        The parameters of the run.
    n_episodes, episode_length, seed : int
        The parameters of the run.
    model_name : str
        ``model.name``.
    """

    Q: np.ndarray
    visits: np.ndarray
    policy: np.ndarray
    V: np.ndarray
    V_policy: np.ndarray
    optimal: BellmanSolution
    episodes: np.ndarray
    steps: np.ndarray
    mean_value_estimate: np.ndarray
    mean_value_policy: np.ndarray
    agreement: np.ndarray
    q_error_max: np.ndarray
    q_error_mean: np.ndarray
    starts: np.ndarray
    returns: np.ndarray
    beta: float
    gamma: float
    epsilon: float
    step_exponent: float
    q_init: float
    n_episodes: int
    episode_length: int
    seed: int
    model_name: str

    @property
    def mean_value_optimal(self) -> float:
        """Mean over all states of the optimal value ``V*`` (energy units)."""
        return float(self.optimal.V.mean())

    def __repr__(self) -> str:
        return (
            f"QLearningResult(model={self.model_name!r}, episodes={self.n_episodes}, "
            f"steps={int(self.steps[-1])}, agreement={self.agreement[-1]:.3f}, "
            f"<V_policy>={self.mean_value_policy[-1]:.4g}, <V*>={self.mean_value_optimal:.4g})"
        )


# ----------------------------------------------------------------------- validation


def _check_learning_model(model) -> IsingModel:
    model = check_model(model)
    if model.n > MAX_LEARNING_SPINS:
        n = model.n
        pairs = (n + 1) << n
        raise ValueError(
            f"model has N={n} spins, but tabular Q-learning is limited to N <= {MAX_LEARNING_SPINS}: "
            f"its table would have 2**{n} * {n + 1} = {pairs} state-action pairs, each of which "
            f"must be tried many times (N={MAX_LEARNING_SPINS} already needs millions of attempts)"
        )
    return model


def _check_q(Q, n: int) -> np.ndarray:
    return check_table(Q, "Q", (1 << n, n + 1), "(2**N, N + 1)")


# --------------------------------------------------------------------------- tables


def _flip_tables(model: IsingModel, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Energy changes dE (2**N, N) and Glauber acceptances p (2**N, N) of every flip."""
    dE = flip_energy_changes(model)
    return dE, np.ascontiguousarray(glauber_acceptance(dE, beta), dtype=np.float64).reshape(dE.shape)


def _greedy_policy_of_q(Q: np.ndarray, tie: float) -> np.ndarray:
    """Stop where the best flip is worth at most ``tie``; else the lowest-index best flip."""
    flips = Q[:, 1:]
    best = flips.max(axis=1)
    first = np.argmax(flips >= (best - tie)[:, None], axis=1)
    return np.where(best <= tie, 0, first + 1).astype(np.int8)


# --------------------------------------------------------------------------- kernel


@numba.njit(cache=True)
def _greedy_action(Q, s, n, rng):
    """A largest-valued action in state s (0 = stop, worth 0), ties broken uniformly at random."""
    best = 0.0  # the stop action
    count = 1
    for a in range(1, n + 1):
        q = Q[s, a]
        if q > best:
            best = q
            count = 1
        elif q == best:
            count += 1
    # the tied actions, in order: stop (if best is 0), then the flips worth best
    pick = rng.integers(0, count) if count > 1 else 0
    if best == 0.0:
        if pick == 0:
            return 0
        pick -= 1
    for a in range(1, n + 1):
        if Q[s, a] == best:
            if pick == 0:
                return a
            pick -= 1
    return 0  # not reached: some flip is worth best when best > 0


@numba.njit(cache=True)
def _run_episodes(Q, visits, p, dE, gamma, epsilon, omega, episode_length, rng, first, count, starts, returns):
    """Run episodes first .. first + count - 1 in place; return the flip attempts made."""
    size, n = dE.shape
    attempts = 0
    for e in range(first, first + count):
        s = rng.integers(0, size)
        starts[e] = s
        total = 0.0
        discount = 1.0
        for _ in range(episode_length):
            if epsilon > 0.0 and rng.random() < epsilon:
                a = 1 + rng.integers(0, n)  # explore: a random flip (stopping teaches nothing)
            else:
                a = _greedy_action(Q, s, n, rng)
            visits[s, a] += 1
            if a == 0:
                break
            k = a - 1
            attempts += 1
            if rng.random() < p[s, k]:
                reward = -dE[s, k]
                nxt = s ^ (1 << k)
            else:
                reward = 0.0
                nxt = s
            best = 0.0
            for j in range(1, n + 1):
                if Q[nxt, j] > best:
                    best = Q[nxt, j]
            alpha = 1.0 / visits[s, a] ** omega
            Q[s, a] += alpha * (reward + gamma * best - Q[s, a])
            total += discount * reward
            discount *= gamma
            s = nxt
        returns[e] = total
    return attempts


# ------------------------------------------------------------------------ public API


def one_step_to_retry(model: IsingModel, beta, gamma, Q) -> np.ndarray:
    """Convert a table of one-step action values to the retry form.

    With ``V(s) = max(0, max_k Q[s, k])`` taken from the table itself,
    ``Q_retry[s, k+1] = (Q[s, k+1] - (1 - p_k) gamma V(s)) / (1 - gamma (1 - p_k))``:
    the value of repeating attempt ``k`` until it is accepted, then continuing with
    ``V``. At the optimal ``Q`` this is exactly ``bellman.q_values(..., form="retry")``;
    for a learned table, an error ``e`` in a one-step value can become an error up to
    ``e / (1 - gamma (1 - p_k))`` in the retry form.

    Parameters
    ----------
    model, beta, gamma : IsingModel, float, float
        The model, the inverse temperature in ``[0, inf]`` and the discount per attempt
        in ``(0, 1)``.
    Q : (2**N, N + 1) array_like
        One-step action values (energy units); column 0 is stop.

    Returns
    -------
    (2**N, N + 1) float64
        Retry-form action values (energy units); column 0 is 0.
    """
    model = check_model(model)
    beta = check_beta(beta)
    gamma = check_gamma(gamma)
    n = model.n
    Q = _check_q(Q, n)
    # dE, p and the stay factors (2**N, N) each, and the (2**N, N + 1) result
    require_memory((24 * n + 8 * (n + 1)) << n, f"one_step_to_retry on a model of N={n} spins")
    _, p = _flip_tables(model, beta)
    V = np.maximum(0.0, Q[:, 1:].max(axis=1))
    stay = (1.0 - p) * gamma
    out = np.zeros_like(Q)
    out[:, 1:] = (Q[:, 1:] - stay * V[:, None]) / (1.0 - stay)
    return out


def optimal_action_mask(model: IsingModel, beta, gamma, V, tol=None) -> np.ndarray:
    """Which actions are optimal in each state, judged in the retry form.

    An action is optimal in ``s`` when its retry-form value is within ``tol`` of the best
    one, ``max(0, max_k Q_retry[s, k])`` (stop counts as an action worth 0). Ties are
    everywhere in symmetric models (a ring's domain wall can walk either way), so a
    learned policy is judged by whether its action is *one of* the optimal ones.

    Parameters
    ----------
    model, beta, gamma : IsingModel, float, float
        The model, the inverse temperature in ``[0, inf]`` and the discount per attempt
        in ``(0, 1)``.
    V : (2**N,) array_like
        The optimal values, e.g. ``solve(model, beta, gamma).V`` (energy units).
    tol : float, optional
        Absolute tolerance, energy units. Default ``1e-9 * scale`` (``scale`` bounds
        ``|E|``): far above the rounding of the exact solution.

    Returns
    -------
    (2**N, N + 1) bool
        ``mask[s, a]`` is true when action ``a`` (0 = stop, ``k + 1`` = flip spin ``k``)
        is optimal in state ``s``.
    """
    model = check_model(model)
    if tol is None:
        tol = AGREEMENT_RTOL * energy_scale(model)
    tol = check_real(tol, "tol")
    if not (tol >= 0.0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a non-negative finite number (energy units), got {tol}")
    Qr = q_values(model, beta, gamma, V, form="retry")
    best = np.maximum(0.0, Qr[:, 1:].max(axis=1))
    mask = Qr >= (best - tol)[:, None]
    mask[:, 0] = best <= tol
    return mask


def q_learning(
    model: IsingModel,
    beta,
    gamma,
    n_episodes: int,
    episode_length: int = 100,
    *,
    epsilon=0.1,
    step_exponent=0.8,
    q_init=0.0,
    seed: int = 0,
    record_every: int | None = None,
) -> QLearningResult:
    """Train a kobold by tabular Q-learning and measure it against the exact solution.

    The learner sees only the outcomes of its own attempts (see the module docstring for
    the update rule). The exact solution (``bellman.solve``) is computed only to draw the
    learning curves; nothing of it reaches the learner.

    Parameters
    ----------
    model : IsingModel
        At most :data:`MAX_LEARNING_SPINS` = 12 spins (see there why).
    beta : float
        Inverse temperature of the Glauber acceptance, in ``[0, inf]``.
    gamma : float
        Discount per attempt, in ``(0, 1)``.
    n_episodes : int
        Training episodes, each from a uniformly random start state; at most
        :data:`MAX_EPISODES`.
    episode_length : int
        Most attempts per episode (an episode also ends when the kobold stops).
    epsilon : float
        Exploration rate in ``[0, 1]``: the probability of attempting a uniformly random
        spin instead of the greedy action. ``0`` never explores; ``1`` is a random walker
        that never stops (but still learns the greedy values, off-policy).
    step_exponent : float
        ``omega`` in ``(0.5, 1]``: the step size of a pair tried ``n`` times is
        ``1 / n**omega``. ``1`` averages all targets equally (slow to forget the poor
        early ones); smaller values forget faster.
    q_init : float
        Initial value of every flip entry of ``Q`` (energy units, finite). A positive
        value is *optimistic*: every untried flip looks better than stopping.
    seed : int
        Seed of the ``numpy.random.default_rng`` generator that every random choice
        (start states, exploration, ties, acceptances) is drawn from; non-negative.
    record_every : int, optional
        Episodes between recording points of the learning curves (default: about 100
        points). The learned table does not depend on it.

    Returns
    -------
    QLearningResult
        The table, its greedy policy and the learning curves.

    Raises
    ------
    TypeError
        If ``model`` is not an :class:`~kobold_lib.ising.IsingModel` or a parameter has
        the wrong type.
    ValueError
        If the model has more than 12 spins, ``gamma`` is not in ``(0, 1)``, ``beta`` is
        negative or NaN, ``epsilon`` is not in ``[0, 1]``, ``step_exponent`` is not in
        ``(0.5, 1]``, ``q_init`` is not finite, a count is not positive, or ``seed`` is
        negative.
    """
    model = _check_learning_model(model)
    beta = check_beta(beta)
    gamma = check_gamma(gamma)
    n_episodes = check_count(n_episodes, "n_episodes", 1, MAX_EPISODES)
    episode_length = check_count(episode_length, "episode_length", 1)
    epsilon = check_real(epsilon, "epsilon")
    if not 0.0 <= epsilon <= 1.0:  # also rejects NaN
        raise ValueError(f"epsilon must be in [0, 1] (probability of a random attempt), got {epsilon}")
    omega = check_real(step_exponent, "step_exponent")
    if not 0.5 < omega <= 1.0:
        raise ValueError(f"step_exponent must be in (0.5, 1] (step size 1 / n**step_exponent), got {omega}")
    q_init = check_real(q_init, "q_init")
    if not math.isfinite(q_init):
        raise ValueError(f"q_init must be finite (energy units), got {q_init}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    seed = int(seed)
    if record_every is None:
        record_every = max(1, n_episodes // 100)
    record_every = check_count(record_every, "record_every", 1)

    n = model.n
    size = 1 << n
    scale = energy_scale(model)
    tie = TIE_RTOL * scale
    dE, p = _flip_tables(model, beta)
    optimal = solve(model, beta, gamma)
    q_exact = q_values(model, beta, gamma, optimal.V, form="one_step")
    mask = optimal_action_mask(model, beta, gamma, optimal.V)

    Q = np.zeros((size, n + 1))
    Q[:, 1:] = q_init
    visits = np.zeros((size, n + 1), dtype=np.int64)
    starts = np.empty(n_episodes, dtype=np.int64)
    returns = np.empty(n_episodes)
    rng = np.random.default_rng(seed)

    curves: dict[str, list] = {k: [] for k in ("episodes", "steps", "est", "pol", "agree", "emax", "emean")}
    states = np.arange(size)
    # The tables of bellman.evaluate_policy, built once: the greedy policy is evaluated
    # exactly at every recording point by the same graph walk (same bits).
    tables = Tables(model, beta)

    def policy_value(policy: np.ndarray) -> np.ndarray:
        return evaluate(tables, policy, gamma, np.empty(size))

    def record(done: int, attempts: int) -> None:
        policy = _greedy_policy_of_q(Q, tie)
        v_policy = policy_value(policy)
        err = np.abs(Q[:, 1:] - q_exact[:, 1:])
        curves["episodes"].append(done)
        curves["steps"].append(attempts)
        curves["est"].append(float(np.maximum(0.0, Q[:, 1:].max(axis=1)).mean()))
        curves["pol"].append(float(v_policy.mean()))
        curves["agree"].append(float(mask[states, policy].mean()))
        curves["emax"].append(float(err.max()))
        curves["emean"].append(float(err.mean()))

    done = 0
    attempts = 0
    record(0, 0)
    while done < n_episodes:
        count = min(record_every, n_episodes - done)
        attempts += int(
            _run_episodes(Q, visits, p, dE, gamma, epsilon, omega, episode_length, rng, done, count, starts, returns)
        )
        done += count
        record(done, attempts)

    policy = _greedy_policy_of_q(Q, tie)
    V = np.maximum(0.0, Q[:, 1:].max(axis=1))
    V_policy = policy_value(policy)

    def frozen(array, dtype=None):
        array = np.asarray(array, dtype=dtype)
        array.setflags(write=False)
        return array

    return QLearningResult(
        Q=frozen(Q),
        visits=frozen(visits),
        policy=frozen(policy),
        V=frozen(V),
        V_policy=frozen(V_policy),
        optimal=optimal,
        episodes=frozen(curves["episodes"], np.int64),
        steps=frozen(curves["steps"], np.int64),
        mean_value_estimate=frozen(curves["est"], np.float64),
        mean_value_policy=frozen(curves["pol"], np.float64),
        agreement=frozen(curves["agree"], np.float64),
        q_error_max=frozen(curves["emax"], np.float64),
        q_error_mean=frozen(curves["emean"], np.float64),
        starts=frozen(starts),
        returns=frozen(returns),
        beta=beta,
        gamma=gamma,
        epsilon=epsilon,
        step_exponent=omega,
        q_init=q_init,
        n_episodes=n_episodes,
        episode_length=episode_length,
        seed=seed,
        model_name=model.name,
    )
