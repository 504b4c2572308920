"""GitLab's Code Quality report: a JSON array of issues, shown in merge requests.

Each issue has the documented fields: ``description``, ``check_name``, ``fingerprint``,
``severity`` and ``location`` (``path``, ``lines.begin``/``lines.end``). GitLab compares
fingerprints between the source and target branches to tell new issues from old ones,
so a fingerprint is built from what the finding is, not from where it is: the rule, the
file, the enclosing ``Class.function`` and the offending code (whitespace collapsed),
plus a counter that tells identical findings apart. Adding lines above a finding keeps
its fingerprint; changing the offending code makes it a new issue.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any, TextIO

from lint_rules.model import META_CODE, Finding
from lint_rules.output.report import Report

# A file that cannot be parsed or read hides every other finding in it.
_SEVERITY = {META_CODE: "critical"}


def fingerprint(finding: Finding, occurrence: int) -> str:
    """A stable identity; ``occurrence`` counts the identical findings before this one."""
    parts = (finding.code, finding.path, finding.scope, finding.snippet, str(occurrence))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def issue(finding: Finding, occurrence: int) -> dict[str, Any]:
    return {
        "description": f"{finding.code}: {finding.message}",
        "check_name": f"{finding.code} {finding.name}",
        "fingerprint": fingerprint(finding, occurrence),
        "severity": _SEVERITY.get(finding.code, "major"),
        "location": {
            "path": finding.path,
            "lines": {"begin": finding.start.line, "end": finding.end.line},
        },
    }


def render(report: Report, stream: TextIO, color: bool) -> None:
    seen: Counter[tuple[str, str, str, str]] = Counter()
    issues = []
    for finding in report.findings:
        key = (finding.code, finding.path, finding.scope, finding.snippet)
        issues.append(issue(finding, seen[key]))
        seen[key] += 1
    json.dump(issues, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
