"""The rules, one per file (``hypNNN_<name>.py``), and the matchers they share."""
