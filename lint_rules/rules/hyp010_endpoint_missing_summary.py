import re

import libcst as cst

from lint_rules.rule_api.base import Applicability, Invalid, Rule, Valid
from lint_rules.rule_api.edits import add_keyword, python_string
from lint_rules.knowledge.matchers.routes import (
    function_docstring,
    keyword_unknown,
    local_router_names,
    routes_of,
)

# The longest summary the fix writes: a title, not a description.
MAX_SUMMARY = 80
# Markdown or a link anywhere in the text: a code span, emphasis, a link or a bare URL.
_MARKDOWN = re.compile(r"`|\*|\[[^\]]*\]\(|https?://|<[a-z]+://")
# Markdown that starts a line: a heading, a quote, a list item, a table row.
_MARKDOWN_LINE = re.compile(r"^(#|>|[-+]\s|\d+[.)]\s|\|)")
# Where a sentence ends: `.`, `!` or `?` before the end or before spaces.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
# A break between two clauses: `;` or `:` with more text after it, or a spaced dash.
_CLAUSE_BREAK = re.compile(r"[;:](?=\s+\S)|\s[-\u2013\u2014]\s")
# Words a line cannot end a sentence with: the next line completes it.
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}
)
# What a line that starts markdown starts with (`**Only admins...**`, `` `code` ``).
_MARKDOWN_START = "*`_[<#>|"
# First words of a line that start a new sentence, not the rest of the previous line.
_OPENERS = frozenset(
    {
        "A", "All", "An", "Can", "Do", "Does", "Each", "He", "If", "It", "Its", "Must", "Note",
        "Only", "Raises", "Requires", "Return", "Returns", "See", "She", "Should", "The",
        "These", "They", "This", "Use", "Warning", "We", "When", "Will", "You",
    }
)
# Words whose `.` ends no sentence.
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "cf", "approx", "resp", "mr", "mrs", "dr"})


def _first_sentence(paragraph: list[str]) -> tuple[str | None, bool]:
    """The paragraph's first sentence, and whether a `.`, `!` or `?` ends it; None when
    where it ends cannot be told. A line without a final `.`, `!` or `?` runs on into the
    next line when that one starts with a small letter or a digit, or when the line ends
    with a comma or a small word (`to`, `the`...); it ends the sentence when the next
    line starts markdown or a new sentence (`This`, `The`, `If`, `Only`...:
    `Delete a loan` / `This will remove...`). Any other capital leaves it unknown."""
    taken: list[str] = []
    for index, line in enumerate(paragraph):
        taken.append(line)
        text = " ".join(taken)
        end = _SENTENCE_END.search(text)
        if end:
            return text[: end.end()], True
        if index + 1 == len(paragraph):
            break
        following = paragraph[index + 1]
        last = line.rsplit(None, 1)[-1].lower()
        if not following[0].isupper() and following[0] not in _MARKDOWN_START:
            continue
        if line.endswith(",") or last in _SMALL_WORDS:
            continue
        if following[0] in _MARKDOWN_START or following.split(None, 1)[0] in _OPENERS:
            return text, False
        return None, False
    return " ".join(taken), False


def summary_title(docstring: str | None) -> tuple[str | None, str | None]:
    """The title the fix writes from a route's docstring, or None and why not (the
    reason is None when there is no docstring). See the rule's documentation."""
    if not docstring or not docstring.strip():
        return None, None
    lines = [line.strip() for line in docstring.strip().splitlines()]
    if _MARKDOWN_LINE.match(lines[0]):
        return None, "starts with markdown"
    paragraph: list[str] = []
    for line in lines:
        if not line or (paragraph and _MARKDOWN_LINE.match(line)):
            break
        paragraph.append(line)
    sentence, end = _first_sentence(paragraph)
    if sentence is None:
        return None, "runs on to its next line without a full stop"
    last_word = sentence.rstrip(".!?").rsplit(None, 1)[-1].lower() if sentence.rstrip(".!?") else ""
    if end and (last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())):
        return None, "may end at an abbreviation"
    if _MARKDOWN.search(sentence):
        return None, "holds markdown or a link"
    if sentence.endswith(":"):
        return None, "ends with `:`, introducing what follows"
    if _CLAUSE_BREAK.search(sentence):
        return None, "is more than one clause"
    title = sentence
    if len(title) > MAX_SUMMARY:
        return None, f"is longer than {MAX_SUMMARY} characters"
    if not any(char.isalpha() for char in title):
        return None, "says nothing"
    return title, None


