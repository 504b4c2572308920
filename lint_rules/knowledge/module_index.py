"""Modules across a whole project, read from the files' facts.

Shared by the layout, route, table, factory and topic rules (HYP034, HYP035, HYP052,
HYP055, HYP070-HYP072, HYP080, HYP081, HYP090, HYP091). Everything here reads
:mod:`lint_rules.knowledge.facts` only, never a syntax tree:

- which folders are modules: every folder of ``app/modules``; a folder of ``app/core``
  when it holds an ``endpoints_``, ``cruds_``, ``models_``, ``schemas_`` or ``factory_``
  file or a ``Module``/``CoreModule`` declaration (``app/core/utils`` is a package of
  helpers, not a module);
- a module's names: its folder, ``<name>`` for a folder named ``<name>_endpoints``, and the
  ``root`` its declaration gives (the core module in ``app/core/core_endpoints`` has files
  ``endpoints_core.py``..., and root ``""`` before Hyperion v4.7.0, ``core`` since);
- the parameters a route's dependencies declare, followed across files;
- whether a class subclasses Hyperion's ``Factory`` (``app.types.factory.Factory``),
  through its whole base chain;
- the project-wide tables: routes by (method, normalised path), table names, topic ids.

Names are resolved across files by :meth:`ProjectIndex.resolve`. One :class:`ModuleIndex`
is built per :class:`ProjectIndex` (:meth:`ProjectIndex.derived`) and kept while the
index lives, so each file's ``check`` reads precomputed tables.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from typing import TypeVar

from lint_rules.knowledge.facts import ClassFact, Declaration, FileFacts, ProjectIndex, RouteFact, TopicFact
from lint_rules.knowledge.project_model import model_of

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

__all__ = [
    "FACTORY_BASE",
    "ModuleIndex",
    "ModuleKey",
    "module_of",
    "path_parameters",
    "route_key",
    "topic_key",
]

MODULE_AREAS = ("modules", "core")
# The files that make a folder of ``app/core`` a module.
LAYER_KINDS = frozenset({"endpoints", "cruds", "models", "schemas", "factory"})
# Hyperion's factory base class, as imported by every factory (where the tree does not
# define one elsewhere: see ``ModuleIndex.factory_base``).
FACTORY_BASE = "app.types.factory.Factory"
# How far chains of bases and dependencies are followed before giving up.
_MAX_DEPTH = 12
# Starlette's path parameter: ``{name}`` or ``{name:converter}``.
_PATH_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?\}")


@dataclass(frozen=True)
class ModuleKey:
    """A module folder: ``ModuleKey("modules", "cdr")`` for ``app/modules/cdr``."""

    area: str
    folder: str

    @property
    def is_core(self) -> bool:
        return self.area == "core"


def module_of(path: str) -> tuple[ModuleKey, bool] | None:
    """The module folder a project file belongs to, and whether the file sits in a
    subfolder of it: ``(ModuleKey("modules", "raid"), True)`` for
    ``app/modules/raid/utils/pdf/x.py``; None outside ``app/modules`` and ``app/core``."""
    parts = PurePosixPath(path).parts
    for i in range(len(parts) - 3, -1, -1):
        if parts[i] == "app" and parts[i + 1] in MODULE_AREAS and len(parts) > i + 3:
            return ModuleKey(parts[i + 1], parts[i + 2]), len(parts) > i + 4
    return None


def path_parameters(path: str) -> list[str]:
    """The parameter names of a route path, converters dropped: ``["id", "file"]`` for
    ``/a/{id}/{file:path}``."""
    return [m.group(1) for m in _PATH_PARAM.finditer(path)]


def route_key(method: str, path: str) -> tuple[str, str]:
    """What the router matches on: the method and the path with parameter names dropped
    (``/a/{id}`` and ``/a/{item_id}`` are one route); a converter is kept (``{:path}``
    matches more than ``{}``)."""
    normalised = _PATH_PARAM.sub(lambda m: "{:" + m.group(2) + "}" if m.group(2) else "{}", path)
    return method.lower(), normalised


def topic_key(topic_id: str) -> str:
    """A topic id compared as a UUID when it is one (case and dashes do not matter)."""
    try:
        return str(uuid.UUID(topic_id))
    except ValueError:
        return topic_id


def _grouped(items: Iterable[tuple[K, T]]) -> dict[K, list[T]]:
    """The items by key, each list in the order of ``items``."""
    table: dict[K, list[T]] = {}
    for key, item in items:
        table.setdefault(key, []).append(item)
    return table


class ModuleIndex:
    """Module folders, dependencies, factories and project-wide tables of one project."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project
        self._factory_verdicts: dict[tuple[str, str], bool | None] = {}
        # Where the tree defines ``Factory`` (today's place when it does not).
        module = model_of(project).defined_in("Factory", FACTORY_BASE.rpartition(".")[0])
        self.factory_base = f"{module}.Factory"

    @classmethod
    def of(cls, project: ProjectIndex) -> ModuleIndex:
        """The module index of ``project``, built once per index."""
        return project.derived(cls, cls)

    # -- module folders ------------------------------------------------------------------

    @cached_property
    def _folders(self) -> dict[ModuleKey, list[FileFacts]]:
        """The files directly in each candidate module folder, in path order."""
        table: dict[ModuleKey, list[FileFacts]] = {}
        for facts in self.project:
            found = module_of(facts.path)
            if found is not None and not found[1]:
                table.setdefault(found[0], []).append(facts)
        return table

    @cached_property
    def modules(self) -> dict[ModuleKey, list[FileFacts]]:
        """Every module folder with its files (subfolders left out), in path order."""
        return {
            key: files
            for key, files in self._folders.items()
            if key.area == "modules" or any(f.kind in LAYER_KINDS or f.declarations for f in files)
        }

    def module_key(self, facts: FileFacts) -> ModuleKey | None:
        """The module a file sits directly in; None for files elsewhere (or in a subfolder)."""
        found = module_of(facts.path)
        if found is None or found[1] or found[0] not in self.modules:
            return None
        return found[0]

    def declaration(self, key: ModuleKey) -> tuple[FileFacts, Declaration] | None:
        """The module's ``Module``/``CoreModule`` declaration (endpoints files first)."""
        files = self.modules.get(key, [])
        for facts in sorted(files, key=lambda f: (f.kind != "endpoints", f.path)):
            if facts.declarations:
                return facts, facts.declarations[0]
        return None

    def names(self, key: ModuleKey) -> tuple[str, ...]:
        """The names a module goes by: its folder; for a folder named after the endpoints
        it holds, ``<name>_endpoints``, that ``<name>``; then its declared ``root``.

        ``app/core/core_endpoints`` holds the endpoints of ``core`` (they sat in ``app/core``
        itself, as ``endpoints_core.py``, before it existed): its files are ``*_core.py``
        whatever its root, ``""`` until Hyperion v4.6.0 and ``"core"`` since v4.7.0."""
        names = [key.folder]
        owner, _, suffix = key.folder.rpartition("_")
        if owner and suffix == "endpoints":
            names.append(owner)
        found = self.declaration(key)
        if found is not None and found[1].root and found[1].root not in names:
            names.append(found[1].root)
        return tuple(names)

    # -- dependencies ---------------------------------------------------------------------

    def dependency_names(self, facts: FileFacts, refs: tuple[str, ...]) -> set[str] | None:
        """Every parameter name the dependencies ``refs`` (and theirs, recursively) declare;
        None when one of them cannot be seen (a class, a factory whose returned function
        is not visible, a project name that cannot be followed, ``Depends()``...)."""
        names: set[str] = set()
        seen: set[tuple[str, str]] = set()
        stack = [(facts, ref, 0) for ref in refs]
        while stack:
            where, ref, depth = stack.pop()
            if not ref or depth > _MAX_DEPTH:
                return None
            called = ref.endswith("()")
            found = self.project.resolve(where, ref[:-2] if called else ref, called=called)
            if found.kind == "other":
                continue
            if found.kind != "function":
                return None
            assert found.facts is not None and found.key is not None
            if (found.facts.path, found.key) in seen:
                continue
            seen.add((found.facts.path, found.key))
            names.update(found.facts.function_params.get(found.key, ()))
            for inner in found.facts.function_dependencies.get(found.key, ()):
                stack.append((found.facts, inner, depth + 1))
        return names

    # -- factories -------------------------------------------------------------------------

    def is_factory(self, facts: FileFacts, cls: ClassFact) -> bool | None:
        """True when ``cls`` subclasses Hyperion's ``Factory`` (through any chain of project
        classes); False when it does not; None when a base cannot be followed."""
        return self._factory(facts, cls, 0)

    def _factory(self, facts: FileFacts, cls: ClassFact, depth: int) -> bool | None:
        key = (facts.path, cls.name)
        if key in self._factory_verdicts:
            return self._factory_verdicts[key]
        if depth > _MAX_DEPTH:
            return None
        self._factory_verdicts[key] = None  # a cycle of bases decides nothing
        verdict: bool | None = False
        for base, origin in zip(cls.bases, cls.origins, strict=False):
            found = self._base(facts, cls, base, origin)
            if found is True:
                verdict = True
                break
            if found is None:
                verdict = None
                continue
            if isinstance(found, tuple):
                inner = self._factory(found[0], found[1], depth + 1)
                if inner:
                    verdict = True
                    break
                if inner is None:
                    verdict = None
        self._factory_verdicts[key] = verdict
        return verdict

    def _base(
        self, facts: FileFacts, cls: ClassFact, base: str, origin: str | None
    ) -> bool | None | tuple[FileFacts, ClassFact]:
        """A base as a verdict (True: it is ``Factory``; False: not a project class) or
        as the project class to follow; None when it cannot be told."""
        if not base:
            return None
        if origin is None:
            if "." not in base:
                local = facts.local_class(base, before=cls.location.start.line)
                if local is not None:
                    if facts.dotted + "." + local.name == self.factory_base:
                        return True
                    return facts, local
            return None if base == "Factory" else False
        absolute = facts.absolute(origin)
        if absolute == self.factory_base:
            return True
        found = self.project.resolve_origin(absolute, facts)
        if found.kind == "class":
            assert found.facts is not None and found.cls is not None
            if found.facts.dotted + "." + found.cls.name == self.factory_base:
                return True
            return found.facts, found.cls
        if found.kind == "unknown":
            return None
        return False

    def factory_methods(self, facts: FileFacts, cls: ClassFact) -> dict[str, bool] | None:
        """Every method the class defines or inherits from the project classes between it
        and ``Factory`` (whose own abstract ones do not count), and whether the definition
        that wins (the nearest, bases in order) is a classmethod; None when a base cannot
        be followed."""
        found: dict[str, bool] = {}
        seen: set[tuple[str, str]] = set()

        def visit(where: FileFacts, current: ClassFact, depth: int) -> bool:
            if depth > _MAX_DEPTH or (where.path, current.name) in seen:
                return depth <= _MAX_DEPTH
            seen.add((where.path, current.name))
            for method in current.methods:
                found.setdefault(method, method in current.classmethods)
            for base, origin in zip(current.bases, current.origins, strict=False):
                verdict = self._base(where, current, base, origin)
                if verdict is None:
                    return False
                if isinstance(verdict, tuple) and not visit(verdict[0], verdict[1], depth + 1):
                    return False
            return True

        return found if visit(facts, cls, 0) else None

    def factory_classes(self, key: ModuleKey) -> list[tuple[FileFacts, ClassFact]]:
        """The ``Factory`` subclasses defined in the module's files: those of its
        ``factory_<name>.py`` first, then any other file of the module (a factory in a
        misnamed file is still the module's factory; HYP070 reports where it is)."""
        stems = {f"factory_{n}" for n in self.names(key)}
        found = []
        for facts in sorted(self.modules.get(key, []), key=lambda f: PurePosixPath(f.path).stem not in stems):
            for cls in facts.classes:
                if self.is_factory(facts, cls):
                    found.append((facts, cls))
        return found

    # -- project-wide tables -----------------------------------------------------------------

    @cached_property
    def routes(self) -> dict[tuple[str, str], list[tuple[FileFacts, RouteFact]]]:
        """Every route of the module files, by :func:`route_key`, in path and line order."""
        return _grouped(
            (route_key(method, route.path), (facts, route))
            for files in self.modules.values()
            for facts in files
            for route in facts.routes
            if route.path is not None
            for method in dict.fromkeys(route.methods)
        )

    @cached_property
    def tables(self) -> dict[str, list[tuple[FileFacts, ClassFact]]]:
        """Every class with a literal ``__tablename__``, by table name, in path order."""
        return _grouped(
            (cls.tablename, (facts, cls)) for facts in self.project for cls in facts.classes if cls.tablename is not None
        )

    @cached_property
    def topics(self) -> dict[str, list[tuple[FileFacts, TopicFact]]]:
        """Every ``Topic(id=...)`` with a literal id, by :func:`topic_key`, in path order."""
        return _grouped(
            (topic_key(topic.topic_id), (facts, topic))
            for facts in self.project
            for topic in facts.topics
            if topic.topic_id is not None
        )
