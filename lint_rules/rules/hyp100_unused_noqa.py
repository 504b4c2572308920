import re
from collections.abc import Sequence

from lint_rules.model import Edit, Location, Position, Suppression
from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid

OUR_PREFIX = "HYP"


class UnusedNoqa(Rule):
    """
    ## What it does
    Checks that every `HYP` code in a `# noqa: ...` or `# hyperion-lint: ignore[...]`
    comment suppresses a finding on its line, and that it is a code hyperion-lint knows.
    Codes of other tools (`# noqa: S311, HYP010`) and a bare `# noqa` are left to those
    tools (ruff's RUF100 judges them).

    ## Why is this bad?
    A suppression outlives the problem it hid: once the route has its `summary=`, the
    `# noqa: HYP010` above it only hides the next mistake made on that line. A misspelt
    or unknown code (`# noqa: HYP01`, `ignore[HYP999X]`) suppresses nothing at all, while
    its author believes it does.

    ## Example
    ```python
    @module.router.get("/cinema/sessions", summary="List sessions", status_code=200)  # noqa: HYP012
    ```

    ## Use instead
    ```python
    @module.router.get("/cinema/sessions", summary="List sessions", status_code=200)
    ```

    ## Fix safety
    The fix removes the unused or unknown `HYP` codes from the comment, and the whole
    comment when nothing else is left in it; codes of other tools stay. It is safe: the
    codes it removes suppress nothing. A code is only called unused when its rule ran on
    the file, so `--select`/`ignore`/per-file settings never make a suppression "unused".

    ## Options
    None.
    """

    code = "HYP100"
    name = "unused-noqa"
    message = "This suppression {problem}; remove {what} so the comment stays truthful"
    fix_title = "Remove {what}"
    fix_safety = Applicability.SAFE
    applies_to = ("*.py",)  # in practice: every file another enabled rule lints
    judges_suppressions = True

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[int])  # noqa: HYP012
            async def read_items(): ...
            """,
            with_rules=("HYP012",),
        ),
        # Codes of other tools, and a bare noqa, are not ours to judge.
        Valid(
            """
            import random

            token = random.random()  # noqa: S311
            value = eval("1")  # noqa
            """,
            with_rules=("HYP012",),
        ),
        # HYP020 did not run on this file (not selected): its code is not called unused.
        Valid(
            """
            async def helper(db):  # noqa: HYP020
                ...
            """,
            with_rules=("HYP012",),
        ),
        Valid(
            """
            @module.router.get("/demo/items", response_model=list[int])  # hyperion-lint: ignore[HYP012]
            async def read_items(): ...
            """,
            with_rules=("HYP012",),
        ),
        # A form feed does not end a line for Python: the comment is on the route's line.
        Valid(
            """
            \x0c
            @module.router.get("/demo/items", response_model=list[int])  # noqa: HYP012
            async def read_items(): ...
            """,
            with_rules=("HYP012",),
        ),
    ]
    INVALID = [
        # The finding and its fix are on the comment's line, a form feed before it or not.
        Invalid(
            """
            \x0c
            x = 1  # noqa: HYP012
            """,
            line=2,
            column=8,
            with_rules=("HYP012",),
            fixed="""
            \x0c
            x = 1
            """,
        ),
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)  # noqa: HYP012
            async def read_items(): ...
            """,
            line=1,
            column=53,
            with_rules=("HYP012",),
            message="This suppression has a code that suppresses nothing on this line (`HYP012`); remove `HYP012` so the comment stays truthful",
            fixed="""
            @module.router.get("/demo/items", status_code=200)
            async def read_items(): ...
            """,
        ),
        Invalid(
            """
            @module.router.get("/demo/items", status_code=200)  # noqa: S311, HYP012, E501
            async def read_items(): ...
            """,
            line=1,
            column=53,
            with_rules=("HYP012",),
            fixed="""
            @module.router.get("/demo/items", status_code=200)  # noqa: S311, E501
            async def read_items(): ...
            """,
        ),
        Invalid(
            """
            @module.router.get("/demo/items")  # hyperion-lint: ignore[HYP012, HYP777]
            async def read_items(): ...
            """,
            line=1,
            column=36,
            with_rules=("HYP012",),
            message="This suppression names a code hyperion-lint does not know (`HYP777`; `hyperion-lint rules` lists them); remove `HYP777` so the comment stays truthful",
            fixed="""
            @module.router.get("/demo/items")  # hyperion-lint: ignore[HYP012]
            async def read_items(): ...
            """,
        ),
        # An explanation after the codes stays a comment.
        Invalid(
            """
            x = 1  # noqa: HYP012 legacy route, see #42
            """,
            line=1,
            column=8,
            with_rules=("HYP012",),
            fixed="""
            x = 1  # legacy route, see #42
            """,
        ),
    ]

    def check_suppressions(
        self, suppressions: Sequence[Suppression], checked: frozenset[str], known: frozenset[str]
    ) -> None:
        # Lines as Python numbers them (str.splitlines() also splits at form feeds).
        lines = re.split(r"\r\n|\r|\n", self.context.source)
        for suppression in suppressions:
            ours = [c for c in suppression.codes if c.startswith(OUR_PREFIX)]
            unknown = [c for c in ours if c not in known]
            unused = [c for c in ours if c in known and c in checked and c not in suppression.used]
            if not unknown and not unused:
                continue
            drop = set(unknown) | set(unused)
            parts = []
            if unused:
                parts.append(f"has a code that suppresses nothing on this line ({_codes(unused)})")
            if unknown:
                parts.append(f"names a code hyperion-lint does not know ({_codes(unknown)}; `hyperion-lint rules` lists them)")
            what = _codes([c for c in suppression.codes if c in drop])
            start = Position(suppression.line, suppression.column)
            end = Position(suppression.line, suppression.end_column)
            self.report_at(
                Location(self.context.path, start, end),
                problem=" and ".join(parts),
                what=what,
                edits=[_removal(lines[suppression.line - 1], suppression, drop)],
            )


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(f"`{c}`" for c in codes)


def _removal(line: str, suppression: Suppression, drop: set[str]) -> Edit:
    """The edit that takes ``drop`` out of the comment, or the comment out of the line."""
    kept = [c for c in suppression.codes if c not in drop]
    start, end = suppression.column, suppression.end_column
    rest = line[end - 1 :]
    if kept:
        if suppression.kind == "noqa":
            text = "# noqa: " + ", ".join(kept)
        else:
            text = "# hyperion-lint: ignore[" + ", ".join(kept) + "]"
        return Edit(Position(suppression.line, start), Position(suppression.line, end), text)
    if rest.strip():
        # Keep what follows the codes as a plain comment: "# noqa: HYP010 why" -> "# why".
        return Edit(
            Position(suppression.line, start),
            Position(suppression.line, end + len(rest) - len(rest.lstrip())),
            "# ",
        )
    before = line[: start - 1]
    keep = len(before.rstrip())
    return Edit(Position(suppression.line, keep + 1), Position(suppression.line, len(line) + 1), "")
