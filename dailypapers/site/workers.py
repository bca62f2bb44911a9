"""Work spread over forked processes: parsing posts and rendering pages.

The parent puts what the workers need in `shared` before it forks them, and they read it
there: a forked worker inherits the parent's memory, so nothing is pickled on the way in,
and only the small results travel back. This module holds that state, and only it.
"""

from __future__ import annotations

import gc
import multiprocessing
from typing import Callable

# Below this many items, forking workers costs more than it saves.
PARALLEL_MIN_ITEMS = 400
CHUNK_ITEMS = 4000  # items a worker handles before a fresh one takes over

shared: dict = {}  # what the current run's workers read; set by run()


def run(function: Callable[[list], list], items: list, processes: int, **state) -> list:
    """function(chunk) over chunks of items, in forked processes when it pays; `state` is
    what function reads from `shared`. The results, in the order of their chunks."""
    shared.clear()
    shared.update(state)
    try:
        if processes < 2 or len(items) < PARALLEL_MIN_ITEMS:
            return function(items)
        # Many chunks, each in a freshly forked worker: a worker's memory grows as it touches
        # (and so unshares) the parent's objects, and a short-lived one never grows far.
        count = max(processes, -(-len(items) // CHUNK_ITEMS))
        chunks = [part for part in (items[i::count] for i in range(count)) if part]
        # Objects made so far go to a generation the collector never visits: in the forked
        # workers it would otherwise write to every page of them and unshare them all.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(processes, maxtasksperchild=1) as pool:
                return [result for part in pool.map(function, chunks, chunksize=1) for result in part]
        finally:
            gc.unfreeze()
    finally:
        shared.clear()
