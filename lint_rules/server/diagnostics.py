"""A finding as an LSP diagnostic.

Severity: ``Error`` for ``HYP999`` (the file could not be read or parsed, or a rule failed:
nothing, or not everything, was checked), ``Warning`` for every rule's finding (a departure
from Hyperion's conventions; the code still runs). A ``HYP100`` finding (a ``# noqa`` that
suppresses nothing) is also tagged ``Unnecessary``, which editors show faded.
"""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from lint_rules.model import META_CODE, Finding, Location
from lint_rules.output.report import rule_url
from lint_rules.server.positions import Text

SOURCE = "hyperion-lint"
UNUSED_NOQA = "unused-noqa"

# Where a related place is: its document's URI and text (None when it cannot be read).
Locate = Callable[[str], tuple[str, Text | None]]


def severity(finding: Finding) -> types.DiagnosticSeverity:
    if finding.code == META_CODE:
        return types.DiagnosticSeverity.Error
    return types.DiagnosticSeverity.Warning


def diagnostic(finding: Finding, text: Text, locate: Locate) -> types.Diagnostic:
    return types.Diagnostic(
        range=at_decorator(text, text.range(finding.start, finding.end)),
        message=finding.message,
        severity=severity(finding),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.code, finding.name)),
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.name == UNUSED_NOQA else None,
        related_information=[_related(r, locate) for r in finding.related] or None,
    )


def at_decorator(text: Text, where: types.Range) -> types.Range:
    """A range that starts at a decorator's call starts at its ``@``: where the cursor
    is when on the decorator's line (the finding itself, as the command line prints it,
    points at the call)."""
    start = where.start
    if start.character == 0:
        return where
    # Blanks and ``@`` take one unit each in every encoding: when that is all there is
    # before the start, units and code points agree.
    prefix = text.line(start.line)[: start.character]
    if prefix.strip() != "@":
        return where
    return types.Range(start=types.Position(line=start.line, character=prefix.index("@")), end=where.end)


def _related(location: Location, locate: Locate) -> types.DiagnosticRelatedInformation:
    uri, text = locate(location.path)
    if text is not None:
        where = text.range(location.start, location.end)
    else:  # unreadable: code points are the best guess
        where = types.Range(
            start=types.Position(line=location.start.line - 1, character=location.start.column - 1),
            end=types.Position(line=location.end.line - 1, character=location.end.column - 1),
        )
    return types.DiagnosticRelatedInformation(
        location=types.Location(uri=uri, range=where), message=location.note or "related"
    )
