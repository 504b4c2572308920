"""Matchers for endpoint signatures, shared by the signature and body rules (HYP020-HYP032, HYP092).

Like ``hyperion.py``, everything here is a pure function of LibCST nodes: names are read
by shape (``AsyncSession``, ``models_users.CoreUser``, ``Depends(is_user())``), and the only
resolution done is through the file's own top-level imports and assignments.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

import libcst as cst

from lint_rules.rules.hyperion import dotted_name, import_map, last_name


def matches_any(name: str | None, patterns: Iterable[str]) -> bool:
    """True when ``name`` matches one of the glob ``patterns`` (``is_user*``), case-sensitively."""
    if name is None:
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def top_level_names(module: cst.Module) -> frozenset[str]:
    """Every name the module binds at top level: imports, assignments, ``type`` aliases,
    functions and classes. A name in this set may be an alias defined elsewhere."""
    names: set[str] = set(import_map(module))
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            names.add(statement.name.value)
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        names.add(target.target.value)
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                names.add(small.target.value)
            elif isinstance(small, cst.TypeAlias):
                names.add(small.name.value)
    return frozenset(names)


def is_type_named(annotation: cst.BaseExpression | None, name: str) -> bool:
    """``AsyncSession`` / ``sqlalchemy.ext.asyncio.AsyncSession`` for ``name="AsyncSession"``;
    also a string annotation holding exactly such a name."""
    if annotation is None:
        return False
    if isinstance(annotation, cst.SimpleString):
        value = annotation.evaluated_value
        return isinstance(value, str) and value.strip().rsplit(".", 1)[-1] == name
    return dotted_name(annotation) is not None and last_name(annotation) == name


def may_be_imported_alias(
    annotation: cst.BaseExpression | None, bound_names: frozenset[str] | set[str]
) -> bool:
    """True for an annotation that is a bare name (or ``pkg.Name``) the file imports or
    binds at top level: it may be a project-wide ``Annotated[..., Depends(...)]`` alias
    that a single file cannot see into (``db: Database``)."""
    name = dotted_name(annotation)
    if name is None:
        return False
    return name.split(".", 1)[0] in bound_names


def core_user_annotation_problem(
    annotation: cst.BaseExpression | None, imports: dict[str, str]
) -> str | None:
    """Why ``annotation`` is not the ORM ``CoreUser``, or None when it is.

    Accepted: ``models_users.CoreUser`` (any prefix, e.g. ``app.core.users.models_users.CoreUser``)
    and a bare ``CoreUser`` unless the file imports it from a ``schemas_*`` module (that one
    is the Pydantic schema, not what the user dependencies return). Returns ``"missing"``
    when there is no annotation, ``"other"`` for any other annotation.
    """
    if annotation is None:
        return "missing"
    name = dotted_name(annotation)
    if isinstance(annotation, cst.SimpleString):
        value = annotation.evaluated_value
        name = value.strip() if isinstance(value, str) else None
    if name is None:
        return "other"
    if name == "models_users.CoreUser" or name.endswith(".models_users.CoreUser"):
        return None
    if name == "CoreUser":
        origin = imports.get("CoreUser", "")
        module = origin.split(".")[-2] if "." in origin else ""
        return "other" if module.startswith("schemas_") else None
    return "other"

