"""The rule API: what a rule declares, how it reports, and its documentation cases.

A rule is a class in its own file under ``lint_rules/rules/``. It declares a permanent
code, a kebab-case name, a one-line message, the files it applies to, typed options,
and VALID / INVALID cases that are both its documentation and its tests. It defines
``visit_<Node>`` / ``leave_<Node>`` methods, like a LibCST visitor, and calls
``self.report(node, ...)``. The engine runs every enabled rule in one traversal.

Rules see the parsed module and its project-relative path; they know nothing of
terminals, configuration files or the disk.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, ClassVar

import libcst as cst

from lint_rules.model import Applicability, Edit, Finding, Location, Suppression
from lint_rules.rule_api.options import Option
from lint_rules.knowledge.facts import FileFacts, ProjectIndex

__all__ = [
    "Applicability",
    "Context",
    "Invalid",
    "Option",
    "Proposal",
    "Report",
    "Rule",
    "Valid",
]

CODE_RE = re.compile(r"^HYP\d{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
DOC_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "Options",
)

def _dedent(code: str) -> str:
    code = textwrap.dedent(code)
    return code[1:] if code.startswith("\n") else code


@dataclass(frozen=True)
class Valid:
    """Source that the rule must accept. ``path`` defaults to one the rule applies to."""

    code: str
    path: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    # Extra files of the project (path -> source), for rules that look beyond one file.
    files: Mapping[str, str] = field(default_factory=dict)
    # Other rules that run beside this one (their findings are not part of the case).
    with_rules: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _dedent(self.code))


@dataclass(frozen=True)
class Invalid:
    """Source on which the rule reports exactly one finding, at ``line``:``column`` (1-based)."""

    code: str
    line: int
    column: int
    path: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    with_rules: tuple[str, ...] = ()
    # When given, the finding's message must be exactly this.
    message: str | None = None
    # When given, applying the finding's fix must give exactly this source.
    fixed: str | None = None
    # True: the finding must come without a fix (the facts the fix relies on are unknown).
    no_fix: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", _dedent(self.code))
        if self.fixed is not None:
            object.__setattr__(self, "fixed", _dedent(self.fixed))


@dataclass(slots=True)
class Report:
    """What a rule reported; the engine turns it into a positioned Finding.

    A visitor rule reports a ``node``; a project rule reports a ``location`` it read
    from the project's facts.
    """

    node: cst.CSTNode | None
    message: str
    fix_title: str | None
    # The replacement for ``node`` (a RemovalSentinel removes it), or None.
    replacement: cst.CSTNode | cst.RemovalSentinel | None = None
    # Report the span from ``node`` up to the end of ``end_node`` instead of ``node`` alone.
    end_node: cst.CSTNode | None = None
    related: tuple[Location, ...] = ()
    location: Location | None = None
    # A fix given as text edits (for code that has no node, such as a comment).
    edits: tuple[Edit, ...] = ()
    # The node ``replacement`` replaces, when it is not the reported node (a fix that
    # moves a statement replaces the whole module).
    fix_node: cst.CSTNode | None = None
    # A proposal (see ``Rule.propose``): the finding is judged with the project, and
    # ``data`` (plain values) is what the judgement needs to know of it.
    proposed: bool = False
    data: Any = None


@dataclass(frozen=True)
class Proposal:
    """A finding a visitor proposed, positioned and with its fix worked out, for the
    rule's ``check`` to confirm (as it is, reworded, without its fix) or drop."""

    finding: Finding
    data: Any = None


