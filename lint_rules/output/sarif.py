"""SARIF 2.1.0, for GitHub code scanning and SARIF viewers: one run, whose driver lists
the rules that produced findings (with their documentation and its URL), and a result
a finding, with its region, the other places it names and its fix.

Paths are relative URIs against ``%SRCROOT%``, the working directory (the repository
root in CI); columns count Unicode code points, as hyperion-lint's do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from lint_rules import __version__
from lint_rules.engine.registry import all_rules
from lint_rules.model import META_CODE, Finding, Position
from lint_rules.output.report import Report, rule_url

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/aeecleclair/hyperion-lint"
ROOT = "%SRCROOT%"
_META_DESCRIPTION = (
    "The file could not be checked: it does not parse, it cannot be read, or a rule failed on it."
)


def _what_it_does(documentation: str) -> str:
    match = re.search(r"## What it does\n(.*?)(?:\n\n|\n## |\Z)", documentation, flags=re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""


def rule_descriptor(code: str) -> dict[str, Any]:
    rule = all_rules().get(code)
    if rule is None:  # HYP999: the engine's own findings
        return {
            "id": code,
            "shortDescription": {"text": _META_DESCRIPTION},
            "fullDescription": {"text": _META_DESCRIPTION},
            "helpUri": rule_url(META_CODE, "syntax-error"),
        }
    documentation = rule.documentation()
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": _what_it_does(documentation) or rule.name},
        "fullDescription": {"text": documentation, "markdown": documentation},
        "helpUri": rule_url(code, rule.name),
    }


def _artifact(path: str) -> dict[str, str]:
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": ROOT}


def _region(start: Position, end: Position) -> dict[str, int]:
    return {"startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": end.column}


def _physical(path: str, start: Position, end: Position) -> dict[str, Any]:
    return {"artifactLocation": _artifact(path), "region": _region(start, end)}


def result(finding: Finding, rule_index: int) -> dict[str, Any]:
    document: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.path, finding.start, finding.end)}],
    }
    if finding.related:
        document["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(r.path, r.start, r.end)}
            | ({"message": {"text": r.note}} if r.note else {})
            for number, r in enumerate(finding.related, start=1)
        ]
    if finding.fix is not None:
        replacements = [
            {"deletedRegion": _region(edit.start, edit.end), "insertedContent": {"text": edit.content}}
            for edit in finding.fix.edits
        ]
        document["fixes"] = [
            {
                "description": {"text": finding.fix.title},
                "artifactChanges": [{"artifactLocation": _artifact(finding.path), "replacements": replacements}],
            }
        ]
    return document


def sarif_document(report: Report) -> dict[str, Any]:
    codes = sorted({f.code for f in report.findings})
    index = {code: number for number, code in enumerate(codes)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "hyperion-lint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(code) for code in codes],
                    }
                },
                "originalUriBaseIds": {ROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [result(f, index[f.code]) for f in report.findings],
            }
        ],
    }


def render(report: Report, stream: TextIO, color: bool) -> None:
    json.dump(sarif_document(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
