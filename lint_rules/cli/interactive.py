"""``check --fix --interactive``: the safe fixes are applied; each unsafe one is shown as a
diff, with its rule and why it is unsafe (the rule's "Fix safety" section), and applied
only when the user says so. Nothing is written before every file has been seen; the files
are then written atomically, as ``--fix`` writes them."""

from __future__ import annotations

import difflib
import re
import sys
import textwrap

import click

from lint_rules.model import Finding

CHOICES = {
    "y": "yes, apply it",
    "n": "no, leave the code as it is",
    "a": "all: apply it and every unsafe fix after it",
    "q": "quit: apply no more unsafe fixes (those accepted are still written)",
}
PROMPT = "Apply this fix? [y]es, [n]o, [a]ll, [q]uit: "


def why_unsafe(code: str) -> str:
    """The first paragraph of the rule's "Fix safety" section, on one line."""
    from lint_rules.engine.registry import rule_by_name_or_code

    rule = rule_by_name_or_code(code)
    if rule is None:
        return ""
    found = re.search(r"## Fix safety\n(.*?)(?:\n\s*\n|\Z)", rule.documentation(), flags=re.DOTALL)
    return " ".join(found.group(1).split()) if found else ""


class Asker:
    """Asks about each unsafe fix on standard error, reading the answers from standard input."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.all = False
        self.quit = False
        self.accepted = self.declined = 0

    def __call__(self, finding: Finding, before: str, after: str) -> bool:
        if not (self.quit or self.all):
            self._show(finding, before, after)
            answer = self._answer()
            self.all, self.quit = answer == "a", answer == "q"
            accepted = answer in ("y", "a")
        else:
            accepted = self.all
        self.accepted += accepted
        self.declined += not accepted
        return accepted

    def _echo(self, text: str = "", **style: object) -> None:
        click.echo(click.style(text, **style) if self.color and style else text, err=True)  # type: ignore[arg-type]

    def _show(self, finding: Finding, before: str, after: str) -> None:
        if self.accepted or self.declined:
            self._echo()
        self._echo(f"{finding.path}:{finding.start.line}:{finding.start.column}: {finding.code} {finding.message}", bold=True)
        title = finding.fix.title if finding.fix is not None else ""
        self._echo(f"Unsafe fix: {title}", fg="yellow")
        why = why_unsafe(finding.code)
        if why:
            for line in textwrap.wrap(why, 88, initial_indent="  ", subsequent_indent="  "):
                self._echo(line)
        for line in difflib.unified_diff(
            before.splitlines(), after.splitlines(), fromfile=finding.path, tofile=finding.path, lineterm="", n=2
        ):
            colour = "green" if line.startswith("+") and not line.startswith("+++") else None
            colour = "red" if line.startswith("-") and not line.startswith("---") else colour
            self._echo(line, **({"fg": colour} if colour else {}))

    def _answer(self) -> str:
        while True:
            click.echo(PROMPT, nl=False, err=True)
            line = sys.stdin.readline()
            if not line:  # end of input: ask nothing more
                click.echo("", err=True)
                return "q"
            if not sys.stdin.isatty():  # a terminal echoes the answer; a pipe does not
                click.echo(line.rstrip("\n"), err=True)
            answer = line.strip().lower()[:1]
            if answer in CHOICES:
                return answer
            click.echo("Please answer " + "; ".join(f"{key} ({what})" for key, what in CHOICES.items()) + ".", err=True)

    def summary(self) -> str:
        return f"Unsafe fixes: {self.accepted} applied, {self.declined} declined."
