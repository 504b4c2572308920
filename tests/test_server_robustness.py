"""The language server and what clients really send: bytes that are not UTF-8, requests
of the wrong shape, files with a coding line, the cursor on a decorator's ``@``, and a
cold start on a project the command line has already linted (its cache).

The raw-protocol tests speak JSON-RPC over pipes by hand, so that they can send what
pygls's client never would. Every wait is bounded.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from lsprotocol import types
from pygls.uris import from_fs_path
from test_server import ENDPOINTS, HEADER, MISSING_STATUS, MODEL, apply, at, edits_of, run, session, write

from lint_rules.cli import main

TIMEOUT = 20.0


class Raw:
    """A server process and JSON-RPC by hand."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lint_rules", "server", "--debounce", "0.05"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.root = root
        self.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"processId": None, "rootUri": self.uri(""), "capabilities": {}}})
        self.wait(lambda m: m.get("id") == 0)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def uri(self, name: str) -> str:
        return from_fs_path(str(self.root / name)) or ""

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                if line in (b"\r\n", b"\n"):
                    break
            self.messages.put(json.loads(stream.read(length)))

    def send_bytes(self, body: bytes) -> None:
        stream = self.process.stdin
        assert stream is not None
        stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stream.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(json.dumps(message).encode())

    def wait(self, wanted: Any) -> dict[str, Any]:
        while True:
            try:
                message = self.messages.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no such message from the server within {TIMEOUT} s") from None
            if wanted(message):
                return message

    def diagnostics(self, name: str, version: int) -> list[dict[str, Any]]:
        uri = self.uri(name)
        found = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        )
        return found["params"]["diagnostics"]

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=TIMEOUT)


def _open_bytes(raw: Raw, name: str, text: bytes) -> None:
    """A didOpen whose text holds these bytes as they are (not JSON-escaped)."""
    head = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": raw.uri(name), "languageId": "python", "version": 1, "text": "@@TEXT@@"}}}).encode()
    raw.send_bytes(head.replace(b"@@TEXT@@", text))


def test_bytes_that_are_not_utf8_are_one_hyp999_at_their_place(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})
    raw = Raw(tmp_path)
    try:
        _open_bytes(raw, ENDPOINTS, b"x = 1\\ny = '\xff\xfe'\\n")
        (found,) = raw.diagnostics(ENDPOINTS, 1)
        assert (found["code"], found["severity"]) == ("HYP999", 1)
        assert found["range"]["start"] == {"line": 1, "character": 5}
        assert found["message"] == (
            "Cannot read this file: it is not valid UTF-8 (byte 0xFF on line 2); delete it, or save the file "
            "as UTF-8. No rule could check it."
        )
        # A surrogate written in UTF-8 (ED A0 80), as an editor sends a lone one.
        _open_bytes(raw, "app/modules/demo/other.py", b"x = 1\\n\\ny = '\xed\xa0\x80'\\n")
        (found,) = raw.diagnostics("app/modules/demo/other.py", 1)
        assert found["range"]["start"] == {"line": 2, "character": 5}
        assert found["message"].startswith("Cannot read this file: line 3 holds U+D800, half of a UTF-16 surrogate pair")
        # The server still works: the document is linted again once valid.
        raw.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": raw.uri(ENDPOINTS), "version": 2},
            "contentChanges": [{"text": MISSING_STATUS}]}})
        assert [d["code"] for d in raw.diagnostics(ENDPOINTS, 2)] == ["HYP012"]
    finally:
        raw.close()


def test_malformed_requests_get_an_error_response(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: MISSING_STATUS})
    raw = Raw(tmp_path)
    try:
        raw.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": raw.uri(ENDPOINTS), "languageId": "python", "version": 1, "text": MISSING_STATUS}}})
        raw.diagnostics(ENDPOINTS, 1)
        # A diagnostic without its range, in the context of a code action request.
        raw.send({"jsonrpc": "2.0", "id": 7, "method": "textDocument/codeAction", "params": {
            "textDocument": {"uri": raw.uri(ENDPOINTS)},
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
            "context": {"diagnostics": [{"message": "no range"}]}}})
        answer = raw.wait(lambda m: m.get("id") == 7)
        assert answer["error"]["code"] == -32602
        assert answer["error"]["message"].startswith("hyperion-lint: invalid parameters for textDocument/codeAction")
        # A body that is not JSON at all: answered with a parse error.
        raw.send_bytes(b'{"jsonrpc": "2.0", "id": 8, "method": ')
        answer = raw.wait(lambda m: "error" in m and m.get("id") in (8, None))
        assert answer["error"]["code"] == -32700
        # And the server goes on answering.
        raw.send({"jsonrpc": "2.0", "id": 9, "method": "textDocument/codeAction", "params": {
            "textDocument": {"uri": raw.uri(ENDPOINTS)},
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
            "context": {"diagnostics": []}}})
        answer = raw.wait(lambda m: m.get("id") == 9)
        assert [a["title"] for a in answer["result"]][:1] == ["Add `status_code=200` (FastAPI's implicit default) (HYP012)"]
    finally:
        raw.close()


