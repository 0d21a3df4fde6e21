"""The library's one memory policy, and its one way of writing a number of bytes.

Policy: before a function allocates arrays over all ``2**N`` states it asks
:func:`require_memory`. An allocation may take at most :func:`memory_limit` bytes: what
the operating system says a new allocation can have now (``MemAvailable`` on Linux),
and never more than :data:`kobold_lib.ising.MEMORY_BUDGET_BYTES`, a cap the user may
lower (default: this machine's physical memory). Read at call time, so both a changed
cap and a busier machine count. Where the library runs several workers at once, each
holding its own arrays, :func:`workers_that_fit` decides how many: as many as fit
side by side under the same limit, at least one.
"""

from __future__ import annotations

import os


def physical_memory() -> int:
    """Bytes of physical memory (8 GiB where the platform does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 8 << 30


def available_memory() -> int:
    """Bytes the operating system says a new allocation can have now (``MemAvailable``)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    try:  # pragma: no cover - not Linux
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return physical_memory()


def memory_limit() -> int:
    """The most bytes one allocation may take: available memory, capped by the budget."""
    from . import ising  # the cap is a public setting of the models' module

    return min(available_memory(), int(ising.MEMORY_BUDGET_BYTES))


def format_bytes(nbytes: float) -> str:
    """``nbytes`` in binary units: ``"512 bytes"``, ``"1.5 KiB"``, ..., ``"2.0 PiB"``."""
    nbytes = float(nbytes)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if nbytes < 1024.0:
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024.0
    return f"{nbytes:.1f} PiB"


def require_memory(nbytes: int, what: str, advice: str = "use fewer spins") -> None:
    """Raise ``ValueError`` if ``nbytes`` exceed :func:`memory_limit`, saying how many are needed.

    ``what`` names the allocation (``"solve(...) on a model of N=30 spins"``); ``advice``
    ends the message.
    """
    nbytes = int(nbytes)
    limit = memory_limit()
    if nbytes > limit:
        raise ValueError(
            f"{what} needs {nbytes} bytes ({format_bytes(nbytes)}) of memory, but only {limit} bytes "
            f"({format_bytes(limit)}) are available (free memory now, capped by "
            f"kobold_lib.ising.MEMORY_BUDGET_BYTES); {advice}"
        )


def workers_that_fit(per_worker: int, most: int, what: str) -> int:
    """How many workers, each holding ``per_worker`` bytes, fit in :func:`memory_limit` at once.

    At most ``most``, at least one; if not even one fits, the ``ValueError`` of
    :func:`require_memory` (``what`` names one worker's task).
    """
    require_memory(per_worker, what)
    return max(1, min(int(most), memory_limit() // max(1, int(per_worker))))
