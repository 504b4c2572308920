"""What the engine must know about each rule before running any: plain data.

Choosing the rules (the configuration, ``--select``), finding the files they apply to and
keying the cache need each rule's code, name, defaults, file patterns and options, but
not its code. Loading the rule classes imports LibCST (about 0.2 s), which a run served
entirely from the cache must not pay; so the catalogue is built from the classes once
and then read back from the cache (see :mod:`lint_rules.engine.cache`), keyed by the
fingerprint of the installed sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lint_rules.rule_api.options import Option


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    default_enabled: bool
    # Glob patterns on the file name, or (with a ``/``) on the project-relative path.
    applies_to: tuple[str, ...]
    needs_project: bool
    judges_suppressions: bool
    options: tuple[Option, ...]

    def as_data(self) -> tuple[Any, ...]:
        """Marshal-friendly: nested tuples of str, bool and option defaults."""
        options = tuple((o.name, o.type, o.default, o.help) for o in self.options)
        return (
            self.code,
            self.name,
            self.default_enabled,
            self.applies_to,
            self.needs_project,
            self.judges_suppressions,
            options,
        )

    @classmethod
    def from_data(cls, data: tuple[Any, ...]) -> RuleInfo:
        code, name, default_enabled, applies_to, needs_project, judges, options = data
        return cls(
            code=code,
            name=name,
            default_enabled=default_enabled,
            applies_to=tuple(applies_to),
            needs_project=needs_project,
            judges_suppressions=judges,
            options=tuple(Option(*o) for o in options),
        )


Catalog = Mapping[str, RuleInfo]

_loaded: dict[str, RuleInfo] | None = None


def from_registry() -> dict[str, RuleInfo]:
    """The catalogue read from the rule classes themselves (imports every rule)."""
    from lint_rules.engine.registry import all_rules

    return {
        code: RuleInfo(
            code=code,
            name=rule.name,
            default_enabled=rule.default_enabled,
            applies_to=tuple(rule.applies_to),
            needs_project=rule.needs_project,
            judges_suppressions=rule.judges_suppressions,
            options=tuple(rule.options),
        )
        for code, rule in all_rules().items()
    }


def catalog() -> dict[str, RuleInfo]:
    """Every rule's metadata, by code, in code order: the one given to :func:`use`, or
    else the one built from the rule classes."""
    global _loaded
    if _loaded is None:
        _loaded = from_registry()
    return _loaded


def use(rules: Mapping[str, RuleInfo]) -> None:
    """Take this catalogue (read back from the cache) instead of loading the rules."""
    global _loaded
    _loaded = dict(rules)


def known_codes() -> frozenset[str]:
    from lint_rules.model import META_CODE

    return frozenset(catalog()) | {META_CODE}


class _CatalogStore(Protocol):
    def catalog(self) -> tuple[Any, ...] | None: ...

    def put_catalog(self, data: tuple[Any, ...]) -> None: ...


def load_cached(store: _CatalogStore) -> None:
    """Use the catalogue the cache holds for this version of hyperion-lint; when it holds
    none (or one that cannot be read), build it from the rules and store it."""
    data = store.catalog()
    if data is not None:
        try:
            use({item[0]: RuleInfo.from_data(item) for item in data})
            return
        except (TypeError, ValueError, IndexError):
            pass
    store.put_catalog(tuple(info.as_data() for info in catalog().values()))
