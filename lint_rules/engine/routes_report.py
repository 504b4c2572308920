"""The routes of a project and who may call them, for ``hyperion-lint routes``.

One entry per route decorator and method (``api_route(methods=["GET", "POST"])`` gives
two), read from the project's facts (cached like ``check``'s): the method, the full
path (router prefixes included), the handler and its place, the module, what the
decorator says (status code, response model, summary) and the access worked out by
:class:`~lint_rules.knowledge.access.AccessResolver`, with the ``user-dependencies`` of
HYP022 as configured, so that the routes shown public are the ones HYP022 reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lint_rules.engine.config import ConfigError
from lint_rules.engine.project_report import project_root
from lint_rules.engine.runner import Linter
from lint_rules.knowledge.access import USER_DEPENDENCIES, AccessResolver
from lint_rules.knowledge.facts import FileFacts, ProjectIndex, RouteFact
from lint_rules.knowledge.module_index import ModuleIndex
from lint_rules.knowledge.mounts import Mounts
from lint_rules.knowledge.requirements import KINDS, PERMISSION, PUBLIC, Access

# The rule whose ``user-dependencies`` option says which dependencies authenticate.
USER_RULE = "HYP022"
USER_OPTION = "user-dependencies"


@dataclass(frozen=True)
class RouteEntry:
    """One method of one route."""

    method: str  # ``GET``; ``WEBSOCKET``; ``?`` when ``methods=`` cannot be read
    path: str  # the full path; ``<not a literal>`` when it cannot be read
    handler: str
    file: str  # project-relative
    line: int  # of the decorator
    module: str  # the module folder, "" outside modules
    module_names: tuple[str, ...]  # every name the module goes by (folder, root)
    status_code: str | None
    response_model: str | None
    response_class: str | None
    summary: str | None
    access: Access

    @property
    def key(self) -> str:
        """What the snapshot knows the route by: ``GET /users/me``."""
        return f"{self.method} {self.path}"

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def response(self) -> str:
        """The response model, else the response class, as the decorator writes it."""
        return self.response_model if self.response_model is not None else (self.response_class or "")


def user_dependencies(linter: Linter) -> tuple[str, ...]:
    """HYP022's ``user-dependencies`` as configured (its default otherwise)."""
    value = linter.config.rule_options.get(USER_RULE, {}).get(USER_OPTION, USER_DEPENDENCIES)
    return tuple(value)


def _entries_of(project: ProjectIndex, patterns: Sequence[str]) -> list[RouteEntry]:
    resolver = AccessResolver(project, patterns)
    mounts = Mounts.of(project)
    modules = ModuleIndex.of(project)
    entries = []
    for facts in project:
        key = modules.module_key(facts)
        names = modules.names(key) if key is not None else ()
        for route in facts.routes:
            access = resolver.access(facts, route)
            path = _path(mounts, facts, route)
            methods = [m.upper() for m in dict.fromkeys(route.methods)] or ["?"]
            for method in methods:
                entries.append(
                    RouteEntry(
                        method=method,
                        path=path,
                        handler=route.function,
                        file=facts.path,
                        line=route.location.start.line,
                        module=names[0] if names else "",
                        module_names=names,
                        status_code=route.status_code,
                        response_model=route.response_model,
                        response_class=route.response_class,
                        summary=route.summary,
                        access=access,
                    )
                )
    entries.sort(key=lambda e: (e.module == "", e.module, e.file, e.line))
    return entries


def _path(mounts: Mounts, facts: FileFacts, route: RouteFact) -> str:
    if route.path is None:
        return f"<path of {route.function}>"
    full = mounts.full_path(facts, route)
    return full if full is not None else f"<prefix>{route.path}"


def root_of(linter: Linter, path: Path) -> Path:
    """The root of the project ``path`` (its root, a folder or a file of it) is in."""
    if path.is_dir() and not (path / "app").is_dir():
        return linter.project_root(path / "__init__.py").absolute()
    return project_root(linter, path)


def route_entries(linter: Linter, path: Path) -> tuple[Path, list[RouteEntry]]:
    """The project's root and every route of it, grouped by module (modules by name,
    routes in file and line order)."""
    root = root_of(linter, path)
    linter.needs_project = True  # the routes are read from the facts of every file
    return root, _entries_of(linter.index(root), user_dependencies(linter))


def under(entries: Iterable[RouteEntry], root: Path, paths: Sequence[Path]) -> list[RouteEntry]:
    """The entries of files under ``paths`` (every one when a path is the root)."""
    wanted = []
    for path in paths:
        absolute = path.absolute()
        try:
            relative = absolute.relative_to(root.absolute()).as_posix()
        except ValueError:
            continue
        wanted.append("" if relative == "." else relative)
    return [
        e for e in entries if any(not w or e.file == w or e.file.startswith(w.rstrip("/") + "/") for w in wanted)
    ]


def _permission_matches(alternative: str, name: str) -> bool:
    return alternative == name or alternative.endswith("." + name) or alternative.startswith(name + ".")


def requires_permission(entry: RouteEntry, name: str) -> bool:
    """Whether the route asks for the permission ``name`` (``CdrPermissions.manage_cdr``,
    ``manage_cdr``, or a whole class, ``CdrPermissions``), alone or among others."""
    return any(
        _permission_matches(alternative, name)
        for r in entry.access.requirements
        if r.kind == PERMISSION
        for alternative in r.value.split(" or ")
    )


def filtered(
    entries: Sequence[RouteEntry], *, public: bool = False, module: str | None = None, permission: str | None = None
) -> list[RouteEntry]:
    """The entries the filters keep. An unknown module or permission is a
    :class:`ConfigError` naming the ones that exist."""
    kept = list(entries)
    if module is not None:
        kept = [e for e in kept if module in e.module_names]
        if not kept:
            names = sorted({e.module for e in entries if e.module})
            raise ConfigError(f"--module {module}: no module of that name has routes; modules with routes: {_listed(names)}")
    if permission is not None:
        kept = [e for e in kept if requires_permission(e, permission)]
        if not kept:
            used = sorted({a for e in entries for r in e.access.requirements if r.kind == PERMISSION for a in r.value.split(" or ")})
            raise ConfigError(f"--permission {permission}: no route asks for it; permissions routes ask for: {_listed(used)}")
    if public:
        kept = [e for e in kept if e.access.public]
    return kept


def _listed(names: Sequence[str], most: int = 12) -> str:
    if not names:
        return "none"
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


__all__ = ["KINDS", "PUBLIC", "RouteEntry", "filtered", "requires_permission", "route_entries", "under", "user_dependencies"]
