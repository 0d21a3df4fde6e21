"""Maximum entropy under linear constraints, solved through its convex dual.

Given ``n_states`` outcomes with feature vectors ``features[i]`` (shape
``(n_states, n_constraints)``) and target expectations ``targets``, the distribution of
largest entropy with ``sum(q) = 1`` and ``q @ features = targets`` has the Boltzmann form

    q_i = 2**(-features[i] @ beta) / Z(beta),    Z(beta) = sum_i 2**(-features[i] @ beta),

where ``beta`` (one Lagrange multiplier per constraint, in bits per unit of its feature)
minimises the convex dual ``log2 Z(beta) + beta @ targets``. Its entropy is
``S = log2 Z + beta @ targets`` bits, and ``dS/d targets = beta``: the multiplier is the
price, in bits, of one more unit of each constrained quantity. For a pool of coins with
the head count as the only feature, ``beta`` is :func:`kobold_lib.coins.price`.

The book's first chapter builds the same optimum with a general-purpose optimiser over
``q`` itself (to show the idea); this module is the exact, fast version it is checked
against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

__all__ = ["MaxEntropyResult", "max_entropy"]

_LN2 = math.log(2.0)


@dataclass(frozen=True)
class MaxEntropyResult:
    """The maximum-entropy distribution and its multipliers.

    Attributes
    ----------
    q : (n_states,) float64
        The distribution, in the order of the rows of ``features``.
    entropy_bits : float
        Its entropy, in bits.
    beta : (n_constraints,) float64
        The Lagrange multipliers, in bits per unit of each feature; ``q`` is
        proportional to ``2**(-features @ beta)``.
    residual : float
        ``max |q @ features - targets|`` at the solution.
    """

    q: np.ndarray
    entropy_bits: float
    beta: np.ndarray
    residual: float


def _dual(beta, features, targets):
    """log2 Z(beta) + beta @ targets, its gradient and Hessian (all in bits)."""
    energies = -(features @ beta) * _LN2
    log_z = special.logsumexp(energies)
    q = np.exp(energies - log_z)
    mean = q @ features
    centred = features - mean
    hessian = _LN2 * (centred.T * q) @ centred
    return log_z / _LN2 + beta @ targets, targets - mean, hessian


def _newton(features, targets, max_steps=200):
    """Damped Newton on the convex dual; stops when a step no longer lowers it."""
    beta = np.zeros(features.shape[1])
    value, gradient, hessian = _dual(beta, features, targets)
    for _ in range(max_steps):
        try:
            step = -np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        except np.linalg.LinAlgError:
            break
        t = 1.0
        while t > 1e-12:
            trial = beta + t * step
            trial_value, trial_gradient, trial_hessian = _dual(trial, features, targets)
            if trial_value <= value + 1e-4 * t * (gradient @ step):
                break
            t *= 0.5
        else:
            break
        improved = np.max(np.abs(trial_gradient)) < np.max(np.abs(gradient))
        if not improved and t < 1.0:
            break
        beta, value, gradient, hessian = trial, trial_value, trial_gradient, trial_hessian
        if np.max(np.abs(gradient)) < 1e-15 * max(1.0, float(np.max(np.abs(targets)))):
            break
    return beta


def max_entropy(features, targets) -> MaxEntropyResult:
    """The maximum-entropy distribution over ``n_states`` outcomes with given expectations.

    Parameters
    ----------
    features : (n_states,) or (n_states, n_constraints) array_like of float
        The constrained quantity (for example the number of heads) of every outcome,
        one column per constraint.
    targets : float or (n_constraints,) array_like of float
        The required expectation of each column. Each must lie strictly between that
        column's smallest and largest value (on the boundary the optimum puts zero
        probability on some outcomes and its multiplier is infinite).

    Returns
    -------
    MaxEntropyResult
        ``q`` (shape ``(n_states,)``), its entropy in bits, the multipliers ``beta`` in
        bits per unit of each feature, and the constraint residual.

    Raises
    ------
    ValueError
        If the shapes disagree, a value is not finite, or the targets cannot be met by a
        distribution that gives every outcome positive probability.

    Examples
    --------
    Three coins with 0.6 expected heads: the answer is three independent coins of bias
    0.2, and the multiplier is the price ``log2(0.8 / 0.2) = 2`` bits per head.

    >>> import itertools, numpy as np
    >>> configs = np.array(list(itertools.product((0, 1), repeat=3)))
    >>> res = max_entropy(configs.sum(axis=1), 0.6)
    >>> round(float(res.beta[0]), 10)
    2.0
    """
    features = np.asarray(features, dtype=np.float64)
    if features.ndim == 1:
        features = features[:, None]
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError(
            "features must have shape (n_states,) or (n_states, n_constraints) with "
            f"n_states >= 2, got shape {features.shape}"
        )
    targets = np.atleast_1d(np.asarray(targets, dtype=np.float64))
    if targets.shape != (features.shape[1],):
        raise ValueError(
            f"targets must hold one value per feature column ({features.shape[1]}), "
            f"got shape {targets.shape}"
        )
    if not (np.all(np.isfinite(features)) and np.all(np.isfinite(targets))):
        raise ValueError("features and targets must be finite numbers")
    low, high = features.min(axis=0), features.max(axis=0)
    for j, (t, lo, hi) in enumerate(zip(targets, low, high)):
        if not lo < t < hi:
            raise ValueError(
                f"targets[{j}] must lie strictly inside the range of features[:, {j}], "
                f"({lo:g}, {hi:g}), got {t:g}"
            )
    beta = _newton(features, targets)
    entropy, gradient, _ = _dual(beta, features, targets)
    residual = float(np.max(np.abs(gradient)))
    scale = float(np.max(high - low))
    if not np.all(np.isfinite(beta)) or residual > 1e-9 * scale:
        raise ValueError(
            "targets cannot be met by a distribution with every outcome possible "
            f"(largest constraint error {residual:.3g} after the solve); choose targets "
            "inside the convex hull of the feature rows"
        )
    energies = -(features @ beta) * _LN2
    q = np.exp(energies - special.logsumexp(energies))
    return MaxEntropyResult(q=q, entropy_bits=float(entropy), beta=beta, residual=residual)
