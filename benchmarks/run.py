"""Benchmark hyperion-lint against Fixit 2 and ruff on the same trees, on the same machine.

    python benchmarks/run.py [--scale 1 --scale 20] [--tree PATH] [--repeat 5] [--jobs N] [--markdown]

Each tree (a synthetic one from ``generate.py`` per ``--scale``, or a copy of ``--tree``'s
``app/`` and ``pyproject.toml``, e.g. the real Hyperion) is written to a temporary folder; every
case then runs there as a subprocess, round-robin (one run of each case per repeat, the order
rotating), so that machine noise hits all tools alike. Wall time is ``time.perf_counter``
around the child, interpreter start included; peak memory is the child's ``ru_maxrss`` from
``os.wait4`` (the largest single process: the child or any worker it waited for).

The cases (see README.md): the floor (``floor.py``: one LibCST parse of every file under
``app/``, in as many processes as hyperion-lint uses, interpreter start included; every row is
also given as a ratio to it); hyperion-lint cold with the four rules the Fixit rule mirrors, cold
with all default rules, warm (cache primed, nothing changed), one file changed (that file only,
as pre-commit passes it, and the whole tree); ``check --fix --unsafe-fixes`` cold, each run on a
fresh copy of the tree; ``baseline`` and ``baseline --update``, cold and warm (the baseline file
kept outside the tree); Fixit with ``fixit_rules``; ruff's FAST rules.
A warm or changed case is primed (an unmeasured run with its own cache folder) right before
each measured run, so the cache matches the tree exactly and "one file changed" is exactly one
file. Exit codes 0 and 1 (findings) are expected; anything else is reported. Stdlib only.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

RULES = "HYP010,HYP011,HYP012,HYP013"


@dataclass
class Tree:
    """A project to lint: its root, size, and the endpoints file the changed cases edit."""

    label: str
    root: Path
    files: int
    lines: int
    changed: Path  # relative to root
    changed_lines: int

    @classmethod
    def measure(cls, label: str, root: Path) -> Tree:
        sources = sorted((root / "app").rglob("*.py"))
        counts = {p: p.read_bytes().count(b"\n") for p in sources}
        endpoints = sorted((n, str(p)) for p, n in counts.items() if p.name.startswith("endpoints_") and n)
        if not endpoints:
            raise SystemExit(f"{root}: no endpoints file under app/")
        lines, middle = endpoints[len(endpoints) // 2]  # a mid-sized one
        return cls(label, root, len(sources), sum(counts.values()), Path(middle).relative_to(root), lines)


@dataclass
class Case:
    """One row of the table: a command, and what to do before each measured run."""

    key: str
    title: str
    argv: list[str]
    env: dict[str, str] | None = None
    prime: list[str] | None = None  # run unmeasured before each measured run
    change: bool = False  # append a line to the tree's changed file before each run
    single_file: bool = False  # lints the changed file only (throughput is per that file)
    scratch: Path | None = None  # run in a fresh copy of the tree made here (it writes files)
    walls: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    tree_kib: list[int] = field(default_factory=list)  # with --sum-rss
    tree_pss_kib: list[int] = field(default_factory=list)  # with --sum-rss
    error: str | None = None


def find_tool(name: str, given: str | None) -> str | None:
    """``given``, else the tool beside this Python (its virtual environment), else on PATH."""
    if given:
        return given
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def version_of(tool: str | None) -> str:
    if tool is None:
        return "not found"
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def hyperion_features(tool: str) -> set[str]:
    """The options of ``hyperion-lint check`` this benchmark can use (cache options are new)."""
    text = subprocess.run([tool, "check", "--help"], capture_output=True, text=True, check=False).stdout
    return {opt for opt in ("--no-cache", "--cache-dir", "--jobs") if opt in text}


def tree_rss_kib(pid: int, field: str = "VmRSS:") -> int:
    """The resident memory of ``pid`` and all its descendants, in KiB (Linux ``/proc``).

    ``VmRSS:`` counts, in each process, every page it maps, so that the pages a forked
    worker still shares with its parent are counted once per process; ``Pss:`` (from
    ``smaps_rollup``) shares each page out among the processes that map it, so that the
    sum is the memory the tree takes."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        source = f"/proc/{current}/{'status' if field == 'VmRSS:' else 'smaps_rollup'}"
        try:
            with open(source, encoding="ascii", errors="replace") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith(field)), 0)
        except (OSError, ValueError):
            continue
    return total


