"""GitHub Actions workflow commands: one ``::error`` a finding, which GitHub shows as an
annotation on the pull request's diff.

    ::error file=app/x.py,line=4,col=2,endLine=4,endColumn=9,title=HYP010 endpoint-missing-summary::message

GitHub reads ``%``, carriage returns and newlines as escapes in the message, and also
``:`` and ``,`` in the properties, so those are percent-encoded.
"""

from __future__ import annotations

from typing import TextIO

from lint_rules.model import Finding
from lint_rules.output.report import Report


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def line_of(finding: Finding) -> str:
    properties = {
        "file": finding.path,
        "line": finding.start.line,
        "col": finding.start.column,
        "endLine": finding.end.line,
        "endColumn": finding.end.column,
        "title": f"{finding.code} {finding.name}",
    }
    listed = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::error {listed}::{escape_data(finding.message)}"


def render(report: Report, stream: TextIO, color: bool) -> None:
    for finding in report.findings:
        stream.write(line_of(finding) + "\n")
