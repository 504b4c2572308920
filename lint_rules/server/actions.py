"""Code actions: a quick fix per fixable finding, a ``# noqa`` per finding, and
``source.fixAll.hyperion-lint`` (every safe fix, as ``hyperion-lint check --fix`` applies them).

Every edit refers to the document version the findings were computed on; with
``documentChanges`` the client refuses an edit for another version.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types

from lint_rules.engine.noqa import add_noqa
from lint_rules.model import Applicability, Edit, Finding
from lint_rules.server.positions import Text

QUICK_FIX = types.CodeActionKind.QuickFix.value
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.hyperion-lint"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for this kind (``source.fixAll`` includes ours)."""
    if not only:
        return True
    asked = [str(getattr(k, "value", k)) for k in only]
    return any(kind == k or kind.startswith(f"{k}.") for k in asked)


class Target:
    """The document the edits apply to, and how the client wants them sent."""

    def __init__(self, uri: str, version: int | None, text: Text, document_changes: bool) -> None:
        self.uri = uri
        self.version = version
        self.text = text
        self.document_changes = document_changes

    def text_edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(range=self.text.range(edit.start, edit.end), new_text=edit.content)

    def workspace_edit(self, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        if not self.document_changes:
            return types.WorkspaceEdit(changes={self.uri: edits})
        document = types.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)]
        )

    def rewrite(self, new: str) -> types.TextEdit | None:
        """One edit that turns the document into ``new``: the lines that differ."""
        return replacement(self.text, new)


def replacement(text: Text, new: str) -> types.TextEdit | None:
    old = text.source
    if old == new:
        return None
    before, after = _LINE.findall(old), _LINE.findall(new)
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(before), len(after)) - head
        and before[len(before) - 1 - tail] == after[len(after) - 1 - tail]
    ):
        tail += 1
    start = sum(map(len, before[:head]))
    end = len(old) - sum(map(len, before[len(before) - tail:]))
    return types.TextEdit(
        range=types.Range(start=text.position_at(start), end=text.position_at(end)),
        new_text="".join(after[head: len(after) - tail]),
    )


def quick_fix(finding: Finding, diagnostic: types.Diagnostic, target: Target) -> types.CodeAction:
    fix = finding.fix
    assert fix is not None
    safe = fix.applicability is Applicability.SAFE
    return types.CodeAction(
        title=f"{fix.title} ({finding.code}{'' if safe else ', unsafe fix'})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=safe,
        edit=target.workspace_edit([target.text_edit(e) for e in fix.edits]),
    )


def suppress(finding: Finding, diagnostic: types.Diagnostic, target: Target) -> types.CodeAction | None:
    """Add ``# noqa: CODE`` to the finding's line (HYP999 cannot be suppressed)."""
    new, changed = add_noqa(target.text.source, [finding])
    edit = target.rewrite(new) if changed else None
    if edit is None:
        return None
    return types.CodeAction(
        title=f"Suppress {finding.code} on this line (# noqa)",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=target.workspace_edit([edit]),
    )


def fix_all(target: Target, fixed: str, count: int) -> types.CodeAction | None:
    edit = target.rewrite(fixed)
    if edit is None:
        return None
    return types.CodeAction(
        title=f"hyperion-lint: apply every safe fix ({count} finding{'s' if count != 1 else ''})",
        kind=FIX_ALL,
        edit=target.workspace_edit([edit]),
    )
