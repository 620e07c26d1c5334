"""Run tasks on a local process pool or a Dask cluster, handing each finished task's result to a callback.

One code path serves both backends: each offers a ``concurrent.futures`` Executor (Dask through
``Client.get_executor``). A local pool whose worker dies breaks as a whole (``BrokenProcessPool``): it is
rebuilt and only the unfinished tasks are resubmitted. On Dask the scheduler re-runs a dead worker's tasks
itself. Results are saved by this (the submitting) process, keyed by run id, so a task that runs twice never
gives a duplicate row.

Measured overheads (``../shared/notes/sweeps.md``): ~0.5 ms per task on the pool, ~3 ms on Dask; the engine
therefore batches runs into tasks of >= 50-100 ms of work (:mod:`.engine`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, as_completed
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from typing import Any

from ..io import UserError
from .targets import warm_up

MAX_POOL_RESTARTS = 5
CONNECT_TIMEOUT = "20s"  # to reach a Dask scheduler (Dask retries until then; a cluster may be starting)


class Backend:
    """Where tasks run: ``name`` for the manifest, ``workers`` for chunk sizing, ``executor()`` for the
    current executor (made on first use), ``warm_up`` to start the workers early and ``discard()`` to drop
    the executor, cancelling what it has not started (the next ``executor()`` makes a fresh one)."""

    def __init__(self, name: str, workers: int, make: Callable[[], Executor]):
        self.name, self.workers, self._make = name, workers, make
        self._executor: Executor | None = None

    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = self._make()
        return self._executor

    def warm_up(self, target: str) -> Callable[[], bool]:
        """Start every worker and import the target there now, while this process does something else;
        return a check that is true once a worker is ready."""
        executor = self.executor()
        futures = [executor.submit(warm_up, target) for _ in range(self.workers)]
        return lambda: any(f.done() for f in futures)

    def close(self) -> None:
        """Shut the executor down once every task is done (warm-ups included)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def discard(self) -> None:
        executor, self._executor = self._executor, None
        if isinstance(executor, ProcessPoolExecutor):
            stop_pool(executor)
        elif executor is not None:
            executor.shutdown(wait=False)  # Dask's ClientExecutor cancels its futures


def stop_pool(executor: ProcessPoolExecutor, timeout: float = 10.0) -> None:
    """Stop a local pool now (Ctrl-C, an error, a broken pool): cancel the tasks not started, terminate the
    workers (their runs in flight were not saved, so a resume runs them again) and wait until the pool's
    manager thread has ended, so that nothing of the pool outlives this call.

    ``shutdown(wait=False, cancel_futures=True)`` alone is not enough on CPython 3.12: it only sets a flag;
    the cancelling is done later by the pool's manager thread, which reaches the executor through a weak
    reference. A caller that drops the executor right away (as :meth:`Backend.discard` does) usually lets
    it be collected first; the manager thread then finds the reference dead, cancels nothing, and feeds
    every queued task to the workers, and the interpreter waits for all of them before it exits (the whole
    rest of a study after Ctrl-C, in 5 of 6 tries). Holding ``executor`` here until the manager thread has
    ended, and terminating the workers, makes the stop prompt whatever the timing."""
    # Python 3.14 has executor.terminate_workers(); on 3.12-3.13 the same through the pool's own fields.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)  # flags the shutdown and wakes the manager thread
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout)
    if manager is not None:
        manager.join(timeout)  # it sees the workers gone, fails what was running and ends


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextlib.contextmanager
def open_backend(scheduler: str | None, workers: int, preload: list[str]) -> Iterator[Backend]:
    """The local pool (``scheduler`` None), a Dask LocalCluster (``"local"``) or a Dask scheduler address."""
    with contextlib.ExitStack() as stack:
        if scheduler is None:
            backend = local_backend(workers, preload)
        else:
            backend = stack.enter_context(dask_backend(scheduler, workers))
        try:
            yield backend
        except BaseException:
            backend.discard()  # cancel what has not started (Ctrl-C, errors)
            raise
        backend.close()


def local_backend(workers: int, preload: list[str]) -> Backend:
    return Backend(f"process pool ({workers} workers)", workers, lambda: process_pool(workers, preload))


