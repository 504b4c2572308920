"""The human format: findings grouped by file, each with its source line, a caret under
the offending code, and what to do about it."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.text import Text

from lint_rules.engine.suppression import source_lines
from lint_rules.model import Finding
from lint_rules.output.report import Report


def _snippet(finding: Finding, lines: list[str]) -> Text:
    text = Text()
    number = finding.start.line
    if not 1 <= number <= len(lines):
        return text
    line = lines[number - 1].rstrip("\r\n").expandtabs(1)
    gutter = len(str(number))
    pad = " " * gutter
    text.append(f"  {pad} |\n", style="blue")
    text.append(f"  {number} | ", style="blue")
    text.append(line + "\n")
    start = max(finding.start.column - 1, 0)
    if finding.end.line == finding.start.line and finding.end.column > finding.start.column:
        width = finding.end.column - finding.start.column
    else:
        width = max(len(line) - start, 1)
    text.append(f"  {pad} | ", style="blue")
    text.append(" " * start + "^" * max(width, 1), style="bold red")
    text.append(f" {finding.code}\n", style="bold red")
    return text


def render(report: Report, stream: TextIO, color: bool) -> None:
    console = Console(
        file=stream,
        no_color=not color,
        force_terminal=color or None,
        highlight=False,
        soft_wrap=True,
        emoji=False,
    )
    sources = report.sources()
    for path, group in groupby(report.findings, key=lambda f: f.path):
        console.print(Text(path, style="bold underline"))
        lines = source_lines(sources.get(path) or "", keepends=True)
        for finding in group:
            head = Text("  ")
            head.append(f"{finding.start.line}:{finding.start.column}", style="cyan")
            head.append("  ")
            head.append(finding.code, style="bold red")
            if finding.fix is not None:
                head.append(" [*]", style="cyan")
            head.append(f" {finding.message}")
            console.print(head)
            snippet = _snippet(finding, lines)
            if snippet:
                console.print(snippet, end="")
            if finding.fix_title:
                help_line = Text("  = ", style="blue")
                help_line.append("help: ", style="bold")
                help_line.append(finding.fix_title)
                console.print(help_line)
            for related in finding.related:
                note = Text("  = ", style="blue")
                note.append("note: ", style="bold")
                note.append(f"{related.path}:{related.start.line}:{related.start.column}")
                if related.note:
                    note.append(f" {related.note}")
                console.print(note)
            console.print()
