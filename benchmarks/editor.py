"""The language server's latency, measured as an editor meets it: pygls's client drives the
real server process (``python -m lint_rules server``) over stdio, with timestamps.

    python benchmarks/editor.py --tree /path/to/Hyperion                 # the figures of RESULTS.md
    python benchmarks/editor.py --tree DIR --file app/x.py --edits 15    # one file
    python benchmarks/editor.py --tree DIR --no-cli-cache                # a cold start with no cache
    python benchmarks/editor.py --tree DIR --in-process                  # keystrokes without the wire

What it measures, each with min/median/max over the repeats:

- cold start: from ``didOpen`` of the first file to its first diagnostics, and to the
  diagnostics after the project index is complete (the server logs "indexed"); with the
  command line's cache (``hyperion-lint check`` is run first, unless ``--no-cli-cache``);
- config change: ``pyproject.toml`` gains an ``ignore``; from the ``didChangeWatchedFiles``
  notification to the next diagnostics;
- keystrokes: each edit appends a comment to a line in the middle of a function of the file
  (valid code, as most keystrokes leave it); from ``didChange`` to the diagnostics of that
  version, less the debounce: the server's work. Next to it, LibCST's parse of the same
  buffer, timed in this process on the same machine at the same time, and their ratio.

The tree is copied to a temporary folder (its ``app/`` and ``pyproject.toml``), so the
checkout is never written to. Standard library, pygls and LibCST only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import libcst as cst
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

DEBOUNCE = 0.3
TIMEOUT = 120.0


class Client:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.client = LanguageClient("hyperion-lint-bench", "0")
        self.events: list[tuple[float, str, object]] = []
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.events.append((time.perf_counter(), "diagnostics", params))
            self.arrived.set()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams) -> None:
            self.events.append((time.perf_counter(), "log", params.message))
            self.arrived.set()

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def shown(params: types.ShowMessageParams) -> None:
            self.events.append((time.perf_counter(), "message", params.message))

    def uri(self, name: str) -> str:
        return from_fs_path(str(self.root / name)) or ""

    async def start(self, debounce: float) -> None:
        await self.client.start_io(sys.executable, "-m", "lint_rules", "server", "--debounce", str(debounce), cwd=str(self.root))
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False)
            )
        )
        await self.client.initialize_async(
            types.InitializeParams(process_id=None, root_uri=self.uri(""), capabilities=capabilities)
        )
        self.client.initialized(types.InitializedParams())

    async def stop(self) -> None:
        await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
        self.client.exit(None)
        await asyncio.wait_for(self.client.stop(), TIMEOUT)

    async def first(self, after: int, match) -> tuple[float, object]:
        async def wait() -> tuple[float, object]:
            while True:
                for when, kind, what in self.events[after:]:
                    if match(kind, what):
                        return when, what
                self.arrived.clear()
                await self.arrived.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    def diagnostics_of(self, name: str, version: int | None = None):
        uri = self.uri(name)
        return lambda kind, what: kind == "diagnostics" and what.uri == uri and (version is None or what.version == version)


def _stats(values: list[float]) -> str:
    return f"{min(values) * 1000:.0f} / {statistics.median(values) * 1000:.0f} / {max(values) * 1000:.0f} ms"


def _edit_line(text: str) -> int:
    """A line in the middle of the file, inside a function body: where edits go."""
    lines = text.splitlines()
    middle = len(lines) // 2
    for number in [*range(middle, len(lines)), *range(middle, 0, -1)]:
        line = lines[number]
        if line.startswith("    ") and line.strip() and not line.rstrip().endswith(("\\", ",", "(", "[", "{")) and '"""' not in line:
            if not line.strip().startswith(("@", "def ", "async def ", "class ", "#", ")", "]", "}")):
                return number
    return len(lines) - 1


