"""Facts about one file of a Hyperion project, and the index of a whole project.

The facts of a file are a pure function of its path and text (see ``extract.py``), so
they can be cached by content and recomputed for an editor buffer. Project-wide rules
read only these facts: they never need another file's syntax tree.

:class:`ProjectIndex` is also the one place where names are resolved across files, the
way Python binds them: :meth:`ProjectIndex.resolve` finds the project function, class or
constant a name used in a file refers to, following its imports (relative ones and
re-exports through ``__init__.py`` included) up to a number of hops. Tables derived from
the whole project (the permission and module indexes) are kept with it by
:meth:`ProjectIndex.derived`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, TypeVar

from lint_rules.knowledge.calls import DependencyCall, RouterFact
from lint_rules.model import Location

T = TypeVar("T")

# What a name may be defined as at module level (see ``Lookup.kinds``).
FUNCTION = "function"
CLASS = "class"
CONSTANT = "constant"
# How many imports a lookup follows by default (``from .x import Y`` in an ``__init__.py``
# that re-exports ``Y`` is one) before it gives up and calls the name unknown.
MAX_HOPS = 6


def place(location: Location) -> str:
    """``app/modules/cdr/endpoints_cdr.py:75``: where a finding's message says a thing is."""
    return f"{location.path}:{location.start.line}"


def noted(location: Location, note: str) -> Location:
    """The same place with a note, for a finding's ``related`` locations."""
    return Location(location.path, location.start, location.end, note)


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
    # ``factory=AdvertFactory()`` (an instance) rather than ``factory=AdvertFactory``.
    factory_called: bool = False


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
    # The parameters of the class's own ``__init__`` (but ``self``); None when it has none.
    init_params: tuple[str, ...] | None = None
    # The Depends(...) of the parameters of ``__init__`` and of each classmethod and
    # staticmethod (what ``Depends(X)`` / ``Depends(X.as_form)`` make FastAPI resolve),
    # written as ``RouteFact.dependency_refs``.
    method_dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The same, with their arguments.
    method_calls: Mapping[str, tuple[DependencyCall, ...]] = field(default_factory=dict)


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
    # The router the decorator is called on, as written: ``module.router``, ``router``.
    router: str = ""
    # Every Depends(...) of the parameters, then of ``dependencies=[...]``, with arguments.
    calls: tuple[DependencyCall, ...] = ()
    # Parameters annotated with an imported name (``db: Database``): perhaps an
    # ``Annotated[..., Depends(...)]`` alias of another file.
    imported_annotations: tuple[str, ...] = ()
    # What the decorator says, canonical (None: not given); ``status_code`` is the number
    # when it can be read (``204`` for ``status.HTTP_204_NO_CONTENT``).
    status_code: str | None = None
    response_model: str | None = None
    response_class: str | None = None
    summary: str | None = None  # the literal ``summary=``


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
class SessionFact:
    """A module-level generator that hands out a database session (``get_db``): what it
    calls on it (``commit``, ``rollback``, ``close``, in that order when present)."""

    name: str
    calls: tuple[str, ...]
    location: Location  # the ``def``


@dataclass(frozen=True)
class InclusionFact:
    """``<x>.include_router(<target>)``, anywhere in the file."""

    target: str  # as written: ``endpoints_auth.router``, ``module.router``
    location: Location
    router: str = ""  # who includes it, as written: ``api_router``, ``app``
    # "" without ``prefix=``; None when it is not a literal (or a module-level constant).
    prefix: str | None = ""
    dependencies: tuple[DependencyCall, ...] = ()  # its ``dependencies=[...]``


