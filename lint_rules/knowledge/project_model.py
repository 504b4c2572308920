"""What the checked tree says about itself: the project model.

Hyperion changes shape every few months (a ``get_db`` that commits, the ORM user moving
from ``models_core`` to ``models_users``, ``CoreModule``, factories, ``ModulePermissions``
...), and forks change it further. The rules that depend on such a fact read it here,
from the facts of the project's files (never by importing them). Each fact says where it
was read; where the file it comes from is missing (the sample project, a partial
checkout, a file linted alone), today's Hyperion is the default, and the fact says so:
``source`` is None and ``known`` False. A fix that relies on a fact is offered only when
the fact is known.

Built once per :class:`~lint_rules.knowledge.facts.ProjectIndex` (:func:`model_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cached_property
from typing import Generic, TypeVar

from lint_rules.knowledge.facts import FUNCTION, ClassFact, FileFacts, ProjectIndex, place
from lint_rules.model import Location, Position

T = TypeVar("T")

# Today's Hyperion, for what the tree does not show.
DEFAULT_USER_MODULE = "app.core.users.models_users"
DEFAULT_USER_CLASS = "CoreUser"
# Today's ``CoreModule`` and ``Module`` keywords (app/types/module.py).
DEFAULT_MODULE_KEYWORDS = frozenset(
    {
        "root",
        "tag",
        "factory",
        "router",
        "payment_callback",
        "document_callback",
        "registred_topics",
        "permissions",
        "default_allowed_groups_ids",
        "default_allowed_account_types",
    }
)
# Today's loader (app/module.py): the attribute each endpoints file is read for.
DEFAULT_LOADERS = (("app/modules/*/endpoints_*.py", "module"), ("app/core/*/endpoints_*.py", "core_module"))
# The permission and group helpers rules may suggest, in the order they are preferred.
HELPERS = ("is_user_allowed_to", "has_user_permission", "is_user_in", "is_user_a_member_of", "is_user")
# Where a fact read from a whole file points (its first line).
_START = Position(1, 1)
# The functions whose presence shows that the tree holds its dependencies file.
_DEPENDENCY_MARKERS = frozenset({"get_db", "is_user", "get_settings"})


@dataclass(frozen=True)
class Fact(Generic[T]):
    """One thing the linter believes about the project, and where it read it."""

    value: T
    source: Location | None = None  # None: not in the tree, today's Hyperion assumed
    detail: str = ""  # how it was read, for ``hyperion-lint project``
    # The module-level name whose definition in ``source``'s file the fact was read from
    # (``is_user`` and ``is_user()``, ``PrimaryKey``), when ``source`` points at the whole
    # file: the facts keep no position for it (positions cost a code generation pass and
    # are kept only for what rules report), so ``hyperion-lint project`` finds its line.
    symbol: str | None = None

    @property
    def known(self) -> bool:
        return self.source is not None

    @property
    def where(self) -> str:
        return place(self.source) if self.source is not None else "default (today's Hyperion)"


@dataclass(frozen=True)
class OrmUser:
    """The ORM user class and the module it is imported from."""

    module: str  # ``app.core.users.models_users``
    name: str  # ``CoreUser``

    @property
    def alias(self) -> str:
        """The module's last name, what endpoints import: ``models_users``."""
        return self.module.rsplit(".", 1)[-1]

    @property
    def annotation(self) -> str:
        return f"{self.alias}.{self.name}"

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"

    @property
    def import_line(self) -> str:
        package, _, alias = self.module.rpartition(".")
        return f"from {package} import {alias}" if package else f"import {alias}"


