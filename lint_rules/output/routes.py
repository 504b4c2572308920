"""``hyperion-lint routes`` formats: a table grouped by module (rich on a terminal, aligned
text otherwise), JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import json
import posixpath
from collections import Counter
from collections.abc import Sequence
from itertools import groupby
from typing import Any, TextIO

from lint_rules.engine.routes_report import KINDS, PUBLIC, RouteEntry

COLUMNS = ("method", "path", "handler", "place", "status", "response model", "summary", "access")
# What a module-less route is grouped under.
NO_MODULE = "(no module)"


def _row(entry: RouteEntry) -> tuple[str, ...]:
    return (
        entry.method,
        entry.path,
        entry.handler,
        entry.place,
        entry.status_code or "-",
        entry.response or "-",
        entry.summary or "-",
        entry.access.text(),
    )


def _groups(entries: Sequence[RouteEntry]) -> list[tuple[str, list[RouteEntry]]]:
    return [(module or NO_MODULE, list(group)) for module, group in groupby(entries, key=lambda e: e.module)]


def counts(entries: Sequence[RouteEntry]) -> list[tuple[str, int]]:
    """How many routes have each kind of access, in KINDS order (public first); a route
    that asks for several things counts for each."""
    found = Counter(kind for e in entries for kind in e.access.kinds)
    return [(kind, found[kind]) for kind in (PUBLIC, *KINDS) if found[kind]]


def summary_line(entries: Sequence[RouteEntry]) -> str:
    files = len({e.file for e in entries})
    shown = ", ".join(f"{n} {kind}" for kind, n in counts(entries))
    routes = f"{len(entries)} route{'s' if len(entries) != 1 else ''}"
    return f"{routes} in {files} file{'s' if files != 1 else ''}" + (f": {shown}" if shown else "")


def render_text(entries: Sequence[RouteEntry], stream: TextIO) -> None:
    """Aligned columns, one block per module."""
    for module, group in _groups(entries):
        rows = [_row(e) for e in group]
        widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS) - 1)]
        stream.write(f"{module} ({len(rows)} route{'s' if len(rows) != 1 else ''})\n")
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths)]
            stream.write("  " + "  ".join([*cells, row[-1]]).rstrip() + "\n")
        stream.write("\n")
    stream.write(summary_line(entries) + "\n")


def render_rich(entries: Sequence[RouteEntry], stream: TextIO) -> None:
    """One rich table per module, titled with the module's folder; places are given
    from there."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(file=stream, force_terminal=True)
    for module, group in _groups(entries):
        folder = posixpath.commonpath([posixpath.dirname(e.file) for e in group])
        routes = f"{len(group)} route{'s' if len(group) != 1 else ''}"
        table = Table(title=f"{module} [dim]{escape(folder)}/ ({routes})[/dim]", title_justify="left", title_style="bold")
        for column in COLUMNS:
            table.add_column(column, overflow="fold", no_wrap=column in ("method", "status"))
        for entry in group:
            row = [escape(cell) for cell in _row(entry)]
            row[3] = escape(f"{posixpath.relpath(entry.file, folder) if folder else entry.file}:{entry.line}")
            if entry.access.public:
                row[-1] = f"[bold red]{row[-1]}[/bold red]"
            table.add_row(*row)
        console.print(table)
    console.print(escape(summary_line(entries)), highlight=False)


def entry_data(entry: RouteEntry) -> dict[str, Any]:
    return {
        "method": entry.method,
        "path": entry.path,
        "handler": entry.handler,
        "file": entry.file,
        "line": entry.line,
        "module": entry.module or None,
        "status_code": entry.status_code,
        "response_model": entry.response_model,
        "response_class": entry.response_class,
        "summary": entry.summary,
        "access": entry.access.text(),
        "public": entry.access.public,
        "requirements": [
            {"kind": r.kind, "value": r.value or None, "where": r.where or None} for r in entry.access.requirements
        ],
    }


def render_json(entries: Sequence[RouteEntry], stream: TextIO) -> None:
    json.dump([entry_data(e) for e in entries], stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(entries: Sequence[RouteEntry], stream: TextIO) -> None:
    """A section and a table per module."""
    stream.write("# Routes\n\n" + summary_line(entries) + ".\n")
    header = ("Method", "Path", "Handler", "Place", "Status", "Response model", "Summary", "Access")
    for module, group in _groups(entries):
        stream.write(f"\n## {module}\n\n")
        stream.write("| " + " | ".join(header) + " |\n")
        stream.write("|" + "---|" * len(header) + "\n")
        for entry in group:
            row = list(_row(entry))
            row[1], row[2], row[3] = f"`{row[1]}`", f"`{row[2]}`", f"`{row[3]}`"
            stream.write("| " + " | ".join(_cell(c) for c in row) + " |\n")


def render_csv(entries: Sequence[RouteEntry], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(
        ["module", "method", "path", "handler", "file", "line", "status_code", "response_model", "response_class", "summary", "access", "public"]
    )
    for e in entries:
        writer.writerow(
            [
                e.module,
                e.method,
                e.path,
                e.handler,
                e.file,
                e.line,
                e.status_code or "",
                e.response_model or "",
                e.response_class or "",
                e.summary or "",
                e.access.text(),
                "yes" if e.access.public else "no",
            ]
        )


RENDERERS = {"json": render_json, "markdown": render_markdown, "csv": render_csv}

__all__ = ["COLUMNS", "RENDERERS", "counts", "render_rich", "render_text", "summary_line"]
