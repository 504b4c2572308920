"""Imports: what the names a file imports refer to, and which modules (layers) it imports.

One parser, ``import_bindings``, reads an import statement; the rest folds its answers:
``import_map`` (local name -> origin, for the file's top-level imports), ``line_origins``
(the same for one line, to resolve names in file order) and ``file_imports`` (every import
anywhere in the file, ``if TYPE_CHECKING:`` blocks told apart, for the layering rules).

Hyperion's layers are told apart by file name: ``endpoints_<m>.py`` calls ``cruds_<m>.py``,
which queries ``models_<m>.py`` and returns ``schemas_<m>.py`` objects; ``types_<m>.py``
holds what every layer shares (enums). ``layer_of`` reads the layer from a dotted name;
``file_layer`` and ``imported_layer`` are the stricter reading of the layering rule, where
only files of a module folder itself (not of its ``utils/`` or ``pdf/`` subfolders) are
layers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import libcst as cst

from lint_rules.knowledge.matchers.memo import by_node
from lint_rules.knowledge.matchers.syntax import dotted_name, last_name

LAYER_KINDS = ("endpoints", "cruds", "models", "schemas")
# The folders of ``app`` that hold one folder per module.
MODULE_AREAS = ("modules", "core")


def from_module(node: cst.ImportFrom) -> str:
    """The module of ``from <module> import ...``, with a relative import's leading dots."""
    return "." * len(node.relative) + (dotted_name(node.module) or "")


@by_node()
def import_bindings(node: cst.Import | cst.ImportFrom) -> list[tuple[str, str, bool]]:
    """The names an import statement binds, in order, as ``(local, dotted, plain)``
    (nothing for ``import *``).

    ``local`` is the name bound in the file and ``dotted`` what is imported, a relative
    import's leading dots kept: ``from . import cruds_x`` gives ``("cruds_x", ".cruds_x",
    False)``; ``import app.core.users.models_users as models_users`` gives ``("models_users",
    "app.core.users.models_users", False)``. ``plain`` marks ``import a.b`` without ``as``,
    which binds the package: ``("a", "a.b", True)``, and ``a`` refers to ``a``, not ``a.b``.
    Plain tuples: this runs for every import of every file, several times.
    """
    found: list[tuple[str, str, bool]] = []
    if isinstance(node, cst.ImportFrom):
        if isinstance(node.names, cst.ImportStar):
            return found
        base = from_module(node)
        prefix = base if base.endswith(".") else base + "."
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is not None:
                found.append((alias.evaluated_alias or name, prefix + name, False))
        return found
    for alias in node.names:
        dotted = dotted_name(alias.name)
        if dotted is None:
            continue
        if alias.asname is not None:
            found.append((alias.evaluated_alias or dotted, dotted, False))
        else:
            found.append((dotted.split(".", 1)[0], dotted, True))
    return found


def line_origins(statement: cst.SimpleStatementLine) -> dict[str, str]:
    """Local name -> origin for the imports of one line (a later binding of a name wins)."""
    return {
        local: local if plain else dotted
        for small in statement.body
        if isinstance(small, (cst.Import, cst.ImportFrom))
        for local, dotted, plain in import_bindings(small)
    }


def import_map(module: cst.Module) -> dict[str, str]:
    """Local name -> dotted origin, for every top-level import.

    ``from app.core.permissions.type_permissions import ModulePermissions`` maps
    ``ModulePermissions`` to ``app.core.permissions.type_permissions.ModulePermissions``;
    ``import app.core.users.models_users as models_users`` maps ``models_users`` to
    ``app.core.users.models_users``. Relative imports keep their leading dots. A plain
    ``import a.b`` maps ``a`` to ``a`` unless an earlier import already bound ``a``.
    """
    names: dict[str, str] = {}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                for local, dotted, plain in import_bindings(small):
                    if plain:
                        names.setdefault(local, local)
                    else:
                        names[local] = dotted
    return names


# -- every import of the file, for the layering rules ---------------------------------------


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

    ``from a.b import c`` yields ``a.b`` and ``a.b.c`` (``c`` may be a module); relative
    imports are kept (``from . import cruds_x`` yields ``.`` and ``.cruds_x``) and
    TYPE_CHECKING blocks are told apart.
    """
    found: list[ImportedName] = []
    for node, guarded in _walk_imports(module, False):
        if isinstance(node, cst.ImportFrom):
            found.append(ImportedName(node, from_module(node), guarded))
        found.extend(ImportedName(node, dotted, guarded) for _, dotted, _ in import_bindings(node))
    return found


def _walk_imports(
    node: cst.CSTNode, guarded: bool
) -> Iterator[tuple[cst.Import | cst.ImportFrom, bool]]:
    """Imports are statements: walk statement bodies only, never into expressions."""
    if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        for small in node.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                yield small, guarded
        return
    if isinstance(node, (cst.Module, cst.IndentedBlock)):
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


# -- layers as the layering rule reads them: module folders, not their subfolders -----------


def _kind(part: str) -> str | None:
    kind, sep, rest = part.partition("_")
    return kind if sep and rest and kind in LAYER_KINDS else None


def _module_start(parts: list[str] | tuple[str, ...]) -> int | None:
    """The index of ``app`` in ``app/<modules|core>/...`` (the last such), or None."""
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "app" and parts[i + 1] in MODULE_AREAS:
            return i
    return None


def file_layer(path: str) -> str | None:
    """The layer of a project file, from its name: ``models`` for
    ``app/modules/x/models_x.py``, ``app/core/models_core.py`` (Hyperion before v4.2) or
    ``app/models/models_core.py`` (v2.3). None for a file in a subfolder of a module folder
    (``app/core/mypayment/utils/models_converter.py`` converts models to schemas: its
    name is not a layer), and for a name with no layer kind."""
    pure = PurePosixPath(path)
    kind = _kind(pure.stem)
    if kind is None:
        return None
    parts = pure.parts
    start = _module_start(parts)
    # app/<area>/<module>/<file>: deeper than that is a subfolder of the module.
    if start is not None and len(parts) > start + 4:
        return None
    return kind


def imported_layer(dotted: str, importer: str) -> str | None:
    """The layer of what an import brings in, for a file at project path ``importer``.

    A relative import is resolved against the importer's folder. Below ``app.modules`` and
    ``app.core`` the layer is the kind of the file directly in a module folder
    (``app.modules.x.cruds_x``, also ``app.modules.x.cruds_x.get_y``) or directly in
    ``app/core`` (``app.core.models_core``); a subfolder's files
    (``app.core.mypayment.utils.models_converter``) have none. Elsewhere, ``layer_of``."""
    name = dotted.lstrip(".")
    dots = len(dotted) - len(name)
    if dots:
        package = list(PurePosixPath(importer).parent.parts)
        if dots - 1 > len(package):
            return layer_of(name)
        base = package[: len(package) - (dots - 1)]
        parts = base + (name.split(".") if name else [])
    else:
        parts = name.split(".")
    start = _module_start(parts)
    if start is None:
        return layer_of(".".join(parts))
    inside = parts[start + 2 :]
    if not inside:
        return None
    if _kind(inside[0]) is not None:
        return _kind(inside[0])  # a file directly in app/core (app.core.models_core)
    return _kind(inside[1]) if len(inside) > 1 else None
