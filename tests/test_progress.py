"""The transient progress display: on a terminal only, erased when the run ends."""

from __future__ import annotations

import io
import sys
import time

import pytest
from click.testing import CliRunner

from lint_rules.cli import main
from lint_rules.cli.progress import ProgressDisplay, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Standard error is a terminal (set in the test itself: pytest's capture replaces
    sys.stderr again after fixtures are set up)."""
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    return screen


def test_shown_only_on_a_terminal_for_people(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    assert wanted(machine_output=False, quiet=False)
    assert not wanted(machine_output=True, quiet=False)
    assert not wanted(machine_output=False, quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not wanted(machine_output=False, quiet=False)
    monkeypatch.delenv("CI")
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(machine_output=False, quiet=False)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe, a log file
    monkeypatch.setenv("TERM", "xterm")
    assert not wanted(machine_output=False, quiet=False)


def test_appears_after_the_delay_and_is_erased(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    with ProgressDisplay(True, delay=0) as display:
        display("Analysing", 1, 4)
        deadline = time.monotonic() + 10
        while display._progress is None and time.monotonic() < deadline:
            time.sleep(0.01)
        display("Fixing", 2, 4)
        time.sleep(0.2)
    written = terminal.getvalue()
    assert "Analysing" in written and "Fixing" in written and "2/4" in written
    assert written.endswith("\x1b[2K")  # the last thing it does: erase its line


def test_a_short_run_shows_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_terminal(monkeypatch)
    with ProgressDisplay(True, delay=5) as display:
        display("Analysing", 1, 1)
    assert terminal.getvalue() == ""


def test_never_in_a_pipe(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app/modules/demo").mkdir(parents=True)
    (tmp_path / "app/modules/demo/endpoints_demo.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("lint_rules.cli.progress.DELAY", 0)
    monkeypatch.delenv("CI", raising=False)
    result = CliRunner().invoke(main, ["check", "--no-cache", "."])
    assert result.exit_code == 1 and result.stdout.startswith("app/modules/demo/endpoints_demo.py\n  1:1  HYP001 ")
    assert "Analysing" not in result.stderr and "\x1b" not in result.stderr
