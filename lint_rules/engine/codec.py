"""Findings, facts and scopes as nested tuples of plain values, and back.

The cache stores them with :mod:`marshal`, which keeps tuples, lists, dicts, sets and
strings apart and reads them back in C; so a dataclass is written as a *list* whose
first item names its type, and everything else keeps its own shape. Findings, read on
every warm run, have a flat encoding of their own.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any

from lint_rules.model import Applicability, Edit, Finding, Fix, Location, Position

if TYPE_CHECKING:  # engine.scopes imports LibCST, which a warm run never loads
    from lint_rules.engine.scopes import Scopes
    from lint_rules.knowledge.facts import FileFacts


@functools.cache
def _types() -> dict[str, tuple[type, tuple[str, ...], bool]]:
    """The dataclasses facts are made of, by name, with their fields and whether they can be
    made without calling ``__init__`` (loaded on first use: a warm run decodes no facts)."""
    from lint_rules.knowledge import facts

    classes = (
        facts.FileFacts,
        facts.ClassFact,
        facts.Declaration,
        facts.Member,
        facts.RouteFact,
        facts.PermissionUse,
        facts.TopicFact,
        facts.SessionFact,
        facts.InclusionFact,
        facts.LoaderFact,
        facts.DependencyCall,
        facts.RouterFact,
        Location,
        Position,
    )
    return {
        cls.__name__: (
            cls,
            tuple(f.name for f in dataclasses.fields(cls)),
            not hasattr(cls, "__slots__") and not hasattr(cls, "__post_init__"),
        )
        for cls in classes
    }


class CodecError(ValueError):
    """What was read back is not something this version wrote."""


def encode(value: Any) -> Any:
    """A value of the facts' types as nested plain values (see the module's docstring)."""
    known = _types().get(type(value).__name__)
    if known is not None and known[0] is type(value):
        return [type(value).__name__, *(encode(getattr(value, n)) for n in known[1])]
    if isinstance(value, tuple):
        return tuple(encode(v) for v in value)
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise CodecError(f"cannot encode a {type(value).__name__}")


_NESTED = (list, tuple, dict)


def decode(value: Any) -> Any:
    """The value :func:`encode` was given (the project index decodes hundreds of thousands:
    plain values are passed through without a call, and a ``Location``, the most common
    value by far, is read in one step)."""
    kind = type(value)
    if kind is list:
        name = value[0] if value else None
        if name == "Location" and len(value) == 5:
            _, path, start, end, note = value
            if (
                type(start) is list and type(end) is list and len(start) == len(end) == 3
                and start[0] == end[0] == "Position"
            ):
                return Location(path, Position(start[1], start[2]), Position(end[1], end[2]), note)
        known = _types().get(name) if isinstance(name, str) else None
        if known is None:
            raise CodecError("unknown type in the cache")
        cls, names, plain = known
        values = [decode(v) if type(v) in _NESTED else v for v in value[1:]]
        if plain and len(values) == len(names):
            # A frozen dataclass with a __dict__, no __post_init__: its fields set at once,
            # as its generated __init__ (one object.__setattr__ a field) would set them.
            made = object.__new__(cls)
            made.__dict__.update(zip(names, values))
            return made
        return cls(*values)
    if kind is tuple:
        return tuple([decode(v) if type(v) in _NESTED else v for v in value])
    if kind is dict:
        return {k: decode(v) if type(v) in _NESTED else v for k, v in value.items()}
    return value


def decode_facts(value: Any) -> FileFacts:
    facts = decode(value)
    if type(facts).__name__ != "FileFacts":
        raise CodecError("not the facts of a file")
    return facts


def encode_finding(f: Finding) -> tuple[Any, ...]:
    fix = None
    if f.fix is not None:
        edits = tuple(
            (e.start.line, e.start.column, e.end.line, e.end.column, e.content) for e in f.fix.edits
        )
        fix = (f.fix.title, f.fix.applicability.value, edits)
    related = tuple(
        (r.path, r.start.line, r.start.column, r.end.line, r.end.column, r.note) for r in f.related
    )
    return (
        f.code, f.name, f.message, f.path,
        f.start.line, f.start.column, f.end.line, f.end.column,
        f.fix_title, fix, related, f.scope, f.snippet,
    )  # fmt: skip


def decode_finding(t: tuple[Any, ...]) -> Finding:
    code, name, message, path, sl, sc, el, ec, fix_title, fix, related, scope, snippet = t
    if fix is not None:
        title, applicability, edits = fix
        fix = Fix(
            title,
            Applicability(applicability),
            tuple(Edit(Position(a, b), Position(c, d), text) for a, b, c, d, text in edits),
        )
    return Finding(
        code,
        name,
        message,
        path,
        Position(sl, sc),
        Position(el, ec),
        fix_title,
        fix,
        tuple(Location(p, Position(a, b), Position(c, d), note) for p, a, b, c, d, note in related),
        scope,
        snippet,
    )


def encode_findings(findings: list[Finding]) -> tuple[tuple[Any, ...], ...]:
    return tuple(encode_finding(f) for f in findings)


def decode_findings(data: tuple[tuple[Any, ...], ...]) -> list[Finding]:
    return [decode_finding(t) for t in data]


def encode_scopes(scopes: Scopes | None) -> tuple[Any, ...] | None:
    if scopes is None:
        return None
    return tuple((s.line, s.column, e.line, e.column, name) for s, e, name in scopes)


def decode_scopes(data: tuple[Any, ...] | None) -> Scopes | None:
    if data is None:
        return None
    return [(Position(a, b), Position(c, d), name) for a, b, c, d, name in data]
