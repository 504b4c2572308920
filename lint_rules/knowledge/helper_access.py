"""Hyperion's user helpers, read by what they are given.

``is_user_in(GroupType.admin)`` asks for the group ``admin``, ``is_user_allowed_to([X.a,
X.b])`` for the permission ``X.a`` or ``X.b``, ``is_user(included_account_types=[...])``
for an account type. A helper is one of :data:`HELPER_PARAMETERS` that the tree defines
(looked up through the file's imports; today's Hyperion by name when the tree has no
dependencies file), and its arguments are bound to its parameters as the tree declares
them. An argument that is a parameter of the dependency factory the call is written in
has no value here and asks nothing that can be shown.
"""

from __future__ import annotations

import ast
import warnings

from lint_rules.knowledge.calls import DependencyCall
from lint_rules.knowledge.facts import CLASS, FUNCTION, FileFacts, Lookup, ProjectIndex
from lint_rules.knowledge.project_model import model_of
from lint_rules.knowledge.requirements import (
    ACCOUNT_TYPES,
    AUTHENTICATED,
    GROUP,
    PERMISSION,
    Requirement,
    requirement,
)

# Hyperion's helpers and what each of their parameters asks of the caller: a group (or
# any of a list of groups), not being in groups, an account type, a permission (any of a
# list), not being an external user.
_ONE_GROUP, _GROUPS, _NOT_GROUPS = "group", "groups", "not groups"
_TYPES, _NOT_TYPES, _NOT_EXTERNAL, _PERMISSIONS = "types", "not types", "not external", "permissions"
HELPER_PARAMETERS: dict[str, dict[str, str]] = {
    "is_user": {
        "excluded_groups": _NOT_GROUPS,
        "included_groups": _GROUPS,
        "excluded_account_types": _NOT_TYPES,
        "included_account_types": _TYPES,
        "exclude_external": _NOT_EXTERNAL,
    },
    "is_user_in": {"group_id": _ONE_GROUP, "exclude_external": _NOT_EXTERNAL},
    "is_user_a_member_of": {"group_id": _ONE_GROUP},
    "is_user_allowed_to": {"permissions_name": _PERMISSIONS},
}
# Their parameters in today's order, for a tree that does not define them.
_DEFAULT_ORDER = {name: tuple(parameters) for name, parameters in HELPER_PARAMETERS.items()}



# A permissions class: a class, in any file of the project, through up to 9 imports (as
# PermissionIndex looks them up; read here without its LibCST matchers).
_CLASSES = Lookup(kinds=(CLASS,), package_only=False, max_hops=9)


class HelperReader:
    """Reads the calls of Hyperion's helpers in one project."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project
        self.model = model_of(project)

    def read(
        self, facts: FileFacts, call: DependencyCall, dotted: str, unbound: frozenset[str]
    ) -> frozenset[Requirement] | None:
        """What one of Hyperion's helpers asks, read from its arguments; None when ``dotted``
        is no helper the tree defines (or, where the tree has no dependencies file, one of
        today's, by name)."""
        name = dotted.rsplit(".", 1)[-1]
        meanings = HELPER_PARAMETERS.get(name)
        if meanings is None:
            return None
        order = _DEFAULT_ORDER[name]
        if self.model.helpers.known:
            found = self.project.resolve(facts, dotted)
            if found.kind != FUNCTION or found.facts is None or found.key != name:
                return None
            order = found.facts.function_params.get(name, order)
        bound = dict(call.keywords)
        for parameter, value in zip(order, call.arguments):
            if value.startswith("*"):
                break
            bound.setdefault(parameter, value)
        required: set[Requirement] = set()
        for parameter, value in bound.items():
            meaning = meanings.get(parameter)
            if meaning is not None and value not in unbound:
                required |= self._meaning(facts, meaning, value)
        return frozenset(required) or frozenset({requirement(AUTHENTICATED)})

    def _meaning(self, facts: FileFacts, meaning: str, value: str) -> set[Requirement]:
        """The requirements one argument of a helper makes."""
        if meaning == _NOT_EXTERNAL:
            if value in ("False", "None", "0"):
                return set()
            return {requirement(ACCOUNT_TYPES, "not external" if value == "True" else f"not external if {value}")}
        if meaning == _ONE_GROUP:
            return {requirement(GROUP, _member(value, "GroupType"))}
        elements = _elements(value)
        if meaning == _PERMISSIONS:
            names = [self._permission(facts, e) for e in elements] if elements is not None else [value]
            return {requirement(PERMISSION, " or ".join(names) or "none (administrators only)")}
        kind, owner = (GROUP, "GroupType") if meaning in (_GROUPS, _NOT_GROUPS) else (ACCOUNT_TYPES, "AccountType")
        if elements is None:
            shown = [value]
        else:
            shown = [_member(e, owner) for e in elements]
        if meaning in (_NOT_GROUPS, _NOT_TYPES):
            return {requirement(kind, f"not {v}") for v in shown}
        return {requirement(kind, " or ".join(shown) or "none")}

    def _permission(self, facts: FileFacts, written: str) -> str:
        """``CdrPermissions.manage`` for ``endpoints_cdr.CdrPermissions.manage`` or an alias:
        the class's own name, once imports are followed."""
        owner, _, member = written.rpartition(".")
        if not owner or not member.isidentifier():
            return written
        found = self.project.resolve(facts, owner, _CLASSES)
        return f"{found.cls.name}.{member}" if found.kind == CLASS and found.cls is not None else written


def _elements(value: str) -> list[str] | None:
    """The items of a list, tuple or set written canonically; None for anything else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            node = ast.parse(value, mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [ast.unparse(e) for e in node.elts]
    return None


def _member(value: str, enum_name: str) -> str:
    """``admin`` for ``GroupType.admin`` (``groups_type.GroupType.admin``); else as written."""
    owner, _, member = value.rpartition(".")
    if owner.rsplit(".", 1)[-1] == enum_name and member.isidentifier():
        return member
    return value


__all__ = ["HELPER_PARAMETERS", "HelperReader"]