class TreeSampler(threading.Thread):
    """Samples the memory of a process tree every 50 ms (``--sum-rss``): workers included."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.peak_pss_kib, self.done = pid, 0, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            self.peak_pss_kib = max(self.peak_pss_kib, tree_rss_kib(self.pid, "Pss:"))


def run_once(argv: list[str], cwd: Path, env: dict[str, str] | None,
             sample: bool = False) -> tuple[float, int, int, str, tuple[int, int]]:
    """Run a command to the end: (wall seconds, peak RSS in KiB, exit code, end of stderr,
    peak RSS and peak PSS of the whole process tree in KiB when ``sample``, else 0s)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeSampler(child.pid) if sample else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if sampler:
            sampler.done.set()
            sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return wall, usage.ru_maxrss, child.returncode, tail, (sampler.peak_kib, sampler.peak_pss_kib) if sampler else (0, 0)


def python_of(tool: str) -> str:
    """The Python of the virtual environment ``tool`` is installed in (it has LibCST)."""
    beside = Path(tool).parent / "python"
    return str(beside) if beside.exists() else sys.executable


def make_cases(tree: Tree, tools: dict[str, str | None], features: set[str], jobs: int | None,
               cache_root: Path, notes: list[str]) -> list[Case]:
    hl, cases = tools["hyperion-lint"], []
    if hl is not None:
        floor = [python_of(hl), str(HERE / "floor.py"), "app"]
        if jobs is not None:
            floor += ["--jobs", str(jobs)]
        cases.append(Case("floor", "floor: one LibCST parse of each file", floor))
        base = [hl, "check", "--output-format", "concise"]
        if jobs is not None and "--jobs" in features:
            base += ["--jobs", str(jobs)]
        cold = ["--no-cache"] if "--no-cache" in features else []
        cases += [
            Case("cold4", f"hyperion-lint cold, {RULES}", [*base, *cold, "--select", RULES, "app"]),
            Case("cold", "hyperion-lint cold, all default rules", [*base, *cold, "app"]),
        ]
        if "--cache-dir" in features:
            for key, title, target, change in (
                ("warm", "hyperion-lint warm, nothing changed", "app", False),
                ("file", "hyperion-lint 1 file changed, that file only", str(tree.changed), True),
                ("tree", "hyperion-lint 1 file changed, whole tree", "app", True),
            ):
                cache = ["--cache-dir", str(cache_root / key)]
                cases.append(Case(key, title, [*base, *cache, target], prime=[*base, *cache, "app"],
                                  change=change, single_file=target != "app"))
        else:
            notes.append("hyperion-lint has no --cache-dir yet: warm and changed-file rows skipped.")
        cases += fix_and_baseline_cases(tree, hl, jobs, features, cache_root)
        if "--jobs" not in features and jobs is not None:
            notes.append("hyperion-lint has no --jobs yet: --jobs ignored.")
    else:
        notes.append("hyperion-lint not found.")
    if tools["fixit"] is not None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), env.get("PYTHONPATH")) if p)
        cases.append(Case("fixit", "Fixit 2, fixit_rules (HYP010-013)",
                          [tools["fixit"], "--rules", "fixit_rules", "lint", "app"], env=env))
    else:
        notes.append("fixit not found (pip install -e '.[bench]'): no Fixit row, no ratios.")
    if tools["ruff"] is not None:
        cases.append(Case("ruff", "ruff FAST rules (speed of light)",
                          [tools["ruff"], "check", "--no-cache", "--select", "FAST", "--isolated", "app"]))
    else:
        notes.append("ruff not found: no ruff row.")
    return cases


