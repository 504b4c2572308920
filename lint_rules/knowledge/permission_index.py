"""Permissions classes across a whole project, read from the files' facts.

Shared by the permission rules (HYP003's project part, HYP004, HYP006-HYP009). Everything
here reads :mod:`lint_rules.knowledge.facts` only, never a syntax tree:

- names are resolved by :meth:`ProjectIndex.resolve`, the way Python binds them: a class
  defined in the file, else the file's import, followed from file to file
  (``from app.modules.x import XPermissions`` through an ``__init__.py`` that re-exports
  it; relative imports included), in any file of the project;
- :meth:`PermissionIndex.verdict` tells whether a class is a ``ModulePermissions`` subclass
  through its whole base chain, across files;
- :meth:`PermissionIndex.members` lists a class's enum members, inherited ones included,
  and whether that list is complete (every base was resolved);
- :attr:`PermissionIndex.registered` / :meth:`PermissionIndex.is_used` read the project-wide
  tables (classes passed as ``permissions=``, members named by a ``XPermissions.member``).

One :class:`PermissionIndex` is built per :class:`ProjectIndex` (:meth:`ProjectIndex.derived`)
and kept while the index lives, so each file's ``check`` reads precomputed tables.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from lint_rules.knowledge.facts import (
    CLASS,
    ClassFact,
    Declaration,
    FileFacts,
    Lookup,
    Member,
    PermissionUse,
    ProjectIndex,
    Resolved,
    place,
)
from lint_rules.knowledge.matchers.permissions import NOT_PERMISSIONS_PACKAGES, PERMISSIONS_BASE, Verdict

__all__ = [
    "ENUM_API",
    "REGISTERED_ELSEWHERE",
    "ClassMembers",
    "Owner",
    "PermissionIndex",
    "RegisteredMembers",
    "enum_members",
    "is_enum_member_name",
]

# Classes the app registers besides those passed as ``permissions=``: Hyperion's
# app/module.py adds the auth clients' permissions to the modules' ones (HYP007, HYP009).
REGISTERED_ELSEWHERE = ("app.utils.auth.providers.AuthPermissions",)
# Attributes every ``StrEnum`` class has besides its members (``name``, ``value``, ``upper``...).
ENUM_API = frozenset(dir(enum.StrEnum))
_BUILTIN_CLASSES = frozenset(name for name, value in vars(builtins).items() if isinstance(value, type))
# The facts record ``X.member`` uses for names ending so (``extract.PERMISSIONS_SUFFIX``).
PERMISSIONS_SUFFIX = "Permissions"
# Permissions classes: a class, in any file of the project, through up to 9 imports.
_CLASSES = Lookup(kinds=(CLASS,), package_only=False, max_hops=9)


@dataclass(frozen=True)
class Owner:
    """A class of the project and the file that defines it."""

    facts: FileFacts
    cls: ClassFact

    @property
    def key(self) -> tuple[str, str]:
        return (self.facts.path, self.cls.name)

    @property
    def place(self) -> str:
        return place(self.cls.location)


def _owner(found: Resolved) -> Owner | None:
    """The class a resolution found; None when it found no class of the project."""
    if found.kind != CLASS:
        return None
    assert found.facts is not None and found.cls is not None
    return Owner(found.facts, found.cls)


def is_enum_member_name(name: str) -> bool:
    """Whether ``name = ...`` in an Enum body makes a member: not ``__dunder__``, not
    ``_sunder_`` (reserved by ``enum``), not a mangled ``__private`` name."""
    if name.startswith("__"):
        return False
    return not (len(name) > 2 and name.startswith("_") and name.endswith("_"))


def enum_members(cls: ClassFact) -> tuple[Member, ...]:
    """The class's own ``name = value`` attributes that an Enum turns into members."""
    return tuple(m for m in cls.members if is_enum_member_name(m.name))


@dataclass
class ClassMembers:
    """The enum members of a class, inherited ones included (a subclass's own win)."""

    members: dict[str, tuple[Owner, Member]] = field(default_factory=dict)
    # Methods and class methods defined along the chain: attributes, not members.
    methods: set[str] = field(default_factory=set)
    # False when some base could not be resolved: the class may have more members.
    complete: bool = True


@dataclass
class RegisteredMembers:
    """The permissions of every registered class, by member name and by stored value."""

    owners: list[Owner] = field(default_factory=list)
    by_name: dict[str, list[tuple[Owner, Member]]] = field(default_factory=dict)
    by_value: dict[str, list[tuple[Owner, Member]]] = field(default_factory=dict)

    def owners_in(self, path: str) -> list[Owner]:
        return [o for o in self.owners if o.facts.path == path]


