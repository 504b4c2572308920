"""The language server, driven by a real LSP client (pygls's) over stdio: `python -m lint_rules server`
runs as a subprocess on a small Hyperion-like project.

Every wait is bounded (TIMEOUT), so a server that hangs or never answers fails the test quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from lint_rules.output.report import rule_url

TIMEOUT = 20.0  # seconds, for any single answer of the server
T = TypeVar("T")

ENDPOINTS = "app/modules/demo/endpoints_demo.py"
HEADER = textwrap.dedent(
    '''
    from app.types.module import Module

    module = Module(root="demo", tag="Demo", factory=None)
    '''
).lstrip()
# One finding: HYP012 (safe fix) on the decorator of line 6.
MISSING_STATUS = HEADER + textwrap.dedent(
    '''

    @module.router.get("/demo/items", summary="List items", response_model=list[int])
    async def read_items():
        """List items."""
        return []
    '''
)
MESSAGE_012 = (
    "Route `read_items` does not say its success status code; add `status_code=` to the "
    "decorator (200 for a read, 201 for a create, 204 when nothing is returned)"
)
# HYP010 and HYP012 (safe fixes) on the first route, HYP016 (unsafe fix) on the second.
THREE_FIXABLE = HEADER + textwrap.dedent(
    '''

    @module.router.get("/demo/items", response_model=list[int])
    async def read_items():
        """List items."""
        return []


    @module.router.get("/demo/other", summary="Other", response_model=list[int], status_code=201)
    async def read_other():
        """Other."""
        return []
    '''
)
MODEL = textwrap.dedent(
    '''
    from sqlalchemy.orm import Mapped

    from app.types.sqlalchemy import Base, PrimaryKey


    class {name}(Base):
        __tablename__ = "{table}"

        id: Mapped[PrimaryKey]
    '''
).lstrip()


# -- a client session ---------------------------------------------------------------------------


def write(root: Path, files: dict[str, str], config: str = "") -> None:
    (root / "pyproject.toml").write_text(f"[project]\nname = 'demo'\n\n[tool.hyperion-lint]\n{config}", encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


async def bounded(awaitable: Awaitable[T], what: str) -> T:
    try:
        return await asyncio.wait_for(awaitable, TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"no answer from the server within {TIMEOUT} s: {what}") from None


class Session:
    """A client talking to one server process, keeping every diagnostics notification."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("hyperion-lint-tests", "0")
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.messages: list[types.ShowMessageParams] = []
        # Every notification in the order it came: ("log", message) or ("diagnostics", params).
        self.events: list[tuple[str, object]] = []
        self._arrived = asyncio.Event()
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.published.append(params)
            self.events.append(("diagnostics", params))
            self._arrived.set()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            self.events.append(("log", params.message))
            self._arrived.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def shown(params: types.ShowMessageParams) -> None:
            self.messages.append(params)

        @self.client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            self.registrations.extend(params.registrations)
            self._arrived.set()

    def uri(self, name: str) -> str:
        uri = from_fs_path(str(self.root / name))
        assert uri is not None
        return uri

    async def diagnostics(self, name: str, version: int) -> list[types.Diagnostic]:
        """The diagnostics the server publishes for this version of the document."""
        uri = self.uri(name)

        async def arrival() -> list[types.Diagnostic]:
            while True:
                for params in reversed(self.published):
                    if params.uri == uri and params.version == version:
                        return list(params.diagnostics)
                self._arrived.clear()
                await self._arrived.wait()

        return await bounded(arrival(), f"diagnostics of {name} version {version}")

    async def until(self, name: str, version: int, codes: Sequence[str]) -> list[types.Diagnostic]:
        """The diagnostics of this version once they have these codes: the first ones may
        come before the project index is complete (the per-file rules alone)."""
        uri = self.uri(name)

        async def arrival() -> list[types.Diagnostic]:
            while True:
                for params in reversed(self.published):
                    if params.uri == uri and params.version == version:
                        if [d.code for d in params.diagnostics] == list(codes):
                            return list(params.diagnostics)
                        break
                self._arrived.clear()
                await self._arrived.wait()

        return await bounded(arrival(), f"diagnostics {list(codes)} of {name} version {version}")

    async def settled(self, name: str, version: int) -> list[types.Diagnostic]:
        """The diagnostics of this version published once the project index is complete
        (the server logs "hyperion-lint: indexed ..." then lints the open documents again)."""
        uri = self.uri(name)

        async def arrival() -> list[types.Diagnostic]:
            while True:
                indexed = [i for i, (kind, what) in enumerate(self.events) if kind == "log" and str(what).startswith("hyperion-lint: indexed ")]
                if indexed:
                    for kind, what in self.events[indexed[0] + 1:]:
                        if kind == "diagnostics" and isinstance(what, types.PublishDiagnosticsParams):
                            if what.uri == uri and what.version == version:
                                return list(what.diagnostics)
                self._arrived.clear()
                await self._arrived.wait()

        return await bounded(arrival(), f"diagnostics of {name} version {version} after indexing")

    async def next_diagnostics(self, name: str, after: int) -> list[types.Diagnostic]:
        """The first diagnostics of the document published after the first ``after`` notifications."""
        uri = self.uri(name)

        async def arrival() -> list[types.Diagnostic]:
            while True:
                for params in self.published[after:]:
                    if params.uri == uri:
                        return list(params.diagnostics)
                self._arrived.clear()
                await self._arrived.wait()

        return await bounded(arrival(), f"new diagnostics of {name}")

    def open(self, name: str, text: str | None = None) -> None:
        text = (self.root / name).read_text(encoding="utf-8") if text is None else text
        self.versions[name] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri(name), language_id="python", version=1, text=text)
            )
        )

    def change(self, name: str, text: str) -> int:
        self.versions[name] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri(name), version=self.versions[name]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[name]

    def save(self, name: str) -> None:
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=self.uri(name)))
        )

    async def code_actions(
        self, name: str, where: types.Range, diagnostics: Sequence[types.Diagnostic] = (), only: Sequence[str] | None = None
    ) -> list[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri(name)),
            range=where,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=list(only) if only else None),
        )
        actions = await bounded(self.client.text_document_code_action_async(params), f"code actions of {name}")
        assert all(isinstance(a, types.CodeAction) for a in actions or [])
        return list(actions or [])


