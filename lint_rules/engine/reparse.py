"""Parsing an edited buffer again by parsing only the top-level statements the edit touched.

An editor sends the whole text at each change, but a keystroke changes one statement of
the module: the statements before and after it are the same text, and LibCST's nodes do
not hold positions, so the nodes parsed last time are the nodes a full parse would give
for them now. ``Reparser.parse`` finds the statements the edit touched, parses them with
one unchanged statement on each side (the margins) as a module of their own, checks that
the margins come back equal to the nodes they were (so that the region starts and ends
where the full parse would put its boundaries), and splices the new statements between
the old ones. Anything unusual (an edit in the module's header or footer, a change of the
indentation or newline the module defaults to, a region that does not parse alone, or
margins that differ) falls back to a full parse, so the result always equals
``cst.parse_module(source)`` (``tests/test_reparse.py`` checks it on random edits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst._parser.detect_config import detect_config

from lint_rules.engine.positions import SpanMemo
from lint_rules.engine.walker import WalkMemo
from lint_rules.knowledge.matchers.memo import NodeMemo


class Memo:
    """What the analyses of one buffer keep for its statements that edits do not touch."""

    def __init__(self) -> None:
        self.spans = SpanMemo()
        self.walk = WalkMemo()
        self.nodes = NodeMemo()  # the matchers' answers (knowledge.matchers.memo)


def _length(node: cst.CSTNode, module: cst.Module) -> int:
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    node._codegen(state)
    return sum(map(len, state.tokens))


def _header_length(module: cst.Module) -> int:
    state = CodegenState(default_indent=module.default_indent, default_newline=module.default_newline)
    for line in module.header:
        line._codegen(state)
    return sum(map(len, state.tokens))


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # the longest equal prefix, by halves (each comparison is a memcmp)
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle:] == b[len(b) - middle:]:
            low = middle
        else:
            high = middle - 1
    return low


def _last_block(node: cst.CSTNode) -> cst.IndentedBlock | None:
    """The indented block a compound statement ends with (its ``else``, ``finally``, last
    ``except`` or ``case``, else its body)."""
    for name in ("finalbody", "orelse", "handlers", "cases", "body"):
        part = getattr(node, name, None)
        if isinstance(part, (list, tuple)):
            part = part[-1] if part else None
        if part is None:
            continue
        while isinstance(part, cst.If):  # elif: the chain's last part
            part = part.orelse if part.orelse is not None else part.body
        inner = getattr(part, "body", part)
        return inner if isinstance(inner, cst.IndentedBlock) else (part if isinstance(part, cst.IndentedBlock) else None)
    return None


def _same_end(new: cst.CSTNode, old: cst.CSTNode) -> bool:
    """Whether a statement parsed again from the same text, at the same start, ends where
    it did: the blocks it ends with hold as many statements and trailing lines (lines of
    the next statement that joined it would add some)."""
    while True:
        if type(new) is not type(old):
            return False
        if not isinstance(new, cst.BaseCompoundStatement):
            return True
        a, b = _last_block(new), _last_block(old)
        if a is None or b is None:
            return a is b
        if len(a.body) != len(b.body) or len(a.footer) != len(b.footer) or not a.body:
            return False
        if not a.footer == b.footer and not all(x.deep_equals(y) for x, y in zip(a.footer, b.footer)):
            return False
        new, old = a.body[-1], b.body[-1]


def _indents(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.BaseCompoundStatement) and isinstance(statement.body, cst.IndentedBlock)


class Reparser:
    """Parses successive texts of one buffer; keeps the last module and where its
    top-level statements start."""

    def __init__(self) -> None:
        self.source: str | None = None
        self.module: cst.Module | None = None
        self._starts: list[int] | None = None  # statement starts, then the footer's
        self.reused = 0  # statements taken over by the last parse (for tests and benchmarks)
        self.memo = Memo()  # positions and walks of the statements, kept while they are reused

    def parse(self, source: str) -> cst.Module:
        module = None
        if self.module is not None and self.source is not None and source != self.source:
            module = self._splice(source)
        elif self.module is not None and source == self.source:
            module = self.module
        if module is None:
            module = cst.parse_module(source)
            self._starts = None
            self.reused = 0
        self.source, self.module = source, module
        return module

    def prepare(self) -> None:
        """Work out where the statements start (a code generation pass, done once; later
        parses keep it up to date)."""
        if self.module is not None and self._starts is None:
            self._starts = self._statement_starts(self.module)

    @staticmethod
    def _statement_starts(module: cst.Module) -> list[int]:
        lengths = [_length(statement, module) for statement in module.body]
        return list(accumulate(lengths, initial=_header_length(module)))

    def _splice(self, source: str) -> cst.Module | None:
        old, text = self.module, self.source
        assert old is not None and text is not None
        self.prepare()
        starts = self._starts
        assert starts is not None
        body: Sequence[cst.BaseStatement] = old.body
        count = len(body)
        prefix = _common_prefix(text, source)
        suffix = _common_suffix(text, source, min(len(text), len(source)) - prefix)
        changed_end = len(text) - suffix  # the changed part of the old text: [prefix, changed_end)
        if count < 2 or prefix < starts[0] or changed_end > starts[count]:
            return None  # the header or the footer changed
        first = max(i for i in range(count) if starts[i] <= prefix)
        last = max(i for i in range(count) if starts[i] <= max(changed_end - 1, prefix))
        delta = len(source) - len(text)
        if not any(_indents(s) for s in body[:first]):
            # The module's default indentation (and newline) may be the edited text's own.
            config = detect_config(
                source, partial=cst.PartialParserConfig(), detect_trailing_newline=True, detect_default_newline=True
            ).config
            if (config.default_indent, config.default_newline) != (old.default_indent, old.default_newline):
                return None
        alone = self._alone(source, first, last, delta)
        if alone is not None:
            return alone
        if prefix == starts[first] and first > 0:
            first -= 1  # an edit at a boundary may belong to the statement before
        before, after = first - 1, last + 1  # the margins
        if before < 0:
            return None
        tail = after < count
        end = starts[after + 1] + delta if tail else len(source)
        region = source[starts[before]: end]
        try:
            parsed = cst.parse_module(
                region,
                cst.PartialParserConfig(default_indent=old.default_indent, default_newline=old.default_newline),
            )
        except Exception:  # noqa: BLE001 - let the full parse say what is wrong
            return None
        new = list(parsed.body)
        if len(new) < (2 if tail else 1):
            return None
        head = new[0]
        if parsed.header:
            head = head.with_changes(leading_lines=[*parsed.header, *head.leading_lines])
        if len(head.leading_lines) != len(body[before].leading_lines) or not _same_end(head, body[before]):
            return None
        if tail and (parsed.footer or not parsed.has_trailing_newline or type(new[-1]) is not type(body[after])):
            return None
        middle = new[1:-1] if tail else new[1:]
        # Their lengths, from a code generation pass (which checks, below, that the
        # margins end where they did). Positions in them are recorded later, for the
        # nodes the rules report only (positions.NodeSpans).
        lengths = [_length(s, old) for s in middle]
        # Where the statements start now: the same up to the region, shifted after it.
        new_starts = [*starts[: before + 1], *accumulate(lengths, initial=starts[before + 1])]
        if tail:
            if new_starts[-1] != starts[after] + delta:
                return None
            new_starts += [s + delta for s in starts[after + 1:]]
            module = old.with_changes(body=[*body[: before + 1], *middle, *body[after:]])
        else:
            module = old.with_changes(
                body=[*body[: before + 1], *middle],
                footer=parsed.footer,
                has_trailing_newline=parsed.has_trailing_newline,
            )
        self._starts = new_starts
        self.reused = len(module.body) - len(middle)
        return module

    def _alone(self, source: str, first: int, last: int, delta: int) -> cst.Module | None:
        """The splice without margins, when both ends of the edited statements are plain
        boundaries: before and after them, only empty lines, then a statement at column 0
        (where Hyperion's code, two blank lines between definitions, always is). Then the
        statements around them cannot end otherwise, and only the edited ones are parsed."""
        old, starts = self.module, self._starts
        assert old is not None and starts is not None
        body = old.body
        count = len(body)
        tail = last + 1 < count
        if first == 0 or not _blank_lines(body[first]) or (tail and not _blank_lines(body[last + 1])):
            return None
        start = starts[first]
        end = starts[last + 1] + delta if tail else len(source)
        region = source[start:end]
        if not _PLAIN_START.match(region) or (tail and not _PLAIN_END.search(region)):
            return None
        try:
            parsed = cst.parse_module(
                region,
                cst.PartialParserConfig(default_indent=old.default_indent, default_newline=old.default_newline),
            )
        except Exception:  # noqa: BLE001 - the margins, or the full parse, will say
            return None
        new = list(parsed.body)
        if not new or (tail and (parsed.footer or not parsed.has_trailing_newline)):
            return None
        if parsed.header:
            new[0] = new[0].with_changes(leading_lines=[*parsed.header, *new[0].leading_lines])
        lengths = [_length(s, old) for s in new]
        new_starts = [*starts[:first], *accumulate(lengths, initial=start)]
        if tail:
            if new_starts[-1] != starts[last + 1] + delta:
                return None
            new_starts += [s + delta for s in starts[last + 2:]]
            module = old.with_changes(body=[*body[:first], *new, *body[last + 1:]])
        else:
            module = old.with_changes(
                body=[*body[:first], *new], footer=parsed.footer, has_trailing_newline=parsed.has_trailing_newline
            )
        self._starts = new_starts
        self.reused = len(module.body) - len(new)
        return module


# A region that starts with empty lines then a statement at column 0, and one whose last
# line holds code (not a blank line, which would belong to the next statement).
_PLAIN_START = re.compile(r"(?:\r\n|\r|\n)*[^\s#]")
_PLAIN_END = re.compile(r"[^\s][^\r\n]*(?:\r\n|\r|\n)\Z")


def _blank_lines(statement: cst.BaseStatement) -> bool:
    """Whether a statement's leading lines are all empty (no comment, no blank)."""
    return all(
        line.comment is None and not line.whitespace.value and line.indent for line in statement.leading_lines
    )