def fix_and_baseline_cases(tree: Tree, hl: str, jobs: int | None, features: set[str], cache_root: Path) -> list[Case]:
    """``check --fix --unsafe-fixes`` cold (each run on a fresh copy of the tree), and
    ``baseline`` / ``baseline --update`` cold and warm, to compare with ``check``. The
    baseline file is kept outside the tree, so that no check case sees it."""
    if "--cache-dir" not in features:
        return []
    more = ["--jobs", str(jobs)] if jobs is not None else []
    cases = [Case("fix", "hyperion-lint --fix --unsafe-fixes, cold",
                  [hl, "check", "--output-format", "concise", *more, "--no-cache", "--fix", "--unsafe-fixes", "app"],
                  scratch=cache_root / "fix-tree")]
    for key, title, update in (("base", "baseline", []), ("update", "baseline --update", ["--update"])):
        base = [hl, "baseline", *more, "--baseline", str(cache_root / f"{key}.json")]
        prime = [*base, "--cache-dir", str(cache_root / key), "app"] if update else None
        cases.append(Case(f"{key}-cold", f"hyperion-lint {title}, cold", [*base, *update, "--no-cache", "app"], prime=prime))
        cache = ["--cache-dir", str(cache_root / key)]
        cases.append(Case(f"{key}-warm", f"hyperion-lint {title}, warm", [*base, *update, *cache, "app"],
                          prime=[*base, *cache, "app"]))
    return cases


def bench_tree(tree: Tree, cases: list[Case], repeat: int, sample: bool = False) -> None:
    """Run every case ``repeat`` times, round-robin, rotating the order each round; first,
    one unmeasured run of the floor and of each cold row, which writes the bytecode of
    every module they import (see :func:`main`)."""
    for case in cases:
        if case.key in ("floor", "cold", "cold4") and not case.error:
            run_once(case.argv, tree.root, case.env)
    for round_ in range(repeat):
        shift = round_ % max(1, len(cases))
        for case in cases[shift:] + cases[:shift]:
            if case.error:
                continue
            if case.prime:
                _, _, code, tail, _ = run_once(case.prime, tree.root, case.env)
                if code not in (0, 1):
                    case.error = f"priming run exited {code}: {tail.strip()[-300:]}"
                    continue
            if case.change:
                with open(tree.root / tree.changed, "a", encoding="utf-8") as f:
                    f.write(f"# benchmark change, round {round_}\n")
            where = tree.root
            if case.scratch is not None:
                shutil.rmtree(case.scratch, ignore_errors=True)
                shutil.copytree(tree.root, case.scratch, ignore=shutil.ignore_patterns(".hyperion_lint_cache"))
                where = case.scratch
            wall, rss, code, tail, tree_rss = run_once(case.argv, where, case.env, sample)
            if code not in ((0,) if case.key == "floor" else (0, 1)):  # the floor finds nothing
                case.error = f"exited {code}: {tail.strip()[-300:]}"
                continue
            case.walls.append(wall)
            case.rss_kib.append(rss)
            case.tree_kib.append(tree_rss[0])
            case.tree_pss_kib.append(tree_rss[1])
        print(f"  {tree.label}: round {round_ + 1}/{repeat} done", file=sys.stderr)


def median_of(cases: list[Case], key: str) -> float | None:
    case = next((c for c in cases if c.key == key and c.walls), None)
    return statistics.median(case.walls) if case else None


def rows(tree: Tree, cases: list[Case], sample: bool = False) -> list[list[str]]:
    fixit_median, floor_median, ruff_median = (median_of(cases, k) for k in ("fixit", "floor", "ruff"))
    out = []
    for case in cases:
        if not case.walls:
            out.append([case.title, *["-"] * (len(header(sample)) - 2), case.error or "no run"])
            continue
        median, best = statistics.median(case.walls), min(case.walls)
        files, lines = (1, tree.changed_lines) if case.single_file else (tree.files, tree.lines)
        ratio = f"{fixit_median / median:.1f}x" if fixit_median else "-"
        to_floor = f"{median / floor_median:.2f}" if floor_median else "-"
        to_ruff = f"{median / ruff_median:.1f}" if ruff_median else "-"
        memory = [f"{max(case.rss_kib) / 1024:.0f}"]
        if sample:
            # a run shorter than one sample (50 ms) counts its largest process
            memory.append(f"{max(*case.tree_kib, *case.rss_kib) / 1024:.0f}")
            memory.append(f"{max(*case.tree_pss_kib, *case.rss_kib) / 1024:.0f}")
        out.append([case.title, f"{median:.3f}", f"{best:.3f}", to_floor, ratio, to_ruff, *memory,
                    f"{files / median:,.0f}", f"{lines / median:,.0f}", case.error or ""])
    return out


