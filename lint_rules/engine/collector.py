"""Pausing Python's garbage collector while files are linted.

A file's syntax tree makes tens of thousands of objects; each automatic collection on
the way goes through them (and through everything else alive: the results so far, the
project index), although almost none of it is garbage in a reference cycle: objects are
freed as soon as the last reference goes. The little cyclic garbage a file leaves (the
closures ``ast.literal_eval`` makes on every call) is collected after each file with
``gc.collect(0)``: with the collector paused, everything allocated since is in the
youngest generation. About a tenth of the time of a cold run is saved.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector() -> Iterator[None]:
    """No automatic collection inside; the collector is left as it was found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect_young() -> None:
    """Collect the cyclic garbage made since the last collection (see the module's docstring)."""
    gc.collect(0)
