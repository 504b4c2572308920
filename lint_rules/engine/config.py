"""Configuration: ``[tool.hyperion-lint]`` in pyproject.toml, validated strictly.

Every problem in the file is collected and reported at once; an unknown key, an unknown
rule code or a value of the wrong type is an error that names it and lists what is valid.
Command-line flags are merged on top by the CLI through :func:`Config.merged`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11 is not supported, kept for tomli users
    import tomli as tomllib  # type: ignore[no-redef]

from lint_rules.engine.catalog import RuleInfo, catalog

SECTION = "hyperion-lint"
DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hyperion_lint_cache",
)
_SELECTOR = re.compile(r"^(ALL|HYP\d{0,3})$")
# The names of the report formats (``output-format``); lint_rules.output maps each to its module.
OUTPUT_FORMATS = ("full", "concise", "json", "json-lines", "github", "gitlab", "sarif", "junit", "pylint")


class ConfigError(Exception):
    """A configuration or usage error; the message is shown to the user as is."""


@dataclass(frozen=True)
class Config:
    root: Path
    source: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The folder that holds Hyperion's ``app/``, when it cannot be found from the files.
    project_root: Path | None = None
    # The baseline file (default: .hyperion-lint-baseline.json beside the configuration).
    baseline: Path | None = None
    # The report format when --output-format is not given (None: full).
    output_format: str | None = None
    # The line length fixes keep to: `line-length` here, else [tool.ruff] line-length, else 88.
    line_length: int = 88

    def merged(
        self,
        *,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> Config:
        """Command-line selection on top of the file: --select replaces, the others add."""
        for flag, values in (("--select", select or ()), ("--extend-select", extend_select), ("--ignore", ignore)):
            errors = _selector_errors(values, flag)
            if errors:
                raise ConfigError(errors[0])
        return replace(
            self,
            select=tuple(s.upper() for s in select) if select is not None else self.select,
            extend_select=self.extend_select + tuple(s.upper() for s in extend_select),
            ignore=self.ignore + tuple(s.upper() for s in ignore),
        )

    # -- which rules run --------------------------------------------------------------

    def enabled_codes(self) -> frozenset[str]:
        rules = catalog()
        chosen = set(_expand(self.select, rules)) if self.select is not None else {
            c for c, r in rules.items() if r.default_enabled
        }
        chosen |= _expand(self.extend_select, rules)
        chosen -= _expand(self.ignore, rules, include_opt_in=True)
        return frozenset(chosen)

    def ignored_for(self, relative_path: str) -> frozenset[str]:
        """Codes that per-file-ignores turn off for this project-relative path."""
        name = PurePosixPath(relative_path).name
        codes: set[str] = set()
        for pattern, selectors in self.per_file_ignores.items():
            if fnmatch.fnmatchcase(relative_path, pattern) or (
                "/" not in pattern and fnmatch.fnmatchcase(name, pattern)
            ):
                codes |= _expand(selectors, catalog(), include_opt_in=True)
        return frozenset(codes)


def _expand(
    selectors: Iterable[str] | None, rules: Mapping[str, RuleInfo], include_opt_in: bool = False
) -> set[str]:
    """Codes named by selectors. A prefix (``HYP01``) or ``ALL`` picks default-on rules
    (and opt-in ones only when ``include_opt_in``); an opt-in rule needs its full code."""
    out: set[str] = set()
    for selector in selectors or ():
        s = selector.upper()
        if s in rules:
            out.add(s)
            continue
        prefix = "" if s == "ALL" else s
        out |= {
            c for c, r in rules.items() if c.startswith(prefix) and (r.default_enabled or include_opt_in)
        }
    return out


def _selector_errors(values: Iterable[Any], where: str) -> list[str]:
    rules = catalog()
    errors = []
    for value in values:
        if not isinstance(value, str):
            errors.append(f"{where}: expected a rule code such as \"HYP010\", got {value!r}")
            continue
        s = value.upper()
        if not _SELECTOR.match(s) or (s != "ALL" and not any(c.startswith(s) for c in rules)):
            errors.append(
                f"{where}: unknown rule code or prefix {value!r}; "
                f"valid codes: {', '.join(rules)} (or a prefix such as HYP01, or ALL)"
            )
    return errors


# -- reading the file -----------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.hyperion-lint] table,
    else the nearest pyproject.toml at all (the project root, with default settings)."""
    start = start if start.is_dir() else start.parent
    nearest: Path | None = None
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            nearest = nearest or candidate
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if f"[tool.{SECTION}" in text or f'[tool."{SECTION}"' in text:
                return candidate
    return nearest


