"""Bulk building of explanations without the cyclic garbage collector's pauses."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a round or a readiness check runs.

    A large round builds hundreds of thousands of small dicts, lists and strings, none in
    reference cycles (reference counting frees them); each full collection walks every
    live object (all the profiles too), and they came often enough to take about half
    of the metro round's explanation time. The collector's previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
