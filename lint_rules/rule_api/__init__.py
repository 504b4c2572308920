"""What a rule is written with: the ``Rule`` base class and its ``Context``, the VALID and
INVALID cases (``Valid``, ``Invalid``), options (``Option``) and the edits a fix is made of.

A rule lives in ``lint_rules/rules/hypNNN_<name>.py`` and imports from here and from
:mod:`lint_rules.knowledge`; the engine runs it.
"""
