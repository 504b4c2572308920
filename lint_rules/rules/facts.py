"""Facts about one file of a Hyperion project, and the index of a whole project.

The facts of a file are a pure function of its path and text (see ``extract.py``), so
they can be cached by content and recomputed for an editor buffer. Project-wide rules
read only these facts: they never need another file's syntax tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath

from lint_rules.model import Location


@dataclass(frozen=True)
class Declaration:
    """``module = Module(root=..., tag=..., router=..., factory=..., permissions=...)``."""

    variable: str
    kind: str  # "Module" or "CoreModule"
    location: Location
    root: str | None  # the literal value, resolved through a module-level constant
    router: str | None  # the name passed as router=
    factory: str | None  # ``AdvertFactory`` for ``factory=AdvertFactory()``; None for None/absent
    factory_given: bool  # False when there is no ``factory=`` at all
    permissions: str | None  # the name passed as permissions=
    topics: tuple[str, ...] = ()  # names in registred_topics=[...]


@dataclass(frozen=True)
class Member:
    name: str
    value: str | None  # the string literal, when it is one
    location: Location


@dataclass(frozen=True)
class ClassFact:
    """A class defined at module level: its bases as written and as resolved."""

    name: str
    location: Location
    bases: tuple[str, ...]  # dotted names as written
    origins: tuple[str | None, ...]  # where each base comes from (an import), None if local/unknown
    members: tuple[Member, ...] = ()  # ``name = "value"`` class attributes
    methods: tuple[str, ...] = ()
    classmethods: tuple[str, ...] = ()
    tablename: str | None = None
    tablename_location: Location | None = None  # the string value of ``__tablename__ = "..."``


@dataclass(frozen=True)
class RouteFact:
    methods: tuple[str, ...]
    path: str | None
    function: str
    location: Location  # the decorator call
    params: tuple[str, ...] = ()  # every parameter name of the function
    dependencies: tuple[str, ...] = ()  # names of the callables given to Depends(...)
    # The path string literal (None when the path is not a literal).
    path_location: Location | None = None
    # Every Depends(...) of the parameters and of ``dependencies=[...]``, as written: ``get_db``,
    # ``cruds_x.get_item``, ``is_user_in()`` for a factory call, ``""`` when not a (called) name.
    dependency_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PermissionUse:
    """``X.member`` where X names a permissions class (locally or through an import)."""

    class_name: str  # as written: ``XPermissions``, or ``endpoints_x.XPermissions`` through a module
    origin: str | None  # the import X comes from, None when X is defined in the file
    member: str
    location: Location


@dataclass(frozen=True)
class TopicFact:
    variable: str
    topic_id: str | None
    module_root: str | None
    location: Location


@dataclass(frozen=True)
class FileFacts:
    path: str  # project-relative POSIX path
    classes: tuple[ClassFact, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    routes: tuple[RouteFact, ...] = ()
    permission_uses: tuple[PermissionUse, ...] = ()
    topics: tuple[TopicFact, ...] = ()
    imports: Mapping[str, str] = field(default_factory=dict)  # local name -> dotted origin
    functions: tuple[str, ...] = ()  # module-level function names
    # Parameter names of every module-level function (dependencies declare path parameters too).
    # Under ``f()``: those of the function(s) a factory ``f`` defines and returns
    # (``def f(x): def inner(item_id): ...; return inner``), what ``Depends(f(...))`` calls.
    function_params: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The Depends(...) of those functions' parameters, keyed the same way, written as
    # ``RouteFact.dependency_refs``.
    function_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    constants: Mapping[str, str] = field(default_factory=dict)  # NAME = "literal" at module level

    @cached_property
    def parts(self) -> tuple[str, ...]:
        return PurePosixPath(self.path).parts

    @property
    def module_folder(self) -> str | None:
        """``advert`` for ``app/modules/advert/x.py`` and ``app/core/advert/x.py``."""
        parts = self.parts
        if len(parts) >= 3 and parts[-3] in ("modules", "core"):
            return parts[-2]
        return None

    @property
    def area(self) -> str | None:
        parts = self.parts
        return parts[-3] if len(parts) >= 3 and parts[-3] in ("modules", "core") else None

    @property
    def kind(self) -> str | None:
        stem = PurePosixPath(self.path).stem
        return stem.split("_", 1)[0] if "_" in stem else None

    @property
    def dotted(self) -> str:
        """The import path of the file: ``app.modules.advert.endpoints_advert``."""
        return ".".join(PurePosixPath(self.path).with_suffix("").parts)


class ProjectIndex:
    """The facts of every file of one Hyperion project, by project-relative path."""

    def __init__(self, files: Mapping[str, FileFacts]) -> None:
        self.files = dict(files)
        self.by_dotted = {f.dotted: f for f in self.files.values()}

    def with_file(self, facts: FileFacts) -> ProjectIndex:
        """The same project with one file's facts replaced (an editor buffer)."""
        files = dict(self.files)
        files[facts.path] = facts
        return ProjectIndex(files)

    def __iter__(self) -> Iterator[FileFacts]:
        return iter(sorted(self.files.values(), key=lambda f: f.path))

    @cached_property
    def _classes_by_name(self) -> dict[str, list[tuple[FileFacts, ClassFact]]]:
        table: dict[str, list[tuple[FileFacts, ClassFact]]] = {}
        for facts in self:
            for cls in facts.classes:
                table.setdefault(cls.name, []).append((facts, cls))
        return table

    def classes_named(self, name: str) -> list[tuple[FileFacts, ClassFact]]:
        """Every module-level class of that name in the project, in path order."""
        return self._classes_by_name.get(name, [])

    def module_files(self, folder: str, area: str | None = None) -> list[FileFacts]:
        return [
            f for f in self if f.module_folder == folder and (area is None or f.area == area)
        ]

    def resolve_class(self, origin: str) -> tuple[FileFacts, ClassFact] | None:
        """The class an import origin such as ``app.modules.x.endpoints_x.XPermissions`` names."""
        module, _, name = origin.rpartition(".")
        facts = self.by_dotted.get(module)
        if facts is None:
            return None
        for cls in facts.classes:
            if cls.name == name:
                return facts, cls
        return None