def header(sample: bool) -> list[str]:
    memory = ["peak MB", "all procs MB", "all procs PSS MB"] if sample else ["peak MB"]
    return ["case", "median s", "min s", "case / floor", "Fixit / case", "case / ruff", *memory,
            "files/s", "lines/s", "note"]


def print_table(table: list[list[str]], markdown: bool, sample: bool = False) -> None:
    head = header(sample)
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(head))) + "|")
        for row in table:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [head, *table]) for i in range(len(head))]
    for row in [head, *table]:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1], strict=True)]
        print("  ".join(cells) + ("  " + row[-1] if row[-1] else ""))


def targets(results: list[tuple[Tree, list[Case]]]) -> list[str]:
    """The issue's targets, judged on what was measured."""
    med = median_of
    out = []
    for tree, cases in results:
        cold4, fixit, warm, ruff, one = (med(cases, k) for k in ("cold4", "fixit", "warm", "ruff", "file"))
        cold_all, floor, whole = med(cases, "cold"), med(cases, "floor"), med(cases, "tree")
        if cold_all and floor:
            out.append(f"{tree.label}: cold, all default rules / floor (same run, same processes): "
                       f"{cold_all / floor:.2f}x ({cold_all:.3f} s / {floor:.3f} s; target <= 1.2x)")
        if cold4 and fixit:
            out.append(f"{tree.label}: cold vs Fixit, same rules: {fixit / cold4:.1f}x faster (target >= 5x)")
        if warm and ruff:
            out.append(f"{tree.label}: warm / ruff cold: {warm / ruff:.1f}x (target <= 5x)")
        if one:
            big = tree.files > 1000
            out.append(f"{tree.label}: one changed file, that file only: {one:.3f} s "
                       f"(target < {'0.6' if big else '0.3'} s{' at 20x' if big else ''})")
        if whole:
            out.append(f"{tree.label}: one changed file, whole tree: {whole:.3f} s")
        check, fix = med(cases, "cold"), med(cases, "fix")
        if check and fix:
            out.append(f"{tree.label}: --fix --unsafe-fixes / cold check: {fix / check:.2f}x (target <= 1.5x)")
        for key, title in (("base", "baseline"), ("update", "baseline --update")):
            for state, against in (("cold", check), ("warm", warm)):
                mine = med(cases, f"{key}-{state}")
                if mine and against:
                    out.append(f"{tree.label}: {title} / check, {state}: {mine / against:.2f}x (target <= 1.0x)")
        cold = next((c for c in cases if c.key == "cold" and c.rss_kib), None)
        if cold:
            summed = (f", all processes {max(cold.tree_kib) / 1024:.0f} MB (RSS; PSS, shared pages counted once: "
                      f"{max(cold.tree_pss_kib) / 1024:.0f} MB)") if any(cold.tree_kib) else ""
            out.append(f"{tree.label}: cold, all rules: peak {max(cold.rss_kib) / 1024:.0f} MB largest process"
                       f"{summed} (target < 400 MB for all processes together at 20x)")
    timed = [(t, med(c, "cold")) for t, c in results if med(c, "cold")]
    if len(timed) >= 2:
        (small, t_small), (big, t_big) = min(timed, key=lambda x: x[0].lines), max(timed, key=lambda x: x[0].lines)
        if big.lines > small.lines:
            growth = (t_big / big.lines) / (t_small / small.lines)
            out.append(f"cold, all rules: seconds per line at {big.label} / at {small.label} = {growth:.2f} "
                       f"({big.lines / small.lines:.1f}x the lines; 1.00 is linear)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, action="append", help="a synthetic tree of this scale (repeatable)")
    parser.add_argument("--tree", type=Path, action="append", help="an existing project (its app/ is copied)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each case (default 5)")
    parser.add_argument("--jobs", type=int, help="passed to hyperion-lint check --jobs")
    parser.add_argument("--markdown", action="store_true", help="print markdown tables (for RESULTS.md)")
    parser.add_argument("--cases", help="only these cases: floor,cold4,cold,warm,file,tree,fix,base-cold,base-warm,"
                        "update-cold,update-warm,fixit,ruff")
    parser.add_argument("--fixit", help="the fixit command (default: beside this Python, else PATH)")
    parser.add_argument("--ruff", help="the ruff command (default: beside this Python, else PATH)")
    parser.add_argument("--hyperion-lint", dest="hyperion_lint", help="the hyperion-lint command")
    parser.add_argument("--keep", action="store_true", help="keep the temporary trees and print where")
    parser.add_argument("--sum-rss", action="store_true",
                        help="also sample the memory of each run's whole process tree (Linux; workers included)")
    args = parser.parse_args(argv)
    # An installed package runs from its bytecode (pip compiles it; an editable install
    # writes it at the first import): a machine that sets PYTHONDONTWRITEBYTECODE would
    # have every run compile hyperion-lint's modules from source (~0.05-0.1 s) while the
    # floor's LibCST comes compiled. The tools run as on a user's machine.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    if not args.scale and not args.tree:
        args.scale = [1.0]
    tools = {"hyperion-lint": find_tool("hyperion-lint", args.hyperion_lint),
             "fixit": find_tool("fixit", args.fixit), "ruff": find_tool("ruff", args.ruff)}
    features = hyperion_features(tools["hyperion-lint"]) if tools["hyperion-lint"] else set()
    work = Path(tempfile.mkdtemp(prefix="hyperion-bench-"))
    results: list[tuple[Tree, list[Case]]] = []
    notes: list[str] = []
    try:
        specs = [(f"scale {s:g}", s, None) for s in args.scale or []]
        specs += [(f"tree {p.resolve().name}", None, p.resolve()) for p in args.tree or []]
        for index, (label, scale, source) in enumerate(specs):
            root = work / f"tree{index}"
            if source is None:
                generate.generate(root, scale=scale)
            else:
                shutil.copytree(source / "app", root / "app", ignore=shutil.ignore_patterns("__pycache__"))
                if (source / "pyproject.toml").exists():
                    shutil.copy2(source / "pyproject.toml", root / "pyproject.toml")
            tree = Tree.measure(label, root)
            print(f"{label}: {tree.files} files, {tree.lines:,} lines; changed file {tree.changed}", file=sys.stderr)
            tree_notes: list[str] = []
            cases = make_cases(tree, tools, features, args.jobs, work / f"cache{index}", tree_notes)
            notes += [n for n in tree_notes if n not in notes]
            if args.cases:
                cases = [c for c in cases if c.key in args.cases.split(",")]
            bench_tree(tree, cases, args.repeat, args.sum_rss)
            results.append((tree, cases))
    finally:
        if args.keep:
            print(f"trees kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(f"# hyperion-lint benchmark, {datetime.date.today().isoformat()}")
    print(f"machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    print("tools: " + "; ".join(f"{name}: {version_of(tool)}" for name, tool in tools.items()))
    print(f"repeats: {args.repeat} (interleaved); hyperion-lint --jobs: {args.jobs or 'default'}")
    for tree, cases in results:
        print(f"\n## {tree.label}: {tree.files} Python files, {tree.lines:,} lines "
              f"(changed file: {tree.changed})\n")
        print_table(rows(tree, cases, args.sum_rss), args.markdown, args.sum_rss)
    lines = targets(results)
    if lines or notes:
        print("\n## targets and notes\n")
        for line in [*lines, *notes]:
            print(f"- {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