@contextlib.asynccontextmanager
async def session(
    root: Path, capabilities: types.ClientCapabilities | None = None, debounce: float = 0.05
) -> AsyncIterator[Session]:
    s = Session(root)
    await s.client.start_io(
        sys.executable, "-m", "lint_rules", "server", "--debounce", str(debounce), cwd=str(root)
    )
    try:
        await bounded(
            s.client.initialize_async(
                types.InitializeParams(
                    process_id=None,
                    root_uri=from_fs_path(str(root)),
                    capabilities=capabilities or types.ClientCapabilities(),
                    workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(root)) or "", name="project")],
                )
            ),
            "initialize",
        )
        s.client.initialized(types.InitializedParams())
        yield s
        await bounded(s.client.shutdown_async(None), "shutdown")
        s.client.exit(None)
        await bounded(s.client.stop(), "exit")
    finally:
        server = s.client._server  # the subprocess pygls started
        if server is not None and server.returncode is None:
            server.kill()
            await server.wait()


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(test())


# -- applying LSP edits, independently of the server's code ---------------------------------------


def offset_of(text: str, position: types.Position) -> int:
    """LSP position (UTF-16 code units) -> string offset."""
    starts = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    offset = starts[position.line]
    units = 0
    while units < position.character:
        units += 2 if ord(text[offset]) > 0xFFFF else 1
        offset += 1
    return offset


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        (change,) = action.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
        return list(change.edits)
    assert action.edit.changes is not None and list(action.edit.changes) == [uri]
    return list(action.edit.changes[uri])


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


# -- the tests ------------------------------------------------------------------------------------


