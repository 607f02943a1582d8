"""The cyclic garbage collector during a run: collecting young objects far less often.

A run allocates millions of short-lived containers (decoded QuickBooks pages, rows, values) that reference
counting frees; none of them are garbage the cycle collector is needed for. At CPython's default (a young
collection every 700 net allocations) it walks them ~70 times per page of 1,000 invoices: decoding a page
(1.65 MB) took 26 ms of CPU with the preloaded heap frozen as `preload` leaves a work-horse, 12.5 ms with
young collections every 100,000 allocations (measured in one process, bench/README.md).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 100_000


@contextmanager
def fewer_collections(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Collect young objects every `young` net allocations inside the block; the old thresholds after."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
