"""The engine on its own: isolation of failing rules, positions, modern syntax, suppression."""

from __future__ import annotations

import libcst as cst

from lint_rules.engine.linter import lint_source
from lint_rules.engine.registry import all_rules
from lint_rules.engine.suppression import parse_suppressions
from lint_rules.model import Position
from lint_rules.rule_api.base import Rule

PATH = "app/modules/demo/endpoints_demo.py"
HYP012 = all_rules()["HYP012"]


class Exploding(Rule):
    """A rule that fails on the second function it sees."""

    code = "HYP998"
    name = "exploding"
    message = "never reported"

    def __init__(self, context, options=None):
        super().__init__(context, options)
        self.seen = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.seen += 1
        if self.seen == 2:
            raise KeyError("boom")


class WholeFunction(Rule):
    code = "HYP997"
    name = "whole-function"
    message = "function {name}"

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.report(node, name=node.name.value)


SOURCE = '''\
@module.router.get("/a")
async def a(): ...


@module.router.get("/b")
async def b():
    return 1
'''


def test_a_failing_rule_is_isolated_and_reported() -> None:
    result = lint_source(PATH, SOURCE, [(Exploding, {}), (HYP012, {})])
    summary = [(f.code, f.name, f.start.line, f.start.column) for f in result.findings]
    assert summary == [
        ("HYP012", "endpoint-missing-status-code", 1, 2),
        ("HYP012", "endpoint-missing-status-code", 5, 2),
        ("HYP999", "internal-error", 6, 1),
    ]
    message = result.findings[-1].message
    assert message.startswith("Internal error in rule HYP998 (exploding): KeyError: 'boom' (test_engine.py:")
    assert message.endswith("Other rules still ran; please report this bug.")
    assert len(result.internal_errors) == 1


def test_a_failing_facts_collector_is_isolated_and_reported(monkeypatch) -> None:
    """The facts of a file feed the project index; if reading them fails, the file gets an
    internal-error finding where it failed, and the rules still report."""
    from lint_rules.knowledge.extract import FactsCollector

    def broken(self, node):
        raise ValueError("no facts today")

    monkeypatch.setattr(FactsCollector, "visit_Attribute", broken)
    hyp009 = all_rules()["HYP009"]  # project-wide: the file's facts are read
    result = lint_source(PATH, SOURCE, [(HYP012, {}), (hyp009, {})])
    summary = [(f.code, f.name, f.start.line, f.start.column) for f in result.findings]
    assert summary == [
        ("HYP012", "endpoint-missing-status-code", 1, 2),
        ("HYP999", "internal-error", 1, 2),  # the first attribute: `module.router.get`
        ("HYP012", "endpoint-missing-status-code", 5, 2),
    ]
    message = result.findings[1].message
    assert message.startswith(
        "Internal error while reading this file's facts for the project index: ValueError: no facts today (test_engine.py:"
    )
    assert message.endswith("Project-wide rules skipped this file; please report this bug.")


def test_function_range_starts_at_def_and_spans_the_body() -> None:
    result = lint_source(PATH, SOURCE, [(WholeFunction, {})])
    ranges = [(f.start, f.end) for f in result.findings]
    assert ranges == [
        (Position(2, 1), Position(2, 19)),
        (Position(6, 1), Position(7, 13)),
    ]


def test_python_312_to_314_syntax_parses() -> None:
    modern = '''\
type Pair[T] = tuple[T, T]


def first[T](pair: Pair[T]) -> T:
    return pair[0]


class Box[T]:
    item: T


name = "x"
greeting = f"{"nested" + name}"
template = t"hello {name}"
'''
    result = lint_source(PATH, modern, [(HYP012, {})])
    assert result.findings == []


def test_crlf_and_tabs_keep_positions() -> None:
    source = 'x = 1\r\n\r\n@module.router.get("/a")\r\nasync def a():\r\n\treturn 1\r\n'
    result = lint_source(PATH, source, [(HYP012, {})])
    assert [(f.start, f.end) for f in result.findings] == [(Position(3, 2), Position(3, 25))]


def test_suppression_comments_are_parsed() -> None:
    source = (
        "a = 1  # noqa: HYP010, HYP011\n"
        "b = 2  # noqa\n"
        "c = 3  # hyperion-lint: ignore[HYP020,HYP023]\n"
        "d = 4  # noqa:S311 HYP030\n"
        "e = 5  # nothing here\n"
    )
    found = parse_suppressions(source)
    assert sorted(found) == [1, 2, 3, 4]
    assert found[1][0].codes == ("HYP010", "HYP011") and not found[1][0].blanket
    assert (found[1][0].column, found[1][0].end_column) == (8, 30)
    assert found[2][0].blanket
    assert found[3][0].codes == ("HYP020", "HYP023") and found[3][0].column == 8
    assert found[3][0].kind == "ignore" and found[3][0].end_column == 46
    assert found[4][0].codes == ("S311", "HYP030")