def test_diagnostic_then_quick_fix_then_change_clears_it(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(ENDPOINTS)
            (found,) = await s.diagnostics(ENDPOINTS, 1)
            decorator = '@module.router.get("/demo/items", summary="List items", response_model=list[int])'
            # The finding is reported at 6:2 (1-based), the decorator call without its `@`; the
            # diagnostic starts at the `@`, where the cursor is on the decorator's line.
            assert found.range == types.Range(start=at(5, 0), end=at(5, len(decorator)))
            assert found.code == "HYP012"
            assert found.message == MESSAGE_012
            assert found.source == "hyperion-lint"
            assert found.severity == types.DiagnosticSeverity.Warning
            assert found.code_description is not None
            assert found.code_description.href == rule_url("HYP012", "endpoint-missing-status-code")
            assert found.code_description.href.endswith("docs/rules.md#hyp012-endpoint-missing-status-code")

            actions = await s.code_actions(ENDPOINTS, found.range, [found], only=[types.CodeActionKind.QuickFix])
            assert [a.title for a in actions] == [
                "Add `status_code=200` (FastAPI's implicit default) (HYP012)",
                "Suppress HYP012 on this line (# noqa)",
            ]
            fix = actions[0]
            assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
            assert list(fix.diagnostics or []) == [found]
            fixed = apply(MISSING_STATUS, edits_of(fix, s.uri(ENDPOINTS)))
            assert fixed == MISSING_STATUS.replace("list[int])", "list[int], status_code=200)")

            version = s.change(ENDPOINTS, fixed)
            assert await s.diagnostics(ENDPOINTS, version) == []
            # Nothing left to fix: no code action at all.
            assert await s.code_actions(ENDPOINTS, found.range) == []

            # The noqa action, applied to the original text, silences the finding too.
            version = s.change(ENDPOINTS, MISSING_STATUS)
            (again,) = await s.diagnostics(ENDPOINTS, version)
            noqa = (await s.code_actions(ENDPOINTS, again.range, [again]))[1]
            silenced = apply(MISSING_STATUS, edits_of(noqa, s.uri(ENDPOINTS)))
            assert silenced == MISSING_STATUS.replace("list[int])\n", "list[int])  # noqa: HYP012\n")
            version = s.change(ENDPOINTS, silenced)
            assert await s.diagnostics(ENDPOINTS, version) == []

    run(scenario)


def test_fix_all_applies_the_safe_fixes_only(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: THREE_FIXABLE})

    async def scenario() -> None:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)
            )
        )
        async with session(tmp_path, capabilities) as s:
            s.open(ENDPOINTS)
            found = await s.diagnostics(ENDPOINTS, 1)
            assert [d.code for d in found] == ["HYP010", "HYP012", "HYP016"]
            everywhere = types.Range(start=at(0, 0), end=at(0, 0))
            (fix_all,) = await s.code_actions(ENDPOINTS, everywhere, only=["source.fixAll"])
            assert fix_all.kind == "source.fixAll.hyperion-lint"
            assert fix_all.title == "hyperion-lint: apply every safe fix (2 findings)"
            assert fix_all.edit is not None and fix_all.edit.document_changes is not None
            (change,) = fix_all.edit.document_changes
            assert isinstance(change, types.TextDocumentEdit) and change.text_document.version == 1
            fixed = apply(THREE_FIXABLE, edits_of(fix_all, s.uri(ENDPOINTS)))
            # What `hyperion-lint check --fix` writes; the unsafe HYP016 fix (201 -> 200) is left.
            # The decorator would pass 88 columns: it is split as ruff format writes it.
            assert fixed == THREE_FIXABLE.replace(
                '"/demo/items", response_model=list[int])',
                '\n    "/demo/items",\n    response_model=list[int],\n    summary="List items.",\n    status_code=200,\n)',
            )
            # Asked for quick fixes only, the server does not offer it.
            assert all(a.kind == types.CodeActionKind.QuickFix for a in await s.code_actions(ENDPOINTS, everywhere, only=["quickfix"]))

            version = s.change(ENDPOINTS, fixed)
            (left,) = await s.diagnostics(ENDPOINTS, version)
            assert left.code == "HYP016"
            # The unsafe fix is a quick fix, not preferred, and says it is unsafe.
            (unsafe, _noqa) = await s.code_actions(ENDPOINTS, left.range, [left])
            assert unsafe.title.endswith("(HYP016, unsafe fix)") and not unsafe.is_preferred
            # No safe fix remains: no fixAll action.
            assert await s.code_actions(ENDPOINTS, everywhere, only=["source.fixAll"]) == []

    run(scenario)


