"""Analysing many files: in worker processes when there are enough to share out.

Each file's analysis is a pure function of (path, text, rules, options), so it can run
anywhere; the results are put back in the order asked, which makes a parallel run's
output identical to a serial one. A worker that dies (LibCST's native parser can take
a process down on pathological input) costs only the files it was given: they are
retried one by one, each in a process of its own, and a file that kills its process
gets a finding that says so instead of taking the whole run down.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from lint_rules.engine import records
from lint_rules.engine.collector import collect_young, paused_collector
from lint_rules.engine.linter import Analysis, RuleSetup, analyze, finish
from lint_rules.engine.registry import all_rules
from lint_rules.model import INTERNAL_ERROR, META_CODE, Finding, Position

# (project-relative path, text, ((code, options), ...), extract facts?[, what else to do:
# a combination of PACK and FINISH])
Item = tuple[Any, ...]

#: Also encode the facts for the cache (records.pack_facts), here rather than in the parent.
PACK = 1
#: No project-wide rule applies: also work out the file's result (finish) and, with PACK,
#: its cache record; the parent then needs nothing else of the analysis.
FINISH = 2

# Below this much text, starting processes costs more than it saves.
MIN_PARALLEL_BYTES = 200_000


def setups(codes: Sequence[tuple[str, Mapping[str, Any]]]) -> list[RuleSetup]:
    rules = all_rules()
    return [(rules[code], options) for code, options in codes]


def analyze_item(item: Item) -> Analysis:
    relative, source, codes, extract = item[:4]
    analysis = analyze(relative, source, setups(codes), extract=extract)
    todo = item[4] if len(item) > 4 else 0
    if todo & PACK and extract:
        analysis.packed_facts = records.pack_facts(analysis.facts)
    if todo & FINISH and codes:
        analysis.result = finish(analysis)
        if todo & PACK:
            analysis.record = records.pack(analysis, "", analysis.result)
        # The parent needs the result (and the record) only.
        analysis.findings = []
        analysis.states = {}
        analysis.scopes = None
    return analysis


def _remote(item: Item) -> Analysis:
    """In a worker: the analysis, without what the parent already has (text, rules)."""
    analysis = analyze_item(item)
    collect_young()
    analysis.source = ""
    analysis.rules = ()
    analysis.__dict__.pop("lines", None)
    if analysis.result is not None:
        analysis.result.source = None
    return analysis


def analyze_all(
    items: Sequence[Item], jobs: int, progress: Callable[[int, int], None] | None = None
) -> list[Analysis]:
    """The analysis of every item, in order; ``progress(done, total)`` is told as they end."""
    size = sum(len(item[1]) for item in items)
    if jobs <= 1 or len(items) < 2 or size < MIN_PARALLEL_BYTES:
        serial = []
        with paused_collector():
            for item in items:
                serial.append(analyze_item(item))
                collect_young()
                if progress is not None:
                    progress(len(serial), len(items))
        return serial
    all_rules()  # loaded before the workers start, so that forked ones share it
    results: list[Analysis | None] = [None] * len(items)
    # Largest first: the long files start early and the short ones fill the gaps.
    order = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
    failed: list[int] = []
    pool = _pool(min(jobs, len(items)))
    try:
        futures: list[tuple[int, Future[Analysis]]] = [(i, pool.submit(_remote, items[i])) for i in order]
        for done, (i, future) in enumerate(futures, 1):
            try:
                results[i] = future.result()
            except BrokenProcessPool:
                failed.append(i)
            if progress is not None:
                progress(done, len(items))
    except BaseException:  # Ctrl-C: stop the workers now rather than let them finish
        _stop(pool)
        raise
    pool.shutdown()
    for i in sorted(failed):
        results[i] = _alone(items[i])
    out = []
    for item, analysis in zip(items, results):
        assert analysis is not None
        analysis.source = item[1]
        analysis.rules = setups(item[2])
        out.append(analysis)
    return out


def _pool(workers: int) -> ProcessPoolExecutor:
    # fork shares the loaded rules and LibCST with the workers at no cost; it is only
    # safe (and the default until Python 3.14) on Linux.
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker)


def _start_worker() -> None:
    """Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    (it stops the workers), so that the user sees one message, not one trace a worker.
    The collector runs after each file only (see collector.py)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _alone(item: Item) -> Analysis:
    """One file in a process of its own; a crash becomes a finding on that file."""
    try:
        with _pool(1) as pool:
            return pool.submit(_remote, item).result()
    except BrokenProcessPool:
        relative, source = item[0], item[1]
        return Analysis(relative, source, (), findings=[crashed(relative)], crashed=True)


def crashed(relative: str) -> Finding:
    return Finding(
        code=META_CODE,
        name=INTERNAL_ERROR,
        message=(
            "Internal error: the process analysing this file crashed (LibCST's parser can fail "
            "this way on extreme code, such as an expression of thousands of terms). No rule "
            "checked the file; please report this bug."
        ),
        path=relative,
        start=Position(1, 1),
        end=Position(1, 1),
    )
