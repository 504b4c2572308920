"""The editor's incremental parse gives exactly the tree a full parse gives, on edits of
every kind (seeded, so that a failure can be replayed), and takes over the statements
an edit did not touch."""

from __future__ import annotations

import random
from pathlib import Path

import libcst as cst
import pytest

from lint_rules.engine.reparse import Reparser

SAMPLES = sorted(Path(__file__).parent.parent.joinpath("fixtures", "sample").rglob("*.py"))
PIECES = ["x", "(", ")", " ", "#", ":", "'", '"""', "\n", "\\\n", "    ", "\t", "\r\n", "@", "def f():\n    pass\n"]


def _edit(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    i = rng.randrange(len(lines))
    kind = rng.randrange(6)
    if kind == 0:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif kind == 1 and len(lines) > 1:
        del lines[i]
    elif kind == 2:
        lines.insert(i, rng.choice(["# note\n", "    # note\n", "\n", "   \n", "x = 1\n", "    y = 2\n"]))
    else:
        line = lines[i]
        j = rng.randrange(len(line) + 1)
        lines[i] = line[:j] + rng.choice(PIECES) + line[j + rng.randrange(2):]
    return "".join(lines)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_random_edits_parse_as_a_full_parse_does(sample: Path) -> None:
    rng = random.Random(sample.name)
    text = sample.read_text(encoding="utf-8")
    reparser = Reparser()
    reparser.parse(text)
    for _ in range(25):
        text = _edit(rng, text)
        try:
            expected = cst.parse_module(text)
        except Exception:  # noqa: BLE001 - then the reparser must refuse it too
            with pytest.raises(Exception):  # noqa: B017
                reparser.parse(text)
            continue
        got = reparser.parse(text)
        assert got.deep_equals(expected), text
        assert got.code == expected.code  # (LibCST gives back a few texts not exactly: a `\\` at a line start)


def test_an_edit_inside_one_function_reuses_the_others() -> None:
    functions = "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(20))
    reparser = Reparser()
    before = reparser.parse("import os\n\n\n" + functions)
    reparser.prepare()
    after = reparser.parse("import os\n\n\n" + functions.replace("return 7", "return 70"))
    assert reparser.reused == 20  # 21 statements, one parsed again
    assert after.body[8] is not before.body[8] and after.body[9] is before.body[9]
    assert after.deep_equals(cst.parse_module(after.code))


def _findings(relative: str, text: str, rules, reparser: Reparser | None):
    from lint_rules.engine.linter import analyze, finish

    if reparser is None:
        analysis = analyze(relative, text, rules, extract=True)
    else:
        analysis = analyze(relative, text, rules, extract=True, parse=reparser.parse, memo=reparser.memo)
    return finish(analysis).findings, analysis.facts


@pytest.mark.parametrize(
    "sample", [p for p in SAMPLES if p.name.startswith(("endpoints_", "cruds_", "models_"))], ids=lambda p: p.name
)
def test_what_an_editor_keeps_between_edits_changes_no_finding(sample: Path) -> None:
    """Positions and walks kept for the statements an edit did not touch (the editor's
    memo) give exactly the findings and facts of a fresh analysis."""
    from lint_rules.engine.config import Config
    from lint_rules.engine.runner import Linter

    root = sample.parents[3]
    linter = Linter(Config(root=root, select=("ALL",)))
    relative = linter.relative(sample, root)
    rules = linter.rules_for(relative, root)
    rng = random.Random(f"memo-{sample.name}")
    text = sample.read_text(encoding="utf-8")
    reparser = Reparser()
    _findings(relative, text, rules, reparser)
    reparser.prepare()
    walked, answered = [], []
    for _ in range(12):
        edited = _edit(rng, text)
        try:
            cst.parse_module(edited)
        except Exception:  # noqa: BLE001 - the memo is for code that parses
            continue
        text = edited
        assert _findings(relative, text, rules, reparser) == _findings(relative, text, rules, None)
        walked.append(reparser.memo.walk.walked)
        answered.append(len(reparser.memo.nodes.current) - reparser.memo.nodes.computed)
    assert walked and min(walked) < len(reparser.module.body)  # some statements were not walked again
    if sum(isinstance(s, cst.FunctionDef) for s in reparser.module.body) > 1:
        assert max(answered) > 0  # some matchers answered from the memo (for the functions not edited)


_ALIASED = """from typing import Annotated

from fastapi import APIRouter, Depends

from app.dependencies import get_db, get_other

router = APIRouter(tags=["x"])

Db = Annotated[object, Depends(get_db)]


@router.get("/items", status_code=200)
async def read_items(db: Db, other: object = Depends(get_other)):
    return []


async def get_session() -> object:
    yield 1
"""


def test_an_edit_of_an_alias_is_seen_by_the_functions_it_did_not_touch() -> None:
    """The functions after an edited ``Annotated`` alias are the same nodes, but what
    their parameters depend on changed: the matchers' answers for them are not reused."""
    from lint_rules.engine.config import Config
    from lint_rules.engine.runner import Linter

    root = Path(__file__).parent.parent / "fixtures" / "sample"
    linter = Linter(Config(root=root, select=("ALL",)))
    relative = "app/modules/items/endpoints_items.py"
    rules = linter.rules_for(relative, root)
    reparser = Reparser()
    texts = [
        _ALIASED,
        _ALIASED.replace("Depends(get_db)", "Depends(get_other)"),
        _ALIASED.replace("Depends(get_db)", "Depends(get_other)").replace("yield 1", "return 1"),
        _ALIASED,
    ]
    for text in texts:
        got = _findings(relative, text, rules, reparser)
        reparser.prepare()
        assert got == _findings(relative, text, rules, None)
    assert reparser.reused > 0


def test_the_memo_keeps_what_the_last_lint_asked_only() -> None:
    from lint_rules.knowledge.matchers.memo import NodeMemo, by_node

    calls = []

    @by_node()
    def size(node: cst.CSTNode) -> int:
        calls.append(node)
        return len(cst.Module([]).code_for_node(node))

    a, b = cst.parse_expression("x + 1"), cst.parse_expression("y")
    assert size(a) == size(a) == 5 and len(calls) == 2  # no memo in use: computed each time
    memo = NodeMemo()
    with memo.using():
        assert (size(a), size(a), size(b)) == (5, 5, 1)
    assert len(calls) == 4 and memo.computed == 2
    with memo.using():
        assert size(b) == 1  # remembered from the lint before
    assert len(calls) == 4 and memo.computed == 0
    with memo.using():
        assert size(a) == 5  # the lint before did not ask for ``a``: forgotten
    assert len(calls) == 5 and list(memo.current) == [(size, a, ())]
