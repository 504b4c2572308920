"""The floor of a cold run: one LibCST parse of each file, in as many processes as the run.

    python benchmarks/floor.py app [--jobs N]

What no LibCST-based linter can go below on a tree: the interpreter starting, LibCST
imported, every Python file under the folders given read, decoded and parsed once by
``libcst.parse_module``, shared out among ``--jobs`` processes (forked from this one, as
hyperion-lint's workers are; default: the CPUs this process may use, hyperion-lint's
default too), largest files first. Nothing else: no rule, no position, no output.
``run.py`` runs it in the same rounds as the other cases and gives every row as a ratio
to it. Needs LibCST: run it with the Python of hyperion-lint's virtual environment.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path

import libcst


def parse(path: str) -> int:
    source = Path(path).read_bytes().decode("utf-8")
    libcst.parse_module(source)
    return len(source)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args(argv)
    files = sorted({str(p) for folder in args.folders for p in folder.rglob("*.py")},
                   key=lambda p: -os.path.getsize(p))
    if args.jobs <= 1:
        total = sum(map(parse, files))
    else:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        with context.Pool(args.jobs) as pool:
            total = sum(pool.imap_unordered(parse, files))
    print(f"{len(files)} files, {total} characters parsed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
