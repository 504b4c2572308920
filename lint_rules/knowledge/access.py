"""Who may call a route: its access, worked out from its dependencies across files.

FastAPI decides who may call a route through the dependencies it resolves before the
handler runs: the route's parameters (``user = Depends(is_user_allowed_to([...]))``,
also inside ``Annotated[...]`` or an alias of another file), the decorator's
``dependencies=[...]``, its router's ``APIRouter(dependencies=[...])``, and the
dependencies of those dependencies. :class:`AccessResolver` follows them all, across
files, through the facts alone, and gives two things:

- a verdict, the one HYP022 judges by: USER when some dependency authenticates the
  caller (its name is of the user family, or it depends on one that is), NONE when
  provably none does (the route is public), UNKNOWN when one cannot be followed (a
  project variable, a factory whose returned function is not visible...);
- the requirements, for ``hyperion-lint routes``: ``permission: CdrPermissions.manage``,
  ``group: admin``, ``account types: ...``, ``module dependency: is_competition_user()``,
  ``authenticated``, or ``unknown: get_x()`` with the place it is written.

Hyperion's own helpers (see :mod:`lint_rules.knowledge.helper_access`) are read by
what they are given: ``is_user_in(GroupType.admin)``
is ``group: admin``. A project dependency outside module folders (``is_user_an_ecl_member``
in app/dependencies.py) is what it depends on; one of a module folder is shown by name,
with what it depends on that is more than being logged in.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from lint_rules.knowledge.calls import DependencyCall
from lint_rules.knowledge.facts import (
    CLASS,
    FUNCTION,
    ClassFact,
    FileFacts,
    ProjectIndex,
    RouteFact,
    place,
)
from lint_rules.knowledge.helper_access import HelperReader
from lint_rules.knowledge.module_index import ModuleIndex, module_of
from lint_rules.knowledge.mounts import Mounts, router_key
from lint_rules.knowledge.requirements import (
    AUTHENTICATED,
    KINDS,
    MODULE_DEPENDENCY,
    PUBLIC,
    UNKNOWN,
    Access,
    Requirement,
    Verdict,
    requirement,
)

# HYP022's default ``user-dependencies``: the names of dependencies that authenticate.
USER_DEPENDENCIES = (
    "is_user*",
    "get_user*",
    "get_current_user*",
    "is_*member*",
    "is_*holder*",
    "is_*admin*",
    "is_*user*",
    "get_token_data",
    "has_user_*",
)
# How deep dependencies of dependencies are followed.
MAX_DEPTH = 12

Found = tuple[Verdict, frozenset[Requirement]]
_NOTHING: Found = (Verdict.NONE, frozenset())


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """Whether ``name`` matches one of the glob ``patterns`` (``is_user*``), case-sensitively."""
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def _combined(found: Iterable[Found]) -> Found:
    """USER when one of them provides the user, else UNKNOWN when one cannot be told,
    else NONE; the requirements of those that provide the user or cannot be told."""
    verdicts: set[Verdict] = set()
    requirements: set[Requirement] = set()
    for verdict, required in found:
        verdicts.add(verdict)
        if verdict is not Verdict.NONE:
            requirements |= required
    for verdict in (Verdict.USER, Verdict.UNKNOWN):
        if verdict in verdicts:
            return verdict, frozenset(requirements)
    return _NOTHING


def _route_level(found: Found) -> Access:
    verdict, required = found
    if verdict is Verdict.NONE:
        return Access(verdict)
    if verdict is Verdict.USER and not required:
        required = frozenset({requirement(AUTHENTICATED)})
    if any(r.kind not in (AUTHENTICATED, UNKNOWN) for r in required):
        required = frozenset(r for r in required if r.kind != AUTHENTICATED)
    return Access(verdict, tuple(sorted(required)))


class AccessResolver:
    """Follows the dependencies of the routes of one project (see the module's docstring).

    ``patterns`` are HYP022's ``user-dependencies``. Verdicts are HYP022's, exactly: a
    bare name that the route's own file does not bind (a builtin, an undefined name) is
    NONE there and UNKNOWN elsewhere, as the linted file's own variables are known."""

    def __init__(self, project: ProjectIndex, patterns: Iterable[str] = USER_DEPENDENCIES) -> None:
        self.project = project
        self.patterns = tuple(patterns)
        self.modules = ModuleIndex.of(project)
        self.helpers = HelperReader(project)
        self.mounts = Mounts.of(project)
        self._memo: dict[tuple[str, str, str, bool, frozenset[str]], Found] = {}

    # -- routes ------------------------------------------------------------------------------

    def route_calls(self, facts: FileFacts, route: RouteFact) -> list[tuple[FileFacts, DependencyCall]]:
        """The route's dependencies, each with the file it is written in: its parameters',
        its decorator's, then those of its router and of the routers including it."""
        return [(facts, call) for call in route.calls] + self.mounts.dependencies(router_key(facts, route))

    def access(self, facts: FileFacts, route: RouteFact) -> Access:
        """Who may call ``route`` of ``facts``' file."""
        found = [self._call(where, call, 0, facts) for where, call in self.route_calls(facts, route)]
        found += [self._alias(facts, name, route) for name in route.imported_annotations]
        access = _route_level(_combined(found))
        if access.public and route.methods == ("websocket",):
            # A websocket may check its caller inside the connection: that is not seen here.
            unknown = requirement(UNKNOWN, "websocket without a user dependency", place(route.location))
            return Access(Verdict.UNKNOWN, (unknown,))
        return access

    def verdict(self, facts: FileFacts, route: RouteFact) -> Verdict:
        return self.access(facts, route).verdict

    # -- one dependency ----------------------------------------------------------------------

    def _unknown(self, call: DependencyCall) -> Found:
        where = place(call.location) if call.location is not None else ""
        return Verdict.UNKNOWN, frozenset({requirement(UNKNOWN, call.text or "Depends()", where)})

    def _call(
        self, facts: FileFacts, call: DependencyCall, depth: int, linted: FileFacts, unbound: frozenset[str] = frozenset()
    ) -> Found:
        """What the dependency ``call`` (written in ``facts``' file) provides. ``unbound``:
        the parameters of the dependency factory it is written in, whose values are not
        known here."""
        ref = call.ref
        if not ref or depth > MAX_DEPTH:
            return self._unknown(call)
        key = (facts.path, ref, call.text, facts.path == linted.path, unbound)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = _NOTHING  # a cycle of dependencies adds nothing
        found = self._judged(facts, call, depth, linted, unbound)
        self._memo[key] = found
        return found

    def _judged(
        self, facts: FileFacts, call: DependencyCall, depth: int, linted: FileFacts, unbound: frozenset[str]
    ) -> Found:
        called = call.ref.endswith("()")
        dotted = call.ref[:-2] if called else call.ref
        name = dotted.rsplit(".", 1)[-1]
        helper = self.helpers.read(facts, call, dotted, unbound)
        if helper is not None:
            if matches_any(name, self.patterns):
                return Verdict.USER, helper
            return self._followed(facts, call, depth, linted)[0], helper
        verdict, inner = self._followed(facts, call, depth, linted)
        named = matches_any(name, self.patterns)
        if named:
            # The name says it authenticates: what it depends on can only add to that.
            inner = frozenset(r for r in inner if r.kind != UNKNOWN) if verdict is not Verdict.NONE else frozenset()
            verdict = Verdict.USER
        if verdict is not Verdict.USER:
            return verdict, inner
        if self._in_module(facts, dotted, called):
            # Shown by name, with what it asks beyond that (not its own module dependencies).
            kept = (r for r in inner if r.kind not in (AUTHENTICATED, MODULE_DEPENDENCY))
            inner = frozenset({requirement(MODULE_DEPENDENCY, call.text), *kept})
        return verdict, inner or frozenset({requirement(AUTHENTICATED)})

    def _followed(self, facts: FileFacts, call: DependencyCall, depth: int, linted: FileFacts) -> Found:
        """What the definition of the dependency depends on (HYP022's reading of it)."""
        called = call.ref.endswith("()")
        dotted = call.ref[:-2] if called else call.ref
        origin = facts.origin_of(dotted)
        if origin is not None:
            if not facts.in_package(origin):
                return _NOTHING  # a library's dependency (fastapi, starlette...)
        elif "." not in dotted and dotted not in facts.function_params and facts.local_class(dotted) is None:
            # A module-level variable (``require_admin = is_user_in(...)``), a builtin or an
            # undefined name: only the route's own file's variables are known.
            if facts.path == linted.path and dotted not in facts.variables:
                return _NOTHING
            return self._unknown(call)
        found = self.project.resolve(facts, dotted, called=called)
        if found.kind == FUNCTION:
            assert found.facts is not None and found.key is not None
            calls = found.facts.function_calls.get(found.key, ())
            # In the function a factory returns, the factory's parameters have no value here.
            inner = frozenset(found.facts.function_params.get(found.key[:-2], ())) if found.key.endswith("()") else frozenset()
            return _combined(self._call(found.facts, c, depth + 1, linted, inner) for c in calls)
        if found.kind == CLASS:
            assert found.facts is not None and found.cls is not None
            return self._class(found.facts, found.cls, "__init__", depth, linted, call)
        if "." in dotted:
            # ``Depends(schemas_auth.Form.as_form)``: a classmethod of a project class.
            owner, _, method = dotted.rpartition(".")
            cls = self.project.resolve(facts, owner)
            if cls.kind == CLASS and cls.facts is not None and cls.cls is not None:
                return self._class(cls.facts, cls.cls, method, depth, linted, call)
        return self._unknown(call)  # a project variable, or a name that cannot be followed

    def _class(
        self, facts: FileFacts, cls: ClassFact, method: str, depth: int, linted: FileFacts, call: DependencyCall
    ) -> Found:
        """``Depends(X)`` calls ``X.__init__``, ``Depends(X.as_form)`` the classmethod: what
        their parameters depend on. A class without its own ``__init__`` takes its bases';
        a library base (pydantic's ``BaseModel``: its fields are query parameters) depends
        on no user."""
        if depth > MAX_DEPTH:
            return self._unknown(call)
        if method in cls.method_calls:
            return _combined(self._call(facts, c, depth + 1, linted) for c in cls.method_calls[method])
        if method != "__init__" or cls.init_params is not None:
            return self._unknown(call)  # a method the facts do not describe
        found: list[Found] = []
        for base in cls.bases:
            origin = facts.origin_of(base) if base else None
            if origin is not None and not facts.in_package(origin):
                found.append(_NOTHING)
                continue
            resolved = self.project.resolve(facts, base) if base else None
            if resolved is not None and resolved.kind == CLASS and resolved.facts is not None and resolved.cls is not None:
                found.append(self._class(resolved.facts, resolved.cls, method, depth + 1, linted, call))
            else:
                found.append(self._unknown(call))
        return _combined(found)

    def _alias(self, facts: FileFacts, dotted: str, route: RouteFact) -> Found:
        """A parameter annotated with a name imported from the project: the dependency it
        gives when it is an ``Annotated[..., Depends(...)]`` alias of the file defining it
        (``db: Database``); nothing when it is a class; UNKNOWN when it cannot be seen."""
        origin = facts.origin_of(dotted)
        if origin is None or not facts.in_package(origin):
            return _NOTHING
        module, _, name = origin.rpartition(".")
        defining = self.project.file_of(module)
        if defining is not None and name in defining.alias_calls:
            return self._call(defining, defining.alias_calls[name], 1, facts)
        if self.project.resolve(facts, dotted).kind == CLASS:
            return _NOTHING
        return self._unknown(DependencyCall(dotted, dotted, location=route.location))

    # -- what a dependency is ----------------------------------------------------------------

    def _in_module(self, facts: FileFacts, dotted: str, called: bool) -> bool:
        """Whether the dependency is defined in a module folder (or cannot be found: then
        it is told by name too, not taken apart)."""
        found = self.project.resolve(facts, dotted, called=called)
        if found.facts is None:
            return False
        where = module_of(found.facts.path)
        return where is not None and where[0] in self.modules.modules


__all__ = ["Access", "AccessResolver", "KINDS", "PUBLIC", "Requirement", "USER_DEPENDENCIES", "Verdict"]
