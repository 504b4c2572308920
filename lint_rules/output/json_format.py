"""A JSON array with ruff's schema, so tools that read ``ruff --output-format json`` read ours."""

from __future__ import annotations

import json
import os
from typing import Any, TextIO

from lint_rules.model import Finding, Position
from lint_rules.output.report import Report, rule_url


def _location(position: Position) -> dict[str, int]:
    return {"column": position.column, "row": position.line}


def finding_document(finding: Finding) -> dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {
            "applicability": finding.fix.applicability.value,
            "edits": [
                {
                    "content": edit.content,
                    "end_location": _location(edit.end),
                    "location": _location(edit.start),
                }
                for edit in finding.fix.edits
            ],
            "message": finding.fix.title,
        }
    return {
        "cell": None,
        "code": finding.code,
        "end_location": _location(finding.end),
        "filename": os.path.abspath(finding.path),
        "fix": fix,
        "location": _location(finding.start),
        "message": finding.message,
        "name": finding.name,
        "noqa_row": finding.start.line,
        "related": [
            {
                "filename": os.path.abspath(r.path),
                "location": _location(r.start),
                "end_location": _location(r.end),
                "message": r.note,
            }
            for r in finding.related
        ],
        "url": rule_url(finding.code, finding.name),
    }


def render(report: Report, stream: TextIO, color: bool) -> None:
    json.dump([finding_document(f) for f in report.findings], stream, indent=2, ensure_ascii=False)
    stream.write("\n")
