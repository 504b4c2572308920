"""Reading syntax: dotted names, literals, call arguments and assignment targets.

The smallest matchers, with no knowledge of Hyperion; the other matcher modules build on
them. Everything here is a pure function of LibCST nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import libcst as cst


def dotted_name(node: cst.CSTNode | None) -> str | None:
    """``a.b.c`` for a chain of Names and Attributes, else None."""
    if isinstance(node, cst.Name):
        return node.value
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not parts or not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def last_name(node: cst.CSTNode | None) -> str | None:
    """``c`` for ``a.b.c`` or ``c``; the called name for ``c(...)``."""
    if isinstance(node, cst.Call):
        return last_name(node.func)
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a plain (not formatted) string literal, implicit concatenation included."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def is_none(node: cst.CSTNode | None) -> bool:
    """True for the literal ``None``."""
    return isinstance(node, cst.Name) and node.value == "None"


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    """The ``name=...`` argument of ``call``, or None."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def positional_args(call: cst.Call) -> list[cst.Arg]:
    """The positional arguments of ``call``, ``*args`` left out."""
    return [a for a in call.args if a.keyword is None and not a.star]


def has_star_kwargs(call: cst.Call) -> bool:
    """True when ``call`` unpacks ``**kwargs`` (any keyword may come from there)."""
    return any(a.star == "**" for a in call.args)


def assignment_targets(small: cst.BaseSmallStatement) -> tuple[list[cst.BaseExpression], cst.BaseExpression | None]:
    """The targets and value of ``a = b = value`` / ``a: T = value``; ``([], None)`` otherwise."""
    if isinstance(small, cst.Assign):
        return [t.target for t in small.targets], small.value
    if isinstance(small, cst.AnnAssign) and small.value is not None:
        return [small.target], small.value
    return [], None


def small_statements(
    statements: Iterable[cst.CSTNode],
) -> Iterator[tuple[cst.SimpleStatementLine, cst.BaseSmallStatement]]:
    """``(line, small statement)`` for each small statement of the simple lines among
    ``statements``, in order (``a = 1; b = 2`` gives two); other statements are skipped."""
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                yield statement, small
