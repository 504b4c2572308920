"""hyperion-lint: a static linter and architecture checker for Hyperion."""

__version__ = "0.1.0"