@dataclass(frozen=True)
class LoaderFact:
    """A loop that imports the files ``pattern`` matches and keeps their ``attribute``
    (``for f in Path().glob("app/modules/*/endpoints_*.py"): ... hasattr(m, "module")``)."""

    pattern: str
    attribute: str
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
    # Return annotations of module-level functions as written (``models_users.CoreUser``),
    # keyed like ``function_params`` (``f()``: the function a factory ``f`` returns).
    returns: Mapping[str, str] = field(default_factory=dict)
    # Module-level ``Alias = Annotated[T, Depends(f)]`` (and ``type Alias = ...``): the
    # dependency each alias gives, written as ``RouteFact.dependency_refs``.
    dependency_aliases: Mapping[str, str] = field(default_factory=dict)
    # Every module-level ``Alias = Annotated[...]`` (``PrimaryKey`` in app/types/sqlalchemy.py).
    type_aliases: tuple[str, ...] = ()
    sessions: tuple[SessionFact, ...] = ()
    inclusions: tuple[InclusionFact, ...] = ()
    loaders: tuple[LoaderFact, ...] = ()
    # ``function_dependencies`` and ``dependency_aliases`` with their arguments.
    function_calls: Mapping[str, tuple[DependencyCall, ...]] = field(default_factory=dict)
    alias_calls: Mapping[str, DependencyCall] = field(default_factory=dict)
    routers: tuple[RouterFact, ...] = ()
    # Names bound at module level by an assignment (not a def, class or import).
    variables: tuple[str, ...] = ()
    # Module-level functions (keyed like ``function_params``) whose own body has no
    # ``return <value>`` and no ``yield``: calling them gives None.
    valueless: tuple[str, ...] = ()

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

    # -- names as this file binds them ---------------------------------------------------

    def local_class(self, name: str, before: int | None = None) -> ClassFact | None:
        """The class ``name`` defined at module level (the last definition wins); with
        ``before``, the last one defined above that line: what a ``class`` statement on
        that line sees when it names ``name`` as a base."""
        found = None
        for cls in self.classes:
            if cls.name == name and (before is None or cls.location.start.line < before):
                found = cls
        return found

    def absolute(self, origin: str) -> str:
        """An import origin of this file, made absolute: ``app.modules.x.types_x.Y`` for
        ``.types_x.Y`` imported in ``app/modules/x/...``. An absolute origin is returned as
        is, and so is a relative one that climbs above the top of the project."""
        if not origin.startswith("."):
            return origin
        dots = len(origin) - len(origin.lstrip("."))
        package = self.dotted.split(".")[:-1]
        if dots - 1 > len(package):
            return origin
        base = package[: len(package) - (dots - 1)]
        rest = origin[dots:]
        return ".".join([*base, rest] if rest else base)

    def origin_of(self, dotted: str) -> str | None:
        """Where a dotted name used in this file comes from, absolute:
        ``app.modules.x.cruds_x.get_item`` for ``cruds_x.get_item`` after
        ``from app.modules.x import cruds_x``; None when its first name is not imported."""
        head, _, rest = dotted.partition(".")
        origin = self.imports.get(head)
        if origin is None:
            return None
        return self.absolute(f"{origin}.{rest}" if rest else origin)

    def in_package(self, origin: str) -> bool:
        """Whether an absolute origin names something of this file's own top-level package
        (``app``): a name of the project, not of a library."""
        return origin.split(".", 1)[0] == self.dotted.split(".", 1)[0]


@dataclass(frozen=True)
class Lookup:
    """What a name resolution (:meth:`ProjectIndex.resolve`) looks for, and how far.

    ``kinds``: the module-level definitions that end the lookup in a file, tried in this
    order (``FUNCTION``, ``CLASS``, ``CONSTANT``); a name defined otherwise, or not at all,
    is followed through the file's import of it, if any. ``package_only``: a name imported
    from outside the linted file's top-level package (``fastapi``; ``tests`` seen from
    ``app``) is ``"other"`` without being looked up; False looks for it among every file
    of the project. ``max_hops``: how many imports are followed before the name is
    ``"unknown"``.
    """

    kinds: tuple[str, ...] = (FUNCTION, CLASS)
    package_only: bool = True
    max_hops: int = MAX_HOPS


@dataclass(frozen=True)
class Resolved:
    """What a dotted name used in a file refers to.

    ``kind`` is ``"function"`` (``facts``/``key`` give its entry in ``function_params``),
    ``"class"`` (``cls``), ``"constant"`` (``facts.constants[key]``), ``"other"`` (a
    module-level binding of the project of no kind looked for, or a name from outside the
    project) or ``"unknown"`` (a project name that cannot be followed: its file is not
    indexed, or the chain of imports is too long).
    """

    kind: str
    facts: FileFacts | None = None
    key: str | None = None
    cls: ClassFact | None = None


# The default lookup: a function or a class of the linted file's package (what a
# ``Depends(...)`` or a base class names).
CALLABLES = Lookup()
OTHER = Resolved("other")
UNKNOWN = Resolved("unknown")