class PermissionIndex:
    """Permission classes, registrations and uses of one project."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project
        self._verdicts: dict[tuple[str, str, int], Verdict] = {}
        self._members: dict[tuple[str, str, int], ClassMembers] = {}
        self._registered_members: dict[tuple[str, ...], RegisteredMembers] = {}

    @classmethod
    def of(cls, project: ProjectIndex) -> PermissionIndex:
        """The permission index of ``project``, built once per index."""
        return project.derived(cls, cls)

    # -- resolving names -----------------------------------------------------------------

    def resolve_origin(self, origin: str, facts: FileFacts | None = None) -> Owner | None:
        """The project class an import origin names (``app.modules.x.endpoints_x.XPermissions``),
        following re-exports; None when it is not a class of the project."""
        return _owner(self.project.resolve_origin(origin, facts, _CLASSES))

    def resolve_name(self, facts: FileFacts, dotted: str) -> Owner | None:
        """The project class a name used in ``facts``'s file refers to (``XPermissions``,
        ``endpoints_x.XPermissions``): a class of the file, else an import."""
        return _owner(self.project.resolve(facts, dotted, _CLASSES))

    def resolve_use(self, facts: FileFacts, use: PermissionUse) -> Owner | None:
        return self.resolve_name(facts, use.class_name)

    # -- base chains -----------------------------------------------------------------------

    def bases(self, owner: Owner) -> list[tuple[str, Owner | Verdict]]:
        """Each base as written, with the project class it names or, for a base outside
        the project, what is known of it (YES for ``ModulePermissions``, NO for a library
        or builtin class, UNKNOWN otherwise)."""
        facts, cls = owner.facts, owner.cls
        found: list[tuple[str, Owner | Verdict]] = []
        for written, origin in zip(cls.bases, cls.origins, strict=False):
            if not written:
                found.append((written, Verdict.UNKNOWN))
                continue
            if "." not in written:
                earlier = facts.local_class(written, before=cls.location.start.line)
                if earlier is not None:
                    found.append((written, Owner(facts, earlier)))
                    continue
            if origin is None:
                if written == PERMISSIONS_BASE:
                    found.append((written, Verdict.YES))  # the import is missing: not ours to judge
                elif written in _BUILTIN_CLASSES:
                    found.append((written, Verdict.NO))
                else:
                    found.append((written, Verdict.UNKNOWN))
                continue
            absolute = facts.absolute(origin)
            if absolute.rsplit(".", 1)[-1] == PERMISSIONS_BASE:
                found.append((written, Verdict.YES))
                continue
            resolved = self.resolve_origin(absolute, facts)
            if resolved is not None:
                found.append((written, resolved))
            elif absolute.split(".", 1)[0] in NOT_PERMISSIONS_PACKAGES:
                found.append((written, Verdict.NO))
            else:
                found.append((written, Verdict.UNKNOWN))
        return found

    @staticmethod
    def _key(owner: Owner) -> tuple[str, str, int]:
        return (owner.facts.path, owner.cls.name, owner.cls.location.start.line)

    def verdict(self, owner: Owner) -> Verdict:
        """Whether the class subclasses ``ModulePermissions``, through every file of its
        base chain: YES, NO (every base is known and none is), or UNKNOWN."""
        key = self._key(owner)
        known = self._verdicts.get(key)
        if known is not None:
            return known
        self._verdicts[key] = Verdict.UNKNOWN  # a cycle of bases stays unknown
        bases = self.bases(owner)
        if not owner.cls.bases:
            result = Verdict.NO
        else:
            verdicts = [self.verdict(b) if isinstance(b, Owner) else b for _, b in bases]
            if Verdict.YES in verdicts:
                result = Verdict.YES
            elif all(v is Verdict.NO for v in verdicts):
                result = Verdict.NO
            else:
                result = Verdict.UNKNOWN
        self._verdicts[key] = result
        return result

    def is_permissions_class(self, owner: Owner) -> bool:
        return self.verdict(owner) is Verdict.YES

    def members(self, owner: Owner) -> ClassMembers:
        """Enum members and methods of the class and of its project bases."""
        key = self._key(owner)
        known = self._members.get(key)
        if known is not None:
            return known
        result = ClassMembers(complete=False)  # a cycle of bases is never complete
        self._members[key] = result
        complete = True
        inherited: dict[str, tuple[Owner, Member]] = {}
        methods: set[str] = set()
        for written, base in self.bases(owner):
            if isinstance(base, Owner):
                parent = self.members(base)
                for name, found in parent.members.items():
                    inherited.setdefault(name, found)
                methods |= parent.methods
                complete = complete and parent.complete
            elif base is Verdict.UNKNOWN:
                complete = False
            # ``ModulePermissions`` itself and library bases (StrEnum, str...) add no member.
        own = {m.name: (owner, m) for m in enum_members(owner.cls)}
        result.members = {**inherited, **own}
        result.methods = methods | set(owner.cls.methods) | set(owner.cls.classmethods)
        result.complete = complete
        return result

    # -- project-wide tables ---------------------------------------------------------------

    def _app_files(self) -> Iterable[FileFacts]:
        """The files of the application: uses in tests or scripts do not make a permission live."""
        return (f for f in self.project if f.path.startswith("app/"))

    @cached_property
    def registered(self) -> dict[tuple[str, str], list[tuple[FileFacts, Declaration]]]:
        """(path, class name) -> the declarations passing that class as ``permissions=``."""
        table: dict[tuple[str, str], list[tuple[FileFacts, Declaration]]] = {}
        for facts in self.project:
            for declaration in facts.declarations:
                if not declaration.permissions:
                    continue
                owner = self.resolve_name(facts, declaration.permissions)
                if owner is not None:
                    table.setdefault(owner.key, []).append((facts, declaration))
        return table

    @cached_property
    def unresolved_registrations(self) -> set[str]:
        """Class names passed as ``permissions=`` that name no class of the project."""
        names = set()
        for facts in self.project:
            for declaration in facts.declarations:
                if declaration.permissions and self.resolve_name(facts, declaration.permissions) is None:
                    names.add(declaration.permissions.rsplit(".", 1)[-1])
        return names

    def registered_owners(self, extra: Iterable[str] = ()) -> list[Owner]:
        """Every registered class, in path order, plus the classes named by ``extra``
        (dotted origins of classes the app registers some other way)."""
        owners: dict[tuple[str, str], Owner] = {}
        for facts in self.project:
            for cls in facts.classes:
                if (facts.path, cls.name) in self.registered and facts.local_class(cls.name) is cls:
                    owners.setdefault((facts.path, cls.name), Owner(facts, cls))
        for origin in extra:
            owner = self.resolve_origin(origin)
            if owner is not None:
                owners.setdefault(owner.key, owner)
        return list(owners.values())

    def registered_members(self, extra: Iterable[str] = ()) -> RegisteredMembers:
        """The registered classes (see :meth:`registered_owners`) and their own members."""
        key = tuple(extra)
        found = self._registered_members.get(key)
        if found is None:
            found = RegisteredMembers(self.registered_owners(key))
            for owner in found.owners:
                for member in enum_members(owner.cls):
                    found.by_name.setdefault(member.name, []).append((owner, member))
                    if member.value is not None:
                        found.by_value.setdefault(member.value, []).append((owner, member))
            self._registered_members[key] = found
        return found

    @cached_property
    def _uses(self) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
        resolved: set[tuple[str, str, str]] = set()
        unresolved: set[tuple[str, str]] = set()
        for facts in self._app_files():
            for use in facts.permission_uses:
                owner = self.resolve_use(facts, use)
                if owner is None:
                    unresolved.add((use.class_name.rsplit(".", 1)[-1], use.member))
                    continue
                found = self.members(owner).members.get(use.member)
                declaring = found[0] if found is not None else owner
                resolved.add((*declaring.key, use.member))
        return resolved, unresolved

    @cached_property
    def untracked(self) -> set[tuple[str, str]]:
        """Classes imported somewhere under a name that does not end in ``Permissions``
        (``from ... import DemoPermissions as P``): their uses are not indexed."""
        found: set[tuple[str, str]] = set()
        for facts in self._app_files():
            for local, origin in facts.imports.items():
                name = origin.rsplit(".", 1)[-1]
                if name.endswith(PERMISSIONS_SUFFIX) and not local.endswith(PERMISSIONS_SUFFIX):
                    owner = self.resolve_origin(origin, facts)
                    found.add(owner.key if owner is not None else ("", name))
        return found

    def uses_are_tracked(self, owner: Owner) -> bool:
        """Whether every use of the class is indexed (see :attr:`untracked`); the class's name
        must end in ``Permissions``, as the facts record ``XPermissions.member`` only."""
        return (
            owner.cls.name.endswith(PERMISSIONS_SUFFIX)
            and owner.key not in self.untracked
            and ("", owner.cls.name) not in self.untracked
        )

    def is_used(self, owner: Owner, member: str) -> bool:
        """Whether some file of the application names ``member`` of this class (directly,
        through a subclass, or through a name that cannot be resolved but matches)."""
        resolved, unresolved = self._uses
        return (*owner.key, member) in resolved or (owner.cls.name, member) in unresolved
