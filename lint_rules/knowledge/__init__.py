"""What Hyperion code looks like, shared by the rules and the engine.

- ``matchers/``: pure functions of LibCST nodes that recognise Hyperion's shapes (routes,
  module declarations, dependencies, imports, models).
- ``facts``: the plain, cacheable facts of one file, and :class:`ProjectIndex`, which holds
  every file's facts and resolves names across files.
- ``extract``: the collector that reads a file's facts during the shared traversal.
- ``module_index``, ``permission_index``: project-wide tables derived from the facts.
- ``calls``, ``extract_calls``: the facts of each ``Depends(...)`` with its arguments, and
  of routers; ``access`` (with ``helper_access``, ``requirements``, ``mounts``): who may
  call each route, followed through dependencies and routers across files.

Nothing here knows of screens, files on disk or the command line.
"""
