"""Argument checks shared by the public modules: one function per kind of argument.

Each check returns the value in the form the kernels want and raises ``TypeError`` (wrong
kind) or ``ValueError`` (out of range) with a message naming the argument and its range.
"""

from __future__ import annotations

import math

import numpy as np


def check_model(model):
    """An :class:`~kobold_lib.ising.IsingModel`, or ``TypeError``."""
    from .ising import IsingModel  # the model type lives with the models

    if not isinstance(model, IsingModel):
        raise TypeError(
            f"model must be an IsingModel (build one with ring, torus, ...), got {type(model).__name__}"
        )
    return model


def check_real(value, name: str) -> float:
    """A real number (not a bool), as float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def check_beta(beta) -> float:
    """An inverse temperature: a real number in ``[0, inf]``."""
    beta = check_real(beta, "beta")
    if math.isnan(beta) or beta < 0.0:
        raise ValueError(f"beta must be in [0, inf] (inverse temperature), got {beta}")
    return beta


def check_gamma(gamma) -> float:
    """A discount per attempt in ``(0, 1)``."""
    gamma = check_real(gamma, "gamma")
    if not (0.0 < gamma < 1.0):  # also rejects NaN
        raise ValueError(f"gamma must be in (0, 1) (discount per attempt), got {gamma}")
    return gamma


def check_choice(value, name: str, allowed) -> str:
    """One of the strings ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def check_bool(value, name: str) -> bool:
    """True or False (a NumPy bool too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def check_count(value, name: str, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer (not a bool) in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum} (an integer), got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_tol(tol, scale: float) -> float:
    """A positive finite tolerance (energy units); ``None`` gives ``1e-10 * scale``."""
    if tol is None:
        return 1e-10 * scale
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise TypeError(f"tol must be a positive real number, got {type(tol).__name__}")
    tol = float(tol)
    if not (tol > 0.0 and math.isfinite(tol)):
        raise ValueError(f"tol must be a positive finite number (energy units), got {tol}")
    return tol


def check_table(values, name: str, shape: tuple, shape_text: str) -> np.ndarray:
    """A finite real array of the given shape (``shape_text`` names it, e.g. ``"(2**N,)"``), float64."""
    values = np.asarray(values)
    if values.shape != shape:
        raise ValueError(f"{name} must have shape {shape_text} = {shape}, got {values.shape}")
    if not np.issubdtype(values.dtype, np.number) or np.iscomplexobj(values):
        raise TypeError(f"{name} must hold real numbers, got dtype {values.dtype}")
    values = np.ascontiguousarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return values


def check_values(V, n: int) -> np.ndarray:
    """A finite value function over the ``2**n`` states, (2**n,) float64."""
    return check_table(V, "V", (1 << n,), "(2**N,)")


def check_policy(policy, n: int | None = None, dtype=np.int8) -> tuple[np.ndarray, int]:
    """A deterministic policy (0 = stop, ``k + 1`` = flip spin ``k``) over ``2**N`` states.

    With ``n`` given the length must be ``2**n``; otherwise any length ``2**N``, ``N >= 1``.
    Returns the policy as a contiguous array of ``dtype`` and ``N``.
    """
    policy = np.asarray(policy)
    if n is not None and policy.shape != (1 << n,):
        raise ValueError(f"policy must have shape (2**N,) = ({1 << n},), got {policy.shape}")
    if policy.ndim != 1:
        raise ValueError(f"policy must be a 1-D array of length 2**N, got shape {policy.shape}")
    if not np.issubdtype(policy.dtype, np.integer):
        raise TypeError(f"policy must hold integers (0 = stop, k + 1 = flip spin k), got dtype {policy.dtype}")
    size = policy.size
    if n is None:
        n = size.bit_length() - 1
        if size < 2 or (1 << n) != size:
            raise ValueError(f"policy must have length 2**N for some N >= 1, got {size}")
    if policy.min() < 0 or policy.max() > n:
        raise ValueError(f"policy actions must be in [0, N] = [0, {n}], got range [{policy.min()}, {policy.max()}]")
    return np.ascontiguousarray(policy, dtype=dtype), n


def check_grid(values, name: str, allowed: str, ok) -> np.ndarray:
    """A non-empty 1-D sequence of real numbers, each with ``ok(value)`` true (read-only float64).

    ``allowed`` describes the range for the message (``"[0, inf] (inverse temperature)"``).
    """
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr) or arr.dtype == bool:
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = np.array(arr, dtype=np.float64)
    for v in arr:
        if not ok(float(v)):
            raise ValueError(f"{name} must be in {allowed}, got {float(v)}")
    arr.setflags(write=False)
    return arr
