"""What the server answers: the LSP messages it handles, and ``serve()``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path, PurePath

from lsprotocol import types
from pygls.uris import to_fs_path

from lint_rules.server import actions
from lint_rules.server.app import DEBOUNCE, HyperionLanguageServer
from lint_rules.server.protocol import LenientStdin

# Files whose change can change findings: configuration, .gitignore (exclusion), code
# (the project index of the project-wide rules).
WATCHED = ("**/pyproject.toml", "**/.gitignore", "**/*.py")


def _is_config(uri: str) -> bool:
    return uri.endswith(".toml")


def build(debounce: float = DEBOUNCE) -> HyperionLanguageServer:
    server = HyperionLanguageServer(debounce)

    @server.feature(types.INITIALIZED)
    def initialized(ls: HyperionLanguageServer, params: types.InitializedParams) -> None:
        workspace = ls.client_capabilities.workspace
        watching = workspace.did_change_watched_files if workspace is not None else None
        if watching is not None and watching.dynamic_registration:
            ls.watching = True
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED]
            )
            ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="hyperion-lint-watched-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=options,
                        )
                    ]
                )
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: HyperionLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        if _is_config(params.text_document.uri):
            ls.config_opened(params.text_document.uri)
        else:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: HyperionLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if not _is_config(params.text_document.uri):
            ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: HyperionLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if _is_config(uri):  # every lint reads the configuration again when it changed
            ls.relint_all()
            return
        # The saved tree changed: the other open documents may have new project findings.
        path = to_fs_path(uri)
        if path is not None:
            await ls.on_worker(ls.engine.saved, ls.linted.get(uri), Path(path))
        ls.schedule(uri, 0)
        for other in ls.open_uris():
            if other != uri:
                ls.schedule(other, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: HyperionLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        if not _is_config(params.text_document.uri):
            ls.forget(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_files_changed(ls: HyperionLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        names = [PurePath(to_fs_path(change.uri) or change.uri).name for change in params.changes]
        if any(not name.endswith(".toml") for name in names):  # code or .gitignore
            await ls.on_worker(ls.engine.tree_changed)
        ls.relint_all()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=actions.KINDS, resolve_provider=False),
    )
    async def code_action(ls: HyperionLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        return await ls.code_actions(params)

    return server


def serve(debounce: float = DEBOUNCE) -> None:
    """Speak LSP over standard input and output until the client says exit."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="hyperion-lint server: %(levelname)s: %(message)s")
    build(debounce).start_io(stdin=LenientStdin(sys.stdin.buffer))  # type: ignore[arg-type]
