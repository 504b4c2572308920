"""``check --add-noqa``: write a ``# noqa: CODE`` comment on each line with a finding.

For teams that prefer suppressions next to the code to a baseline file. Codes are added
to a ``# noqa: ...`` already on the line; a line that ends inside a string (where a
comment would become part of the string) is skipped, except line 1, where file-level
findings are reported: there a comment line is added above the docstring, and it is
line 1 in turn, where the suppression is read.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable

from lint_rules.engine.suppression import parse_suppressions, source_lines
from lint_rules.model import INTERNAL_ERROR, META_CODE, Finding

_LINE_END = re.compile(r"(\r\n|\r|\n)$")


def _lines_inside_strings(source: str) -> set[int] | None:
    """Lines whose end lies inside a multi-line string (None when the file cannot be
    tokenised by this Python, e.g. newer syntax: then every line with quotes is avoided)."""
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0], token.end[0]))
            elif getattr(tokenize, "FSTRING_START", None) == token.type:
                return None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return inside


def add_noqa(source: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """The source with the codes of ``findings`` added as noqa comments; and how many
    lines were changed."""
    wanted: dict[int, list[str]] = {}
    for finding in findings:
        if finding.code == META_CODE or finding.name == INTERNAL_ERROR:
            continue
        codes = wanted.setdefault(finding.start.line, [])
        if finding.code not in codes:
            codes.append(finding.code)
    if not wanted:
        return source, 0
    inside = _lines_inside_strings(source)
    existing = parse_suppressions(source)
    lines = source_lines(source, keepends=True)
    changed = 0
    above: list[str] = []  # codes of file-level findings whose line 1 cannot hold a comment
    for number, codes in sorted(wanted.items()):
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        if (inside is None and ('"""' in line or "'''" in line)) or (inside is not None and number in inside):
            if number == 1:
                above = codes  # a docstring opens the file: a comment line of its own, above it
            continue
        ending = _LINE_END.search(line)
        newline = ending.group(1) if ending else ""
        body = line[: len(line) - len(newline)]
        noqa = [s for s in existing.get(number, []) if s.kind == "noqa"]
        if noqa and noqa[0].blanket:
            continue
        if noqa:
            current = noqa[0]
            merged = list(current.codes) + [c for c in codes if c not in current.codes]
            body = body[: current.column - 1] + "# noqa: " + ", ".join(merged) + body[current.end_column - 1 :]
        else:
            body = body.rstrip() + "  # noqa: " + ", ".join(codes)
        lines[number - 1] = body + newline
        changed += 1
    if above:
        ending = _LINE_END.search(lines[0])
        lines.insert(0, "# noqa: " + ", ".join(above) + (ending.group(1) if ending else "\n"))
        changed += 1
    return "".join(lines), changed
