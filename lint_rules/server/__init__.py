"""The language server: ``hyperion-lint server`` speaks LSP over standard input and output.

A face like the command line: it stands on ``engine``, ``output`` and ``model``, and nothing
but ``lint_rules.cli.server`` imports it, lazily, so that the rest of hyperion-lint runs
without pygls (the optional ``server`` extra).

- ``positions``: our 1-based lines and code-point columns <-> LSP positions.
- ``diagnostics``: a finding as an LSP diagnostic (a decorator's finding starts at its ``@``).
- ``selection``: which findings a code action request is about (lines, decorators, named diagnostics).
- ``actions``: quick fixes, ``# noqa`` and ``source.fixAll.hyperion-lint``.
- ``buffers``: a buffer as the bytes its file would hold, so that it is decoded as ``check`` decodes.
- ``projects``: the configuration and Linter of each project; the last valid one serves.
- ``index``: the facts of the saved files, completed (from the CLI cache first) on a thread.
- ``linting``: one lint of a buffer on the worker thread, and fix-all.
- ``protocol``: what is read from the wire (any bytes) and the answer to every request.
- ``app``: the pygls server: documents, debouncing, publishing, messages, code action requests.
- ``handlers``: the LSP messages it answers, and ``serve()``.
"""