class Context:
    """What a rule may know about the file it checks: its path, text and syntax tree.

    ``path`` is POSIX-style and relative to the project root, e.g.
    ``app/modules/advert/endpoints_advert.py``.
    """

    def __init__(self, path: str, source: str, module: cst.Module) -> None:
        self.path = path
        self.source = source
        self.module = module
        # Maintained by the engine's walker: the nodes enclosing the one being visited,
        # outermost first (the module itself is ancestors[0]).
        self.ancestors: list[cst.CSTNode] = []

    @cached_property
    def file_name(self) -> str:
        return PurePosixPath(self.path).name

    @cached_property
    def module_folder(self) -> str:
        """The folder of the Hyperion module this file belongs to (``advert``)."""
        return PurePosixPath(self.path).parent.name

    @cached_property
    def file_kind(self) -> str | None:
        """``endpoints`` for ``endpoints_advert.py``; None when the name has no kind prefix."""
        stem = PurePosixPath(self.path).stem
        return stem.split("_", 1)[0] if "_" in stem else None

    @cached_property
    def is_core(self) -> bool:
        """True for files of a core module (``app/core/<name>/...``)."""
        parts = PurePosixPath(self.path).parts
        return len(parts) >= 3 and parts[-3] == "core"

    @property
    def parent(self) -> cst.CSTNode | None:
        return self.ancestors[-1] if self.ancestors else None