def load_config(path: Path | None, *, default_root: Path) -> Config:
    if path is None:
        return Config(root=default_root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config file {path} is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    tool = data.get("tool", {})
    table = tool.get(SECTION, {}) if isinstance(tool, Mapping) else {}
    if not isinstance(table, Mapping):
        raise ConfigError(
            f"{path}: [tool.{SECTION}] must be a table of settings, got {type(table).__name__} {table!r}"
        )
    if path.name != "pyproject.toml" and not table:
        # A dedicated file (hyperion-lint.toml) may hold the settings at top level.
        table = data
    ruff = tool.get("ruff", {}) if isinstance(tool, Mapping) else {}
    ruff_length = ruff.get("line-length") if isinstance(ruff, Mapping) else None
    return parse_table(
        table,
        root=path.parent.resolve(),
        source=path,
        line_length=ruff_length if isinstance(ruff_length, int) and not isinstance(ruff_length, bool) and ruff_length > 0 else 88,
    )


_KEYS = {
    "select": "list of rule codes or prefixes",
    "extend-select": "list of rule codes or prefixes",
    "ignore": "list of rule codes or prefixes",
    "per-file-ignores": "table of glob = list of codes",
    "exclude": "list of gitignore-style patterns",
    "extend-exclude": "list of gitignore-style patterns",
    "rules": "table of per-rule option tables, e.g. [tool.hyperion-lint.rules.HYP020]",
    "root": "path of the folder that holds Hyperion's app/ (default: found from the files)",
    "baseline": "path of the baseline file (default: .hyperion-lint-baseline.json)",
    "output-format": f"one of {', '.join(OUTPUT_FORMATS)} (default: full)",
    "line-length": "the line length fixes keep to (default: [tool.ruff] line-length, else 88)",
}


def _string_list(value: Any, where: str, errors: list[str]) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    errors.append(f"{where}: expected a list of strings, got {type(value).__name__} {value!r}")
    return ()


def parse_table(table: Mapping[str, Any], *, root: Path, source: Path | None, line_length: int = 88) -> Config:
    in_pyproject = source is None or source.name == "pyproject.toml"
    where = f"[tool.{SECTION}]" if in_pyproject else str(source)
    # How the per-rule tables are written where the settings are: a dedicated file
    # (hyperion-lint.toml) holds them at top level, ``[rules.HYP020]``.
    rules_table = f"tool.{SECTION}.rules" if in_pyproject else "rules"
    errors: list[str] = []
    for key in table:
        if key not in _KEYS:
            errors.append(
                f"{where}: unknown key {key!r}; valid keys: {', '.join(_KEYS)}"
            )
    select = None
    if "select" in table:
        select = _string_list(table["select"], f"{where} select", errors)
        errors += _selector_errors(select, f"{where} select")
    extend_select = _string_list(table.get("extend-select", []), f"{where} extend-select", errors)
    errors += _selector_errors(extend_select, f"{where} extend-select")
    ignore = _string_list(table.get("ignore", []), f"{where} ignore", errors)
    errors += _selector_errors(ignore, f"{where} ignore")
    exclude = (
        _string_list(table["exclude"], f"{where} exclude", errors) if "exclude" in table else DEFAULT_EXCLUDE
    )
    extend_exclude = _string_list(table.get("extend-exclude", []), f"{where} extend-exclude", errors)

    project_root = None
    if "root" in table:
        if isinstance(table["root"], str):
            project_root = (root / table["root"]).resolve()
        else:
            errors.append(f"{where} root: expected a path as a string, got {table['root']!r}")

    baseline = None
    if "baseline" in table:
        if isinstance(table["baseline"], str):
            baseline = (root / table["baseline"]).resolve()
        else:
            errors.append(f"{where} baseline: expected a path as a string, got {table['baseline']!r}")

    output_format = table.get("output-format")
    if output_format is not None and output_format not in OUTPUT_FORMATS:
        errors.append(
            f"{where} output-format: unknown format {output_format!r}; valid values: {', '.join(OUTPUT_FORMATS)}"
        )
        output_format = None

    if "line-length" in table:
        value = table["line-length"]
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 1000:
            line_length = value
        else:
            errors.append(f"{where} line-length: expected a positive integer, got {value!r}")

    per_file: dict[str, tuple[str, ...]] = {}
    raw_pfi = table.get("per-file-ignores", {})
    if not isinstance(raw_pfi, Mapping):
        errors.append(f"{where} per-file-ignores: expected a table of glob = [codes]")
    else:
        for glob, codes in raw_pfi.items():
            label = f"{where} per-file-ignores {glob!r}"
            parsed = _string_list(codes, label, errors)
            errors += _selector_errors(parsed, label)
            per_file[glob] = tuple(c.upper() for c in parsed)

    options: dict[str, dict[str, Any]] = {}
    raw_rules = table.get("rules", {})
    if not isinstance(raw_rules, Mapping):
        errors.append(f"{where} rules: expected a table of [{rules_table}.HYPxxx] tables")
        raw_rules = {}
    rules = catalog()
    for code, values in raw_rules.items():
        rule = rules.get(code.upper())
        label = f"[{rules_table}.{code}]" if in_pyproject else f"{source} [{rules_table}.{code}]"
        if rule is None:
            errors.append(f"{label}: unknown rule code {code!r}; valid codes: {', '.join(rules)}")
            continue
        if not isinstance(values, Mapping):
            errors.append(f"{label}: expected a table of options")
            continue
        known = {o.name: o for o in rule.options}
        for name, value in values.items():
            option = known.get(name)
            if option is None:
                valid = ", ".join(known) if known else "none (this rule has no options)"
                errors.append(f"{label}: unknown option {name!r}; valid options: {valid}")
                continue
            problem = option.check(value)
            if problem:
                errors.append(f"{label} {name}: expected {problem}, got {value!r}")
        options[rule.code] = dict(values)

    if errors:
        raise ConfigError("\n".join(errors))
    return Config(
        root=root,
        source=source,
        select=tuple(s.upper() for s in select) if select is not None else None,
        extend_select=tuple(s.upper() for s in extend_select),
        ignore=tuple(s.upper() for s in ignore),
        per_file_ignores=per_file,
        exclude=exclude,
        extend_exclude=extend_exclude,
        rule_options=options,
        project_root=project_root,
        baseline=baseline,
        output_format=output_format,
        line_length=line_length,
    )
