"""The facts of the ``Depends(...)`` a file writes, with their arguments, and of its routers.

:class:`~lint_rules.knowledge.facts.RouteFact` and the function tables of
:class:`~lint_rules.knowledge.facts.FileFacts` record each dependency by name
(``is_user_in()``); who may call a route also depends on what the factory is given
(``is_user_in(GroupType.admin)``, ``is_user_allowed_to([CdrPermissions.manage])``).
These plain, cacheable facts keep that, written canonically (one line, no comments, the
spacing of ``ast.unparse``) so that reformatting a file leaves them unchanged. The
access of a route is worked out from them in :mod:`lint_rules.knowledge.access`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lint_rules.model import Location


@dataclass(frozen=True)
class DependencyCall:
    """One ``Depends(...)`` (or ``Security(...)``)."""

    # As ``RouteFact.dependency_refs`` writes it (``get_db``, ``is_user_in()`` for a
    # factory call); ``X()`` for a ``Depends()`` with no target on a parameter annotated
    # ``X`` (FastAPI then calls ``X``); "" when it names nothing that can be followed.
    ref: str
    # The target, canonical: ``is_user_in(GroupType.admin)``; ``X`` for ``Depends()``.
    text: str
    # A factory call's positional and keyword arguments, canonical.
    arguments: tuple[str, ...] = ()
    keywords: tuple[tuple[str, str], ...] = ()
    location: Location | None = None  # the ``Depends(...)`` call


@dataclass(frozen=True)
class RouterFact:
    """``router = APIRouter(prefix=..., dependencies=[...])`` at module level."""

    name: str
    location: Location
    # "" without ``prefix=``; None when it is not a literal (or a module-level constant).
    prefix: str | None = ""
    dependencies: tuple[DependencyCall, ...] = ()


__all__ = ["DependencyCall", "RouterFact"]
