"""The route rules never contradict each other.

Every shape of route below (method, function name, status code, response model, response
class, what the function returns) is linted with every rule that runs on endpoints files.
The test then checks two things for each route:

- its findings agree: they never ask for two different status codes (HYP011's "use 204"
  and HYP014's "use 201" on a `create_*` that returns nothing), nor for a schema to
  declare while another asks for no body (HYP011's `response_model=<schema>` and
  HYP013's 204 on a DELETE that returns a value);
- following one finding's advice (the status code it asks for, with the
  `response_model=None` or `response_class=` it names) never brings a finding that asks
  to go somewhere else: no two rules send a student back and forth.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import PurePosixPath

import pytest

from lint_rules.engine.linter import lint_source
from lint_rules.engine.registry import all_rules

PATH = "app/modules/demo/endpoints_demo.py"
HEADER = 'module = Module(root="demo", tag="Demo", factory=None)\n\n\n'

_STATUS = re.compile(r"`status_code=(\d{3})`")
_CLASS = re.compile(r"`response_class=(\w+)`")


def _runs_on(rule, path: str) -> bool:
    name = PurePosixPath(path).name
    return any(fnmatch(path, p) if "/" in p else fnmatch(name, p) for p in rule.applies_to)


RULES = [(rule, {}) for rule in all_rules().values() if _runs_on(rule, PATH)]

METHODS = {
    "get": '.get("/demo/items/{item_id}"',
    "post": '.post("/demo/items/{item_id}"',
    "put": '.put("/demo/items/{item_id}"',
    "patch": '.patch("/demo/items/{item_id}"',
    "delete": '.delete("/demo/items/{item_id}"',
    "post+put": '.api_route("/demo/items/{item_id}", methods=["POST", "PUT"]',
    "get+delete": '.api_route("/demo/items/{item_id}", methods=["GET", "DELETE"]',
}
BODIES = {
    "value": ("", "return await cruds_demo.get_item(item_id)"),
    "nothing": ("", "await cruds_demo.do(item_id)"),
    "none": (" -> None", "await cruds_demo.do(item_id)"),
    "redirect": ("", 'return RedirectResponse(f"/demo/items/{item_id}")'),
}


@dataclass(frozen=True)
class Shape:
    method: str
    function: str
    status: int | None
    model: str | None  # the response_model= expression, "" when absent
    response_class: str | None
    body: str

    def source(self) -> str:
        args = []
        if self.model:
            args.append(f"response_model={self.model}")
        if self.response_class:
            args.append(f"response_class={self.response_class}")
        if self.status is not None:
            args.append(f"status_code={self.status}")
        annotation, statement = BODIES[self.body]
        keywords = "".join(f", {a}" for a in args)
        return (
            f"{HEADER}@module.router{METHODS[self.method]}{keywords})\n"
            f"async def {self.function}(item_id: str){annotation}:\n"
            f'    """Handle an item."""\n'
            f"    {statement}\n"
        )


SHAPES = [
    Shape(*values)
    for values in itertools.product(
        METHODS,
        ("create_item", "handle_item"),
        (None, 200, 201, 204, 303, 307),
        ("", "schemas_demo.Item", "None"),
        (None, "RedirectResponse", "FileResponse"),
        BODIES,
    )
]


@dataclass(frozen=True)
class Advice:
    code: str
    message: str
    status: int | None  # the status code it asks for
    no_body: bool  # it asks for 204 / response_model=None
    schema: bool  # it asks to declare a schema (and nothing else)
    response_class: str | None


def advice(shape: Shape) -> list[Advice]:
    result = lint_source(PATH, shape.source(), RULES)
    found = []
    for f in result.findings:
        assert f.code != "HYP999", shape.source()
        text = f.message + " " + (f.fix_title or "")
        codes = {int(c) for c in _STATUS.findall(f.message)}
        assert len(codes) <= 1, f"{f.code} asks for several codes: {f.message}"
        # HYP012's fix writes the code FastAPI already uses, which is no advice: only a code
        # its message names counts.
        status = next(iter(codes), None)
        no_body = status == 204 or "`response_model=None`" in text
        schema = ("response_model=<schema>" in f.message or "return a schema" in f.message) and status is None
        classes = _CLASS.findall(f.message)
        found.append(Advice(f.code, f.message, status, no_body, schema, classes[0] if classes else None))
    return found


def _disagreements(advices: list[Advice]) -> list[str]:
    problems = []
    statuses = {a.status for a in advices if a.status is not None}
    if len(statuses) > 1:
        problems.append(f"asked for {sorted(statuses)}")
    if any(a.no_body for a in advices) and any(a.schema for a in advices):
        problems.append("asked both for a schema and for no body")
    return problems


def _followed(shape: Shape, a: Advice) -> Shape:
    """The route once the advice is followed (its status code, response model and class)."""
    changed = replace(shape, status=a.status)
    if a.no_body:
        changed = replace(changed, model="None")
    if a.response_class is not None:
        changed = replace(changed, response_class=a.response_class)
    return changed


def _describe(shape: Shape, advices: list[Advice]) -> str:
    lines = "\n".join(f"  {a.code}: {a.message}" for a in advices)
    return f"\n{shape.source()}\n{lines}"


def test_shapes_cover_the_route_rules() -> None:
    codes = {a.code for shape in SHAPES for a in advice(shape)}
    assert {"HYP011", "HYP012", "HYP013", "HYP014", "HYP015", "HYP016", "HYP017"} <= codes


@pytest.mark.parametrize("method", list(METHODS))
def test_route_rules_agree(method: str) -> None:
    problems = []
    for shape in (s for s in SHAPES if s.method == method):
        advices = advice(shape)
        for problem in _disagreements(advices):
            problems.append(f"{problem}:{_describe(shape, advices)}")
        for a in advices:
            if a.status is None:
                continue
            after = _followed(shape, a)
            if after == shape:
                continue
            again = advice(after)
            away = {b.status for b in again if b.status not in (None, a.status)}
            if away or _disagreements(again):
                problems.append(
                    f"following {a.code} ({a.status}) leads elsewhere:"
                    f"{_describe(shape, advices)}\nthen:{_describe(after, again)}"
                )
    assert not problems, f"{len(problems)} contradictions, the first ones:\n" + "\n\n".join(problems[:5])


# The two routes of Hyperion's main branch where HYP011 and HYP014 disagreed.
def test_create_routes_that_return_nothing() -> None:
    status_rules = {"HYP011", "HYP012", "HYP013", "HYP014", "HYP015", "HYP016", "HYP017"}
    batch = Shape("post", "create_item", 204, "None", None, "none")
    assert [a.code for a in advice(batch) if a.code in status_rules] == []
    purchase = Shape("post", "create_item", 201, "", None, "nothing")
    assert [(a.code, a.status) for a in advice(purchase) if a.code in status_rules] == [("HYP011", 204)]