class EndpointMissingSummary(Rule):
    """
    ## What it does
    Checks that every HTTP route decorator passes `summary=`.

    ## Why is this bad?
    The summary is the title of the route in the Swagger page (`/docs`) and in the OpenAPI
    schema the mobile app is built from. Without it FastAPI makes one from the function
    name (`read_adverts` becomes "Read Adverts"), which says little about what the route
    does. Hyperion's endpoint guide gives every route a `summary=`. Websocket routes are
    not in the OpenAPI schema and are not checked; a decorator that passes `**kwargs` may
    carry the summary there and is not checked either.

    ## Example
    ```python
    @module.router.get("/advert/adverts", response_model=list[schemas_advert.AdvertComplete], status_code=200)
    async def read_adverts(db: AsyncSession = Depends(get_db)):
        \"\"\"Get all adverts.\"\"\"
    ```

    ## Use instead
    ```python
    @module.router.get(
        "/advert/adverts",
        summary="Get all adverts.",
        response_model=list[schemas_advert.AdvertComplete],
        status_code=200,
    )
    async def read_adverts(db: AsyncSession = Depends(get_db)):
        \"\"\"Get all adverts.\"\"\"
    ```

    ## Fix safety
    The fix appends `summary=` with a short title taken from the function's docstring, as
    a quoted string literal. It changes only the documentation, so it is safe.

    The title is the docstring's first sentence, when it fits. Precisely: the first
    paragraph is the docstring's lines (each stripped) up to the first blank line or the
    first line that starts markdown (`#`, `>`, `- `, `+ `, `1. `, `|`). Its first
    sentence runs up to the first `.`, `!` or `?` followed by a space or the end, so a
    sentence wrapped over several lines is never cut. A line without such an ending
    goes on into the next line when that one starts with a small letter or a digit, or
    when the line ends with a comma or a small word (`to`, `the`, `and`...); it ends the
    sentence when the next line starts markdown (`**Admins only**`) or a new sentence
    (`This`, `The`, `If`, `Only`, `Returns`...: `Delete a loan` / `This will remove the
    loan.` gives `Delete a loan`); after it, any other capital (`...for the Hyperion` /
    `API users.`) leaves the end unknown, and there is no fix. The sentence fits when:
    - the docstring does not start with markdown, and the sentence holds none: no
      backtick, no `*`, no `[text](link)`, no URL;
    - it is one clause: no `;` or `:` followed by a space and more text, no spaced dash
      (` - `, ` – `, ` — `), and it does not end with `:`;
    - it does not end at an abbreviation (`e.g.`, `i.e.`, `etc.`, a single letter such
      as an initial), where the sentence may go on;
    - it is at most 80 characters long and holds a letter.

    The sentence is written as it is, its final `.` included.

    Otherwise there is no fix, and the message says why and asks for a short title
    written by hand; so does a route without a docstring (see HYP032).

    ## Options
    None.
    """

    code = "HYP010"
    name = "endpoint-missing-summary"
    message = "Route `{function}` has no `summary=`, so the API docs title it from the function name; add {suggestion} to the decorator"
    fix_title = "Add `summary=` from the docstring's first sentence"
    fix_safety = Applicability.SAFE

    VALID = [
        Valid(
            """
            @module.router.get("/demo/items", summary="Get all items", response_model=list[int], status_code=200)
            async def read_items():
                \"\"\"Get all items.\"\"\"
            """
        ),
        Valid(
            """
            @module.router.delete(
                "/demo/items/{item_id}",
                summary="Delete an item",
                response_model=None,
                status_code=status.HTTP_204_NO_CONTENT,
            )
            async def delete_item(item_id: str, db: Annotated[AsyncSession, Depends(get_db)]) -> None:
                \"\"\"Delete an item.\"\"\"
            """
        ),
        Valid(
            """
            @module.router.websocket("/demo/ws")
            async def websocket_endpoint(websocket: WebSocket, db: AsyncSession = Depends(get_unsafe_db)):
                \"\"\"Stream updates.\"\"\"
            """
        ),
        Valid(
            """
            # @module.router.get("/demo/old")
            async def not_a_route():
                \"\"\"Old route.\"\"\"
            """
        ),
        Valid(
            """
            router = APIRouter(tags=["Demo"])
            core_module = CoreModule(root="demo", tag="Demo", router=router, factory=None)


            @router.api_route("/demo/ping", methods=["GET", "HEAD"], summary="Ping", status_code=200)
            async def ping(db: Database) -> dict[str, str]:
                return {"ping": "pong"}
            """,
            path="app/core/demo/endpoints_demo.py",
        ),
        Valid(
            """
            module = Module(root=DEMO_ROOT, tag="Demo", factory=None, permissions=DemoPermissions)
            """
        ),
        Valid(
            """
            ROUTE_DEFAULTS = {"summary": "Shared summary"}


            @module.router.get("/demo/items", status_code=200, **ROUTE_DEFAULTS)
            async def read_items(): ...
            """
        ),
        Valid(
            """
            type Items = list[int]


            @module.router.get("/demo/first", summary="Get the first item", response_model=int, status_code=200)
            async def read_first[T](items: T) -> T:
                return items
            """
        ),
        # A docstring Python would refuse (a bad escape; LibCST parses it).
        Valid(
            """
            @module.router.get("/demo/items", summary="Get all items", status_code=200)
            async def read_items():
                "Get all \\x items."
            """
        ),
    ]
    INVALID = [
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items():
                \"\"\"Get all items.\"\"\"
            """,
            line=1,
            column=2,
            message='Route `read_items` has no `summary=`, so the API docs title it from the function name; add `summary="Get all items."` to the decorator',
            fixed="""
            @module.router.get("/demo/items", response_model=list[int], status_code=200, summary="Get all items.")
            async def read_items():
                \"\"\"Get all items.\"\"\"
            """,
        ),
        Invalid(
            """
            router = APIRouter()


            @router.post(
                "/demo/items",
                response_model=int,
                status_code=201,
            )
            async def create_item():
                \"\"\"
                    Create an item called "Ünïcode".

                **Only admins may create items.**
                \"\"\"
            """,
            line=4,
            column=2,
            fixed="""
            router = APIRouter()


            @router.post(
                "/demo/items",
                response_model=int,
                status_code=201,
                summary='Create an item called "Ünïcode".',
            )
            async def create_item():
                \"\"\"
                    Create an item called "Ünïcode".

                **Only admins may create items.**
                \"\"\"
            """,
        ),
        Invalid(
            """
            @module.router.patch("/demo/items/{item_id}", status_code=204, response_model=None)
            async def update_item(item_id: str): ...
            """,
            line=1,
            column=2,
            message='Route `update_item` has no `summary=`, so the API docs title it from the function name; add `summary="..."` (a short title) to the decorator',
        ),
        Invalid(
            """
            @module.router.api_route("/demo/items", methods=["GET", "POST"], status_code=200)
            async def items():
                \"\"\"It's "both".\"\"\"
            """,
            line=1,
            column=2,
            fixed="""
            @module.router.api_route("/demo/items", methods=["GET", "POST"], status_code=200, summary="It's \\"both\\".")
            async def items():
                \"\"\"It's "both".\"\"\"
            """,
        ),
        # A sentence wrapped over two lines is taken whole, never cut at the line's end.
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items():
                \"\"\"
                Return every item of the user
                who is connected.

                The items are sorted by name.
                \"\"\"
            """,
            line=1,
            column=2,
            fixed="""
            @module.router.get("/demo/items", response_model=list[int], status_code=200, summary="Return every item of the user who is connected.")
            async def read_items():
                \"\"\"
                Return every item of the user
                who is connected.

                The items are sorted by name.
                \"\"\"
            """,
        ),
        # Only the first sentence of a line that holds several.
        Invalid(
            """
            @module.router.delete("/demo/items/{item_id}", response_model=None, status_code=204)
            async def delete_item(item_id: str):
                \"\"\"Delete an item. An item can not be deleted while it is lent.\"\"\"
            """,
            line=1,
            column=2,
            fixed="""
            @module.router.delete("/demo/items/{item_id}", response_model=None, status_code=204, summary="Delete an item.")
            async def delete_item(item_id: str):
                \"\"\"Delete an item. An item can not be deleted while it is lent.\"\"\"
            """,
        ),
        # A line without a full stop, then a new sentence: the line is the title; after it,
        # a capital that may go on the sentence leaves the end unknown: no fix.
        Invalid(
            """
            @module.router.delete("/demo/loans/{loan_id}", response_model=None, status_code=204)
            async def delete_loan(loan_id: str):
                \"\"\"
                Delete a loan
                This will remove the loan but won't delete its items.
                \"\"\"
            """,
            line=1,
            column=2,
            fixed="""
            @module.router.delete("/demo/loans/{loan_id}", response_model=None, status_code=204, summary="Delete a loan")
            async def delete_loan(loan_id: str):
                \"\"\"
                Delete a loan
                This will remove the loan but won't delete its items.
                \"\"\"
            """,
        ),
        Invalid(
            """
            @module.router.get("/demo/items", response_model=list[int], status_code=200)
            async def read_items():
                \"\"\"
                Return the items shown to the Hyperion
                API users.
                \"\"\"
            """,
            line=1,
            column=2,
            no_fix=True,
            message='Route `read_items` has no `summary=`, so the API docs title it from the function name; add `summary="..."` with a short title (one clause, at most 80 characters, no markdown: the docstring\'s first sentence runs on to its next line without a full stop) to the decorator',
        ),
        # Markdown (and a sentence longer than a title): no fix, and the message says why.
        Invalid(
            """
            @router.get("/auth/authorize", response_class=HTMLResponse)
            async def get_authorize_page():
                \"\"\"
                This endpoint is the one the user is redirected to when they begin the Oauth or Openid connect (*oidc*) *Authorization code* process.
                \"\"\"
            """,
            line=1,
            column=2,
            no_fix=True,
            message='Route `get_authorize_page` has no `summary=`, so the API docs title it from the function name; add `summary="..."` with a short title (one clause, at most 80 characters, no markdown: the docstring\'s first sentence holds markdown or a link) to the decorator',
        ),
        Invalid(
            """
            @module.router.patch("/demo/items/{item_id}", response_model=None, status_code=204)
            async def update_item(item_id: str):
                \"\"\"Update an item, the request should contain a JSON with the fields to change and their new value.\"\"\"
            """,
            line=1,
            column=2,
            no_fix=True,
            message='Route `update_item` has no `summary=`, so the API docs title it from the function name; add `summary="..."` with a short title (one clause, at most 80 characters, no markdown: the docstring\'s first sentence is longer than 80 characters) to the decorator',
        ),
        # Two clauses, a sentence that introduces a list, an abbreviation: no title to take.
        Invalid(
            """
            @module.router.post("/demo/vote/reset", response_model=None, status_code=204)
            async def reset_vote():
                \"\"\"Reset the vote; only while the votes are counted.\"\"\"
            """,
            line=1,
            column=2,
            no_fix=True,
        ),
        Invalid(
            """
            @module.router.get("/demo/integrity", response_model=list[int], status_code=200)
            async def read_integrity():
                \"\"\"
                Send the data for the integrity check:
                - wallets
                - transactions
                \"\"\"
            """,
            line=1,
            column=2,
            no_fix=True,
            message='Route `read_integrity` has no `summary=`, so the API docs title it from the function name; add `summary="..."` with a short title (one clause, at most 80 characters, no markdown: the docstring\'s first sentence ends with `:`, introducing what follows) to the decorator',
        ),
        Invalid(
            """
            @module.router.get("/demo/media", response_model=list[int], status_code=200)
            async def read_media():
                \"\"\"Get the media, e.g. books and films.\"\"\"
            """,
            line=1,
            column=2,
            no_fix=True,
        ),
    ]

    def visit_Module(self, node: cst.Module) -> None:
        self.router_names = local_router_names(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        routes = [r for r in routes_of(node, self.router_names) if not r.is_websocket]
        if not routes:
            return
        summary, reason = summary_title(function_docstring(node))
        literal = python_string(summary) if summary is not None else None
        for route in routes:
            if route.keyword("summary") is not None or keyword_unknown(route, "summary"):
                continue
            if literal is None:
                suggestion = '`summary="..."` (a short title)'
                if reason is not None:
                    suggestion = (
                        f'`summary="..."` with a short title (one clause, at most {MAX_SUMMARY} characters, '
                        f"no markdown: the docstring's first sentence {reason})"
                    )
                self.report(route.call, function=route.name, suggestion=suggestion)
                continue
            self.report(
                route.call,
                function=route.name,
                suggestion=f"`summary={literal}`",
                replacement=add_keyword(route.call, "summary", cst.SimpleString(literal)),
            )
