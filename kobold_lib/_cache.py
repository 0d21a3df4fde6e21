"""Results cached on disk as ``.npz`` files: keyed, checked when read, written atomically.

Private to the library. A file is named after what it holds and the start of its key (a
hash of everything the numbers depend on) and stores the full key. Reading returns the
arrays only if the file is whole and holds the right key and every expected array with
its expected shape; otherwise it says why not, and the caller recomputes and rewrites.
Writing goes to a temporary file that is renamed over the target when complete, so an
interrupted write leaves no partial file (the temporary one is removed).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np


#: Significant digits of the float arrays (a grid) that enter a key. Grids built with
#: ``np.logspace`` differ in their last bit between CPUs (NumPy's vectorised ``power``),
#: so keying on the raw bytes made a cache written on one machine miss on another; twelve
#: digits are far above that round-off and far below any grid spacing a sweep uses.
KEY_DIGITS = 12


def cache_key(parts, arrays) -> str:
    """SHA-256 (hex) of the strings ``parts`` and of ``arrays`` to :data:`KEY_DIGITS` digits.

    Each array enters as its float64 values written with ``KEY_DIGITS`` significant
    digits, so arrays that agree to that precision (the same grid computed on two CPUs)
    give the same key, while any real change of a value gives another.
    """
    digest = hashlib.sha256()
    for part in parts:
        digest.update(str(part).encode())
        digest.update(b"\0")
    for i, array in enumerate(arrays):
        if i:
            digest.update(b"\0")
        values = np.ascontiguousarray(array, dtype=np.float64).ravel()
        digest.update(",".join(f"{v:.{KEY_DIGITS - 1}e}" for v in values).encode())
    return digest.hexdigest()


def cache_path(cache_dir, name: str, key: str) -> Path:
    """``cache_dir / "<name as a slug>-<key[:16]>.npz"``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") or "model"
    return Path(cache_dir) / f"{slug}-{key[:16]}.npz"


def load_cache(path: Path, key: str, shapes: dict, numeric) -> dict | str:
    """The arrays of a cache file, or the reason (a str) why they cannot be used.

    ``shapes``: every array the file must hold and its shape; ``numeric``: the names that
    must hold numbers.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: np.array(data[name]) for name in data.files}
    except Exception as exc:  # noqa: BLE001 - truncated, garbage, not a zip: recompute
        return f"it cannot be read ({type(exc).__name__}: {exc})"
    if "key" not in arrays or arrays["key"].shape != () or str(arrays["key"]) != key:
        return "its key does not match this model, grid and settings"
    for name, shape in shapes.items():
        if name not in arrays:
            return f"the array {name!r} is missing"
        if arrays[name].shape != shape:
            return f"the array {name!r} has shape {arrays[name].shape}, not {shape}"
    for name in numeric:
        if not np.issubdtype(arrays[name].dtype, np.number):
            return f"the array {name!r} holds {arrays[name].dtype}, not numbers"
    return arrays


def save_cache(path: Path, key: str, arrays: dict) -> None:
    """Write ``arrays`` and ``key`` to ``path`` atomically (a temporary file, renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, key=np.array(key), **arrays)
        os.replace(tmp, path)
    finally:
        if tmp.exists():  # interrupted or failed: leave no partial file behind
            tmp.unlink()
