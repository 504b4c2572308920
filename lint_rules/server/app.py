"""The language server: open documents, debounced linting on a worker thread, diagnostics
and code actions.

Linting runs on one worker thread, so that the server keeps reading messages while a file
is linted, and the projects (their Linters and indexes) are only ever used by that thread;
the project index is completed on a thread of its own (``index``). A lint whose document
changed while it ran is not published: a newer one is on its way.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from lint_rules import __version__
from lint_rules.engine.reparse import Reparser
from lint_rules.server import actions, selection
from lint_rules.server.diagnostics import SOURCE
from lint_rules.server.linting import Engine, Linted
from lint_rules.server.projects import ConfigProblem
from lint_rules.server.protocol import Protocol, answer_unreadable

log = logging.getLogger("hyperion-lint")

DEBOUNCE = 0.3  # seconds of quiet after a change before the buffer is linted

# LibCST's native parser recurses on the C stack; a thread's default stack can be small
# (512 KiB on macOS, where 100 nested brackets already overflow it). The main thread has 8 MiB.
WORKER_STACK = 64 << 20


def deep_stack_threads() -> Any:
    """A context in which new threads get a stack as deep as the command line's."""

    class _Deep:
        def __enter__(self) -> None:
            self.previous = threading.stack_size(WORKER_STACK)

        def __exit__(self, *exc: object) -> None:
            threading.stack_size(self.previous)

    return _Deep()


def _worker() -> ThreadPoolExecutor:
    """The thread that lints, started now with a deep stack."""
    with deep_stack_threads():
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hyperion-lint")
        worker.submit(lambda: None).result()
    return worker


def _warm_up() -> None:
    from lint_rules.engine.catalog import catalog
    from lint_rules.engine.linter import analyze
    from lint_rules.engine.registry import all_rules

    catalog()
    all_rules()
    analyze("warm_up.py", "x = 1\n", [], extract=True)


def _uncollected(function: Any, *args: Any) -> Any:
    """``function(*args)`` with the garbage collector paused, until the diagnostics are
    sent (``lint`` enables it again): a lint allocates a parse's worth of nodes, which
    set off a dozen collections of the young objects (a tenth of a small file's lint)."""
    gc.disable()
    return function(*args)


class HyperionLanguageServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE) -> None:
        # Full sync: pygls applies incremental changes with str.splitlines, which breaks
        # lines at form feeds and other characters that LSP does not count as line breaks.
        super().__init__(
            "hyperion-lint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=Protocol,
        )
        self.debounce = debounce
        self.worker = _worker()
        self.engine = Engine(self._folders, self._index_ready)
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.linted: dict[str, Linted] = {}
        self.reparsers: dict[str, Reparser] = {}
        self._shown: set[str] = set()
        self._told: dict[Path, ConfigProblem] = {}  # config files whose problem was shown
        self.loop: asyncio.AbstractEventLoop | None = None
        self.watching = False  # the client reports changed files
        # While the client starts up: load the rules and LibCST, which the first lint needs.
        self.worker.submit(_warm_up)

    # -- state of the editor -------------------------------------------------------------

    def _folders(self) -> list[Path]:
        uris = [f.uri for f in self.workspace.folders.values()] or [self.workspace.root_uri]
        paths = [to_fs_path(uri) for uri in uris if uri]
        return [Path(path).absolute() for path in paths if path]

    def _encoding(self) -> str:
        return str(getattr(self.workspace.position_encoding, "value", self.workspace.position_encoding) or "utf-16")

    def _document_changes(self) -> bool:
        workspace = self.client_capabilities.workspace
        edit = workspace.workspace_edit if workspace is not None else None
        return bool(edit is not None and edit.document_changes)

    def open_uris(self) -> list[str]:
        return [uri for uri in self.workspace.text_documents if self.lintable(uri)]

    # -- linting ---------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint the document after ``delay`` seconds, replacing a lint not started yet."""
        self.loop = asyncio.get_running_loop()
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = self.loop.create_task(self._lint_later(uri, delay))

    def relint_all(self, delay: float = 0) -> None:
        for uri in self.open_uris():
            self.schedule(uri, delay)

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self.lint(uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    def lintable(self, uri: str) -> bool:
        document = self.workspace.text_documents.get(uri)
        return document is not None and uri.startswith("file:") and bool(document.path) and not uri.endswith(".toml")

    async def lint(self, uri: str) -> Linted | None:
        """Lint the open document now, store and publish its diagnostics."""
        if not self.lintable(uri):
            return None
        document = self.workspace.text_documents[uri]
        version, source = document.version, document.source
        reparser = self.reparsers.setdefault(uri, Reparser())
        try:
            linted = await self.on_worker(
                _uncollected, self.engine.lint, uri, Path(document.path), version, source, self._encoding(), reparser
            )
        except Exception:
            gc.enable()
            log.exception("hyperion-lint failed on %s", document.path)
            self.show_error(f"hyperion-lint failed on {document.path}; see the server's log")
            return None
        try:
            self.report_config(linted)
            current = self.workspace.text_documents.get(uri)
            if current is None or current.version != version or current.source != source:
                return None  # changed meanwhile: a newer lint is scheduled
            self.linted[uri] = linted
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=linted.diagnostics, version=version)
            )
        finally:
            gc.enable()  # what the lint left to collect is collected now, its diagnostics sent
        # Idle time: make the next edit's parse incremental, and complete the index.
        self.worker.submit(reparser.prepare)
        if not linted.complete:
            self.worker.submit(self.engine.indexes.kick)
        return linted

    def _index_ready(self, root: Path, how: str) -> None:
        """From the indexing thread: lint the open documents again, with every rule."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._indexed, root, how)

    def _indexed(self, root: Path, how: str) -> None:
        # What lives from now on (the index's facts, the rules, LibCST, the open buffers'
        # trees) is moved out of the garbage collector's reach: its full passes, which a
        # keystroke's allocations set off every dozen lints, then skip it (the objects
        # are still freed when nothing refers to them).
        gc.freeze()
        self.window_log_message(
            types.LogMessageParams(type=types.MessageType.Info, message=f"hyperion-lint: indexed {root} ({how})")
        )
        self.relint_all(0)

    # -- configuration problems ---------------------------------------------------------------

    def report_config(self, linted: Linted) -> None:
        """Say once per change of a configuration file that it does not load (a window
        message, and a diagnostic on it when it is open); clear that when it loads again."""
        path, problem = linted.config_path, linted.problem
        if path is None:
            return
        told = self._told.get(path)
        if problem is None:
            if told is not None:
                del self._told[path]
                self._publish_config(path, None)
            return
        if told is not None and told.stamp == problem.stamp:
            return
        self._told[path] = problem
        message = (
            f"hyperion-lint: configuration error in {path} (the last valid configuration is still in use "
            f"until this is fixed): {problem.message}"
        )
        log.error("%s", message)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))
        self._publish_config(path, problem)

    def _publish_config(self, path: Path, problem: ConfigProblem | None) -> None:
        uri = from_fs_path(str(path))
        if uri is None or uri not in self.workspace.text_documents:
            return
        diagnostics = []
        if problem is not None:
            line, column = problem.place
            where = types.Range(start=types.Position(line, column), end=types.Position(line, column))
            diagnostics.append(
                types.Diagnostic(range=where, message=problem.message, severity=types.DiagnosticSeverity.Error, source=SOURCE)
            )
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def config_opened(self, uri: str) -> None:
        path = to_fs_path(uri)
        if path is not None:
            problem = self._told.get(Path(path))
            if problem is not None:
                self._publish_config(Path(path), problem)

    # -- errors ---------------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        log.error("%s", message)
        if message not in self._shown:  # once per distinct problem, not at every keystroke
            self._shown.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        if isinstance(error, json.JSONDecodeError):  # a body that is not JSON: answered, not shown
            log.error("a message is not JSON: %s", error)
            answer_unreadable(self.protocol, error)
            return
        log.error("%s: %s", getattr(source, "__name__", source), error)
        self.show_error(f"hyperion-lint: internal error ({type(error).__name__}: {error}); see the server's log")

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.linted.pop(uri, None)
        self.reparsers.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def on_worker(self, function: Any, *args: Any) -> Any:
        self.loop = asyncio.get_running_loop()
        return await self.loop.run_in_executor(self.worker, function, *args)

    # -- code actions ----------------------------------------------------------------------

    async def current(self, uri: str) -> Linted | None:
        """The findings of the document as it is now, linting it if needed."""
        document = self.workspace.text_documents.get(uri)
        linted = self.linted.get(uri)
        if document is None:
            return None
        if linted is not None and linted.version == document.version and linted.text.source == document.source:
            return linted
        return await self.lint(uri)

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        linted = await self.current(params.text_document.uri)
        if linted is None:
            return None
        only = params.context.only
        target = actions.Target(linted.uri, linted.version, linted.text, self._document_changes())
        found: list[types.CodeAction] = []
        if actions.wanted(actions.QUICK_FIX, only):
            if linted.blocks is None:
                linted.blocks = selection.decorated_blocks(linted.text.source)
            asked = params.context.diagnostics
            here = [
                (f, d)
                for f, d in zip(linted.findings, linted.diagnostics)
                if selection.named(d, asked) or selection.covers(d, linted.blocks, params.range)
            ]
            found += [actions.quick_fix(f, d, target) for f, d in here if f.fix is not None]
            found += filter(None, (actions.suppress(f, d, target) for f, d in here))
        if actions.wanted(actions.FIX_ALL, only) and linted.safely_fixable:
            if linted.fixed is None:
                linted.fixed = await self.on_worker(self.engine.fix, linted)
            action = actions.fix_all(target, linted.fixed.source, linted.fixed.applied)
            if action is not None:
                found.append(action)
        return found
