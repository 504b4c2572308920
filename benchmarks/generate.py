"""Write a synthetic Hyperion-like project for benchmarking linters.

    python benchmarks/generate.py OUT_DIR [--scale 1] [--seed 0] [--modules N]

``--scale 1`` is about the size of the real Hyperion tree: ~270 Python files, ~60,000 lines,
33 endpoints files from ~100 to ~3,700 lines (and two visibility-only ones), ~580 routes.
``--scale 20`` is the same generator with 20 times the modules (``carpool``, ``carpool2``...):
~1.2M lines. ``--modules N`` takes the first N modules of the plan instead (tests). Output is
deterministic: the same arguments give byte-identical files. Prints the files, lines and
routes written. Stdlib only; the templates live next to this file (``gen_*.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_helpers  # noqa: E402
import gen_layers  # noqa: E402
from gen_infra import FILES  # noqa: E402
from gen_routes import EndpointsWriter  # noqa: E402
from gen_spec import ModuleSpec, make_plan  # noqa: E402


@dataclass
class Stats:
    """What was written."""

    files: int = 0
    lines: int = 0
    routes: int = 0
    endpoints_sizes: list[int] = field(default_factory=list)

    def summary(self) -> str:
        sizes = self.endpoints_sizes
        spread = f"{min(sizes)}-{max(sizes)}" if sizes else "-"
        return (
            f"{self.files} Python files, {self.lines} lines, {self.routes} routes; "
            f"{len(sizes)} endpoints files of {spread} lines"
        )


def module_files(spec: ModuleSpec) -> tuple[dict[str, str], int]:
    """The files of one module (project-relative path -> source) and its number of routes."""
    name, folder = spec.name, spec.folder
    writer = EndpointsWriter(spec)
    endpoints, routes = writer.write()
    files = {f"{folder}/__init__.py": "", f"{folder}/endpoints_{name}.py": endpoints}
    if spec.endpoints_lines == 0:
        return files, routes  # visibility-only: a declaration, no data
    files[f"{folder}/cruds_{name}.py"] = gen_layers.cruds(spec)
    files[f"{folder}/models_{name}.py"] = gen_layers.models(spec)
    files[f"{folder}/schemas_{name}.py"] = gen_layers.schemas(spec)
    files[f"{folder}/factory_{name}.py"] = gen_layers.factory(spec)
    if not spec.core:
        files[f"{folder}/types_{name}.py"] = gen_layers.types(spec)
    if spec.endpoints_lines >= 300:
        files[f"{folder}/utils_{name}.py"] = gen_helpers.utils(spec)
    if spec.endpoints_lines >= 1000:
        files[f"{folder}/dependencies_{name}.py"] = gen_helpers.dependencies(spec)
    if spec.separate_permissions:
        files[f"{folder}/permissions_{name}.py"] = gen_helpers.permissions(spec, writer.members)
    return files, routes


def generate(out: Path, scale: float = 1.0, seed: int = 0, modules: int | None = None) -> Stats:
    """Write the project under ``out`` and return what was written."""
    stats = Stats()

    def write(relative: str, text: str) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        if relative.endswith(".py"):
            stats.files += 1
            stats.lines += text.count("\n")

    for relative, text in FILES.items():
        write(relative, text)
    for spec in make_plan(scale=scale, seed=seed, modules=modules):
        files, routes = module_files(spec)
        stats.routes += routes
        for relative, text in files.items():
            write(relative, text)
            if "/endpoints_" in relative:
                stats.endpoints_sizes.append(text.count("\n"))
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the project into (created)")
    parser.add_argument("--scale", type=float, default=1.0, help="1: the real tree's size; 20: twenty times it")
    parser.add_argument("--seed", type=int, default=0, help="another seed gives another project of the same size")
    parser.add_argument("--modules", type=int, default=None, help="write only the first N modules of the plan")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    start = time.perf_counter()
    stats = generate(args.out, scale=args.scale, seed=args.seed, modules=args.modules)
    elapsed = time.perf_counter() - start
    print(f"{args.out}: {stats.summary()} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