def test_columns_are_utf16_code_units_after_non_bmp_characters(tmp_path: Path) -> None:
    line = '@module.router.get("/demo/😀", summary="😀 𝄞 items", response_model=list[int], status_code=201)'
    source = HEADER + f'\n\n{line}\nasync def read_other():\n    """Other."""\n    return []\n'
    write(tmp_path, {ENDPOINTS: source})

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(ENDPOINTS)
            (found,) = await s.diagnostics(ENDPOINTS, 1)
            assert found.code == "HYP016"
            # `201` is at code point 89 (0-based) of the line; three characters before it
            # (😀, 😀, 𝄞) take two UTF-16 code units each.
            assert line.index("201") == 89
            assert found.range == types.Range(start=at(5, 92), end=at(5, 95))
            assert len(line[:89].encode("utf-16-le")) // 2 == 92
            (fix, _noqa) = await s.code_actions(ENDPOINTS, found.range, [found])
            (edit,) = edits_of(fix, s.uri(ENDPOINTS))
            assert edit == types.TextEdit(range=found.range, new_text="200")
            assert apply(source, [edit]) == source.replace("status_code=201", "status_code=200")

    run(scenario)


def test_utf8_positions_when_the_client_asks_for_them(tmp_path: Path) -> None:
    line = '@module.router.get("/demo/😀", summary="é items", response_model=list[int], status_code=201)'
    source = HEADER + f'\n\n{line}\nasync def read_other():\n    """Other."""\n    return []\n'
    write(tmp_path, {ENDPOINTS: source})

    async def scenario() -> None:
        capabilities = types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8])
        )
        async with session(tmp_path, capabilities) as s:
            s.open(ENDPOINTS)
            (found,) = await s.diagnostics(ENDPOINTS, 1)
            start = len(line[: line.index("201")].encode("utf-8"))
            assert found.range == types.Range(start=at(5, start), end=at(5, start + 3))

    run(scenario)


def test_syntax_error_is_an_error_and_changes_are_debounced(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})

    async def scenario() -> None:
        async with session(tmp_path, debounce=0.5) as s:
            s.open(ENDPOINTS)
            assert [d.code for d in await s.settled(ENDPOINTS, 1)] == ["HYP012"]
            before = len(s.published)
            # Three quick changes: only the last one is linted.
            for text in ("def broken(:\n", "def broken(\n", MISSING_STATUS + "def broken(:\n"):
                version = s.change(ENDPOINTS, text)
            (found,) = await s.diagnostics(ENDPOINTS, version)
            assert (found.code, found.severity) == ("HYP999", types.DiagnosticSeverity.Error)
            assert found.range == types.Range(start=at(9, 11), end=at(9, 11))
            assert found.message == "Cannot parse this file: invalid syntax. Fix the syntax; no rule could check it."
            assert [p.version for p in s.published[before:]] == [version]

    run(scenario)


def test_project_rules_see_the_saved_tree_plus_the_buffer(tmp_path: Path) -> None:
    demo, shop = "app/modules/demo/models_demo.py", "app/modules/shop/models_shop.py"
    write(tmp_path, {demo: MODEL.format(name="Item", table="demo_item"), shop: MODEL.format(name="Item", table="shop_item")})

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(shop)
            (duplicate,) = await s.until(shop, 1, ["HYP053"])
            assert duplicate.code == "HYP053"
            assert duplicate.range == types.Range(start=at(5, 0), end=at(8, 26))
            assert duplicate.related_information is not None
            (other,) = duplicate.related_information
            assert other.location.uri == s.uri(demo)
            assert other.location.range == types.Range(start=at(5, 0), end=at(8, 26))

            # The buffer replaces its own file: renaming the class in it clears the finding.
            version = s.change(shop, MODEL.format(name="ShopItem", table="shop_item"))
            assert await s.diagnostics(shop, version) == []
            version = s.change(shop, MODEL.format(name="Item", table="shop_item"))
            assert [d.code for d in await s.diagnostics(shop, version)] == ["HYP053"]

            # Another file's unsaved buffer is not the saved tree: it does not count...
            s.open(demo)
            assert [d.code for d in await s.diagnostics(demo, 1)] == ["HYP053"]
            renamed = MODEL.format(name="DemoItem", table="demo_item")
            version = s.change(demo, renamed)
            assert await s.diagnostics(demo, version) == []
            count = len(s.published)
            # ... until it is saved: then the other open documents are linted again.
            (tmp_path / demo).write_text(renamed, encoding="utf-8")
            s.save(demo)
            assert await s.next_diagnostics(shop, count) == []

    run(scenario)


