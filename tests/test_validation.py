"""The engine remembers the whitespace and name values that passed LibCST's validation:
every other node is still judged by LibCST, with the same errors."""

from __future__ import annotations

import libcst as cst
import pytest

import lint_rules.engine.linter  # noqa: F401  (installs the remembering validation)


def test_it_is_installed() -> None:
    assert hasattr(cst.SimpleWhitespace._validate, "__wrapped__")
    assert hasattr(cst.Name._validate, "__wrapped__")


def test_valid_values_pass_again_and_again() -> None:
    for _ in range(3):
        assert cst.SimpleWhitespace("  ").value == "  "
        assert cst.Name("route").value == "route"
        assert cst.Name("route", lpar=[cst.LeftParen()], rpar=[cst.RightParen()]).value == "route"


@pytest.mark.parametrize("value", ["x", " x", "\n", " \\"])
def test_whitespace_that_is_not_is_refused(value: str) -> None:
    cst.SimpleWhitespace(" ")
    with pytest.raises(cst.CSTValidationError, match="non-whitespace value"):
        cst.SimpleWhitespace(value)


def test_names_that_are_not_are_refused() -> None:
    cst.Name("ok")
    with pytest.raises(cst.CSTValidationError, match="empty name"):
        cst.Name("")
    with pytest.raises(cst.CSTValidationError, match="not a valid identifier"):
        cst.Name("1x")
    with pytest.raises(cst.CSTValidationError, match="not a valid identifier"):
        cst.Name("1x")  # refused every time: only values that passed are remembered


def test_a_known_name_with_unbalanced_parentheses_is_refused() -> None:
    cst.Name("known")
    with pytest.raises(cst.CSTValidationError, match="left paren without right paren"):
        cst.Name("known", lpar=[cst.LeftParen()])
    with pytest.raises(cst.CSTValidationError, match="unbalanced parens"):
        cst.Name("known", lpar=[cst.LeftParen()], rpar=[cst.RightParen(), cst.RightParen()])


def test_parsing_still_refuses_what_validation_refuses() -> None:
    with pytest.raises(cst.ParserSyntaxError):
        cst.parse_module("x = = 1\n")
    assert cst.parse_module("a  =  b\n").code == "a  =  b\n"
