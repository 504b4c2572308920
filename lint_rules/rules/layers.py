"""Matchers for the layer rules: cruds, models and schemas (HYP040-HYP061).

Hyperion's layers are told apart by file name: ``endpoints_<m>.py`` calls
``cruds_<m>.py``, which queries ``models_<m>.py`` and returns ``schemas_<m>.py``
objects; ``types_<m>.py`` holds what every layer shares (enums). Everything here is a
pure function of LibCST nodes, computed once per file from ``visit_Module``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from lint_rules.rules.hyperion import dotted_name, last_name, unwrap_annotated

LAYER_KINDS = ("endpoints", "cruds", "models", "schemas")

# Bases that make a class something other than a SQLAlchemy model or a Pydantic schema.
ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag", "ReprEnum"})
NON_MODEL_BASES = ENUM_BASES | frozenset({"TypedDict", "Protocol", "NamedTuple", "TypeDecorator"})


# -- imports --------------------------------------------------------------------------------


def is_type_checking_test(test: cst.BaseExpression) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (the test of an ``if``)."""
    return last_name(test) == "TYPE_CHECKING" and dotted_name(test) is not None


@dataclass(frozen=True)
class ImportedName:
    """One module (or name that may be a module) an import statement brings in."""

    statement: cst.Import | cst.ImportFrom
    # Dotted, with the leading dots of a relative import kept: ``.cruds_demo``.
    dotted: str
    # True inside ``if TYPE_CHECKING:``: the import never runs.
    type_checking: bool


def file_imports(module: cst.Module) -> list[ImportedName]:
    """Every import anywhere in the file (functions and ``if`` blocks included).

    Like ``hyperion.imported_modules``, ``from a.b import c`` yields ``a.b`` and ``a.b.c``
    (``c`` may be a module); unlike it, relative imports are kept (``from . import
    cruds_x`` yields ``.`` and ``.cruds_x``) and TYPE_CHECKING blocks are told apart.
    """
    found: list[ImportedName] = []
    for node, guarded in _walk_imports(module, False):
        if isinstance(node, cst.Import):
            for alias in node.names:
                origin = dotted_name(alias.name)
                if origin:
                    found.append(ImportedName(node, origin, guarded))
            continue
        base = "." * len(node.relative) + (dotted_name(node.module) or "")
        found.append(ImportedName(node, base, guarded))
        if isinstance(node.names, cst.ImportStar):
            continue
        for alias in node.names:
            name = dotted_name(alias.name)
            if name:
                joined = base + name if base.endswith(".") else f"{base}.{name}"
                found.append(ImportedName(node, joined, guarded))
    return found


def _walk_imports(
    node: cst.CSTNode, guarded: bool
) -> Iterator[tuple[cst.Import | cst.ImportFrom, bool]]:
    """Imports are statements: walk statement bodies only, never into expressions."""
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        yield node, guarded
        return
    if isinstance(node, (cst.Module, cst.IndentedBlock, cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        for child in node.body:
            yield from _walk_imports(child, guarded)
        return
    if isinstance(node, cst.If):
        yield from _walk_imports(node.body, guarded or is_type_checking_test(node.test))
        if node.orelse is not None:
            yield from _walk_imports(node.orelse, guarded)
        return
    if isinstance(node, cst.BaseCompoundStatement):
        for name in ("body", "handlers", "orelse", "finalbody", "cases"):
            value = getattr(node, name, None)
            if isinstance(value, cst.CSTNode):
                yield from _walk_imports(value, guarded)
            elif isinstance(value, (tuple, list)):
                for item in value:
                    yield from _walk_imports(item, guarded)
        return
    if isinstance(node, (cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)):
        yield from _walk_imports(node.body, guarded)


def layer_of(dotted: str) -> str | None:
    """``cruds`` for ``app.modules.x.cruds_x`` (or ``.cruds_x``, or ``...cruds_x.get_y``).

    The layer is read from the first dotted component named ``<kind>_<something>`` with
    a layer kind; folders such as ``core_endpoints`` are not layers.
    """
    for part in dotted.split("."):
        kind, sep, rest = part.partition("_")
        if sep and rest and kind in LAYER_KINDS:
            return kind
    return None


# -- classes ----------------------------------------------------------------------------------


def top_level_classes(module: cst.Module) -> list[cst.ClassDef]:
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
    return layer_of(origin) == "models"


def model_classes(module: cst.Module, imports: dict[str, str]) -> dict[str, cst.ClassDef]:
    """Top-level classes that are SQLAlchemy models: they subclass ``Base`` (any
    ``x.Base``), a model class of the same file, or a model imported from a ``models_``
    module (``models_users.CoreUser`` or a name imported from one). ``imports`` is
    ``hyperion.import_map(module)``."""
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
    if isinstance(statement, (cst.Assign, cst.AnnAssign)):
        return statement.value
    return None


# -- sessions -------------------------------------------------------------------------------


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
