"""The rules, one per file (``hypNNN_<name>.py``), and nothing else: the rule API is in
:mod:`lint_rules.rule_api`, what Hyperion code looks like in :mod:`lint_rules.knowledge`."""
