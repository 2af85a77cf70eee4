"""at_once(work, items): run `work(item)` for every item in its own thread, all released together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def at_once(work: Callable[[T], R], items: Sequence[T]) -> tuple[list[R], list[BaseException]]:
    """The results and the errors of `work` run for every item at the same moment (a barrier releases them)."""
    barrier = threading.Barrier(len(items))
    results: list[R] = []
    errors: list[BaseException] = []

    def run(item: T) -> None:
        try:
            barrier.wait()
            results.append(work(item))
        except BaseException as error:  # returned to the test, which asserts there is none
            errors.append(error)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
