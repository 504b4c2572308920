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
        range=text.range(finding.start, finding.end),
        message=finding.message,
        severity=severity(finding),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.code, finding.name)),
        source=SOURCE,
        tags=[types.DiagnosticTag.Unnecessary] if finding.name == UNUSED_NOQA else None,
        related_information=[_related(r, locate) for r in finding.related] or None,
    )


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
