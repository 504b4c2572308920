"""Property tests: the engine never raises, ranges stay inside the file, fixes are
idempotent and keep the code parseable, a file linted alone agrees with its tree.

Inputs are arbitrary text, programs generated from Python's grammar (hypothesmith), and
Hyperion-like files assembled from the statements of every rule's documentation cases and
of the sample project, then mutated (line endings, tabs, form feeds, suppression comments,
truncation). Example counts are bounded so that the whole file runs in well under a minute.
"""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
from functools import cache
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_rules.engine.config import Config
from lint_rules.engine.fixer import fix_source, parses
from lint_rules.engine.linter import FileResult, lint_source
from lint_rules.engine.registry import all_rules
from lint_rules.engine.runner import Linter
from lint_rules.model import INTERNAL_ERROR, Finding, Position

# hypothesmith compiles the programs it generates; CPython warns about some of them.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")
REPO = Path(__file__).resolve().parent.parent
EVERY_CODE = tuple(all_rules())
PATHS = (
    "app/modules/demo/endpoints_demo.py",
    "app/modules/demo/cruds_demo.py",
    "app/modules/demo/models_demo.py",
    "app/modules/demo/schemas_demo.py",
    "app/modules/demo/factory_demo.py",
    "app/modules/demo/permissions_demo.py",
    "app/modules/demo/utils_demo.py",
    "app/modules/demo/__init__.py",
    "app/modules/demo/misc_demo.py",
    "app/core/demo/endpoints_demo.py",
    "app/core/demo/models_demo.py",
    "app/utils/communication/notifications.py",
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The test suite runs a bounded number of examples, the same ones every time (a failure is a
# bug, never a fluke of the draw); HYPERION_LINT_EXAMPLES=20 explores twenty times as many,
# drawn at random, to hunt for new ones.
SCALE = int(os.environ.get("HYPERION_LINT_EXAMPLES", "1"))


def examples(count: int) -> settings:
    return settings(
        max_examples=count * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        database=None if SCALE == 1 else settings.default.database,
        suppress_health_check=[HealthCheck.too_slow],
    )


FEW = examples(100)
SOME = examples(400)


@cache
def linter() -> Linter:
    """Every rule, the opt-in ones included."""
    return Linter(Config(root=REPO, select=("ALL",), extend_select=EVERY_CODE))


def rules_for(path: str):
    return linter().rules_for(path)


# -- invariants ---------------------------------------------------------------------------


def range_problems(source: str, findings: list[Finding], path: str) -> list[str]:
    """Positions that do not lie inside ``source`` (lines as Python numbers them)."""
    lines = _LINE_BREAK.split(source)
    problems = []

    def outside(position: Position) -> bool:
        return not (
            1 <= position.line <= len(lines) and 1 <= position.column <= len(lines[position.line - 1]) + 1
        )

    for finding in findings:
        spans = [(finding.start, finding.end, "")]
        if finding.fix is not None:
            spans += [(edit.start, edit.end, " fix edit") for edit in finding.fix.edits]
        spans += [(r.start, r.end, " related") for r in finding.related if r.path == path]
        for start, end, what in spans:
            if outside(start) or outside(end) or end < start:
                problems.append(f"{finding.code} {finding.name}{what}: {start}-{end} ({finding.message})")
    return problems


def check_result(source: str, result: FileResult, path: str) -> None:
    internal = [f.message for f in result.findings if f.name == INTERNAL_ERROR]
    assert internal == []
    assert range_problems(source, result.findings, path) == []


def lint(path: str, source: str) -> FileResult:
    result = lint_source(path, source, rules_for(path))
    check_result(source, result, path)
    return result


# -- Hyperion-like sources ----------------------------------------------------------------


@cache
def fragments() -> tuple[str, ...]:
    """Top-level statements of every rule case and of the sample project."""
    sources: list[str] = []
    for rule in all_rules().values():
        for case in (*rule.VALID, *rule.INVALID):
            sources.append(case.code)
            sources.extend(case.files.values())
    sources += [p.read_text(encoding="utf-8") for p in sorted((REPO / "fixtures").rglob("*.py"))]
    found: set[str] = set()
    for source in sources:
        try:
            module = cst.parse_module(textwrap.dedent(source))
        except cst.ParserSyntaxError:
            continue
        found.update(module.code_for_node(statement) for statement in module.body)
    return tuple(sorted(found))


NOISE = ["\t", "\x0c", " ", "\\\n", "(", ")", "[", "]", "'", '"""', "#", ":", "\ufeff", "é", "\x00", "\u2028", "\x0b"]
COMMENTS = [
    "  # noqa",
    "  # noqa: HYP012",
    "  # noqa: HYP010, HYP777",
    "  # hyperion-lint: ignore[HYP012]",
    "  # hyperion-lint: ignore[HYP777, E501]",
    "  # noqa:E501",
    "\x0c",
    "\t",
]


@st.composite
def hyperion_sources(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(fragments()), min_size=1, max_size=6))
    lines = "\n".join(chosen).split("\n")
    # Suppression comments, form feeds and tabs at the end of some lines.
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        lines[index] += draw(st.sampled_from(COMMENTS))
    # Form feeds at the start of some lines (Python ignores them there).
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, len(lines) - 1))
        lines[index] = "\x0c" + lines[index]
    source = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    if draw(st.booleans()):
        source += "\n"
    mutation = draw(st.sampled_from(["none", "none", "truncate", "insert", "indent-tabs"]))
    if mutation == "truncate":
        source = source[: draw(st.integers(0, len(source)))]
    elif mutation == "insert":
        at = draw(st.integers(0, len(source)))
        source = source[:at] + draw(st.sampled_from(NOISE)) + source[at:]
    elif mutation == "indent-tabs":
        source = source.replace("    ", "\t")
    return source


