"""``hyperion-lint server``: the language server for editors (needs the ``server`` extra).

pygls is imported only when the command runs, so the other commands work without it.
"""

from __future__ import annotations

import click

from lint_rules.cli.common import fail

_SERVER_PACKAGES = ("pygls", "lsprotocol", "cattrs")


@click.command()
@click.option("--debounce", type=click.FloatRange(min=0), default=0.3, show_default=True, metavar="SECONDS", help="Lint a changed buffer after this much quiet time.")
@click.option("--stdio", is_flag=True, hidden=True, help="Accepted for clients that add it; standard input and output are always used.")
def server(debounce: float, stdio: bool) -> None:
    """Run the language server: LSP over standard input and output.

    Diagnostics as you type, a quick fix per fixable finding, and the
    `source.fixAll.hyperion-lint` code action (the safe fixes).
    """
    try:
        from lint_rules.server.handlers import serve
    except ImportError as error:
        if (error.name or "").split(".")[0] not in _SERVER_PACKAGES:
            raise
        fail(
            f"the language server needs pygls ({error}); install it with: "
            'pip install "hyperion-lint[server] @ git+https://github.com/aeecleclair/hyperion-lint@main" '
            '(or pip install -e ".[server]" in a checkout)'
        )
    serve(debounce=debounce)
