"""The language server: open documents, debounced linting on a worker thread, diagnostics
and code actions.

Linting runs on one worker thread, so that the server keeps reading messages while a file
is linted, and the Linters (and their project index) are only ever used by that thread.
A lint whose document changed while it ran is not published: a newer one is on its way.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from lint_rules import __version__
from lint_rules.engine.config import ConfigError
from lint_rules.model import Applicability, Finding
from lint_rules.server import actions
from lint_rules.server.diagnostics import diagnostic
from lint_rules.server.positions import Text, overlaps
from lint_rules.server.projects import FixedText, Projects

log = logging.getLogger("hyperion-lint")

DEBOUNCE = 0.3  # seconds of quiet after a change before the buffer is linted


@dataclass
class Linted:
    """A document's findings, for the text of one version."""

    uri: str
    version: int | None
    path: Path
    text: Text
    findings: list[Finding]
    diagnostics: list[types.Diagnostic]
    fixed: FixedText | None = None  # every safe fix applied, computed when first asked

    @property
    def safely_fixable(self) -> bool:
        return any(f.fix is not None and f.fix.applicability is Applicability.SAFE for f in self.findings)


# LibCST's native parser recurses on the C stack; a thread's default stack can be small
# (512 KiB on macOS, where 100 nested brackets already overflow it). The main thread has 8 MiB.
WORKER_STACK = 64 << 20


def _worker() -> ThreadPoolExecutor:
    """The thread that lints, started now with a stack as deep as the command line's."""
    previous = threading.stack_size(WORKER_STACK)
    try:
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hyperion-lint")
        worker.submit(lambda: None).result()
    finally:
        threading.stack_size(previous)
    return worker


class HyperionLanguageServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE) -> None:
        # Full sync: pygls applies incremental changes with str.splitlines, which breaks
        # lines at form feeds and other characters that LSP does not count as line breaks.
        super().__init__("hyperion-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.debounce = debounce
        self.worker = _worker()
        self.projects = Projects(self._folders)
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.linted: dict[str, Linted] = {}
        self._shown: set[str] = set()

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
        return list(self.workspace.text_documents)

    # -- linting ---------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        """Lint the document after ``delay`` seconds, replacing a lint not started yet."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            await self.lint(uri)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def lint(self, uri: str) -> Linted | None:
        """Lint the open document now, store and publish its diagnostics."""
        document = self.workspace.text_documents.get(uri)
        if document is None or not uri.startswith("file:") or not document.path:
            return None
        version, source = document.version, document.source
        loop = asyncio.get_running_loop()
        try:
            linted = await loop.run_in_executor(
                self.worker, self._lint, uri, Path(document.path), version, source, self._encoding()
            )
        except ConfigError as error:
            self.show_error(f"hyperion-lint: configuration error: {error}")
            linted = Linted(uri, version, Path(document.path), Text(source, self._encoding()), [], [])
        except Exception:
            log.exception("hyperion-lint failed on %s", document.path)
            self.show_error(f"hyperion-lint failed on {document.path}; see the server's log")
            return None
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != version or current.source != source:
            return None  # changed meanwhile: a newer lint is scheduled
        self.linted[uri] = linted
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=linted.diagnostics, version=version)
        )
        return linted

    def _lint(self, uri: str, path: Path, version: int | None, source: str, encoding: str) -> Linted:
        """On the worker thread: the findings and their diagnostics."""
        findings, root = self.projects.lint(path, source)
        text = Text(source, encoding)
        read: dict[Path, tuple[str, Text | None]] = {}

        def locate(related: str) -> tuple[str, Text | None]:
            target = Path(related) if Path(related).is_absolute() else root / related
            if target.absolute() == path.absolute():
                return uri, text
            if target not in read:
                try:
                    other: Text | None = Text(target.read_text(encoding="utf-8-sig"), encoding)
                except (OSError, UnicodeDecodeError):
                    other = None
                read[target] = (from_fs_path(str(target.absolute())) or str(target), other)
            return read[target]

        return Linted(uri, version, path, text, findings, [diagnostic(f, text, locate) for f in findings])

    def show_error(self, message: str) -> None:
        log.error("%s", message)
        if message not in self._shown:  # once per distinct problem, not at every keystroke
            self._shown.add(message)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=message))

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.linted.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def on_worker(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.worker, function, *args)

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
            here = [
                (f, d) for f, d in zip(linted.findings, linted.diagnostics) if overlaps(d.range, params.range)
            ]
            found += [actions.quick_fix(f, d, target) for f, d in here if f.fix is not None]
            found += filter(None, (actions.suppress(f, d, target) for f, d in here))
        if actions.wanted(actions.FIX_ALL, only) and linted.safely_fixable:
            if linted.fixed is None:
                linted.fixed = await self.on_worker(self.projects.fix, linted.path, linted.text.source)
            action = actions.fix_all(target, linted.fixed.source, linted.fixed.applied)
            if action is not None:
                found.append(action)
        return found