def _cli(root: Path, name: str) -> list[tuple[str, int, str]]:
    done = CliRunner().invoke(main, ["check", "--output-format", "json", "--no-cache", str(root / name)])
    return [(f["code"], f["location"]["row"], f["message"]) for f in json.loads(done.stdout)]


def test_files_with_a_coding_line_give_what_the_command_line_gives(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    latin = "app/modules/demo/endpoints_latin.py"
    ascii_only = "app/modules/demo/endpoints_ascii.py"
    cookie = "# -*- coding: latin-1 -*-\n# Caf\u00e9\n"
    write(tmp_path, {})
    for name, text, encoding in (
        (latin, cookie + MISSING_STATUS.replace('"List items"', '"List caf\u00e9s"'), "latin-1"),
        (ascii_only, "# coding: ascii\n" + MISSING_STATUS.replace('"List items"', '"Caf\u00e9"'), "utf-8"),
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(text.encode(encoding))

    async def scenario() -> None:
        async with session(tmp_path) as s:
            for name, encoding in ((latin, "latin-1"), (ascii_only, "utf-8")):
                s.open(name, (tmp_path / name).read_bytes().decode(encoding))
                found = await s.settled(name, 1)
                expected = _cli(tmp_path, name)
                if name == latin:
                    assert [(str(d.code), d.range.start.line + 1, d.message) for d in found] == expected
                else:  # the file cannot be read: the command line says so at 1:1, the editor at the place
                    ((code, row, message),) = expected
                    (d,) = found
                    assert (code, row, d.code, d.range.start.line + 1) == ("HYP999", 1, "HYP999", 7)
                    assert message.startswith("Cannot read this file: it is not valid ascii (byte 0xC3 on line 7)")
                    assert d.message.startswith("Cannot read this file: it is not valid ascii: '\u00e9' (U+00E9) on line 7")

    run(scenario)


ROUTE_ON_LINES = HEADER + textwrap.dedent(
    '''

    @module.router.get(
        "/demo/items",
        response_model=list[int],
        status_code=201,
    )
    async def read_items():
        """List items."""
        return []
    '''
)


def test_the_cursor_on_the_at_sign_gets_every_fix_of_the_decorator(tmp_path: Path) -> None:
    write(tmp_path, {ENDPOINTS: ROUTE_ON_LINES})

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(ENDPOINTS)
            found = await s.settled(ENDPOINTS, 1)
            assert [(d.code, d.range.start.line, d.range.start.character) for d in found] == [
                ("HYP010", 5, 0),  # at the `@`, not at the call one column on
                ("HYP016", 8, 16),  # inside the decorator, three lines below
            ]
            cursor = types.Range(start=at(5, 0), end=at(5, 0))  # on the `@`, no diagnostic named
            actions = await s.code_actions(ENDPOINTS, cursor, only=[types.CodeActionKind.QuickFix])
            assert [a.title for a in actions] == [
                "Add `summary=` from the docstring's first sentence (HYP010)",
                "Set `status_code` to 200 (HYP016, unsafe fix)",
                "Suppress HYP010 on this line (# noqa)",
                "Suppress HYP016 on this line (# noqa)",
            ]
            fixed = apply(ROUTE_ON_LINES, edits_of(actions[0], s.uri(ENDPOINTS)))
            assert 'response_model=list[int],\n    status_code=201,\n    summary="List items.",\n)' in fixed
            # On the `def` line too; and a diagnostic the client names counts wherever the cursor is.
            on_def = types.Range(start=at(10, 4), end=at(10, 4))
            assert len(await s.code_actions(ENDPOINTS, on_def, only=["quickfix"])) == 4
            far = types.Range(start=at(0, 0), end=at(0, 0))
            named = await s.code_actions(ENDPOINTS, far, [found[1]], only=["quickfix"])
            assert [a.title for a in named] == ["Set `status_code` to 200 (HYP016, unsafe fix)", "Suppress HYP016 on this line (# noqa)"]

    run(scenario)


def test_a_cold_start_reads_the_command_lines_cache(tmp_path: Path, monkeypatch) -> None:
    """After `hyperion-lint check`, the index comes from its cache: no other file is parsed."""
    demo, shop = "app/modules/demo/models_demo.py", "app/modules/shop/models_shop.py"
    write(tmp_path, {demo: MODEL.format(name="Item", table="demo_item"), shop: MODEL.format(name="Item", table="shop_item")})
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["check", "--quiet", "."]).exit_code == 1
    assert (tmp_path / ".hyperion_lint_cache").is_dir()

    async def scenario() -> None:
        async with session(tmp_path) as s:
            s.open(shop)
            (found,) = await s.settled(shop, 1)
            assert found.code == "HYP053"
            logs = [str(what) for kind, what in s.events if kind == "log"]
            assert logs == [f"hyperion-lint: indexed {tmp_path} (2 files, 2 from the cache, 0 parsed)"]

    run(scenario)
