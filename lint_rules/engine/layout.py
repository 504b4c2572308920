"""Laying out a fix the way the project's formatter would: a call that a fix makes longer
than the line length is written one argument a line, with a trailing comma.

Hyperion formats with ``ruff format`` (line length 88, from ``[tool.ruff]``). A fix that
adds ``summary="..."`` to a one-line decorator can push it past that length, and the
project's CI (``ruff format --check``) then fails on the fixed file. ruff format splits such
a call one argument a line and ends it with a comma (the "magic trailing comma", which also
keeps it split), which is what :func:`fit` writes.
"""

from __future__ import annotations

import libcst as cst

from lint_rules.model import Edit

DEFAULT_LINE_LENGTH = 88


def fit(lines: list[str], edit: Edit, line_length: int) -> Edit:
    """``edit``, with the call it writes split one argument a line when a line of it would
    be longer than ``line_length``; any other edit as it is. The call must end its line
    (a decorator, the value of an assignment) and hold no comment."""
    if "#" in edit.content or not 0 < edit.start.line <= len(lines) or not 0 < edit.end.line <= len(lines):
        return edit
    first, last = lines[edit.start.line - 1], lines[edit.end.line - 1]
    body = first.rstrip("\r\n")
    newline = first[len(body) :] or "\n"
    prefix, suffix = body[: edit.start.column - 1], last.rstrip("\r\n")[edit.end.column - 1 :]
    written = (prefix + edit.content).replace("\r\n", "\n").split("\n")
    if suffix.strip() or max(len(line) for line in written) <= line_length:
        return edit  # it fits, or the call is not the end of its line (an argument of another)
    try:
        call = cst.parse_expression(edit.content)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return edit
    if not isinstance(call, cst.Call) or not call.args:
        return edit
    indent = body[: len(body) - len(body.lstrip())]
    inner = indent + "    "
    code = cst.Module([]).code_for_node
    arguments = [
        " ".join(code(arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace(""))).split())
        for arg in call.args
    ]
    if any("\n" in code(arg.value) for arg in call.args):
        return edit  # an argument of several lines (a list, a call): the formatter's own business
    text = f"{code(call.func)}({newline}" + "".join(f"{inner}{a},{newline}" for a in arguments) + f"{indent})"
    return Edit(edit.start, edit.end, text)
