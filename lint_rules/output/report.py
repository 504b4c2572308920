"""What every reporter receives: the findings of a run and a few counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lint_rules.model import FileResult
from lint_rules.model import Finding

# Where the rule documentation lives; one place to change if the project moves.
DOCS_URL = "https://github.com/aeecleclair/hyperion-lint/blob/main/docs/rules.md"


def rule_url(code: str, name: str) -> str:
    return f"{DOCS_URL}#{code.lower()}-{name}"


@dataclass
class Report:
    results: list[FileResult]
    files_checked: int
    # Whether the user can apply the fixes shown as [*] with a flag of this version.
    fixes_available: bool = False
    findings: list[Finding] = field(init=False)

    def __post_init__(self) -> None:
        self.findings = sorted(
            (f for r in self.results for f in r.findings), key=lambda f: f.sort_key
        )

    @property
    def fixable(self) -> int:
        return sum(1 for f in self.findings if f.fix is not None)

    @property
    def files_with_findings(self) -> int:
        return len({f.path for f in self.findings})

    def sources(self) -> dict[str, str]:
        return {r.path: r.source for r in self.results if r.source is not None}

    def statistics(self) -> list[tuple[int, str, str, bool]]:
        """(count, code, name, fixable) per rule, most frequent first."""
        counts = Counter((f.code, f.name) for f in self.findings)
        fixable = {(f.code, f.name) for f in self.findings if f.fix is not None}
        return sorted(
            ((n, code, name, (code, name) in fixable) for (code, name), n in counts.items()),
            key=lambda row: (-row[0], row[1]),
        )


def summary_line(report: Report) -> str:
    count = len(report.findings)
    files = report.files_checked
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if count == 0:
        return f"All checks passed! ({checked})"
    plural = "s" if count != 1 else ""
    where = report.files_with_findings
    text = f"Found {count} finding{plural} in {where} file{'s' if where != 1 else ''} ({checked})."
    if report.fixable:
        text += f" {report.fixable} marked [*] have an automatic fix."
    return text
