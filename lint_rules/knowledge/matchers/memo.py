"""Remembering what a matcher answered for a node, from one lint of a buffer to the next.

An editor's buffer is parsed again for the statements an edit touched only
(``engine.reparse``): the other statements are the very nodes of the previous lint, and
a matcher, a pure function of its nodes, answers for them what it answered then. A
matcher decorated with :func:`by_node` keeps its answers while a :class:`NodeMemo` is in
use (``with memo.using():``, around one lint, on the thread that lints); anywhere else
(the command line, the indexing thread) it just computes.

Nodes compare and hash by identity, so a key holds the node itself: an answer is never
taken for another node that got the same address. A memo keeps the answers the last
lint asked for, and forgets the others: what it holds is at most one buffer's worth.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_local = threading.local()
_MISSING = object()


class NodeMemo:
    """The matchers' answers for the nodes of one buffer."""

    def __init__(self) -> None:
        self.current: dict[Any, Any] = {}  # asked by the lint in progress (or the last one)
        self.previous: dict[Any, Any] = {}
        self.computed = 0  # answers the last lint had to compute (tests, benchmarks)

    @contextmanager
    def using(self) -> Iterator[None]:
        """One lint: the matchers decorated with ``by_node`` answer from this memo."""
        self.previous, self.current, self.computed = self.current, {}, 0
        outer = getattr(_local, "memo", None)
        _local.memo = self
        try:
            yield
        finally:
            _local.memo = outer
            self.previous = {}

    def get(self, key: Any) -> Any:
        found = self.current.get(key, _MISSING)
        if found is _MISSING:
            found = self.previous.get(key, _MISSING)
            if found is not _MISSING:
                self.current[key] = found
        return found


def by_node(key: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Remember a matcher's answers by its arguments (nodes by identity). ``key`` makes
    a hashable key of the arguments after the first (a dict of nodes, say); without it
    they are the key as they are. The answer is shared: callers do not change it."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def remembered(node: Any, *args: Any) -> Any:
            memo: NodeMemo | None = getattr(_local, "memo", None)
            if memo is None:
                return function(node, *args)
            entry = (remembered, node, key(*args) if key is not None else args)
            found = memo.get(entry)
            if found is _MISSING:
                found = memo.current[entry] = function(node, *args)
                memo.computed += 1
            return found

        return remembered  # type: ignore[return-value]

    return decorate


def items(mapping: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A key for a dict of names to nodes (``aliases``)."""
    return tuple(mapping.items())
