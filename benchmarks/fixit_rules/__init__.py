"""Fixit 2 rules written for the benchmark (``benchmarks/run.py``), not part of hyperion-lint.

``route_decorators.RouteDecoratorConventions`` mirrors HYP010-HYP013. Fixit finds it by
walking this package: ``PYTHONPATH=benchmarks fixit --rules fixit_rules lint app``.
"""
