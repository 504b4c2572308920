"""Reading syntax: dotted names, literals, call arguments and assignment targets.

The smallest matchers, with no knowledge of Hyperion; the other matcher modules build on
them. Everything here is a pure function of LibCST nodes.
"""

from __future__ import annotations

import dataclasses
import warnings
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


def literal_value(node: cst.SimpleString) -> str | bytes | None:
    """The value of a string literal; None when Python would refuse it. LibCST parses
    ``"\\N{nope}"``, ``"\\x"`` or a NUL byte, where ``evaluated_value`` (``ast.literal_eval``)
    raises SyntaxError: a file with one must not stop the linter. Python's warnings about
    the literal (``"\\d"``: invalid escape sequence) are not printed to the user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return node.evaluated_value
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None


# A string annotation longer than this, or nesting brackets deeper than CPython allows, is
# not read as code: LibCST's parser can take the whole process down (a stack overflow) on
# deeply nested text, and no real annotation comes near these bounds.
MAX_ANNOTATION_TEXT = 2000
_MAX_BRACKET_DEPTH = 200


def parse_annotation_text(text: str) -> cst.BaseExpression | None:
    """The expression a string annotation (``"ItemUpdate | None"``) holds; None when it does
    not parse, or is too long or too deeply nested to be parsed safely."""
    if len(text) > MAX_ANNOTATION_TEXT:
        return None
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
            if depth > _MAX_BRACKET_DEPTH:
                return None
        elif char in ")]}":
            depth -= 1
    try:
        return cst.parse_expression(text)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a plain (not formatted) string literal, implicit concatenation included."""
    if isinstance(node, cst.SimpleString):
        value = literal_value(node)
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


# -- children, fast -------------------------------------------------------------------------

_child_fields_of: dict[type, tuple[str, ...]] = {}


def child_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The nodes ``node`` holds directly, read from its fields: what ``node.children`` gives
    (in field order, which for a few statements is not source order), without the visitor
    pass LibCST's property makes, which rebuilds the node and costs tens of times more."""
    kind = type(node)
    names = _child_fields_of.get(kind)
    if names is None:
        names = _child_fields_of[kind] = tuple(f.name for f in dataclasses.fields(kind))
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif type(value) is tuple or type(value) is list:
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item
