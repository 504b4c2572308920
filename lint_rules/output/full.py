"""The human format: findings grouped by file, each with its source line, a caret under
the offending code, and what to do about it."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import TextIO

from lint_rules.engine.suppression import source_lines
from lint_rules.model import Finding
from lint_rules.output.report import Report, mark

# (text, rich style or None)
Piece = tuple[str, str | None]

# What a terminal would act on rather than print (rich strips the same ones).
_CONTROL = {code: None for code in (7, 8, 11, 12, 13)}


def _snippet(finding: Finding, lines: list[str]) -> Iterator[Piece]:
    number = finding.start.line
    if not 1 <= number <= len(lines) or finding.start == finding.end:
        return  # a finding about the whole file (an empty span at 1:1) points at no code
    line = lines[number - 1].rstrip("\r\n").expandtabs(1)
    gutter = len(str(number))
    pad = " " * gutter
    yield f"  {pad} |\n", "blue"
    yield f"  {number} | ", "blue"
    yield line + "\n", None
    start = max(finding.start.column - 1, 0)
    if finding.end.line == finding.start.line and finding.end.column > finding.start.column:
        width = finding.end.column - finding.start.column
    else:
        width = max(len(line) - start, 1)
    yield f"  {pad} | ", "blue"
    yield " " * start + "^" * max(width, 1), "bold red"
    yield f" {finding.code}\n", "bold red"


def _pieces(report: Report) -> Iterator[Piece]:
    sources = report.sources()
    for path, group in groupby(report.findings, key=lambda f: f.path):
        yield path, "bold underline"
        yield "\n", None
        lines = source_lines(sources.get(path) or "", keepends=True)
        for finding in group:
            yield "  ", None
            yield f"{finding.start.line}:{finding.start.column}", "cyan"
            yield "  ", None
            yield finding.code, "bold red"
            if finding.fix is not None:
                yield " " + mark(finding), "cyan"
            yield f" {finding.message}\n", None
            yield from _snippet(finding, lines)
            if finding.fix_title:
                yield "  = ", "blue"
                yield "help: ", "bold"
                yield finding.fix_title + "\n", None
            for related in finding.related:
                yield "  = ", "blue"
                yield "note: ", "bold"
                yield f"{related.path}:{related.start.line}:{related.start.column}", None
                yield (f" {related.note}\n" if related.note else "\n"), None
            yield "\n", None


def render(report: Report, stream: TextIO, color: bool) -> None:
    if not color:
        # Plain text needs no terminal library: written as is, it is several times faster.
        stream.write("".join(text for text, _ in _pieces(report)).translate(_CONTROL))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True, emoji=False)
    # One Text for the whole report, printed once: a print call costs far more than the
    # text it prints.
    out = Text()
    for text, style in _pieces(report):
        out.append(text, style=style)
    if out:
        console.print(out, end="")
