"""A transient progress display on standard error, for long runs on a terminal.

It appears only when standard error is a terminal (not a pipe, not a CI log: ``CI`` set or
``TERM=dumb`` turn it off), the report is for people, and the run has lasted about a second;
it is erased when the run ends, so that what remains on the screen is the report alone.
The engine reports ``(phase, done, total)``; it knows nothing of screens.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

#: How long a run lasts before the display appears, in seconds.
DELAY = 1.0


def wanted(machine_output: bool, quiet: bool) -> bool:
    """Whether a display may be shown at all in this run."""
    if machine_output or quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return hasattr(sys.stderr, "isatty") and sys.stderr.isatty()


class ProgressDisplay:
    """Call it with ``(phase, done, total)``; used as a context manager around the run."""

    def __init__(self, enabled: bool, delay: float = DELAY) -> None:
        self.enabled = enabled
        self.delay = delay
        self._lock = threading.Lock()
        self._state: tuple[str, int, int] | None = None
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._timer: threading.Timer | None = None
        self._closed = False

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()  # transient: erases itself

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._state = (phase, done, total)
            if self._progress is not None:
                self._update()

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._closed:
                return
            self._started = time.monotonic()
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._progress.start()
            self._update()

    def _update(self) -> None:
        assert self._progress is not None
        if self._state is None:
            phase, done, total = "Reading files", 0, 0
        else:
            phase, done, total = self._state
        task = self._tasks.get(phase)
        if task is None:
            task = self._tasks[phase] = self._progress.add_task(phase, total=total or None)
        for name, other in self._tasks.items():  # one line: the phase running now
            self._progress.update(other, visible=name == phase)
        self._progress.update(task, completed=done, total=total or None)
