"""A baseline: the findings a team accepted when adopting hyperion-lint.

``check`` hides the findings the baseline knows and reports the rest. Entries are keyed
by meaning, not by line: the rule, the file, the enclosing ``Class.function`` and a hash
of the first line of the offending code (whitespace collapsed), with a count for
repeats. Moving code or adding lines above it keeps the key; changing the offending
code itself makes it a new finding. The file is JSON, sorted, one entry a line-block,
so that its diffs stay small.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lint_rules.engine.config import ConfigError
from lint_rules.model import META_CODE, FileResult, Finding

DEFAULT_NAME = ".hyperion-lint-baseline.json"
VERSION = 1


@dataclass(frozen=True, order=True)
class Key:
    path: str
    code: str
    scope: str
    hash: str


def key_of(finding: Finding, path: str) -> Key:
    digest = hashlib.sha256(finding.snippet.encode("utf-8")).hexdigest()[:16]
    return Key(path, finding.code, finding.scope, digest)


@dataclass
class Filtered:
    results: list[FileResult]
    hidden: int = 0
    stale: list[Key] = field(default_factory=list)


class Baseline:
    def __init__(self, entries: Counter[Key] | None = None) -> None:
        self.entries: Counter[Key] = entries or Counter()

    @classmethod
    def from_findings(cls, pairs: Iterable[tuple[Finding, str]]) -> Baseline:
        return cls(Counter(key_of(f, p) for f, p in pairs))

    # -- the file --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(f"cannot read baseline {path}: {error.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ConfigError(f"baseline {path} is not valid JSON ({error}); regenerate it with `hyperion-lint baseline`") from None
        if not isinstance(document, dict) or document.get("version") != VERSION:
            raise ConfigError(f"baseline {path} is not a version {VERSION} hyperion-lint baseline; regenerate it with `hyperion-lint baseline`")
        entries: Counter[Key] = Counter()
        try:
            for item in document["findings"]:
                key = Key(item["path"], item["code"], item["scope"], item["hash"])
                entries[key] += int(item.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"baseline {path} has a malformed entry; regenerate it with `hyperion-lint baseline`") from None
        return cls(entries)

    def dumps(self) -> str:
        items = [
            {"path": k.path, "code": k.code, "scope": k.scope, "hash": k.hash, "count": n}
            for k, n in sorted(self.entries.items())
            if n > 0
        ]
        body = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in items)
        return (
            "{\n"
            f'  "version": {VERSION},\n'
            '  "tool": "hyperion-lint",\n'
            '  "findings": [\n'
            + (body + "\n" if body else "")
            + "  ]\n}\n"
        )

    def save(self, path: Path) -> None:
        from lint_rules.engine.files import write_atomically

        if not path.exists():
            path.write_text("", encoding="utf-8")
        write_atomically(path, self.dumps())

    # -- using it ------------------------------------------------------------------------

    def match(self, keys: Sequence[Key]) -> tuple[list[Key | None], Counter[Key]]:
        """Which entry each key (a finding of this run) stands for, and the entries left
        over. An entry matches its exact key first; then, for what is left, a finding of
        the same rule in the same file and scope whose line was edited (fixing a route's
        HYP010 rewrites the decorator line its HYP012 is keyed on)."""
        remaining = Counter(self.entries)
        taken: list[Key | None] = [None] * len(keys)
        for i, key in enumerate(keys):
            if remaining[key] > 0:
                remaining[key] -= 1
                taken[i] = key
        loose: dict[tuple[str, str, str], list[Key]] = {}
        for entry, count in remaining.items():
            if count > 0:
                loose.setdefault((entry.path, entry.code, entry.scope), []).append(entry)
        for i, key in enumerate(keys):
            if taken[i] is not None:
                continue
            for entry in loose.get((key.path, key.code, key.scope), ()):
                if remaining[entry] > 0:
                    remaining[entry] -= 1
                    taken[i] = entry
                    break
        return taken, remaining

    def filter(
        self, results: Sequence[FileResult], relative: dict[str, str], linted_codes: dict[str, frozenset[str]]
    ) -> Filtered:
        """Hide known findings. ``relative`` maps a result's path to its baseline path;
        ``linted_codes`` says which codes ran on each baseline path, so that entries of
        files (or rules) this run did not look at are never called stale. A file that
        could not be read or parsed (HYP999) is always reported."""
        pairs = [
            (result, finding, key_of(finding, relative[result.path]))
            for result in results
            for finding in result.findings
            if finding.code != META_CODE
        ]
        taken, remaining = self.match([key for _, _, key in pairs])
        hidden = {id(finding) for (_, finding, _), entry in zip(pairs, taken) if entry is not None}
        out = Filtered([], hidden=len(hidden))
        for result in results:
            kept = [f for f in result.findings if id(f) not in hidden]
            out.results.append(FileResult(result.path, kept, result.suppressed, result.source))
        out.stale = sorted(
            k
            for k, n in remaining.items()
            if n > 0 and k.code in linted_codes.get(k.path, frozenset())
            for _ in range(n)
        )
        return out

    def updated(self, current: Baseline, linted_codes: dict[str, frozenset[str]], *, add: bool) -> Baseline:
        """This baseline without its stale entries (and with the new findings if ``add``).
        An entry matched by a finding whose line was edited takes that finding's key; the
        entries of files and rules this run did not check are kept as they are."""
        keys = sorted(current.entries.elements())
        taken, remaining = self.match(keys)
        entries: Counter[Key] = Counter()
        for key, entry in zip(keys, taken):
            if entry is not None or add:
                entries[key] += 1
        for entry, count in remaining.items():
            if count > 0 and entry.code not in linted_codes.get(entry.path, frozenset()):
                entries[entry] += count
        return Baseline(entries)
