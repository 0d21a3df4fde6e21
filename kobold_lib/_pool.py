"""Running independent tasks (the rows of a sweep) on a pool of worker processes, safely.

Private to the library: the one place where it starts several workers. :func:`run_tasks`
runs tasks serially, on a caller's executor, or on a pool of its own, and applies the
library's rules for the last:

- **memory**: it starts only as many workers as fit side by side in the available memory
  (each task's arrays, :func:`kobold_lib._memory.workers_that_fit`), at most one per
  core and per task, at least one; a caller's executor is the caller's to size;
- **a main script that cannot be re-imported** (one read from standard input) means a
  spawned worker dies before it takes a task: the tasks run serially instead, with a
  ``RuntimeWarning`` that says how to get the pool;
- **a dead worker** gives a ``RuntimeError`` that says what to do, never a bare
  ``BrokenProcessPool``;
- **an interrupt** (Ctrl-C, a notebook's stop button) ends the pool's workers at once.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
import warnings

import numba

from ._memory import workers_that_fit


def interactive() -> bool:
    """Whether a progress bar is wanted by default: an IPython kernel or a terminal."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # pragma: no cover - closed or odd stderr
        return False


def check_executor(executor):
    """``None``, ``"serial"`` or a :class:`concurrent.futures.Executor` (not a ``fork`` process pool)."""
    if executor is None or (isinstance(executor, str) and executor == "serial"):
        return executor
    if isinstance(executor, str):
        raise ValueError(f"executor must be None, 'serial' or a concurrent.futures.Executor, got {executor!r}")
    if not isinstance(executor, cf.Executor):
        raise TypeError(
            f"executor must be None, 'serial' or a concurrent.futures.Executor, got {type(executor).__name__}"
        )
    if isinstance(executor, cf.ProcessPoolExecutor):
        context = getattr(executor, "_mp_context", None)
        if context is not None and context.get_start_method() == "fork":
            raise ValueError(
                "executor: a ProcessPoolExecutor with the 'fork' start method can crash numba's "
                "OpenMP threads; create it with mp_context=multiprocessing.get_context('spawn') "
                "(or 'forkserver')"
            )
    return executor


def _worker_init() -> None:
    numba.set_num_threads(1)


def main_is_importable() -> bool:
    """Whether a spawned worker can re-import this program's main module.

    A spawned process re-runs the main script from its file; a script read from
    standard input (``python - < script.py``) has no file to re-run, and the worker
    dies before it takes a task.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        return True  # python -m module: re-imported by name
    path = getattr(main, "__file__", None)
    if path is None:
        return True  # interactive session, python -c, a notebook: nothing to re-run
    original = multiprocessing.process.ORIGINAL_DIR  # where spawn looks for a relative path
    if not os.path.isabs(path) and original is not None:
        path = os.path.join(original, path)
    return os.path.isfile(path)


_SERIAL_FALLBACK = (
    "{who}: a process pool cannot start here, because its workers cannot re-import "
    "the main script ({main!r}: a script read from standard input has no file). Running the "
    "rows one after the other in this process instead. To get the pool, save the script to a "
    "file and put the call under `if __name__ == \"__main__\":`; or pass executor='serial' "
    "to silence this warning."
)


def _terminate(executor: cf.ProcessPoolExecutor) -> None:
    """Stop a pool of our own at once: cancel what waits, end the running workers."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
            process.kill()
            process.join()


def _run_serial(fn, tasks, bar):
    out = []
    for args in tasks:
        out.append(fn(*args, None))
        if bar is not None:
            bar.update(1)
    return out


def run_tasks(fn, tasks, executor, per_task: int, what: str, who: str, order=None, bar=None) -> list:
    """``[fn(*args, threads) for args in tasks]``, run as the rules of this module say.

    ``executor``: ``"serial"`` (``threads = None``: numba uses every thread), ``None`` (a
    spawn pool of this module's own, sized to the memory; ``threads = 1``) or any
    :class:`concurrent.futures.Executor` (``threads = 1``, left running). ``per_task``:
    the bytes one task holds; ``what`` names one task for the memory error; ``who`` names
    the caller in warnings and errors. ``order``: the order of submission (slowest first);
    ``bar``: a progress bar to update. ``fn`` must be a top-level function (picklable).
    """
    if executor is None and not main_is_importable():
        main = getattr(sys.modules.get("__main__"), "__file__", None)
        warnings.warn(_SERIAL_FALLBACK.format(who=who, main=main), RuntimeWarning, stacklevel=3)
        executor = "serial"
    if executor == "serial":
        return _run_serial(fn, tasks, bar)
    out = [None] * len(tasks)
    own = executor is None
    if own:
        workers = workers_that_fit(per_task, min(os.cpu_count() or 1, len(tasks)), what)
        executor = cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
        )
    try:
        order = range(len(tasks)) if order is None else order
        futures = {executor.submit(fn, *tasks[i], 1): i for i in order}
        for future in cf.as_completed(futures):
            out[futures[future]] = future.result()
            if bar is not None:
                bar.update(1)
    except cf.process.BrokenProcessPool as exc:
        if own:
            _terminate(executor)
            own = False
        raise RuntimeError(
            f"{who}: a worker process died before its task was done (the operating system may "
            "have ended it for lack of memory, or the worker could not import the main script). "
            "Run with executor='serial', or with fewer workers, or save the script to a file "
            'and guard the call with `if __name__ == "__main__":`'
        ) from exc
    except BaseException:
        if own:  # an interrupt or a failure: no worker of ours may outlive the call
            _terminate(executor)
            own = False
        raise
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    return out