def test_configuration_is_read_again_when_pyproject_changes(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})

    async def scenario() -> None:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)
            )
        )
        async with session(tmp_path, capabilities) as s:
            s.open(ENDPOINTS)
            assert [d.code for d in await s.settled(ENDPOINTS, 1)] == ["HYP012"]
            (registration,) = s.registrations
            assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
            assert isinstance(registration.register_options, dict)
            globs = [w["globPattern"] for w in registration.register_options["watchers"]]
            assert "**/pyproject.toml" in globs

            # The client reports the change: the open document is linted again at once.
            write(tmp_path, {}, config='ignore = ["HYP012"]\n')
            count = len(s.published)
            s.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(
                    changes=[types.FileEvent(uri=s.uri("pyproject.toml"), type=types.FileChangeType.Changed)]
                )
            )
            assert await s.next_diagnostics(ENDPOINTS, count) == []

            # Without a notification, the next lint sees the new file too (its mtime changed).
            (tmp_path / "pyproject.toml").write_text(
                "[project]\nname = 'demo'\n\n[tool.hyperion-lint]\nselect = ['HYP01']\n# longer\n", encoding="utf-8"
            )
            version = s.change(ENDPOINTS, MISSING_STATUS + "\n")
            assert [d.code for d in await s.diagnostics(ENDPOINTS, version)] == ["HYP012"]

            # A broken configuration never empties the editor: the last valid one keeps
            # serving, and the user is told once per change of the file.
            (tmp_path / "pyproject.toml").write_text("[tool.hyperion-lint]\nselect = ['NOPE']\n", encoding="utf-8")
            version = s.change(ENDPOINTS, MISSING_STATUS)
            assert [d.code for d in await s.diagnostics(ENDPOINTS, version)] == ["HYP012"]
            (shown,) = s.messages
            assert shown.type == types.MessageType.Error
            assert shown.message.startswith(
                f"hyperion-lint: configuration error in {tmp_path / 'pyproject.toml'} (the last valid "
                "configuration is still in use until this is fixed): "
            )
            assert "'NOPE'" in shown.message
            version = s.change(ENDPOINTS, MISSING_STATUS + "\n")
            assert [d.code for d in await s.diagnostics(ENDPOINTS, version)] == ["HYP012"]
            assert len(s.messages) == 1  # the same problem: not said again

            # Fixed, and reported by the client: it takes effect with no edit of the buffer.
            write(tmp_path, {}, config='ignore = ["HYP012"]\n')
            count = len(s.published)
            s.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(
                    changes=[types.FileEvent(uri=s.uri("pyproject.toml"), type=types.FileChangeType.Changed)]
                )
            )
            assert await s.next_diagnostics(ENDPOINTS, count) == []
            assert len(s.messages) == 1

    run(scenario)


