"""Where a route is served: its path with the prefixes of its routers, read from the facts.

A route's full path is the prefixes of the routers that include its router, outermost
first (``app.include_router(api_router, prefix="/api")``), then the ``prefix=`` of its
own router (``APIRouter(prefix="/v2")``), then the decorator's path. Routers are
included by name (``api_router.include_router(endpoints_auth.router)``, Hyperion's core
endpoints until 2024) or, for the modules the app loads, in a loop over them
(``for module in all_modules: api_router.include_router(module.router)``): an inclusion
of ``<name>.router`` where ``<name>`` is not imported is taken for that loop and mounts
the router of every module declaration. Hyperion itself gives no prefix anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from lint_rules.knowledge.calls import DependencyCall, RouterFact
from lint_rules.knowledge.facts import FileFacts, InclusionFact, ProjectIndex, RouteFact

# A router: the file that defines it and its variable (``module.router`` for the router
# a ``Module(...)`` declaration makes itself).
RouterKey = tuple[str, str]
_MAX_DEPTH = 16


def router_key(facts: FileFacts, route: RouteFact) -> RouterKey:
    """The router ``route`` is declared on: ``router`` for ``@router.get``, the router a
    module declaration is given as ``router=`` for ``@module.router.get``."""
    head, _, attribute = route.router.partition(".")
    if attribute == "router":
        declaration = next((d for d in facts.declarations if d.variable == head), None)
        if declaration is not None and declaration.router:
            return facts.path, declaration.router
    return facts.path, route.router


@dataclass(frozen=True)
class Link:
    """One router of the chain that serves a route, and how it is included in the next."""

    router: RouterKey
    # The ``include_router(...)`` that mounts it, None for the outermost router.
    inclusion: tuple[FileFacts, InclusionFact] | None


class Mounts:
    """The routers of one project and how they are included in each other."""

    def __init__(self, project: ProjectIndex) -> None:
        self.project = project

    @classmethod
    def of(cls, project: ProjectIndex) -> Mounts:
        return project.derived(cls, cls)

    @cached_property
    def _included(self) -> tuple[dict[RouterKey, tuple[FileFacts, InclusionFact]], list[tuple[FileFacts, InclusionFact]]]:
        """The inclusion of each router included by name (the first one), and those that
        include every module's router in a loop."""
        by_name: dict[RouterKey, tuple[FileFacts, InclusionFact]] = {}
        loops: list[tuple[FileFacts, InclusionFact]] = []
        for facts in self.project:
            for inclusion in facts.inclusions:
                target = self._target(facts, inclusion)
                if target is not None:
                    by_name.setdefault(target, (facts, inclusion))
                elif inclusion.target.endswith(".router"):
                    loops.append((facts, inclusion))
        return by_name, loops

    def _target(self, facts: FileFacts, inclusion: InclusionFact) -> RouterKey | None:
        origin = facts.origin_of(inclusion.target)
        if origin is None:
            if any(r.name == inclusion.target for r in facts.routers):
                return facts.path, inclusion.target
            return None
        module, _, variable = origin.rpartition(".")
        target = self.project.file_of(module)
        return (target.path, variable) if target is not None else None

    def router(self, key: RouterKey) -> tuple[FileFacts, RouterFact] | None:
        """The ``APIRouter(...)`` assignment of a router, when the facts have it."""
        facts = self.project.files.get(key[0])
        router = next((r for r in facts.routers if r.name == key[1]), None) if facts is not None else None
        return (facts, router) if facts is not None and router is not None else None

    def _is_module_router(self, key: RouterKey) -> bool:
        facts = self.project.files.get(key[0])
        return facts is not None and any(key[1] in (f"{d.variable}.router", d.router) for d in facts.declarations)

    def chain(self, key: RouterKey) -> list[Link]:
        """The router ``key``, then the router that includes it, and so on outwards."""
        by_name, loops = self._included
        links: list[Link] = []
        seen: set[RouterKey] = set()
        current: RouterKey | None = key
        while current is not None and current not in seen and len(links) < _MAX_DEPTH:
            seen.add(current)
            mount = by_name.get(current)
            if mount is None and loops and self._is_module_router(current):
                mount = loops[0]
            links.append(Link(current, mount))
            current = (mount[0].path, mount[1].router) if mount is not None else None
        return links

    def prefix(self, key: RouterKey) -> str | None:
        """Every prefix in front of the routes of router ``key``, outermost first; None when
        one of them is not a literal."""
        parts: list[str | None] = []
        for link in self.chain(key):
            found = self.router(link.router)
            parts.append(found[1].prefix if found is not None else "")
            if link.inclusion is not None:
                parts.append(link.inclusion[1].prefix)
        if any(p is None for p in parts):
            return None
        return "".join(p for p in reversed(parts) if p)

    def dependencies(self, key: RouterKey) -> list[tuple[FileFacts, DependencyCall]]:
        """The ``dependencies=[...]`` of router ``key``, of the routers that include it and
        of the inclusions, each with the file it is written in."""
        found: list[tuple[FileFacts, DependencyCall]] = []
        for link in self.chain(key):
            router = self.router(link.router)
            if router is not None:
                found += [(router[0], call) for call in router[1].dependencies]
            if link.inclusion is not None:
                found += [(link.inclusion[0], call) for call in link.inclusion[1].dependencies]
        return found

    def full_path(self, facts: FileFacts, route: RouteFact) -> str | None:
        """``/api/v2/items`` for ``@router.get("/items")``; None when the path or a prefix
        is not a literal."""
        if route.path is None:
            return None
        prefix = self.prefix(router_key(facts, route))
        return None if prefix is None else prefix + route.path


__all__ = ["Link", "Mounts", "RouterKey", "router_key"]
