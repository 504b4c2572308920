"""The command line: ``hyperion-lint check``, ``baseline``, ``rule``, ``rules``, ``project``, ``routes``, ``server``.

Exit codes: 0 no finding, 1 findings, 2 usage, configuration or internal error, 130
interrupted (Ctrl-C).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

import click

from lint_rules import __version__

EXIT_INTERRUPTED = 130


def _exit_interrupted() -> None:
    """Exit 130 at once: the workers are stopped and every write is whole already. The
    interpreter's own shutdown is skipped, since the Ctrl-C that reached the process group
    can still end it by the signal (exit -2) while it joins the pool's threads."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(EXIT_INTERRUPTED)


class _Main(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Every error in one style, ``hyperion-lint: error: ...`` on one line (click's
        usage errors included), with where to read more; exit code 2."""
        kwargs.setdefault("prog_name", "hyperion-lint")
        if kwargs.get("standalone_mode", True) is False:
            return super().main(*args, **kwargs)
        try:
            return super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx is not None else "hyperion-lint"
            click.echo(f"hyperion-lint: error: {error.format_message()} (see `{command} --help`)", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"hyperion-lint: error: {error.format_message()}", err=True)
            sys.exit(error.exit_code)
        except click.exceptions.Abort:
            click.echo("\nhyperion-lint: interrupted", err=True)
            _exit_interrupted()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # Files and cache entries are written whole or not at all: nothing to repair.
            click.echo("\nhyperion-lint: interrupted; no file was left half-written", err=True)
            _exit_interrupted()


@click.group(name="hyperion-lint", cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="hyperion-lint")
def main() -> None:
    """A linter and architecture checker for Hyperion, the FastAPI back end of MyECL."""


from lint_rules.cli import baseline, check, docs, project, routes, server  # noqa: E402  (registers the commands)

main.add_command(check.check)
main.add_command(baseline.baseline)
main.add_command(docs.rule)
main.add_command(docs.list_rules)
main.add_command(project.project)
main.add_command(routes.routes)
main.add_command(server.server)



def run() -> None:
    """The ``hyperion-lint`` program: :func:`main`, then out at once.

    A one-shot command's process ends as soon as its output is written: the interpreter's
    own shutdown (a last garbage collection over everything still alive, then every module
    torn down) costs a tenth of a second or more after a run over a whole tree, and nothing
    is left to do then (every file is written whole, the workers are stopped). Nor does the
    cyclic garbage collector run during such a command: its objects live until the end
    anyway, and the linter collects between files where it matters (engine/collector.py).
    The editor server is a long-lived process: it keeps both."""
    long_lived = len(sys.argv) > 1 and sys.argv[1] == "server"
    if not long_lived:
        gc.disable()
    try:
        returned: Any = main()  # click gives back the code of a ``ctx.exit(code)``
    except SystemExit as exit_:
        returned = exit_.code
    if returned is None or isinstance(returned, int):
        code = returned or 0
    else:  # as sys.exit says it
        print(returned, file=sys.stderr)
        code = 1
    if long_lived:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


__all__ = ["main", "run"]