class Rule:
    """Base class of every rule. Subclasses set the class attributes below."""

    code: ClassVar[str]
    name: ClassVar[str]
    # One line: what is wrong and what to write instead. ``str.format`` fields are filled
    # from the keyword arguments given to ``report``.
    message: ClassVar[str]
    # What the fix (or the user) does, e.g. "Add `status_code=200`".
    fix_title: ClassVar[str | None] = None
    # None when the rule offers no automatic fix.
    fix_safety: ClassVar[Applicability | None] = None
    # Glob patterns: on the file name (``endpoints_*.py``), or, with a ``/``, on the
    # project-relative path (``app/modules/*/*.py``). The rule runs only on matching files.
    applies_to: ClassVar[tuple[str, ...]] = ("endpoints_*.py",)
    # Opt-in rules are off unless their code is selected explicitly.
    default_enabled: ClassVar[bool] = True
    options: ClassVar[tuple[Option, ...]] = ()
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def __init__(self, context: Context, options: Mapping[str, Any] | None = None) -> None:
        self.context = context
        given = dict(options or {})
        self.settings: dict[str, Any] = {o.name: given.get(o.name, o.default) for o in self.options}
        self.reports: list[Report] = []
        self.proposals: list[Proposal] = []

    # -- reporting -------------------------------------------------------------------

    def report(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        replacement: cst.CSTNode | cst.RemovalSentinel | None = None,
        fix_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
        related: Sequence[Location] = (),
        **fields: Any,
    ) -> None:
        """Report ``node``. ``fields`` fill the class's message and fix title templates.

        ``replacement`` replaces ``fix_node`` (by default ``node`` itself)."""
        text = message if message is not None else self.message.format(**fields)
        title = self.fix_title.format(**fields) if self.fix_title else None
        if replacement is not None and self.fix_safety is None:
            raise TypeError(f"{self.code} offers a fix but declares no fix_safety")
        self.reports.append(
            Report(node, text, title, replacement, end_node, tuple(related), fix_node=fix_node)
        )

    def report_at(
        self,
        location: Location,
        message: str | None = None,
        *,
        related: Sequence[Location] = (),
        edits: Sequence[Edit] = (),
        help: bool = True,
        **fields: Any,
    ) -> None:
        """Report a place known from the project's facts (for ``check``), or from the
        text (``edits`` then make its fix). ``help=False`` leaves out the fix title (when
        the message itself says what to write and the title describes another case)."""
        text = message if message is not None else self.message.format(**fields)
        title = self.fix_title.format(**fields) if self.fix_title and help else None
        if edits and self.fix_safety is None:
            raise TypeError(f"{self.code} offers a fix but declares no fix_safety")
        self.reports.append(
            Report(None, text, title, related=tuple(related), location=location, edits=tuple(edits))
        )

    def propose(
        self,
        node: cst.CSTNode,
        message: str | None = None,
        *,
        data: Any = None,
        replacement: cst.CSTNode | cst.RemovalSentinel | None = None,
        fix_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
        related: Sequence[Location] = (),
        **fields: Any,
    ) -> None:
        """Like :meth:`report`, for a finding whose verdict depends on the project (what
        ``get_db`` does, which class is the ORM user): the engine positions it and works
        out its fix with the file, then gives it to :meth:`check` in ``self.proposals``,
        where :meth:`confirm` keeps it. ``data`` (plain values) goes with it."""
        if not self.needs_project:
            raise TypeError(f"{self.code} proposes findings but does not define check()")
        if replacement is not None and self.fix_safety is None:
            raise TypeError(f"{self.code} offers a fix but declares no fix_safety")
        # The message and the fix's title may be left to ``confirm`` (no ``fields`` yet).
        text = message if message is not None else self.message.format(**fields)
        title = self.fix_title.format(**fields) if self.fix_title and fields else None
        self.reports.append(
            Report(node, text, title, replacement, end_node, tuple(related), fix_node=fix_node, proposed=True, data=data)
        )

    def confirm(
        self,
        proposal: Proposal,
        message: str | None = None,
        *,
        fix: bool = True,
        edits: Sequence[Edit] | None = None,
        **fields: Any,
    ) -> None:
        """Report a proposal (in :meth:`check`): with its own message, or ``message``, or
        the class's template filled from ``fields``; with its fix, other ``edits``, or
        (``fix=False``) none."""
        finding = proposal.finding
        if message is None:
            message = self.message.format(**fields) if fields else finding.message
        title = self.fix_title.format(**fields) if self.fix_title and fields else finding.fix_title
        if edits is None:
            edits = finding.fix.edits if fix and finding.fix is not None else ()
        location = Location(finding.path, finding.start, finding.end)
        self.reports.append(
            Report(None, message, title, related=finding.related, location=location, edits=tuple(edits))
        )

    # -- project-wide checks --------------------------------------------------------------

    #: Set by rules that define ``check``: the engine then builds the project index.
    needs_project: ClassVar[bool] = False
    #: What the visitors proposed (see :meth:`propose`), given back before :meth:`check`.
    proposals: list[Proposal]

    def check(self, facts: FileFacts, project: ProjectIndex) -> None:
        """Judge this file with the facts of the whole project (override in project rules).

        Runs after the traversal, with ``facts`` of this file and the ``project`` index
        that contains it. Report with :meth:`report_at`.

        It runs on a fresh instance of the rule, which is given back the attributes the
        visitors set (``self.x = ...``): the engine caches them with the file, so they
        must be plain data (str, int, bool, None, and tuples, lists, sets and dicts of
        those), never syntax nodes or instances of your own classes.
        """

    # -- suppression comments ------------------------------------------------------------

    #: Set by rules about suppression comments (HYP100). Such a rule runs on every file
    #: that another enabled rule lints, whatever its ``applies_to``.
    judges_suppressions: ClassVar[bool] = False

    def check_suppressions(
        self, suppressions: Sequence[Suppression], checked: frozenset[str], known: frozenset[str]
    ) -> None:
        """Judge the file's suppression comments once every finding is known.

        ``used`` on each suppression says what it suppressed; ``checked`` holds the
        codes that ran on this file, ``known`` every code hyperion-lint has.
        """

    # -- introspection used by the registry, the docs and the tests --------------------

    @classmethod
    def documentation(cls) -> str:
        return textwrap.dedent(cls.__doc__ or "").strip()

    @classmethod
    def default_path(cls) -> str:
        """A project path this rule applies to, for cases that do not give one."""
        pattern = cls.applies_to[0]
        if "/" in pattern:
            return pattern.replace("*", "demo", 1).replace("*", "endpoints_demo", 1).replace("*", "demo")
        name = pattern.replace("*", "demo")
        kind = name.split("_", 1)[0]
        if kind in {"endpoints", "cruds", "models", "schemas", "factory", "types", "utils"}:
            return f"app/modules/demo/{name}"
        return f"app/{name}"
