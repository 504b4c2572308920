"""Where a module-level name is defined in a file's syntax tree.

The facts of a file keep no position for most of what they read (a position costs a
code generation pass, kept for what rules report); a report that wants the line a fact
was read from (``hyperion-lint project``) finds the definition here, in the file parsed
again.
"""

from __future__ import annotations

import libcst as cst

from lint_rules.knowledge.extract import returned_inner_functions
from lint_rules.knowledge.matchers.project import return_annotation


def definition(module: cst.Module, symbol: str) -> cst.Name | None:
    """The name node of the module-level definition of ``symbol``: ``def f``, ``class C``,
    ``X = ...``, ``X: T = ...``, ``type X = ...``; for ``f()``, the function the factory
    ``f`` returns (the first with a return annotation, as the facts read it). The last
    definition wins, as at run time. None when the module has none."""
    called = symbol.endswith("()")
    name = symbol[:-2] if called else symbol
    found: cst.Name | None = None
    for statement in module.body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and statement.name.value == name:
            if not called:
                found = statement.name
            elif isinstance(statement, cst.FunctionDef):
                inner = returned_inner_functions(statement)
                annotated = [f for f in inner if return_annotation(f) is not None]
                found = (annotated or inner or [statement])[0].name
        elif isinstance(statement, cst.SimpleStatementLine) and not called:
            for small in statement.body:
                target = _bound_name(small)
                if target is not None and target.value == name:
                    found = target
    return found


def _bound_name(small: cst.BaseSmallStatement) -> cst.Name | None:
    if isinstance(small, cst.Assign):
        for target in small.targets:
            if isinstance(target.target, cst.Name):
                return target.target
    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return small.target
    elif isinstance(small, cst.TypeAlias):
        return small.name
    return None
