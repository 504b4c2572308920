"""Permission classes: whether a class of the file is a ``ModulePermissions`` subclass (HYP003).

Bases are resolved as Python does when the ``class`` statement runs, through the imports
and classes bound earlier at module scope (``modules.scope_statements``). Pure functions
of LibCST nodes.
"""

from __future__ import annotations

import builtins
import enum
from dataclasses import dataclass

import libcst as cst

from lint_rules.knowledge.matchers.memo import by_node
from lint_rules.knowledge.matchers.imports import line_origins
from lint_rules.knowledge.matchers.modules import bound_names, scope_statements
from lint_rules.knowledge.matchers.syntax import dotted_name

PERMISSIONS_BASE = "ModulePermissions"


class Verdict(enum.Enum):
    """Whether a class is a ModulePermissions subclass, as far as one file can tell."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


# Imported bases from these packages are never ModulePermissions.
NOT_PERMISSIONS_PACKAGES = frozenset(
    {"enum", "typing", "typing_extensions", "pydantic", "abc", "dataclasses", "collections", "builtins", "sqlalchemy"}
)
# Builtin classes, used unimported as a base.
_BUILTIN_CLASSES = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type)
)


@dataclass(frozen=True)
class ClassVerdict:
    classdef: cst.ClassDef
    verdict: Verdict
    # The base expressions as written (``StrEnum``, ``enum.Enum``), for messages.
    bases: tuple[str, ...]


def _base_verdict(base: cst.BaseExpression, visible: dict[str, str | Verdict | None]) -> Verdict:
    """Resolve one base: ``visible`` maps a bound name to its import origin (str), the verdict
    of a class defined earlier in the file (Verdict), or None (bound some other way)."""
    dotted = dotted_name(base)
    if dotted is None:
        return Verdict.UNKNOWN
    head, _, rest = dotted.partition(".")
    if head not in visible:
        if dotted == PERMISSIONS_BASE:
            return Verdict.YES  # the import is missing: not this rule's business
        if dotted in _BUILTIN_CLASSES:
            return Verdict.NO
        return Verdict.UNKNOWN
    bound = visible[head]
    if isinstance(bound, Verdict):
        return bound if not rest else Verdict.UNKNOWN
    if isinstance(bound, str):
        origin = f"{bound}.{rest}" if rest else bound
        if origin.rsplit(".", 1)[-1] == PERMISSIONS_BASE:
            return Verdict.YES
        if origin.split(".", 1)[0] in NOT_PERMISSIONS_PACKAGES:
            return Verdict.NO
    return Verdict.UNKNOWN


def class_verdict(classdef: cst.ClassDef, visible: dict[str, str | Verdict | None]) -> Verdict:
    """YES when some base is (or subclasses) ModulePermissions, NO when every base is known
    not to be (or there is none), UNKNOWN otherwise (e.g. a class imported from a project file)."""
    bases = [arg for arg in classdef.bases if arg.keyword is None]
    if not bases:
        return Verdict.NO
    if any(arg.star for arg in bases):
        return Verdict.UNKNOWN
    verdicts = [_base_verdict(arg.value, visible) for arg in bases]
    if Verdict.YES in verdicts:
        return Verdict.YES
    if all(v is Verdict.NO for v in verdicts):
        return Verdict.NO
    return Verdict.UNKNOWN


@by_node()
def class_verdicts(module: cst.Module) -> dict[str, ClassVerdict]:
    """The verdict of every class defined at module scope (the last definition of a name wins).

    Names are resolved as Python does when the ``class`` statement runs: a base refers to the
    binding made earlier in the file, so ``class ModulePermissions(ModulePermissions)`` after
    ``from app.core.permissions.type_permissions import ModulePermissions`` is a subclass of the
    imported base.
    """
    visible: dict[str, str | Verdict | None] = {}
    found: dict[str, ClassVerdict] = {}
    for scope in scope_statements(module):
        statement = scope.statement
        if isinstance(statement, cst.ClassDef):
            verdict = class_verdict(statement, visible)
            bases = tuple(
                dotted_name(arg.value) or "..." for arg in statement.bases if arg.keyword is None
            )
            found[statement.name.value] = ClassVerdict(statement, verdict, bases)
            visible[statement.name.value] = verdict
        elif isinstance(statement, cst.SimpleStatementLine):
            imported = line_origins(statement)
            for name in bound_names(statement):
                visible[name] = imported.get(name)
        else:
            for name in bound_names(statement):
                visible[name] = None
    return found
