"""Finds every rule class under ``lint_rules/rules`` and indexes them by code.

A rule is registered by existing: a module ``lint_rules/rules/hypNNN_<name>.py`` that
defines one ``Rule`` subclass. Nothing else has to be edited to add a rule.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from lint_rules import rules as rules_package
from lint_rules.rule_api.base import Rule


@cache
def all_rules() -> dict[str, type[Rule]]:
    """Every rule, by code, in code order."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(rules_package.__path__):
        if not info.name.startswith("hyp"):
            continue
        module = importlib.import_module(f"{rules_package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value is not Rule
                and value.__module__ == module.__name__
            ):
                if value.code in found:
                    other = found[value.code]
                    raise RuntimeError(
                        f"rule code {value.code} is used by both {other.__name__} and {value.__name__}"
                    )
                found[value.code] = value
    return dict(sorted(found.items()))


def rule_by_name_or_code(key: str) -> type[Rule] | None:
    key_upper = key.upper()
    for rule in all_rules().values():
        if rule.code == key_upper or rule.name == key:
            return rule
    return None
