"""Isolation: a failing rule, a failing facts collector, code nested too deeply.

A rule that raises is disabled for that file and becomes an internal-error finding; the
other rules go on. The facts collector gets the same treatment. Valid code nested past
Python's default recursion limit is analysed again on a thread with a deep stack.
"""

from __future__ import annotations

import functools
import sys
import threading
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import libcst as cst

from lint_rules.model import INTERNAL_ERROR, META_CODE, Finding, Location, Position
from lint_rules.rule_api.base import Context, Rule
from lint_rules.knowledge.extract import FactsCollector

if TYPE_CHECKING:
    from lint_rules.engine.positions import NodeSpans
    from lint_rules.knowledge.facts import FileFacts

T = TypeVar("T")


class Guard:
    """Runs one rule's handlers; the first exception disables the rule for this file."""

    def __init__(self, rule: Rule, context: Context) -> None:
        self.rule = rule
        self.context = context
        self.error: BaseException | None = None
        self.error_node: cst.CSTNode | None = None

    def run(self, fn: Callable[[Any], Any], node: Any) -> None:
        """``fn(node)``, unless an earlier call failed; a failure is kept, not raised."""
        if self.error is not None:
            return
        try:
            fn(node)
        except RecursionError:
            raise  # the code is nested too deeply: analyze() tries again with a deeper stack
        except Exception as exc:  # noqa: BLE001 - a broken rule must not stop the run
            self.error = exc
            self.error_node = node

    def wrap(self, fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return functools.partial(self.run, fn)

    def handlers(self) -> list[tuple[str, Callable[[Any], Any]]]:
        return [(name, self.wrap(getattr(self.rule, name))) for name in _handler_names(type(self.rule))]


@functools.cache
def _handler_names(rule_class: type) -> tuple[str, ...]:
    """The ``visit_``/``leave_`` methods of a rule class, in ``dir`` order (once a class)."""
    return tuple(name for name in dir(rule_class) if name.startswith(("visit_", "leave_")))


def internal_error(path: str, guard: Guard | FactsGuard, spans: NodeSpans | None) -> Finding:
    exc = guard.error
    assert exc is not None
    start = end = Position(1, 1)
    if spans is not None and guard.error_node is not None:
        start, end = spans.range(guard.error_node)
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})" if frame else ""
    if isinstance(guard, FactsGuard):
        what, then = "while reading this file's facts for the project index", "Project-wide rules skipped this file"
    else:
        what, then = f"in rule {guard.rule.code} ({guard.rule.name})", "Other rules still ran"
    return Finding(
        code=META_CODE,
        name=INTERNAL_ERROR,
        message=f"Internal error {what}: {type(exc).__name__}: {exc}{where}. {then}; please report this bug.",
        path=path,
        start=start,
        end=end,
    )


class FactsGuard:
    """The facts collector, isolated like a rule: if it fails, the file gets an
    internal-error finding and no facts (project-wide rules then skip it)."""

    def __init__(self, path: str, source: str = "") -> None:
        self.draft = FactsCollector(path, source)
        self.error: BaseException | None = None
        self.error_node: cst.CSTNode | None = None

    run = Guard.run

    def handlers(self) -> list[tuple[str, Callable[[Any], Any]]]:
        return [(name, functools.partial(self.run, fn)) for name, fn in self.draft.handlers()]

    def visit_module(self, module: cst.Module) -> None:
        self.run(self.draft.visit_Module, module)

    @property
    def nodes(self) -> list[cst.CSTNode]:
        return [] if self.error is not None else list(self.draft.nodes)

    def build(self, locate: Callable[[cst.CSTNode], Location]) -> FileFacts | None:
        if self.error is None:
            try:
                return self.draft.build(locate)
            except Exception as exc:  # noqa: BLE001
                self.error = exc
        return None


# The recursion limit and stack of the second try (a Python frame takes well under 2 KiB).
DEEP_RECURSION_LIMIT = 100_000
DEEP_STACK = 256 << 20


def deeply(work: Callable[[], T]) -> T:
    """``work()`` on a thread with a deep stack and a high recursion limit."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            failure.append(error)

    previous_stack = threading.stack_size(DEEP_STACK)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, DEEP_RECURSION_LIMIT))
    try:
        thread = threading.Thread(target=run, name="hyperion-lint-deep")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]
    return outcome[0]
