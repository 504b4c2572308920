"""Valid code that LibCST's parser cannot take: caught before it is asked.

LibCST's native parser can take the whole process down (a stack overflow) on text
nested more deeply than CPython itself accepts, or on a valid expression of thousands
of terms, and is very slow long before. These checks look at the text first, cheaply,
and ask CPython's parser (``ast.parse``: parsing only) only about the rare lines that
could be such; the file then gets a HYP999 finding that says what to split.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from lint_rules.engine.parse_errors import compiler_error, syntax_finding, unparsed
from lint_rules.engine.suppression import source_lines
from lint_rules.model import Finding

MAX_NESTING = 200  # CPython's tokenizer limit on nested brackets
_BRACKETS = re.compile(r"[()\[\]{}]")


def nesting_depth(source: str) -> int:
    """The deepest bracket nesting of the text (strings and comments included: an upper
    bound, checked only against a limit real code never comes near)."""
    if source.count("(") + source.count("[") + source.count("{") <= MAX_NESTING:
        return 0
    return _scan(source)[0]


# -- expressions too long for LibCST's parser -------------------------------------------------
#
# LibCST's native parser recurses once per level of an expression, and its time grows with
# the square of the depth. With LibCST 1.9 on an 8 MiB stack, on one line or spread over
# lines (brackets, backslashes) alike, a valid chain of about
#   3,500 `lambda: lambda: ...`;  5,600 `a if b else ...`;  5,900 `a.b.b...`;
#   7,000 `+`, `*`, `|`, `**`, `and`, `or`, or calls `f()()...`;  8,200 `-`/`not`;  8,300 `elif`
# kills the process (a stack overflow), and long before that it is slow: 2,000 subscripts
# `a[0][0]...` take 10 s, 5,600 take 40 s. More than 3,000 implicitly concatenated strings,
# or `for` clauses in one comprehension, are refused with a misleading syntax error.
# Comparisons, tuples, arguments and statements are flat: no limit there. CPython 3.11 and
# 3.12 refuse about 3,000 levels themselves; real code stays far below (35 levels at most
# in the standard library, 20 in Hyperion).
#
# The limit is the engine's, lower: its position pass (LibCST's code generation) recurses
# too, and handles about 490 levels under Python's default recursion limit.
MAX_TERMS = 400
MAX_STRINGS = 3000  # LibCST's own limit on implicitly concatenated strings
# Every level of an expression but its last term owns one of these tokens (its operator,
# bracket, dot, comma, colon, quote or keyword), so an expression of N terms needs N - 1 of
# them in its logical line. Counted as substrings: an upper bound.
_OWN_CHARS = "+-*/%@|&^~<>=!.:,([{\"'"
_NOT_OWN = bytes(byte for byte in range(256) if chr(byte) not in _OWN_CHARS)
_KEYWORDS = ("and", "or", "not", "if", "lambda", "for", "await", "yield", "in", "is")
_ANY_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def too_complex(path: str, source: str) -> Finding | None:
    """A HYP999 finding for a valid file that LibCST's parser cannot take (it would crash,
    or take minutes): an expression of more than MAX_TERMS terms, an if statement of more
    than MAX_TERMS branches, more than MAX_STRINGS strings concatenated. None for any
    ordinary file, cheaply.

    The text is looked at first: an expression of N terms needs a logical line that holds
    N - 1 operators, dots, brackets or keywords. Only such a line is parsed, by CPython
    (``ast.parse``: parsing only), and measured without recursion; the whole file when it
    has that many ``elif``, or when the line is no statement on its own (`else:`, a
    decorator).
    """
    if len(source) <= MAX_TERMS:
        return None
    heavy = sorted((s, e) for s, e in _scan(source)[1].items() if _own_tokens(source, s, e) >= MAX_TERMS)
    elifs = source.count("elif") >= MAX_TERMS
    if not heavy and not elifs:
        return None
    if not elifs:
        verdicts = [_judge(source[start:end], _line_number(source, start)) for start, end in heavy]
        if all(verdict is not _INVALID for verdict in verdicts):
            return next((_complex_finding(path, source, *v) for v in verdicts if v is not None), None)
    verdict = _judge(source, 1)
    if verdict is _INVALID:
        # Invalid anyway: say what CPython says rather than let LibCST try.
        diagnosis = compiler_error(source)
        return syntax_finding(path, source, *diagnosis) if diagnosis is not None else None
    if verdict is not None and verdict[0] is _GAVE_UP:  # on which line? the heaviest, or the elifs' if
        verdict = (_GAVE_UP, _line_number(source, heavy[0][0] if heavy else _first_elif_chain(source)), None)
    return None if verdict is None else _complex_finding(path, source, *verdict)


_INVALID = ("", 0, None)  # a piece of text that CPython does not parse
_GAVE_UP = "this statement is too complex for the parser (and for Python's own)"


def _judge(text: str, first_line: int) -> tuple[str, int, int | None] | None:
    """What in ``text`` (a logical line starting at ``first_line``, or the whole file) is
    too complex, as (problem, line, UTF-8 column offset, or None for the start of the
    line); None when nothing is, ``_INVALID`` when CPython does not parse it."""
    indented = text[:1] in (" ", "\t", "\x0c")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = "if 1:\n" + text if indented else text
            tree = ast.parse(text)
    except SyntaxError:
        return _INVALID
    except (RecursionError, MemoryError):
        # Too complex for CPython's own parser too (about 3,000 levels).
        return _GAVE_UP, first_line, None
    except ValueError:
        return _INVALID
    found = _too_deep_node(tree)
    if found is None and text.count('"') + text.count("'") >= 2 * MAX_STRINGS:
        found = _long_concatenation(text, tree)
    if found is None:
        return None
    what, limit, node = found
    line = first_line + node.lineno - 1 - indented  # the line of ``if 1:`` is not the file's
    return f"{what} is too complex for the parser ({limit} at most)", line, node.col_offset


def _first_elif_chain(source: str) -> int:
    """Where the ``if`` of the first ``elif`` of the file starts (a guess: the text only)."""
    elif_at = source.find("elif")
    line_start = source.rfind("\n", 0, elif_at) + 1
    indent = source[line_start:elif_at]
    heads = re.finditer(rf"^{re.escape(indent)}if\b", source[:line_start], re.MULTILINE)
    return max((head.start() for head in heads), default=line_start)


def _line_number(source: str, offset: int) -> int:
    return len(_ANY_LINE_BREAK.split(source[:offset]))


def _complex_finding(path: str, source: str, problem: str, line: int, utf8_column: int | None) -> Finding:
    lines = source_lines(source)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if utf8_column is None:
        column = len(text) - len(text.lstrip()) + 1
    else:
        column = len(text.encode("utf-8", "surrogatepass")[:utf8_column].decode("utf-8", "replace")) + 1
    return unparsed(path, line, column, f"Cannot check this file: {problem}. Split it; no rule could check it.")


def _own_tokens(source: str, start: int, end: int) -> int:
    """How many of ``_OWN_CHARS`` and ``_KEYWORDS`` the text from ``start`` to ``end`` holds
    (from MAX_TERMS on, the count may stop short)."""
    found = len(source[start:end].encode("utf-8", "surrogatepass").translate(None, _NOT_OWN))
    if found < MAX_TERMS:
        found += sum(source.count(word, start, end) for word in _KEYWORDS)
    return found


# -- one pass over the brackets, for nesting_depth and too_complex ---------------------------

# A comment or a string (skipped), or a bracket: for text whose brackets do not balance.
_BRACKETS_OUTSIDE_STRINGS = re.compile(
    r"#[^\r\n]*"
    r"|'''(?:[^\\]|\\.)*?'''"
    r'|"""(?:[^\\]|\\.)*?"""'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|[()\[\]{}]",
    re.DOTALL,
)
_BACKSLASH_NEWLINE = re.compile(r"\\\r?\n")
_CONTINUED = ("\\", "\\\r")  # a line ending with a backslash goes on on the next one
# The last scan: analyze() asks nesting_depth, then too_complex, about the same text.
_last_scan: tuple[str, tuple[int, dict[int, int]]] | None = None


def _scan(source: str) -> tuple[int, dict[int, int]]:
    """The deepest bracket nesting (brackets in strings and comments included: an upper
    bound), and the logical lines of MAX_TERMS characters or more, as start -> end offsets.

    A newline inside a triple-quoted string, or a closing bracket quoted inside a
    bracketed expression that spans lines, ends a logical line early here: an expression
    of thousands of terms could hide from this scan only by being cut by many of them."""
    global _last_scan
    last = _last_scan
    if last is not None and last[0] is source:
        return last[1]
    continued = _BACKSLASH_NEWLINE.search(source) is not None
    deepest, lines, balanced = _bracket_lines(source, _BRACKETS, continued)
    if not balanced:  # some bracket is quoted or commented out: skip strings and comments
        _, outside, balanced = _bracket_lines(source, _BRACKETS_OUTSIDE_STRINGS, continued)
        if balanced:
            lines = outside
    # Long physical lines, and lines joined by backslashes.
    if continued or max(map(len, source.split("\n"))) >= MAX_TERMS:
        start = 0
        while start < len(source):
            end = _line_end(source, start)
            if end - start >= MAX_TERMS:
                lines.setdefault(start, end)
            start = end + 1
    _last_scan = (source, (deepest, lines))
    return deepest, lines


def _bracket_lines(source: str, pattern: re.Pattern[str], continued: bool) -> tuple[int, dict[int, int], bool]:
    """The deepest nesting, the long logical lines that brackets join, and whether the
    brackets balance. A closing bracket too many is skipped; the line of a bracket left
    open goes on to the end of the file."""
    lines: dict[int, int] = {}
    depth = deepest = start = end = 0
    balanced = True
    for match in pattern.finditer(source):
        bracket = match.group()
        if bracket in "([{":
            if depth == 0:
                position = match.start()
                if position >= end:  # the first bracket of a logical line
                    start = _line_start(source, position) if continued else source.rfind("\n", 0, position) + 1
            depth += 1
            if depth > deepest:
                deepest = depth
        elif bracket in ")]}":
            if depth == 0:
                balanced = False
                continue
            depth -= 1
            if depth == 0:
                position = match.start()
                if position >= end:  # else the line goes on to the end already found
                    end = _line_end(source, position) if continued else source.find("\n", position)
                    if end < 0:
                        end = len(source)
                if end - start >= MAX_TERMS:
                    lines[start] = end
    if depth:
        balanced = False
        if len(source) - start >= MAX_TERMS:
            lines[start] = len(source)
    return deepest, lines, balanced


def _line_start(source: str, position: int) -> int:
    """Where the logical line holding ``position`` starts (backslash continuations followed)."""
    index = source.rfind("\n", 0, position)
    while index > 0 and source.endswith(_CONTINUED, 0, index):
        index = source.rfind("\n", 0, index)
    return index + 1


def _line_end(source: str, position: int) -> int:
    """Where the logical line holding ``position`` ends (backslash continuations followed)."""
    index = source.find("\n", position)
    while index > 0 and source.endswith(_CONTINUED, 0, index):
        index = source.find("\n", index + 1)
    return index if index >= 0 else len(source)


# -- measuring CPython's tree --------------------------------------------------------------------


def _too_deep_node(tree: ast.AST) -> tuple[str, int, ast.AST] | None:
    """The first construct of the file beyond MAX_TERMS, as (what, limit, node).

    An expression's size is its number of terms: the levels of its deepest path, where a
    chain of ``and``/``or`` counts one level an operator and a comprehension one level a
    ``for``, as LibCST nests them."""
    found: list[tuple[str, int, ast.AST]] = []
    deepest: dict[ast.AST, int] = {}  # the outermost node of an expression -> its terms
    elif_links: set[ast.AST] = set()
    stack: list[tuple[ast.AST, int, ast.AST | None]] = [(tree, 0, None)]
    while stack:
        node, depth, root = stack.pop()
        if isinstance(node, ast.expr):
            if isinstance(node, ast.BoolOp):
                depth += len(node.values) - 1
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                depth += len(node.generators)
            else:
                depth += 1
            if root is None:
                root = node
            if depth > deepest.get(root, 0):
                deepest[root] = depth
        elif isinstance(node, (ast.stmt, ast.mod)):
            root, depth = None, 0
            if isinstance(node, ast.If) and node not in elif_links:
                branches, link = 1, node
                while len(link.orelse) == 1 and isinstance(link.orelse[0], ast.If):
                    link = link.orelse[0]
                    elif_links.add(link)
                    branches += 1
                if branches > MAX_TERMS:
                    found.append((f"an if statement of {branches} branches", MAX_TERMS, node))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").count(".") >= MAX_TERMS:
                found.append((f"a dotted name of {node.module.count('.') + 1} parts", MAX_TERMS, node))
        elif isinstance(node, ast.alias) and node.name.count(".") >= MAX_TERMS:
            found.append((f"a dotted name of {node.name.count('.') + 1} parts", MAX_TERMS, node))
        stack.extend((child, depth, root) for child in ast.iter_child_nodes(node))
    found += [(f"an expression of {n} terms", MAX_TERMS, node) for node, n in deepest.items() if n > MAX_TERMS]
    return min(found, key=lambda item: (item[2].lineno, item[2].col_offset), default=None)


def _long_concatenation(source: str, tree: ast.AST) -> tuple[str, int, ast.AST] | None:
    """A string literal made of more than MAX_STRINGS implicitly concatenated strings."""
    data = source.encode("utf-8", "surrogatepass")
    offsets = [0]
    for line in source_lines(source, keepends=True):
        offsets.append(offsets[-1] + len(line.encode("utf-8", "surrogatepass")))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and not isinstance(node.value, str | bytes):
            continue
        if not isinstance(node, ast.Constant | ast.JoinedStr):
            continue
        begin = offsets[node.lineno - 1] + node.col_offset
        end = offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
        if end - begin < 2 * MAX_STRINGS:
            continue
        text = "(" + data[begin:end].decode("utf-8", "replace") + ")"
        pieces = nested = 0
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                kind = tokenize.tok_name[token.type]
                if kind in ("FSTRING_START", "TSTRING_START"):  # Python 3.12+: an f-string is tokens
                    pieces += nested == 0
                    nested += 1
                elif kind in ("FSTRING_END", "TSTRING_END"):
                    nested -= 1
                elif kind == "STRING" and nested == 0:
                    pieces += 1
        except (tokenize.TokenError, SyntaxError):
            continue
        if pieces > MAX_STRINGS:
            return f"a concatenation of {pieces} strings", MAX_STRINGS, node
    return None
