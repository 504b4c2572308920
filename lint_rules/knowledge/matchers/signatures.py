"""Signatures: parameters, their ``Depends(...)`` and their type annotations.

Names are read by shape (``AsyncSession``, ``models_users.CoreUser``, ``Depends(is_user())``);
the only resolution done is through the file's own top-level imports and assignments
(``Annotated`` aliases such as ``Database``). Everything here is a pure function of
LibCST nodes.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

import libcst as cst

from lint_rules.knowledge.matchers.modules import bound_names
from lint_rules.knowledge.matchers.syntax import (
    assignment_targets,
    dotted_name,
    keyword_arg,
    last_name,
    literal_value,
    positional_args,
    small_statements,
)


def all_params(function: cst.FunctionDef) -> list[cst.Param]:
    """Every parameter: positional-only, regular, keyword-only, then ``*args`` and ``**kwargs``."""
    p = function.params
    params = [*p.posonly_params, *p.params, *p.kwonly_params]
    if isinstance(p.star_arg, cst.Param):
        params.append(p.star_arg)
    if p.star_kwarg is not None:
        params.append(p.star_kwarg)
    return params


# -- Annotated and its aliases --------------------------------------------------------------


def _is_annotated(node: cst.CSTNode | None) -> TypeGuard[cst.Subscript]:
    return isinstance(node, cst.Subscript) and last_name(node.value) == "Annotated"


def unwrap_annotated(annotation: cst.BaseExpression) -> tuple[cst.BaseExpression, list[cst.BaseExpression]]:
    """``Annotated[T, a, b]`` -> ``(T, [a, b])``; anything else -> ``(annotation, [])``."""
    if _is_annotated(annotation):
        items = [
            e.slice.value
            for e in annotation.slice
            if isinstance(e.slice, cst.Index)
        ]
        if items:
            return items[0], items[1:]
    return annotation, []


def annotated_aliases(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """Module-level ``Alias = Annotated[...]`` and ``type Alias = Annotated[...]``
    (a ``type`` statement wins over an assignment to the same name)."""
    assigned: dict[str, cst.BaseExpression] = {}
    declared: dict[str, cst.BaseExpression] = {}
    for _, small in small_statements(module.body):
        if isinstance(small, cst.TypeAlias):
            if _is_annotated(small.value):
                declared[small.name.value] = small.value
            continue
        targets, value = assignment_targets(small)
        if _is_annotated(value):
            for target in targets:
                if isinstance(target, cst.Name):
                    assigned[target.value] = value
    return {**assigned, **declared}


# -- dependencies -------------------------------------------------------------------------------


def is_depends_call(node: cst.CSTNode | None) -> bool:
    """True for ``Depends(...)`` / ``Security(...)`` (any module prefix)."""
    return isinstance(node, cst.Call) and last_name(node.func) in {"Depends", "Security"}


def depends_target(call: cst.Call) -> cst.BaseExpression | None:
    """The dependency given to ``Depends(...)``: first positional or ``dependency=``."""
    positional = positional_args(call)
    if positional:
        return positional[0].value
    kw = keyword_arg(call, "dependency")
    return kw.value if kw is not None else None


@dataclass(frozen=True)
class ParamDependency:
    """A parameter provided by ``Depends(...)`` (as a default, in ``Annotated`` or an alias)."""

    # What ``Depends(...)`` is given: ``get_db``, ``is_user_allowed_to([...])``.
    target: cst.BaseExpression | None
    # The type the parameter is declared with, ``Annotated`` and aliases removed.
    declared_type: cst.BaseExpression | None

    @property
    def target_name(self) -> str | None:
        """``get_db`` for ``Depends(get_db)``; ``is_user_allowed_to`` for ``Depends(is_user_allowed_to([...]))``."""
        return last_name(self.target)


def param_dependency(
    param: cst.Param, aliases: dict[str, cst.BaseExpression] | None = None
) -> ParamDependency | None:
    """The ``Depends(...)`` that provides ``param``: its default, or in its ``Annotated``
    annotation (through a module alias from ``annotated_aliases``); None without one."""
    annotation = param.annotation.annotation if param.annotation is not None else None
    declared: cst.BaseExpression | None = annotation
    metadata: list[cst.BaseExpression] = []
    if annotation is not None:
        if aliases and isinstance(annotation, cst.Name) and annotation.value in aliases:
            annotation = aliases[annotation.value]
        declared, metadata = unwrap_annotated(annotation)
    if is_depends_call(param.default):
        assert isinstance(param.default, cst.Call)
        return ParamDependency(depends_target(param.default), declared)
    for item in metadata:
        if is_depends_call(item):
            assert isinstance(item, cst.Call)
            return ParamDependency(depends_target(item), declared)
    return None


def matches_any(name: str | None, patterns: Iterable[str]) -> bool:
    """True when ``name`` matches one of the glob ``patterns`` (``is_user*``), case-sensitively."""
    if name is None:
        return False
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


# -- annotations --------------------------------------------------------------------------------


def top_level_names(module: cst.Module) -> frozenset[str]:
    """Every name the module binds at top level: imports, assignments, ``type`` aliases,
    functions and classes. A name in this set may be an alias defined elsewhere."""
    return frozenset(name for statement in module.body for name in bound_names(statement))


def is_type_named(annotation: cst.BaseExpression | None, name: str) -> bool:
    """``AsyncSession`` / ``sqlalchemy.ext.asyncio.AsyncSession`` for ``name="AsyncSession"``;
    also a string annotation holding exactly such a name."""
    if annotation is None:
        return False
    if isinstance(annotation, cst.SimpleString):
        value = literal_value(annotation)
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


def is_session_annotation(
    annotation: cst.BaseExpression | None, aliases: dict[str, cst.BaseExpression]
) -> bool:
    """``AsyncSession``, ``Annotated[AsyncSession, ...]``, ``AsyncSession | None`` or a
    module alias of ``Annotated[AsyncSession, ...]`` (``Database``)."""
    if annotation is None:
        return False
    if isinstance(annotation, cst.Name) and annotation.value in aliases:
        annotation = aliases[annotation.value]
    inner, _ = unwrap_annotated(annotation)
    if isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.BitOr):
        return is_session_annotation(inner.left, aliases) or is_session_annotation(inner.right, aliases)
    if isinstance(inner, cst.SimpleString):
        return inner.raw_value.strip() == "AsyncSession"
    return last_name(inner) == "AsyncSession"


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
        value = literal_value(annotation)
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
