"""One line a finding: ``path:line:column: CODE [*] message`` (``[-]``: an unsafe fix)."""

from __future__ import annotations

from typing import TextIO

from lint_rules.output.report import Report, mark


def line_of(finding) -> str:  # type: ignore[no-untyped-def]
    fix = mark(finding)
    return f"{finding.path}:{finding.start.line}:{finding.start.column}: {finding.code}{' ' + fix if fix else ''} {finding.message}"


def render(report: Report, stream: TextIO, color: bool) -> None:
    for finding in report.findings:
        stream.write(line_of(finding) + "\n")