def _parse_times(text: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        cst.parse_module(text)
        times.append(time.perf_counter() - start)
    return times


async def cold_start(tree: Path, name: str, debounce: float, repeat: int, cli_cache: bool) -> list[str]:
    first, whole, how = [], [], set()
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as folder:
            root = _copy(tree, Path(folder))
            if cli_cache:
                subprocess.run([sys.executable, "-m", "lint_rules", "check", "--quiet", "--exit-zero", "."], cwd=root, check=True, stdout=subprocess.DEVNULL)
            c = Client(root)
            await c.start(debounce)
            text = (root / name).read_text(encoding="utf-8")
            start = time.perf_counter()
            c.client.text_document_did_open(
                types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=c.uri(name), language_id="python", version=1, text=text))
            )
            when, _ = await c.first(0, c.diagnostics_of(name, 1))
            first.append(when - start)
            # The server logs "indexed" when the project index is complete, then lints again.
            await c.first(0, lambda kind, what: kind == "log" and str(what).startswith("hyperion-lint: indexed"))
            logged = next(i for i, (_, kind, what) in enumerate(c.events) if kind == "log" and str(what).startswith("hyperion-lint: indexed"))
            when, _ = await c.first(logged, c.diagnostics_of(name, 1))
            whole.append(when - start)
            how.add(str(c.events[logged][2]).rsplit("(", 1)[-1].rstrip(")"))
            await c.stop()
    cache = "with the CLI's cache" if cli_cache else "no cache"
    return [
        f"| cold start ({cache}), first diagnostics (per-file rules) | {_stats(first)} |",
        f"| cold start ({cache}), project rules included ({'; '.join(sorted(how))}) | {_stats(whole)} |",
    ]


async def session(tree: Path, names: list[str], debounce: float, edits: int, repeat: int) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = _copy(tree, Path(folder))
        subprocess.run([sys.executable, "-m", "lint_rules", "check", "--quiet", "--exit-zero", "."], cwd=root, check=True, stdout=subprocess.DEVNULL)
        c = Client(root)
        await c.start(debounce)
        indexed = False
        for name in names:
            text = (root / name).read_text(encoding="utf-8")
            c.client.text_document_did_open(
                types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=c.uri(name), language_id="python", version=1, text=text))
            )
            await c.first(0, c.diagnostics_of(name, 1))
            if not indexed:  # edits are measured with the whole index, as after the first seconds
                await c.first(0, lambda kind, what: kind == "log" and str(what).startswith("hyperion-lint: indexed"))
                indexed = True
            await asyncio.sleep(1.0)  # the server prepares the incremental parse while idle
            lines = text.splitlines(keepends=True)
            at = _edit_line(text)
            work, parses = [], []
            for k in range(edits):
                edited = list(lines)
                edited[at] = edited[at].rstrip("\r\n") + f"  # edit {k}\n"
                body = "".join(edited)
                count = len(c.events)
                start = time.perf_counter()
                c.client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(uri=c.uri(name), version=k + 2),
                        content_changes=[types.TextDocumentContentChangeWholeDocument(text=body)],
                    )
                )
                when, _ = await c.first(count, c.diagnostics_of(name, k + 2))
                work.append(when - start - debounce)
                await asyncio.sleep(0.2)
                parses.append(min(_parse_times(body, max(repeat, 1))))
                await asyncio.sleep(0.2)
            ratio = statistics.median(work) / statistics.median(parses)
            size = len(text.splitlines())
            rows.append(f"| keystroke, {name} ({size:,} lines): work after the debounce | {_stats(work)} |")
            rows.append(f"| keystroke, {name}: LibCST parse of the buffer | {_stats(parses)} |")
            rows.append(f"| keystroke, {name}: work / parse (medians) | {ratio:.2f}x |")
        # A configuration change, reported by the client as a watched file.
        config = root / "pyproject.toml"
        times = []
        for k in range(repeat):
            original = config.read_text(encoding="utf-8")
            config.write_text(original + ("\n[tool.hyperion-lint]\nignore = ['HYP011']\n" if "[tool.hyperion-lint]" not in original and k == 0 else f"\n# change {k}\n"), encoding="utf-8")
            count = len(c.events)
            start = time.perf_counter()
            c.client.workspace_did_change_watched_files(
                types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=c.uri("pyproject.toml"), type=types.FileChangeType.Changed)])
            )
            when, _ = await c.first(count, c.diagnostics_of(names[0]))
            times.append(when - start)
            await asyncio.sleep(0.5)
        rows.append(f"| config change, to the next diagnostics of {names[0]} | {_stats(times)} |")
        await c.stop()
    return rows


