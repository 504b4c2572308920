"""Why a file could not be parsed: HYP999 findings that locate the problem well.

LibCST's parser reports most errors at the start of the next line; CPython's own parser
(``ast.parse``: parsing only, nothing of the file runs) says where and what, so it is
asked first. Text that LibCST's parser cannot take at all is caught before it by
:mod:`lint_rules.engine.complexity`.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings

import libcst as cst

from lint_rules.engine.suppression import source_lines
from lint_rules.model import META_CODE, SYNTAX_ERROR, Finding, Position

# Lines that Python 3.11's own parser rejects although they are valid 3.12+ code.
_NEWER_SYNTAX = re.compile(r"^\s*(?:type\s+\w+.*=|(?:async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)")


def compiler_error(source: str) -> tuple[int, int, str] | None:
    """CPython's own diagnosis (it locates errors far better than LibCST's parser).

    Only parsing is done (``ast.parse``): nothing of the file is compiled to bytecode or run.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "invalid escape sequence": not printed
            ast.parse(source)
    except SyntaxError as error:
        line = error.lineno or 1
        lines = source_lines(source)
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        if sys.version_info < (3, 12) and _NEWER_SYNTAX.match(text):
            return None  # 3.11 does not know this syntax: trust LibCST instead
        return line, max(error.offset or 1, 1), error.msg
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


def syntax_error_finding(path: str, source: str, error: cst.ParserSyntaxError) -> Finding:
    diagnosis = compiler_error(source)
    if diagnosis is not None:
        line, column, detail = diagnosis
    else:
        line, column = max(error.raw_line, 1), error.raw_column + 1
        detail = error.message.strip().splitlines()[0] if error.message.strip() else "invalid syntax"
    return syntax_finding(path, source, line, column, detail)


def syntax_finding(path: str, source: str, line: int, column: int, detail: str) -> Finding:
    # LibCST's raw_line/raw_column may point past the end of a line (or of the file):
    # keep the position inside the file.
    lines = re.split(r"\r\n|\r|\n", source)
    line = min(max(line, 1), len(lines))
    column = min(max(column, 1), len(lines[line - 1]) + 1)
    return unparsed(path, line, column, f"Cannot parse this file: {detail}. Fix the syntax; no rule could check it.")


def unparsed(path: str, line: int, column: int, message: str) -> Finding:
    """A HYP999 syntax-error finding: the file was not checked, and why."""
    return Finding(
        code=META_CODE,
        name=SYNTAX_ERROR,
        message=message,
        path=path,
        start=Position(line, column),
        end=Position(line, column),
    )


def parse_error(path: str, source: str, error: Exception) -> Finding:
    if isinstance(error, cst.ParserSyntaxError):
        return syntax_error_finding(path, source, error)
    if isinstance(error, SyntaxError):
        # LibCST's parser accepted what its node validation then refused (CSTValidationError,
        # e.g. an identifier made of a character newer than this Python's Unicode tables).
        diagnosis = compiler_error(source)
        if diagnosis is not None:
            return syntax_finding(path, source, *diagnosis)
        return syntax_finding(path, source, error.lineno or 1, error.offset or 1, str(error.msg or error))
    if isinstance(error, UnicodeError):  # a lone surrogate (text from an editor, not a file)
        for number, line in enumerate(source_lines(source), start=1):
            for column, character in enumerate(line, start=1):
                if 0xD800 <= ord(character) <= 0xDFFF:
                    return unparsed(
                        path,
                        number,
                        column,
                        f"Cannot parse this file: line {number} holds U+{ord(character):04X}, half of a UTF-16 "
                        "surrogate pair and not a character; delete it. No rule could check it.",
                    )
    return unparsed(path, 1, 1, f"Cannot parse this file: {type(error).__name__}. No rule could check it.")


def too_deep(path: str) -> Finding:
    message = (
        "Cannot check this file: its expressions are nested too deeply for the linter's "
        "traversal. Split the expression; no rule could check it."
    )
    return unparsed(path, 1, 1, message)
