"""Classes: SQLAlchemy models, Pydantic schemas and the statements of a class body (HYP050-HYP061).

A model is recognised by its bases (``Base``, a model of the same file, or one imported
from a ``models_`` module); enums, TypedDicts, Protocols and mixins are told apart by name.
Everything here is a pure function of LibCST nodes, computed once per file from
``visit_Module``.
"""

from __future__ import annotations

import libcst as cst

from lint_rules.knowledge.matchers.imports import layer_of
from lint_rules.knowledge.matchers.syntax import dotted_name, last_name

# Bases that make a class something other than a SQLAlchemy model or a Pydantic schema.
ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "ReprEnum"})
NON_MODEL_BASES = ENUM_BASES | frozenset({"TypedDict", "Protocol", "NamedTuple", "TypeDecorator"})


def top_level_classes(module: cst.Module) -> list[cst.ClassDef]:
    """The classes defined at the top of the module, in order."""
    return [s for s in module.body if isinstance(s, cst.ClassDef)]


def base_expressions(cls: cst.ClassDef) -> list[cst.BaseExpression]:
    """The class's positional bases (``metaclass=`` and other keywords left out);
    ``Generic[T]`` / ``Protocol[T]`` are given as their subscripted value."""
    bases = []
    for arg in cls.bases:
        if arg.keyword is not None or arg.star:
            continue
        value = arg.value
        if isinstance(value, cst.Subscript):
            value = value.value
        bases.append(value)
    return bases


def is_non_model_class(cls: cst.ClassDef) -> bool:
    """Enums (any base named ``*Enum`` too), TypedDict, Protocol, NamedTuple, SQLAlchemy
    column types (TypeDecorator) and mixins (``*Mixin``, SQLAlchemy's documented way to
    share columns)."""
    if cls.name.value.endswith("Mixin"):
        return True
    for base in base_expressions(cls):
        name = last_name(base) or ""
        if name in NON_MODEL_BASES or name.endswith("Enum"):
            return True
    return False


def _is_model_module(origin: str) -> bool:
    """True for a dotted name in a ``models_`` module (``app.modules.x.models_x.Item``)."""
    return layer_of(origin) == "models"


def model_classes(module: cst.Module, imports: dict[str, str]) -> dict[str, cst.ClassDef]:
    """Top-level classes that are SQLAlchemy models: they subclass ``Base`` (any
    ``x.Base``), a model class of the same file, or a model imported from a ``models_``
    module (``models_users.CoreUser`` or a name imported from one). ``imports`` is
    ``imports.import_map(module)``."""
    classes = top_level_classes(module)
    models: dict[str, cst.ClassDef] = {}
    changed = True
    while changed:  # classes may be declared before their base: iterate to a fixed point
        changed = False
        for cls in classes:
            name = cls.name.value
            if name in models:
                continue
            if any(is_model_base(b, models, imports) for b in base_expressions(cls)):
                models[name] = cls
                changed = True
    return models


def is_model_base(
    base: cst.BaseExpression, models: dict[str, cst.ClassDef], imports: dict[str, str]
) -> bool:
    """True when ``base`` (a class's base expression) is ``Base`` or a model class."""
    if last_name(base) == "Base":
        return True
    if isinstance(base, cst.Name):
        if base.value in models:
            return True
        origin = imports.get(base.value)
        return origin is not None and _is_model_module(origin)
    dotted = dotted_name(base)
    if dotted is None:
        return False
    head, _, _ = dotted.rpartition(".")
    origin = imports.get(head.split(".", 1)[0], "")
    return _is_model_module(head) or _is_model_module(origin)


def body_statements(cls: cst.ClassDef) -> list[cst.BaseSmallStatement | cst.BaseCompoundStatement]:
    """The small statements and compound statements directly in the class body."""
    out: list[cst.BaseSmallStatement | cst.BaseCompoundStatement] = []
    body = cls.body
    if isinstance(body, cst.SimpleStatementSuite):
        return list(body.body)
    for statement in body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            out.extend(statement.body)
        else:
            out.append(statement)
    return out


def class_attribute(cls: cst.ClassDef, name: str) -> cst.CSTNode | None:
    """The statement that binds ``name`` in the class body (assignment, annotation, def)."""
    for statement in body_statements(cls):
        if isinstance(statement, cst.Assign):
            if any(isinstance(t.target, cst.Name) and t.target.value == name for t in statement.targets):
                return statement
        elif isinstance(statement, cst.AnnAssign):
            if isinstance(statement.target, cst.Name) and statement.target.value == name:
                return statement
        elif isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def assigned_value(statement: cst.CSTNode | None) -> cst.BaseExpression | None:
    """The value of an assignment statement (None for ``x: T`` and for anything else)."""
    if isinstance(statement, (cst.Assign, cst.AnnAssign)):
        return statement.value
    return None