def in_process(tree: Path, names: list[str], edits: int) -> list[str]:
    """The same edits given to the server's linting function in this process (no wire, no
    debounce), each followed by a LibCST parse of the same text: the ratio without transport."""
    from lint_rules.engine.reparse import Reparser
    from lint_rules.server.linting import Engine

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        root = _copy(tree, Path(folder))
        subprocess.run([sys.executable, "-m", "lint_rules", "check", "--quiet", "--exit-zero", "."], cwd=root, check=True, stdout=subprocess.DEVNULL)
        engine = Engine(lambda: [root], lambda _root, _how: None)
        for name in names:
            path = root / name
            text = path.read_text(encoding="utf-8")
            reparser = Reparser()
            engine.lint("file:///bench", path, 1, text, "utf-16", reparser)
            engine.indexes.kick()
            while not engine.lint("file:///bench", path, 1, text, "utf-16", reparser).complete:
                time.sleep(0.2)
            reparser.prepare()
            lines = text.splitlines(keepends=True)
            at = _edit_line(text)
            work, parses = [], []
            for k in range(edits):
                edited = list(lines)
                edited[at] = edited[at].rstrip("\r\n") + f"  # edit {k}\n"
                body = "".join(edited)
                start = time.perf_counter()
                engine.lint("file:///bench", path, k + 2, body, "utf-16", reparser)
                work.append(time.perf_counter() - start)
                parses.append(min(_parse_times(body, 1)))
            ratio = statistics.median(work) / statistics.median(parses)
            rows.append(f"| in process, {name}: lint / parse (medians) | {_stats(work)} / {_stats(parses)}: {ratio:.2f}x |")
    return rows


def _copy(tree: Path, into: Path) -> Path:
    root = into / "tree"
    root.mkdir()
    shutil.copytree(tree / "app", root / "app")
    shutil.copy(tree / "pyproject.toml", root / "pyproject.toml")
    return root


def _biggest(tree: Path) -> str:
    files = sorted((tree / "app").rglob("*.py"), key=lambda p: p.stat().st_size)
    return files[-1].relative_to(tree).as_posix()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, required=True, help="a Hyperion checkout (its app/ and pyproject.toml)")
    parser.add_argument("--file", action="append", help="files to edit (default: a small endpoints file and the biggest file)")
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--debounce", type=float, default=DEBOUNCE)
    parser.add_argument("--no-cli-cache", action="store_true", help="cold starts without the command line's cache")
    parser.add_argument("--in-process", action="store_true", help="only the keystrokes, in this process (no wire)")
    args = parser.parse_args()
    # The server runs from its bytecode, as an installed one does (see run.py's main).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    names = args.file or ["app/modules/cinema/endpoints_cinema.py", _biggest(args.tree)]
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    print("| measure | min / median / max |")
    print("| --- | --- |")
    if args.in_process:
        for row in in_process(args.tree, names, args.edits):
            print(row, flush=True)
        return
    for row in asyncio.run(cold_start(args.tree, names[0], args.debounce, args.repeat, not args.no_cli_cache)):
        print(row, flush=True)
    if not args.no_cli_cache:
        for row in asyncio.run(cold_start(args.tree, names[0], args.debounce, args.repeat, False)):
            print(row, flush=True)
    for row in asyncio.run(session(args.tree, names, args.debounce, args.edits, args.repeat)):
        print(row, flush=True)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