# -- properties -----------------------------------------------------------------------------


@SOME
@given(source=st.text(), path=st.sampled_from(PATHS))
def test_any_text_is_linted_without_error(source: str, path: str) -> None:
    lint(path, source)


@FEW
@given(source=hypothesmith.from_grammar(), path=st.sampled_from(PATHS))
def test_programs_from_the_grammar(source: str, path: str) -> None:
    lint(path, source)


@FEW
@given(source=hypothesmith.from_node(), path=st.sampled_from(PATHS))
def test_programs_from_syntax_trees(source: str, path: str) -> None:
    lint(path, source)


@SOME
@given(source=hyperion_sources(), path=st.sampled_from(PATHS))
def test_hyperion_like_sources(source: str, path: str) -> None:
    lint(path, source)


@SOME
@given(source=hyperion_sources(), path=st.sampled_from(PATHS))
def test_fixes_keep_the_code_parseable_and_are_idempotent(source: str, path: str) -> None:
    rules = rules_for(path)

    def lint_text(text: str) -> FileResult:
        result = lint_source(path, text, rules)
        check_result(text, result, path)
        return result

    outcome = fix_source(source, lint_text, unsafe=True)
    assert [f"{f.code} {f.start}: {f.message}" for f in outcome.dropped] == []
    if parses(source):
        assert parses(outcome.source)
    again = fix_source(outcome.source, lint_text, unsafe=True)
    assert [f"{f.code} {f.start}: {f.message}" for f in again.applied] == []
    assert again.source == outcome.source


TREE_PATHS = (
    "app/modules/demo/endpoints_demo.py",
    "app/modules/demo/cruds_demo.py",
    "app/modules/demo/models_demo.py",
    "app/modules/demo/schemas_demo.py",
    "app/modules/demo/factory_demo.py",
    "app/modules/demo/permissions_demo.py",
    "app/modules/other/endpoints_other.py",
    "app/modules/other/models_other.py",
    "app/core/users/models_users.py",
)


def _summary(results: list[FileResult]) -> dict[str, list[tuple]]:
    return {
        r.path: [(f.code, f.name, f.start, f.end, f.message, f.related) for f in r.findings] for r in results
    }


@examples(50)
@given(files=st.dictionaries(st.sampled_from(TREE_PATHS), hyperion_sources(), min_size=1, max_size=5))
def test_a_file_alone_agrees_with_its_tree(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder).resolve()
        for name, source in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(source.encode("utf-8", "surrogatepass"))
        config = Config(root=root, select=("ALL",), extend_select=EVERY_CODE)
        whole = _summary(Linter(config).lint_paths([root]))
        for name, source in files.items():
            path = root / name
            alone = _summary(Linter(config).lint_paths([path]))
            assert alone == {k: v for k, v in whole.items() if k == next(iter(alone))}
            buffer = Linter(config).lint_text(path, source.encode("utf-8", "surrogatepass"))
            assert _summary([buffer]) == alone


def test_fragments_are_plenty() -> None:
    assert len(fragments()) > 200