def test_a_broken_configuration_without_file_watching(tmp_path: Path) -> None:
    """A client that watches no file (Neovim on Linux): the configuration is read again at
    each lint and at each save; a broken one is shown on pyproject.toml when it is open."""
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(ENDPOINTS)
            assert [d.code for d in await s.settled(ENDPOINTS, 1)] == ["HYP012"]
            assert s.registrations == []
            broken = "[project]\nname = 'demo'\n\n[tool.hyperion-lint]\nselect = ['HYP01'\n"
            (tmp_path / "pyproject.toml").write_text(broken, encoding="utf-8")
            s.open("pyproject.toml", broken)
            count = len(s.published)
            s.save(ENDPOINTS)
            # The buffer keeps its diagnostics; the file gets one at the place of the problem.
            assert [d.code for d in await s.next_diagnostics(ENDPOINTS, count)] == ["HYP012"]
            (problem,) = await s.next_diagnostics("pyproject.toml", count)
            assert problem.severity == types.DiagnosticSeverity.Error and problem.source == "hyperion-lint"
            assert problem.range.start.line == 4
            assert "is not valid TOML" in problem.message
            (shown,) = s.messages
            assert "is not valid TOML" in shown.message

            # Fixed: the next save (or lint) reads it, and the file's diagnostic goes.
            fixed = "[project]\nname = 'demo'\n\n[tool.hyperion-lint]\nignore = ['HYP012']\n"
            (tmp_path / "pyproject.toml").write_text(fixed, encoding="utf-8")
            count = len(s.published)
            s.save(ENDPOINTS)
            assert await s.next_diagnostics(ENDPOINTS, count) == []
            assert await s.next_diagnostics("pyproject.toml", count) == []
            assert len(s.messages) == 1

    run(scenario)


def test_closing_a_document_clears_its_diagnostics(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(ENDPOINTS)
            assert len(await s.settled(ENDPOINTS, 1)) == 1  # no lint left to come
            count = len(s.published)
            s.client.text_document_did_close(
                types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=s.uri(ENDPOINTS)))
            )
            assert await s.next_diagnostics(ENDPOINTS, count) == []

    run(scenario)


def test_the_other_commands_do_not_import_pygls() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from lint_rules.cli import main\n"
        "assert CliRunner().invoke(main, ['rules']).exit_code == 0\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'lint_rules'))\n"
        "assert not [m for m in loaded if not m.startswith('lint_rules') or m.startswith('lint_rules.server')], loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_server_without_pygls_says_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['pygls'] = sys.modules['lsprotocol'] = None  # as if not installed\n"
        "from lint_rules.cli import main\n"
        "main(['server'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("hyperion-lint: error: the language server needs pygls")
    assert done.stderr.rstrip().endswith(
        'install it with: pip install "hyperion-lint[server] @ git+https://github.com/aeecleclair/hyperion-lint@main" '
        '(or pip install -e ".[server]" in a checkout)'
    )


def test_positions_break_lines_where_lsp_does() -> None:
    from lint_rules.model import Position
    from lint_rules.server.actions import replacement
    from lint_rules.server.positions import Text

    # A form feed is not a line break in LSP (nor for the fixer); \r\n and a lone \r are.
    source = "a\x0cb = 1\r\nc😀 = 2\rd = 3"
    text = Text(source)
    assert text.position(Position(1, 3)) == at(0, 2)  # after the form feed
    assert text.position(Position(2, 3)) == at(1, 3)  # after 😀: 2 UTF-16 units
    assert text.position(Position(2, 7)) == at(1, 7)  # the end of the line, before \r
    assert text.position(Position(3, 6)) == at(2, 5)  # clamped to the end of the text
    assert text.position(Position(4, 1)) == at(2, 5)  # the line after a last line without break
    assert Text(source, "utf-32").position(Position(2, 3)) == at(1, 2)
    assert Text(source, "utf-8").position(Position(2, 3)) == at(1, 5)
    assert text.position_at(source.index("\n")) == at(0, 7)  # inside \r\n: the end of the line

    # fixAll and noqa send the lines that differ, with line ends kept.
    edit = replacement(text, "a\x0cb = 1\r\nc😀 = 20\rd = 3")
    assert edit == types.TextEdit(range=types.Range(start=at(1, 0), end=at(2, 0)), new_text="c😀 = 20\r")
    assert apply(source, [edit]) == "a\x0cb = 1\r\nc😀 = 20\rd = 3"
    assert replacement(text, source) is None
    edit = replacement(Text("x = 1"), "x = 1\n")
    assert edit is not None and apply("x = 1", [edit]) == "x = 1\n"
