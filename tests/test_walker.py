"""The walker skips the subtrees no handler can be called in: its handlers must be called
exactly as a walk of every node calls them (same nodes, same order, same ancestors)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import libcst as cst
import pytest

from lint_rules.engine.walker import build_dispatch, walk

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = (cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Newline, cst.Comment)
FIRST = ("leading_lines", "decorators")


def every_node(module: cst.Module, dispatch, ancestors: list) -> None:
    """The reference: every node but whitespace and comments, children in source order."""

    def visit(node: cst.CSTNode) -> None:
        name = type(node).__name__
        for handler in dispatch.get("visit_" + name, ()):
            handler(node)
        ancestors.append(node)
        names = [f.name for f in dataclasses.fields(node)]
        for field in [n for n in FIRST if n in names] + [n for n in names if n not in FIRST]:
            value = getattr(node, field)
            for child in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(child, cst.CSTNode) and not isinstance(child, SKIPPED):
                    visit(child)
        ancestors.pop()
        for handler in dispatch.get("leave_" + name, ()):
            handler(node)

    visit(module)


HANDLERS = [
    ("visit_Module", "visit_Attribute"),
    ("visit_Module", "visit_FunctionDef", "leave_FunctionDef", "visit_Call", "visit_Raise", "leave_Module"),
    ("visit_FunctionDef", "leave_FunctionDef"),
    ("visit_Name",),
    ("visit_SimpleString", "leave_Arg", "visit_FormattedStringExpression"),
    ("visit_Lambda", "visit_ClassDef", "visit_Await"),
    ("visit_Param", "leave_Decorator", "visit_Subscript", "visit_MatchAs"),
    ("visit_Comment", "visit_Newline"),  # never entered, by either walk
    ("visit_TypeParam", "visit_Yield", "visit_StarredElement"),
]

SOURCE = '''\
"""A module with a bit of every syntax."""
from __future__ import annotations

import os.path as p
from .x import (a, b as c)

type Alias[T] = list[T]


@router.get("/a", response_model=list[int], status_code=200)
@other
async def f[T: int](x: T = 1, /, *args: int, y: str = "s", **kw) -> list[T]:
    """Doc."""
    global g
    async with open(p) as h, lock:
        yield await h.read() + (lambda q=1: q)(x)[1:2, ...]
    return [i async for i in aiter() if i if not i] or {k: v for k, v in kw.items()}


class C(Base, metaclass=M):
    x: int = 1

    @property
    def y(self):
        try:
            raise ValueError(f"{self!r:>{10}} {x=}") from None
        except* (TypeError, OSError) as e:
            pass
        else:
            del self.x
        finally:
            assert self, "no"
        match self.x:
            case [1, 2, *rest] | {"k": _, **kw} if rest:
                return -1
            case Point(x=0, y=yy) as point:
                return point
        while (n := 0) < 1:
            n += 1
        else:
            print(*[1], **{})
        for i, (j, k) in enumerate(()):
            continue
        with (open("a") as f, open("b")):
            nonlocal_value = not (1 if 2 else 3) @ 4 ** -5
        return {1, 2} ^ {3} and x[1] is not None
'''


def calls(walker, module: cst.Module, names: tuple[str, ...]) -> list[tuple[str, int, tuple[int, ...]]]:
    log: list[tuple[str, int, tuple[int, ...]]] = []
    ancestors: list[cst.CSTNode] = []

    def handler(name: str):
        return lambda node: log.append((name, id(node), tuple(map(id, ancestors))))

    walker(module, build_dispatch((n, handler(n)) for n in names), ancestors)
    return log


def sources() -> list[tuple[str, str]]:
    found = [("inline", SOURCE)]
    for path in sorted((ROOT / "fixtures").rglob("*.py")) + [ROOT / "lint_rules" / "engine" / "walker.py"]:
        found.append((path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("names", HANDLERS, ids=lambda names: ",".join(names))
def test_the_walk_calls_handlers_as_a_walk_of_every_node(names: tuple[str, ...]) -> None:
    for label, source in sources():
        module = cst.parse_module(source)
        expected = calls(every_node, module, names)
        assert calls(walk, module, names) == expected, label


def test_the_inline_source_has_every_handled_kind() -> None:
    module = cst.parse_module(SOURCE)
    for names in HANDLERS:
        if "visit_Comment" in names:
            continue
        assert calls(every_node, module, names), names