def _definition(facts: FileFacts, name: str, lookup: Lookup, called: bool) -> Resolved | None:
    """The definition of ``name`` in the file, of a kind ``lookup`` looks for; None when
    there is none."""
    for kind in lookup.kinds:
        if kind == FUNCTION and name in facts.function_params:
            key = f"{name}()" if called else name
            if key in facts.function_params:
                return Resolved(FUNCTION, facts, key)
            return UNKNOWN  # a factory whose returned function cannot be seen
        if kind == CLASS:
            cls = facts.local_class(name)
            if cls is not None:
                return Resolved(CLASS, facts, cls=cls)
        if kind == CONSTANT and name in facts.constants:
            return Resolved(CONSTANT, facts, name)
    return None


class ProjectIndex:
    """The facts of every file of one Hyperion project, by project-relative path."""

    def __init__(self, files: Mapping[str, FileFacts]) -> None:
        self.files = dict(files)
        self.by_dotted = {f.dotted: f for f in self.files.values()}
        self._derived: dict[Hashable, Any] = {}

    def derived(self, key: Hashable, build: Callable[[ProjectIndex], T]) -> T:
        """What ``build(self)`` returns, built on the first call for ``key`` and kept while
        this index lives: the tables a family of rules shares (``PermissionIndex``,
        ``ModuleIndex``), read by the ``check`` of every file. An index with another file's
        facts (:meth:`with_file`) builds its own."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = build(self)
            return value

    def with_file(self, facts: FileFacts) -> ProjectIndex:
        """The same project with one file's facts replaced (an editor buffer, a file being
        fixed); this very index, derived tables and all, when they are the same facts."""
        if self.files.get(facts.path) == facts:
            return self
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

    # -- names across files ----------------------------------------------------------------

    def file_of(self, module: str) -> FileFacts | None:
        """The file of a dotted module name: ``module.py``, else ``module/__init__.py``."""
        return self.by_dotted.get(module) or self.by_dotted.get(f"{module}.__init__")

    def resolve(
        self, facts: FileFacts, dotted: str, lookup: Lookup = CALLABLES, *, called: bool = False
    ) -> Resolved:
        """What ``dotted`` (``get_db``, ``cruds_x.get_item``, ``XPermissions``), as written in
        ``facts``' file, refers to: a definition of the file of a kind ``lookup`` looks for,
        else what its import names, followed from file to file. With ``called``, the
        function looked up is the one a factory returns (its ``f()`` entry)."""
        return self._in_file(facts, dotted, lookup, called, 0)

    def resolve_origin(
        self, origin: str, facts: FileFacts | None = None, lookup: Lookup = CALLABLES, *, called: bool = False
    ) -> Resolved:
        """What an import origin (``app.dependencies.get_db``; relative to ``facts``' file
        when it starts with a dot) refers to. Without ``facts``, the origin is absolute and
        any package is looked up."""
        return self._through_import(origin, facts, lookup, called, 0)

    def _in_file(self, facts: FileFacts, dotted: str, lookup: Lookup, called: bool, hops: int) -> Resolved:
        """``dotted`` in ``facts``' file, reached through ``hops`` imports."""
        if hops > lookup.max_hops:
            return UNKNOWN
        head, _, rest = dotted.partition(".")
        if not rest:
            found = _definition(facts, head, lookup, called)
            if found is not None:
                return found
        origin = facts.imports.get(head)
        if origin is None:
            return OTHER  # a variable of the file, a builtin, an attribute of a local object
        return self._through_import(f"{origin}.{rest}" if rest else origin, facts, lookup, called, hops)

    def _through_import(
        self, origin: str, facts: FileFacts | None, lookup: Lookup, called: bool, hops: int
    ) -> Resolved:
        """The import ``origin`` of ``facts``' file (reached through ``hops`` imports), followed."""
        if facts is not None:
            origin = facts.absolute(origin)
            if lookup.package_only and not facts.in_package(origin):
                return OTHER
        module, _, name = origin.rpartition(".")
        target = self.file_of(module) if module else None
        if target is None:
            # ``import app.x.y`` then ``app.x.y.f``: the module may be longer than one name.
            return OTHER if self.file_of(origin) is not None else UNKNOWN
        return self._in_file(target, name, lookup, called, hops + 1)
