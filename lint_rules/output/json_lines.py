"""One JSON object a line, with the fields of the ``json`` format (ruff's ``json-lines``)."""

from __future__ import annotations

import json
from typing import TextIO

from lint_rules.output.json_format import finding_document
from lint_rules.output.report import Report


def render(report: Report, stream: TextIO, color: bool) -> None:
    for finding in report.findings:
        stream.write(json.dumps(finding_document(finding), ensure_ascii=False) + "\n")
