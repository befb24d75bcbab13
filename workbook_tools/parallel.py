"""Work spread over processes, results in order: what ``score``, ``validate`` and
``consolidate`` use to read many files on every core.

A pool of worker processes (forked where the system can, so they start with the imports
already done) is given at most a few items per worker at a time, so memory stays flat however
many files there are; the results come back in the order of the items, each as soon as it and
those before it are done. A worker that dies (killed, out of memory) does not stop the run:
what is left is done in this process.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

R = TypeVar("R")

#: items given to each worker at a time (one being worked on, one waiting)
PER_WORKER = 2


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def ordered_map(fn: Callable[..., R], items: Iterable[tuple[Any, ...]], jobs: int) -> Iterator[R]:
    """``fn(*item)`` for every item, in order. With ``jobs`` > 1, by that many processes
    (``fn`` and the items must pickle), at most ``PER_WORKER * jobs`` items at a time."""
    todo = iter(items)
    if jobs <= 1:
        for item in todo:
            yield fn(*item)
        return
    # imported here: a run of a few files never starts a worker (about 20 ms of imports)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    window: deque[tuple[tuple[Any, ...], Future[R]]] = deque()
    broken = False
    with ProcessPoolExecutor(jobs, mp_context=_context()) as pool:
        for item in todo:
            window.append((item, pool.submit(fn, *item)))
            if len(window) >= PER_WORKER * jobs:
                break
        while window:
            item, future = window.popleft()
            got: tuple[R] | None = None
            if not broken:
                try:
                    got = (future.result(),)
                except BrokenProcessPool:  # a worker died: go on here
                    broken = True
            if not broken:
                nxt = next(todo, None)
                if nxt is not None:
                    window.append((nxt, pool.submit(fn, *nxt)))
            yield got[0] if got is not None else fn(*item)
    for item in todo:  # what was left when the pool broke
        yield fn(*item)
