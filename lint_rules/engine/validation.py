"""LibCST's node validation, the same verdicts for less.

Every node LibCST's parser builds is validated as it is made (``CSTNode.__post_init__``
calls ``_validate``): a tenth of the parse goes to checking, with a regular expression,
that each of the file's whitespace nodes holds whitespace, and that each name is an
identifier. Both checks depend on the node's ``value`` alone (and, for a name, on its
parentheses being balanced), and a file holds a few distinct whitespace values and a few
hundred distinct names: the values that passed are remembered, and a node whose value
passed before (with no parentheses, for a name) passes at once. Any other goes through
LibCST's own check, which raises what it always raised. Installed once, for the whole
process, when the engine first parses (see ``linter.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import libcst as cst

# Values remembered, at most (a long-lived process, the language server, reads many files).
LIMIT = 100_000

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    cst.SimpleWhitespace._validate = _whitespace(cst.SimpleWhitespace._validate)  # type: ignore[method-assign]
    cst.Name._validate = _name(cst.Name._validate)  # type: ignore[method-assign]


def _whitespace(check: Callable[[Any], None]) -> Callable[[Any], None]:
    passed: set[str] = set()

    def validate(node: Any) -> None:
        value = node.value
        if value in passed:
            return
        check(node)  # raises CSTValidationError for a value that does not pass
        if len(passed) < LIMIT:
            passed.add(value)

    validate.__wrapped__ = check  # type: ignore[attr-defined]
    return validate


def _name(check: Callable[[Any], None]) -> Callable[[Any], None]:
    passed: set[str] = set()

    def validate(node: Any) -> None:
        if node.lpar or node.rpar:  # the parentheses are checked too: LibCST's own check
            check(node)
            return
        value = node.value
        if value in passed:
            return
        check(node)
        if len(passed) < LIMIT:
            passed.add(value)

    validate.__wrapped__ = check  # type: ignore[attr-defined]
    return validate
