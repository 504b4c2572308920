"""Plain data shared by every layer: positions, edits, fixes and findings.

This module imports nothing from the rest of the package; everything else stands on it.
Lines and columns are 1-based, as printed to the user (LibCST's 0-based columns are
converted once, by the engine).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Location:
    """A place in another file (or the same one) that a finding refers to."""

    path: str
    start: Position
    end: Position
    note: str = ""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between ``start`` (inclusive) and ``end`` (exclusive)."""

    start: Position
    end: Position
    content: str


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    name: str
    message: str
    path: str
    start: Position
    end: Position
    fix_title: str | None = None
    fix: Fix | None = None
    related: tuple[Location, ...] = field(default=())
    # What identifies the finding when lines move (baselines, CI fingerprints): the
    # enclosing ``Class.function`` and the first line of the offending code, normalised.
    scope: str = ""
    snippet: str = ""

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.start.line, self.start.column, self.code)


@dataclass(slots=True)
class Suppression:
    """A ``# noqa: ...`` or ``# hyperion-lint: ignore[...]`` comment on one line."""

    line: int
    column: int  # 1-based column of the comment's ``#``
    end_column: int  # 1-based column just after the suppression's text
    codes: tuple[str, ...]  # as written, in order (empty for a bare ``# noqa``)
    kind: str  # "noqa" or "ignore"
    used: set[str] = field(default_factory=set)  # codes it suppressed in this run

    @property
    def blanket(self) -> bool:
        return self.kind == "noqa" and not self.codes

    def covers(self, code: str) -> bool:
        return self.blanket or code in self.codes


@dataclass
class FileResult:
    """What linting one file gave: its findings (after suppression) and how many were
    suppressed. ``path`` is as the user sees it once the runner has set it."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    # The text that was linted, for reporters that show the offending line.
    source: str | None = None

    @property
    def internal_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.name == INTERNAL_ERROR]


# Codes the engine itself reports; they are not rules and cannot be disabled.
META_CODE = "HYP999"
SYNTAX_ERROR = "syntax-error"
UNREADABLE_FILE = "unreadable-file"
INTERNAL_ERROR = "internal-error"
