"""Type expressions compared once imports are resolved: for HYP019.

:func:`type_key` turns a type expression (``list[schemas_x.Item]``, ``"Item | None"``,
``Optional[Item]``) into a plain, comparable value whose names are the origins the
file's imports give them (``app.modules.x.schemas_x.Item`` whether it is written
``schemas_x.Item`` or ``Item``), with the spellings Python treats as one type made one:
``List``/``list``, ``Optional[X]``/``X | None``, ``Union[A, B]``/``A | B`` (in any
order), ``Annotated[X, ...]``/``X``, ``typing.Sequence``/``collections.abc.Sequence``.
A name the file neither imports, defines nor has as a builtin makes the key None:
nothing can be said.

Keys are nested tuples: ``("name", origin)``, ``("generic", base, (args...))``,
``("union", (members...))`` (sorted), ``("literal", code)``. Pure functions.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import Any

import libcst as cst

from lint_rules.knowledge.matchers.syntax import (
    dotted_name,
    is_none,
    parse_annotation_text,
    string_value,
)

Key = tuple[Any, ...]
_BUILTINS = frozenset(dir(builtins))
_TYPING_MODULES = ("typing", "typing_extensions", "collections.abc", "collections")
# typing's aliases of builtins.
_ALIASES = {"List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset", "Tuple": "tuple", "Type": "type"}
_NONE: Key = ("name", "None")


def _origin(name: str, imports: Mapping[str, str], local: Mapping[str, str]) -> str | None:
    """Where a dotted name comes from: its import, a definition of the file, a builtin."""
    head, _, rest = name.partition(".")
    if head in imports:
        origin = imports[head] + (f".{rest}" if rest else "")
    elif head in local:
        origin = local[head] + (f".{rest}" if rest else "")
    elif head in _BUILTINS:
        origin = name
    else:
        return None
    for module in _TYPING_MODULES:
        if origin.startswith(module + "."):
            short = origin[len(module) + 1 :]
            return _ALIASES.get(short, short)
    return origin


def _union(members: list[Key | None]) -> Key | None:
    if any(m is None for m in members):
        return None
    flat: set[Key] = set()
    for member in members:
        assert member is not None
        flat.update(member[1] if member[0] == "union" else (member,))
    return ("union", tuple(sorted(flat, key=repr))) if len(flat) > 1 else next(iter(flat))


def type_key(
    node: cst.BaseExpression | None, imports: Mapping[str, str], local: Mapping[str, str], depth: int = 0
) -> Key | None:
    """The comparable key of a type expression (see the module's docstring)."""
    if node is None or depth > 50:
        return None
    if is_none(node):
        return _NONE
    text = string_value(node)
    if text is not None:
        parsed = parse_annotation_text(text)
        return type_key(parsed, imports, local, depth + 1) if parsed is not None else None
    name = dotted_name(node)
    if name is not None:
        origin = _origin(name, imports, local)
        return ("name", origin) if origin is not None else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _union([type_key(node.left, imports, local, depth + 1), type_key(node.right, imports, local, depth + 1)])
    if isinstance(node, cst.Subscript):
        base = type_key(node.value, imports, local, depth + 1)
        items = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        if base is None or len(items) != len(node.slice):
            return None
        if base == ("name", "Annotated") and items:
            return type_key(items[0], imports, local, depth + 1)
        args = [type_key(item, imports, local, depth + 1) for item in items]
        if base == ("name", "Optional") and len(args) == 1:
            return _union([args[0], _NONE])
        if base == ("name", "Union"):
            return _union(args)
        if base == ("name", "Literal"):
            return ("literal", tuple(sorted(" ".join(cst.Module([]).code_for_node(i).split()) for i in items)))
        if any(a is None for a in args):
            return None
        return ("generic", base, tuple(args))
    if isinstance(node, (cst.List, cst.Tuple)):  # Callable[[A, B], C]'s argument list
        elements = [type_key(e.value, imports, local, depth + 1) for e in node.elements]
        return None if any(e is None for e in elements) else ("list", tuple(elements))
    if isinstance(node, cst.Ellipsis):
        return ("name", "...")
    return None


def key_text(key: Key) -> str:
    """How a key reads in a message: the names' last parts (``list[Item] | None``)."""
    kind = key[0]
    if kind == "name":
        return str(key[1]).rsplit(".", 1)[-1]
    if kind == "union":
        return " | ".join(key_text(k) for k in key[1])
    if kind == "generic":
        return f"{key_text(key[1])}[{', '.join(key_text(k) for k in key[2])}]"
    if kind == "list":
        return f"[{', '.join(key_text(k) for k in key[1])}]"
    return f"Literal[{', '.join(key[1])}]"


__all__ = ["Key", "key_text", "type_key"]