class ProjectModel:
    """The facts of the project that rules follow (see the module's docstring)."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project

    # -- the database session ---------------------------------------------------------------

    @cached_property
    def sessions(self) -> dict[str, Fact[tuple[str, ...]]]:
        """Every session dependency (a generator handing out a session) by name: what it
        calls on the session (``commit``, ``rollback``, ``close``)."""
        found: dict[str, Fact[tuple[str, ...]]] = {}
        for facts in self.project:
            for session in facts.sessions:
                found.setdefault(session.name, Fact(session.calls, session.location))
        return found

    def session_commits(self, name: str = "get_db") -> Fact[bool]:
        """Whether the session dependency ``name`` commits (and so owns the transaction):
        read from its body; True (today's ``get_db``) when the tree does not define it."""
        session = self.sessions.get(name)
        if session is None:
            return Fact(True, None, f"`{name}` is not defined in the tree")
        calls = session.value
        detail = f"`{name}` calls " + (", ".join(f"`{c}()`" for c in calls) if calls else "nothing") + " on the session"
        return Fact("commit" in calls, session.source, detail)

    # -- the user ----------------------------------------------------------------------------

    @cached_property
    def orm_user(self) -> Fact[OrmUser]:
        """The ORM user class: ``class CoreUser(Base)`` in a models file (the Pydantic
        schema of the same name is not it)."""
        candidates = [
            (facts, cls)
            for facts, cls in self.project.classes_named(DEFAULT_USER_CLASS)
            if facts.kind == "models" and any(b.rsplit(".", 1)[-1] == "Base" for b in cls.bases)
        ]
        if not candidates:
            return Fact(OrmUser(DEFAULT_USER_MODULE, DEFAULT_USER_CLASS), None, "no `class CoreUser(Base)` in the tree")
        # Several (a fork keeping an old copy): the one at today's place, else the first.
        facts, cls = next(
            ((f, c) for f, c in candidates if f.dotted == DEFAULT_USER_MODULE), candidates[0]
        )
        return Fact(OrmUser(facts.dotted, cls.name), cls.location, f"`class {cls.name}(Base)`")

    def is_orm_user(self, facts: FileFacts, annotation: str | None) -> bool:
        """Whether ``annotation`` (a dotted name as written in ``facts``' file) names the
        ORM user class: through the file's imports when it has them, else by its last
        two names (``models_core.CoreUser``) or, bare, by its name."""
        if not annotation:
            return False
        user = self.orm_user.value
        origin = facts.origin_of(annotation)
        if origin is not None:
            return origin == user.qualified or self._reexports(origin, user)
        if "." in annotation:
            return annotation == user.annotation or annotation.endswith("." + user.annotation)
        local = facts.local_class(annotation)
        if local is not None:
            return f"{facts.dotted}.{annotation}" == user.qualified
        return annotation == user.name

    def _reexports(self, origin: str, user: OrmUser) -> bool:
        """``origin`` reaches the ORM user through a re-export (``from .models_users import
        CoreUser`` in a package's ``__init__.py``)."""
        resolved = self.project.resolve_origin(origin)
        return resolved.cls is not None and resolved.facts is not None and (
            f"{resolved.facts.dotted}.{resolved.cls.name}" == user.qualified
        )

    def dependency_returns(self, facts: FileFacts, ref: str) -> tuple[FileFacts, str] | None:
        """What the dependency ``ref`` (as ``RouteFact.dependency_refs`` writes it:
        ``is_user()``, ``is_user_an_ecl_member``) hands to the route, as annotated in
        its definition: (the file defining it, the annotation as written there). None
        when the definition or its annotation cannot be seen."""
        called = ref.endswith("()")
        name = ref[:-2] if called else ref
        if not name:
            return None
        resolved = self.project.resolve(facts, name, called=called)
        if resolved.kind != FUNCTION or resolved.facts is None or resolved.key is None:
            return None
        annotation = resolved.facts.returns.get(resolved.key)
        if annotation is None:
            return None
        return resolved.facts, _awaited(annotation)

    def returns_orm_user(self, facts: FileFacts, ref: str) -> bool | None:
        """Whether the dependency ``ref`` returns the ORM user: None when unknown."""
        found = self.dependency_returns(facts, ref)
        if found is None:
            return None
        return self.is_orm_user(*found)

    @cached_property
    def user_dependencies(self) -> dict[str, Fact[str]]:
        """The dependencies of the project that return the ORM user, by name (``is_user()``
        for the function a factory returns), with their annotation: functions some
        ``Depends(...)`` of the project names and whose annotation names the ORM user."""
        used = {
            ref.rsplit(".", 1)[-1]
            for facts in self.project
            for refs in (*(r.dependency_refs for r in facts.routes), *facts.function_dependencies.values())
            for ref in refs
        }
        found: dict[str, Fact[str]] = {}
        for facts in self.project:
            for key, annotation in facts.returns.items():
                if key not in used and f"{key}()" not in used:
                    continue
                annotation = _awaited(annotation)
                if self.is_orm_user(facts, annotation):
                    found.setdefault(
                        key, Fact(annotation, Location(facts.path, _START, _START), f"`-> {annotation}`", key)
                    )
        return found

    # -- the module API ----------------------------------------------------------------------

    def _class(self, name: str) -> tuple[FileFacts, ClassFact] | None:
        for facts, cls in self.project.classes_named(name):
            if cls.init_params is not None or name not in ("Module", "CoreModule"):
                return facts, cls
        return None

    @cached_property
    def module_class(self) -> tuple[FileFacts, ClassFact] | None:
        """``class Module`` with an ``__init__``: where the module API is defined."""
        return self._class("Module")

    def _exists(self, name: str) -> Fact[bool]:
        if self.module_class is None:
            return Fact(True, None, "no `class Module` in the tree")
        found = self._class(name)
        if found is None:
            return Fact(False, self.module_class[1].location, f"no `class {name}` in the tree")
        return Fact(True, found[1].location, f"`class {name}`")

    def defined_in(self, name: str, default: str) -> str:
        """The module that defines class ``name`` outside models files (``Factory`` in
        ``app.types.factory``, ``Base`` in ``app.types.sqlalchemy``, ``app.database`` in
        2024), to import it from; ``default`` (today's) when the tree does not define it."""
        modules = [facts.dotted for facts, _ in self.project.classes_named(name) if facts.kind != "models"]
        if not modules or default in modules:
            return default
        return modules[0]

    @cached_property
    def has_core_module(self) -> Fact[bool]:
        return self._exists("CoreModule")

    @cached_property
    def has_factory(self) -> Fact[bool]:
        return self._exists("Factory")

    @cached_property
    def has_module_permissions(self) -> Fact[bool]:
        return self._exists("ModulePermissions")

    @cached_property
    def module_keywords(self) -> Fact[frozenset[str]]:
        """The keywords ``Module(...)`` and ``CoreModule(...)`` accept."""
        if self.module_class is None:
            return Fact(DEFAULT_MODULE_KEYWORDS, None, "no `class Module` in the tree")
        keywords = set(self.module_class[1].init_params or ())
        core = self._class("CoreModule")
        if core is not None:
            keywords |= set(core[1].init_params or ())
        return Fact(frozenset(keywords), self.module_class[1].location, "`Module.__init__`")

    def declaration_class(self, facts: FileFacts) -> str:
        """The class a module of this file is declared with: ``CoreModule`` in ``app/core``
        where the tree has that class, ``Module`` otherwise."""
        return "CoreModule" if facts.area == "core" and self.has_core_module.value else "Module"

    def declaration_example(self, facts: FileFacts, variable: str) -> str:
        """``core_module = CoreModule(root=..., tag=..., factory=...)``, with the keywords
        this tree's module class takes."""
        keywords = ", ".join(k for k in ("root", "tag", "factory") if k in self.module_keywords.value)
        return f"{variable} = {self.declaration_class(facts)}({'=..., '.join(keywords.split(', '))}=...)"

    @cached_property
    def primary_key(self) -> Fact[str | None]:
        """Where Hyperion's ``PrimaryKey`` type is defined (``app.types.sqlalchemy``), None
        when the tree has none (its models predate it): read wherever the alias
        ``PrimaryKey = Annotated[...]`` is; a tree that defines the models' ``Base`` but no
        ``PrimaryKey`` has none; a tree without ``Base`` either, today's is assumed."""
        for facts in self.project:
            if "PrimaryKey" in facts.type_aliases:
                return Fact(
                    facts.dotted, Location(facts.path, _START, _START), "`PrimaryKey = Annotated[...]`", "PrimaryKey"
                )
        for facts, cls in self.project.classes_named("Base"):
            if facts.kind != "models":
                return Fact(None, cls.location, "`class Base` but no `PrimaryKey` in the tree")
        return Fact("app.types.sqlalchemy", None, "no `class Base` in the tree")

    def module_accepts(self, keyword: str) -> Fact[bool]:
        keywords = self.module_keywords
        return Fact(keyword in keywords.value, keywords.source, keywords.detail)

    # -- how routers reach the app -----------------------------------------------------------

    @cached_property
    def loaders(self) -> list[Fact[tuple[str, str]]]:
        """(glob pattern, attribute) of each loop that loads modules."""
        found: dict[tuple[str, str], Fact[tuple[str, str]]] = {}
        for facts in self.project:
            for loader in facts.loaders:
                key = (loader.pattern, loader.attribute)
                found.setdefault(key, Fact(key, loader.location, "a loop over `Path().glob(...)` with `hasattr(...)`"))
        if not found:
            return [Fact(key, None, "no module loader in the tree") for key in DEFAULT_LOADERS]
        return list(found.values())

    def loaded_as(self, path: str) -> Fact[str | None]:
        """The variable the app loads an endpoints file's module from (``module``,
        ``core_module``), or None when no loader reads that file."""
        for loader in self.loaders:
            pattern, attribute = loader.value
            if glob_matches(path, pattern):
                return Fact(attribute, loader.source, loader.detail)
        first = self.loaders[0]
        return Fact(None, first.source, f"no loader reads {path}")

    @cached_property
    def inclusions(self) -> dict[str, list[tuple[str, Location]]]:
        """The routers the app includes by name, by the file that defines them: path ->
        [(variable, where it is included)] (``api_router.include_router(endpoints_auth.router)``)."""
        found: dict[str, list[tuple[str, Location]]] = {}
        for facts in self.project:
            for inclusion in facts.inclusions:
                origin = facts.origin_of(inclusion.target)
                if origin is None:
                    continue
                module, _, variable = origin.rpartition(".")
                target = self.project.file_of(module)
                if target is not None:
                    found.setdefault(target.path, []).append((variable, inclusion.location))
        return found

    @cached_property
    def inclusion_sites(self) -> list[Location]:
        """Where the app includes routers of other files by name (``app/api.py:19``)."""
        return [
            inclusion.location
            for facts in self.project
            for inclusion in facts.inclusions
            if facts.origin_of(inclusion.target) is not None
        ]

    def included_routers(self, path: str) -> dict[str, Location]:
        """The router variables of the file ``path`` that the app includes directly."""
        return {variable: where for variable, where in self.inclusions.get(path, [])}

    # -- helpers -----------------------------------------------------------------------------

    @cached_property
    def helpers(self) -> Fact[frozenset[str]]:
        """Which of the permission and group helpers (:data:`HELPERS`) the tree defines,
        read from the file that defines the first of them."""
        defined: dict[str, str] = {}
        marker: str | None = None
        for facts in self.project:
            names = set(facts.function_params)
            if marker is None and names & _DEPENDENCY_MARKERS:
                marker = facts.path
            for helper in HELPERS:
                if helper in names:
                    defined.setdefault(helper, facts.path)
        if marker is None and not defined:
            return Fact(frozenset(HELPERS), None, "no dependencies file in the tree")
        if defined:
            first = next(h for h in HELPERS if h in defined)
            return Fact(frozenset(defined), Location(defined[first], _START, _START), "module-level functions", first)
        return Fact(frozenset(), Location(marker or "", _START, _START), "module-level functions")

    def has_helper(self, name: str) -> bool:
        return name in self.helpers.value

    def user_dependency_examples(self) -> list[str]:
        """How this tree's user helpers are written in ``Depends(...)``, preferred first:
        ``is_user_allowed_to([...])``, ``is_user()``, ``is_user_in(...)`` today;
        ``is_user``, ``is_user_a_member_of(...)`` in 2024 (``is_user`` was no factory)."""
        if not self.helpers.known:
            return ["is_user_allowed_to([...])", "is_user()", "is_user_in(...)"]
        arguments = {"is_user_allowed_to": "[...]", "is_user_in": "...", "is_user_a_member_of": "..."}
        examples = []
        for helper in ("is_user_allowed_to", "is_user", "is_user_in", "is_user_a_member_of", "is_user_a_member"):
            defining = next((f for f in self.project if helper in f.function_params), None)
            if defining is None:
                continue
            factory = f"{helper}()" in defining.function_params
            examples.append(f"{helper}({arguments.get(helper, '')})" if factory else helper)
        return examples[:3]


def glob_matches(path: str, pattern: str) -> bool:
    """Whether ``Path().glob(pattern)`` would yield ``path`` (``*`` stays within a folder;
    ``**`` spans any number of them)."""
    parts, wanted = path.split("/"), pattern.split("/")

    def match(i: int, j: int) -> bool:
        if j == len(wanted):
            return i == len(parts)
        if wanted[j] == "**":
            return any(match(k, j + 1) for k in range(i, len(parts) + 1))
        return i < len(parts) and fnmatchcase(parts[i], wanted[j]) and match(i + 1, j + 1)

    return match(0, 0)


def _awaited(annotation: str) -> str:
    """What an async dependency's annotation hands over: ``Coroutine[Any, Any, X]`` -> X."""
    text = annotation.replace(" ", "")
    for wrapper in ("Coroutine[Any,Any,", "Awaitable["):
        if text.startswith(wrapper) and text.endswith("]"):
            return text[len(wrapper) : -1]
    return annotation


def model_of(project: ProjectIndex) -> ProjectModel:
    """The project model of ``project``, built once and kept with the index."""
    return project.derived(ProjectModel, ProjectModel)


__all__ = ["Fact", "OrmUser", "ProjectModel", "model_of"]
