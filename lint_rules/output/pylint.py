"""pylint's parseable format, ``path:line: [CODE] message``, for tools that read pylint."""

from __future__ import annotations

from typing import TextIO

from lint_rules.output.report import Report


def render(report: Report, stream: TextIO, color: bool) -> None:
    for finding in report.findings:
        stream.write(f"{finding.path}:{finding.start.line}: [{finding.code}] {finding.message}\n")
