"""What a caller must be or have: the requirements that make up a route's access.

Shared by :mod:`lint_rules.knowledge.access` (which works them out) and
:mod:`lint_rules.knowledge.helper_access` (which reads Hyperion's helpers).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

PERMISSION, GROUP, ACCOUNT_TYPES = "permission", "group", "account types"
MODULE_DEPENDENCY, AUTHENTICATED, UNKNOWN = "module dependency", "authenticated", "unknown"
PUBLIC = "public"
# The kinds of requirement, in the order an access lists them.
KINDS = (PERMISSION, GROUP, ACCOUNT_TYPES, MODULE_DEPENDENCY, AUTHENTICATED, UNKNOWN)


class Verdict(enum.Enum):
    USER = "user"  # provides (or requires) the current user
    NONE = "none"  # provably does not
    UNKNOWN = "unknown"  # cannot be told


@dataclass(frozen=True, order=True)
class Requirement:
    """One thing a caller must be or have."""

    rank: int  # the kind's place in KINDS, for sorting
    kind: str
    value: str = ""
    where: str = ""  # for ``unknown``: where the dependency is written (``app/x.py:12``)

    def text(self, places: bool = True) -> str:
        if self.kind == AUTHENTICATED:
            return AUTHENTICATED
        shown = f"{self.kind}: {self.value}"
        return f"{shown} ({self.where})" if places and self.where else shown


def requirement(kind: str, value: str = "", where: str = "") -> Requirement:
    return Requirement(KINDS.index(kind), kind, value, where)


@dataclass(frozen=True)
class Access:
    """A route's access: its verdict and what it requires (nothing when it is public)."""

    verdict: Verdict
    requirements: tuple[Requirement, ...] = ()

    @property
    def public(self) -> bool:
        return self.verdict is Verdict.NONE

    @property
    def kinds(self) -> tuple[str, ...]:
        """``("public",)``, or the kinds of its requirements in KINDS order."""
        return (PUBLIC,) if self.public else tuple(dict.fromkeys(r.kind for r in self.requirements))

    def text(self, places: bool = True) -> str:
        """``public``, ``permission: X.y; group: admin``, ``unknown: get_x() (app/x.py:3)``."""
        if self.public:
            return PUBLIC
        return "; ".join(r.text(places) for r in self.requirements)



__all__ = [
    "ACCOUNT_TYPES",
    "AUTHENTICATED",
    "Access",
    "GROUP",
    "KINDS",
    "MODULE_DEPENDENCY",
    "PERMISSION",
    "PUBLIC",
    "Requirement",
    "UNKNOWN",
    "Verdict",
    "requirement",
]