def process_pool(workers: int, preload: list[str]) -> ProcessPoolExecutor:
    """A pool whose workers start in milliseconds with the target already imported: forked from this
    process when it runs a single thread (fork copies the imported model; with other threads running, a fork
    could copy a held lock, so then, and on platforms without fork, they come from a forkserver that has
    imported the target once). Workers leave Ctrl-C to this process, which saves and stops the pool."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        ctx = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(preload)
    else:
        ctx = multiprocessing.get_context("spawn")
    return Pool(workers, mp_context=ctx, initializer=start_worker, initargs=(os.getpid(),))


class Pool(ProcessPoolExecutor):
    """A process pool whose processes (workers and the forkserver) start with Ctrl-C held back.

    A pool starts its processes when the first task is submitted. A Ctrl-C that reached them while they
    started (before a worker's initializer ignores it; while the forkserver imports the model) printed their
    tracebacks under the driver's one line. Submitting with SIGINT blocked in this thread makes every
    process started then inherit the block (forked, exec'd or forked by the forkserver); this process gets
    the Ctrl-C as soon as the submit returns and stops the pool as usual."""

    def submit(self, fn, /, *args, **kwargs):
        with sigint_held():
            return super().submit(fn, *args, **kwargs)


@contextlib.contextmanager
def sigint_held() -> Iterator[None]:
    """SIGINT blocked in this (the main) thread for the block's duration; a Ctrl-C meanwhile is delivered
    when it ends (and at once if another thread of this process takes it)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def start_worker(driver_pid: int) -> None:
    """In each pool worker: leave Ctrl-C to the driver (which saves and stops the pool), and exit when the
    driver is gone (kill -9) instead of waiting forever for work that will never come."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=exit_when_orphaned, args=(driver_pid, os.getppid()), daemon=True).start()


def exit_when_orphaned(driver_pid: int, parent_pid: int, interval: float = 1.0) -> None:
    # The parent is the forkserver, which exits as soon as the driver dies; checking the driver's pid too
    # covers other start methods (a killed driver stays a zombie until reaped, so the parent check matters).
    while True:
        time.sleep(interval)
        if os.getppid() != parent_pid or not alive(driver_pid):
            os._exit(1)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        pass
    return True


@contextlib.contextmanager
def dask_backend(scheduler: str, workers: int) -> Iterator[Backend]:
    import dask
    from distributed import Client

    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_, which cost numpy-heavy tasks 2.2x the CPU here; the setting
    # stays in force while the cluster lives, so restarted workers start without it too.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        with contextlib.ExitStack() as stack:
            if scheduler == "local":
                cluster = stack.enter_context(local_cluster(workers))
                client = stack.enter_context(Client(cluster))
            else:
                client = stack.enter_context(connect(scheduler))
                workers = max(1, len(client.scheduler_info().get("workers", {})))
            # pure=False: replicates differ only by the seed inside the task; never let Dask merge them
            yield Backend(f"dask {scheduler} ({workers} workers)", workers, lambda: client.get_executor(pure=False))


def local_cluster(workers: int):
    from distributed import LocalCluster

    try:
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    except (RuntimeError, OSError, TimeoutError) as exc:
        raise UserError(f"--scheduler local: the Dask LocalCluster did not start ({exc})") from None


def connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"--scheduler {address}: cannot connect ({type(exc).__name__}: {exc})") from None


def execute(backend: Backend, task: Callable[[Any], Any], payloads: dict[int, Any],
            on_done: Callable[[int, Any], None]) -> None:
    """Run ``task(payload)`` for every payload; call ``on_done(key, result)`` in this process as each
    finishes. A broken local pool is rebuilt and the unfinished payloads resubmitted, up to
    MAX_POOL_RESTARTS times in a row without a task finishing (a run that kills its worker every time)."""
    todo = dict(payloads)
    restarts = 0
    while todo:
        executor = backend.executor()
        before = len(todo)
        futures = {executor.submit(task, payload): key for key, payload in todo.items()}
        try:
            broke = collect(futures, todo, on_done)
        except BaseException:  # Ctrl-C, a failed save: nothing more is started (the caller stops the workers)
            for fut in futures:
                fut.cancel()
            raise
        if broke:  # the pool broke: start a fresh one for what is left
            backend.discard()
            restarts = restarts + 1 if len(todo) == before else 1
            if restarts > MAX_POOL_RESTARTS:
                raise UserError(
                    f"the worker pool broke {restarts} times in a row (a run kills its worker process?); "
                    f"{len(todo)} tasks left; finished runs are saved, re-run to resume"
                )


def collect(futures: dict[Future, int], todo: dict[int, Any], on_done: Callable[[int, Any], None]) -> bool:
    """Hand over results as they come; True if the pool broke (then also hand over whatever finished)."""
    try:
        for fut in as_completed(futures):
            finish(fut, futures[fut], todo, on_done)
    except BrokenProcessPool:
        for fut, key in futures.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None and key in todo:
                finish(fut, key, todo, on_done)
        return True
    return False


def finish(fut: Future, key: int, todo: dict[int, Any], on_done: Callable[[int, Any], None]) -> None:
    on_done(key, fut.result())
    del todo[key]
