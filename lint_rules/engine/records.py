"""What a cache entry keeps of a file's facts and analysis, and how it is read back.

A warm run reads an entry for every file of the project but needs, of each, only the
digest of its facts and its last result: the facts and the analysis are kept as
nested marshal blobs, so that reading an entry does not decode them. They are decoded
only when the project changed and a file's project-wide findings must be worked out
again.
"""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lint_rules.engine.cache import Record, digest
from lint_rules.engine.codec import (
    CodecError,
    decode_facts,
    decode_findings,
    decode_scopes,
    encode,
    encode_findings,
    encode_scopes,
)
from lint_rules.model import FileResult

if TYPE_CHECKING:
    from lint_rules.engine.linter import Analysis, RuleSetup
    from lint_rules.knowledge.facts import FileFacts

# What reading back a damaged entry can raise; such an entry is recomputed.
DAMAGE = (CodecError, TypeError, ValueError, AttributeError, EOFError, IndexError, KeyError)


def pack_facts(facts: FileFacts | None) -> tuple[bytes | None, str]:
    """The facts as a blob and their digest ("" for a file that does not parse)."""
    if facts is None:
        return (None, "")
    encoded = encode(facts)
    return (marshal.dumps(encoded), digest(repr(encoded).encode()))


def unpack_facts(blob: bytes) -> FileFacts:
    return decode_facts(marshal.loads(blob))


def pack(analysis: Analysis, project: str, result: FileResult) -> Record | None:
    """The analysis and the result computed from it against ``project`` (a digest of
    the project's facts, "" when no project-wide rule applies); None when a rule left
    state that cannot be stored (the file is then analysed again next time)."""
    try:
        blob = marshal.dumps(
            (
                encode_findings(analysis.findings),
                tuple(sorted(analysis.errored)),
                analysis.states,
                encode_scopes(analysis.scopes),
                analysis.parsed,
            )
        )
    except ValueError:
        return None
    return (blob, (project, encode_findings(result.findings), result.suppressed))


def cached_result(record: Any, relative: str, project: str) -> FileResult | None:
    """The result the record holds, if it was computed against ``project``."""
    try:
        _, (against, findings, suppressed) = record
        if against != project:
            return None
        return FileResult(relative, decode_findings(findings), suppressed)
    except DAMAGE:
        return None


def unpack(record: Any, relative: str, source: str, rules: Sequence[RuleSetup]) -> Analysis | None:
    """The analysis the record holds, ready for :func:`lint_rules.engine.linter.finish`."""
    from lint_rules.engine.linter import Analysis

    try:
        blob, _ = record
        findings, errored, states, scopes, parsed = marshal.loads(blob)
        return Analysis(
            relative,
            source,
            rules,
            parsed=bool(parsed),
            findings=decode_findings(findings),
            errored=frozenset(errored),
            states={code: dict(state) for code, state in states.items()},
            scopes=decode_scopes(scopes),
        )
    except DAMAGE:
        return None
