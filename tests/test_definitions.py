"""Where ``hyperion-lint project`` finds the definition a fact was read from."""

from __future__ import annotations

import libcst as cst
import pytest

from lint_rules.engine.positions import NodeSpans
from lint_rules.knowledge.definitions import definition

SOURCE = """\
import uuid
from typing import Annotated

PrimaryKey: Annotated[uuid.UUID, "pk"] = None
Alias = Annotated[int, "x"]
type Other = list[int]


class CoreUser:
    pass


def is_user(
    exclude_external: bool = False,
):
    async def is_user_dependency() -> "CoreUser":
        ...

    return is_user_dependency


async def plain() -> CoreUser:
    ...


def plain():  # defined again: the last one is what Python keeps
    ...


if True:
    def hidden():
        ...
"""


@pytest.mark.parametrize(
    ("symbol", "line", "column"),
    [
        ("PrimaryKey", 4, 1),
        ("Alias", 5, 1),
        ("Other", 6, 6),
        ("CoreUser", 9, 7),
        ("is_user", 13, 5),
        ("is_user()", 16, 15),
        ("plain", 26, 5),
    ],
)
def test_the_definition_of_a_module_level_name(symbol: str, line: int, column: int) -> None:
    module = cst.parse_module(SOURCE)
    node = definition(module, symbol)
    assert node is not None
    start, _ = NodeSpans(module, [node], SOURCE).range(node)
    assert (start.line, start.column) == (line, column)


@pytest.mark.parametrize("symbol", ["hidden", "missing", "CoreUser()", "Alias()"])
def test_no_definition_at_module_level(symbol: str) -> None:
    assert definition(cst.parse_module(SOURCE), symbol) is None


def test_a_factory_that_returns_no_inner_function_points_at_its_def() -> None:
    module = cst.parse_module("def f():\n    return 1\n")
    node = definition(module, "f()")
    assert node is not None and node.value == "f"


def test_a_factory_points_at_the_returned_function_its_annotation_was_read_from() -> None:
    """Of the functions a factory returns, the facts read the first annotated one."""
    source = (
        "def is_user_in(group):\n"
        "    def unchecked():\n"
        "        ...\n"
        "\n"
        "    async def checked() -> CoreUser:\n"
        "        ...\n"
        "\n"
        "    return unchecked\n"
        "    return checked\n"
    )
    module = cst.parse_module(source)
    node = definition(module, "is_user_in()")
    assert node is not None
    start, _ = NodeSpans(module, [node], source).range(node)
    assert (node.value, start.line, start.column) == ("checked", 5, 15)
