"""The language server: ``hyperion-lint server`` speaks LSP over standard input and output.

A face like the command line: it stands on ``engine``, ``output`` and ``model``, and nothing
but ``lint_rules.cli.server`` imports it, lazily, so that the rest of hyperion-lint runs
without pygls (the optional ``server`` extra).

- ``positions``: our 1-based lines and code-point columns <-> LSP positions.
- ``diagnostics``: a finding as an LSP diagnostic.
- ``actions``: quick fixes and ``source.fixAll.hyperion-lint``.
- ``projects``: the configuration and the Linter of each project, re-read when they change.
- ``app``: the pygls server: documents, debouncing, publishing, code action requests.
- ``handlers``: the LSP messages it answers, and ``serve()``.
"""
