"""What every reporter receives: the findings of a run and a few counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lint_rules.model import Applicability, FileResult, Finding

# Where the rule documentation lives; one place to change if the project moves.
DOCS_URL = "https://github.com/aeecleclair/hyperion-lint/blob/main/docs/rules.md"


def rule_url(code: str, name: str) -> str:
    return f"{DOCS_URL}#{code.lower()}-{name}"


# As ruff's statistics: `[*]` a fix `--fix` applies, `[-]` one only `--unsafe-fixes` applies.
SAFE_MARK, UNSAFE_MARK = "[*]", "[-]"


def mark(finding: Finding) -> str:
    """``[*]``, ``[-]`` or "" for a finding's fix (see :data:`SAFE_MARK`)."""
    if finding.fix is None:
        return ""
    return SAFE_MARK if finding.fix.applicability is Applicability.SAFE else UNSAFE_MARK


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
        """Findings ``--fix`` fixes (safe fixes)."""
        return sum(1 for f in self.findings if mark(f) == SAFE_MARK)

    @property
    def unsafe_fixable(self) -> int:
        """Findings only ``--fix --unsafe-fixes`` fixes."""
        return sum(1 for f in self.findings if mark(f) == UNSAFE_MARK)

    @property
    def files_with_findings(self) -> int:
        return len({f.path for f in self.findings})

    def sources(self) -> dict[str, str]:
        return {r.path: r.source for r in self.results if r.source is not None}

    def statistics(self) -> list[tuple[int, str, str, str]]:
        """(count, code, name, mark) per rule, most frequent first: the mark of its
        findings' fixes (``[*]`` when one is safe, else ``[-]`` when one is unsafe)."""
        counts = Counter((f.code, f.name) for f in self.findings)
        marks: dict[tuple[str, str], str] = {}
        for f in self.findings:
            if mark(f) and marks.get((f.code, f.name)) != SAFE_MARK:
                marks[(f.code, f.name)] = mark(f)
        return sorted(
            ((n, code, name, marks.get((code, name), "")) for (code, name), n in counts.items()),
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
    safe, unsafe = report.fixable, report.unsafe_fixable
    if safe and unsafe:
        text += f" {safe} marked {SAFE_MARK} fixable with `--fix` ({unsafe} more, marked {UNSAFE_MARK}, with `--fix --unsafe-fixes`)."
    elif safe:
        text += f" {safe} marked {SAFE_MARK} fixable with `--fix`."
    elif unsafe:
        text += f" {unsafe} marked {UNSAFE_MARK} fixable with `--fix --unsafe-fixes`."
    return text