def test_blanket_noqa_suppresses_everything_on_its_line() -> None:
    source = '@module.router.get("/a")  # noqa\nasync def a(): ...\n'
    result = lint_source(PATH, source, [(HYP012, {})])
    assert (result.findings, result.suppressed) == ([], 1)


def test_internal_errors_cannot_be_suppressed() -> None:
    source = "def a(): ...  # noqa\ndef b(): ...  # noqa\n"
    result = lint_source(PATH, source, [(Exploding, {})])
    assert [(f.name, f.start.line) for f in result.findings] == [("internal-error", 2)]


def test_lazy_positions_agree_with_libcst_position_provider() -> None:
    """NodeSpans records only the nodes asked for; its ranges must equal LibCST's own."""
    from pathlib import Path

    from libcst.metadata import MetadataWrapper, PositionProvider

    from lint_rules.engine.positions import NodeSpans

    fixtures = sorted(Path(__file__).parent.parent.joinpath("fixtures").rglob("*.py"))
    assert fixtures
    checked = 0
    for file in fixtures:
        module = cst.parse_module(file.read_text(encoding="utf-8"))
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        expected = wrapper.resolve(PositionProvider)
        nodes = list(expected)
        for node in nodes[::5]:  # one node at a time: the lazy path, hoisting included
            spans = NodeSpans(module, [node])
            want = expected[node]
            assert spans.range(node) == (
                Position(want.start.line, want.start.column + 1),
                Position(want.end.line, want.end.column + 1),
            ), (file.name, type(node).__name__)
            checked += 1
    assert checked > 500


ALL_RULES = [(rule, {}) for rule in all_rules().values()]


def test_too_many_nested_brackets_is_a_syntax_error_not_a_crash() -> None:
    # LibCST's parser can take the process down on such input; CPython refuses it first.
    source = "x = " + "[" * 3000 + "]" * 3000 + "\n"
    result = lint_source(PATH, source, ALL_RULES)
    assert [(f.code, f.name, f.start.line, f.start.column, f.message) for f in result.findings] == [
        (
            "HYP999",
            "syntax-error",
            1,
            205,
            "Cannot parse this file: too many nested parentheses. Fix the syntax; no rule could check it.",
        )
    ]


def test_a_deep_expression_is_a_clear_finding() -> None:
    # LibCST's parser is not even asked (it would crash at about 7,000 terms): see
    # tests/test_bad_input.py for the shapes, in a separate process.
    source = "x = " + " and ".join(["a"] * 5000) + "\n"
    result = lint_source(PATH, source, ALL_RULES)
    assert [(f.code, f.name, f.start.line, f.start.column, f.message) for f in result.findings] == [
        (
            "HYP999",
            "syntax-error",
            1,
            5,
            "Cannot check this file: an expression of 5000 terms is too complex for the parser (400 at most). "
            "Split it; no rule could check it.",
        )
    ]


LONG_CONCATENATION = "x = (\n" + '    "s"\n' * 1000 + ")\n\n\n" + SOURCE


def test_a_long_string_concatenation_is_linted_on_a_deeper_stack() -> None:
    """LibCST nests 1,000 implicitly concatenated strings 1,000 deep, and its code
    generation (the position pass) recurses past Python's default limit (as the standard
    library's pydoc_data/topics.py does): the engine tries again on a deep stack."""
    result = lint_source(PATH, LONG_CONCATENATION, [(HYP012, {})])
    assert [(f.code, f.start.line, f.start.column) for f in result.findings] == [
        ("HYP012", 1005, 2),
        ("HYP012", 1009, 2),
    ]
    assert [f for f in lint_source(PATH, LONG_CONCATENATION, ALL_RULES).findings if f.code == "HYP999"] == []


def test_code_too_deep_even_for_the_deeper_stack_is_a_clear_finding(monkeypatch) -> None:
    from lint_rules.engine import isolation

    monkeypatch.setattr(isolation, "DEEP_RECURSION_LIMIT", 500)  # no deeper than the first try
    result = lint_source(PATH, LONG_CONCATENATION, ALL_RULES)
    assert [(f.code, f.start.line, f.start.column, f.message) for f in result.findings] == [
        (
            "HYP999",
            1,
            1,
            "Cannot check this file: its expressions are nested too deeply for the linter's "
            "traversal. Split the expression; no rule could check it.",
        )
    ]


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    source = "s = '" + "(" * 500 + "'\n"
    assert [f.code for f in lint_source(PATH, source, ALL_RULES).findings if f.code == "HYP999"] == []
